#!/bin/sh
# Installs nbgate: the binary, its OCR models, and its git hooks.
#
#   ./install.sh                   binary (cargo install) and OCR models
#   ./install.sh --binary          the binary only
#   ./install.sh --ocr-models      the OCR models only (scripts/fetch-ocr-models.sh)
#   ./install.sh --hook [REPO]     nbgate's pre-commit hook into REPO (default: here)
#   ./install.sh --server BARE     nbgate's pre-receive hook into a bare repository
#
# Options combine. Running it again changes nothing. A hook that is already
# there and is not nbgate's is kept, renamed NAME.nbgate-chained, and run
# before nbgate; it is never overwritten. Hooks go where git looks for them
# (core.hooksPath is honoured).
set -eu

here=$(cd "$(dirname "$0")" && pwd)

usage() {
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
}

say() {
    printf 'install.sh: %s\n' "$*"
}

die() {
    printf 'install.sh: error: %s\n' "$*" >&2
    exit 1
}

want_binary=0
want_models=0
hook_repos=""
server_repos=""
any=0
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) want_binary=1 ;;
        --ocr-models) want_models=1 ;;
        --hook)
            if [ $# -gt 1 ] && [ "${2#-}" = "$2" ]; then
                hook_repos="$hook_repos
$2"
                shift
            else
                hook_repos="$hook_repos
."
            fi
            ;;
        --server)
            [ $# -gt 1 ] || die "--server needs the path of a bare repository"
            server_repos="$server_repos
$2"
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) die "unknown option \`$1\` (see --help)" ;;
    esac
    any=1
    shift
done
if [ "$any" = 0 ]; then
    want_binary=1
    want_models=1
fi

cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"

install_binary() {
    command -v cargo >/dev/null 2>&1 ||
        die "cargo was not found; install Rust from https://rustup.rs and run this again"
    say "building and installing the nbgate binary (cargo install --path . --locked)"
    (cd "$here" && cargo install --quiet --path . --locked)
    case ":$PATH:" in
        *":$cargo_bin:"*) ;;
        *)
            say "note: $cargo_bin is not on your PATH; add this line to your shell's profile:"
            say "  export PATH=\"$cargo_bin:\$PATH\""
            ;;
    esac
}

fetch_models() {
    script="$here/scripts/fetch-ocr-models.sh"
    if [ ! -f "$script" ]; then
        say "note: $script is not there, so the OCR models were not fetched;"
        say "      images in notebooks are listed as not read until the models are installed"
        return 0
    fi
    say "fetching the OCR models ($script)"
    if [ -x "$script" ]; then
        "$script"
    else
        sh "$script"
    fi
}

# The nbgate the hooks will run: $NBGATE, then PATH, then cargo's folder.
find_binary() {
    if [ -n "${NBGATE:-}" ]; then
        command -v "$NBGATE" 2>/dev/null && return 0
        die "NBGATE is set to \`$NBGATE\`, which is not an executable"
    fi
    command -v nbgate 2>/dev/null && return 0
    if [ -x "$cargo_bin/nbgate" ]; then
        printf '%s\n' "$cargo_bin/nbgate"
        return 0
    fi
    return 1
}

# install_hook NAME GIT_REPO BINARY
install_hook() {
    name=$1
    repo=$2
    binary=$3
    [ -d "$repo" ] || die "$repo: no such folder"
    hooks=$(cd "$repo" && git rev-parse --git-path hooks) ||
        die "$repo: not a git repository"
    case "$hooks" in
        /*) ;;
        *) hooks="$(cd "$repo" && pwd)/$hooks" ;;
    esac
    mkdir -p "$hooks"
    target="$hooks/$name"
    chained="$target.nbgate-chained"

    case "$binary" in
        *'"'* | *'$'* | *'`'* | *'\'*)
            die "the path $binary holds a character that cannot go into a shell script" ;;
    esac
    new="$target.nbgate-new.$$"
    while IFS= read -r line || [ -n "$line" ]; do
        if [ "$line" = 'nbgate="${NBGATE:-nbgate}"' ]; then
            printf 'nbgate="${NBGATE:-%s}"\n' "$binary"
        else
            printf '%s\n' "$line"
        fi
    done <"$here/hooks/$name" >"$new"
    chmod 755 "$new"

    if [ -e "$target" ] || [ -L "$target" ]; then
        if grep -q 'nbgate-hook' "$target" 2>/dev/null; then
            if cmp -s "$new" "$target"; then
                rm -f "$new"
                say "$target: already installed"
                return 0
            fi
        elif [ -e "$chained" ] || [ -L "$chained" ]; then
            rm -f "$new"
            die "$target is not nbgate's and $chained exists already; merge them by hand"
        else
            mv "$target" "$chained"
            say "$target: the existing hook is kept as $chained and runs first"
        fi
    fi
    mv "$new" "$target"
    say "$target: installed (runs $binary)"
}

if [ "$want_binary" = 1 ]; then
    install_binary
fi
if [ "$want_models" = 1 ]; then
    fetch_models
fi

if [ -n "$hook_repos$server_repos" ]; then
    if ! binary=$(find_binary); then
        install_binary
        binary=$(find_binary) || die "nbgate was installed but cannot be found; is $cargo_bin on PATH?"
    fi
    case "$binary" in
        /*) ;;
        *) binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")" ;;
    esac
    printf '%s\n' "$hook_repos" | while IFS= read -r repo; do
        if [ -n "$repo" ]; then
            install_hook pre-commit "$repo" "$binary"
        fi
    done
    printf '%s\n' "$server_repos" | while IFS= read -r repo; do
        if [ -n "$repo" ]; then
            [ "$(git -C "$repo" rev-parse --is-bare-repository 2>/dev/null)" = true ] ||
                die "$repo: not a bare repository (--server installs the pre-receive hook of a server's repository)"
            install_hook pre-receive "$repo" "$binary"
        fi
    done
    if [ -n "$server_repos" ]; then
        say "for break-glass pushes (git push -o nbgate.bypass=\"why\"), the server needs"
        say "  git config receive.advertisePushOptions true"
    fi
fi
