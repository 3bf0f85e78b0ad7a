#!/usr/bin/env bash
# Runs nbgate's benchmarks in one go: builds nbgate (release), installs the
# scanners users would otherwise run (detect-secrets, secretlint) into
# bench/out, generates the labelled set, times every tool on the real corpus
# and on the labelled set, scores recall and precision, and writes
# bench/out/results.md.
#
# Environment:
#   NBGATE=path   use this nbgate binary instead of building one
#   CORPUS=dir    the real corpus (default: ../shared/corpus/real from the repo root)
#   RUNS=n        timed runs per tool and data set; the best is kept (default 3)
#   SKIP_OCR=1    skip the extra nbgate run with OCR on
#
# A competitor that cannot be installed is reported as unavailable, not an error.
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
out="$here/out"
runs=${RUNS:-3}
corpus=${CORPUS:-$repo/../shared/corpus/real}
mkdir -p "$out"
score() { python3 "$here/score.py" "$@"; }
say() { printf '\n== %s\n' "$*" >&2; }

if [ ! -d "$corpus" ]; then
    echo "run.sh: no real corpus at $corpus (set CORPUS=dir)" >&2
    exit 2
fi
corpus=$(cd "$corpus" && pwd)

# 0. The benchmark's own tools, checked first (under a second).
python3 -B "$here/test_bench.py" -q 2>/dev/null || { echo "run.sh: bench/test_bench.py fails" >&2; exit 2; }

# 1. nbgate, release build unless a binary is given.
if [ -z "${NBGATE:-}" ]; then
    say "building nbgate (cargo build --release)"
    (cd "$repo" && cargo build --release) || { echo "run.sh: cargo build failed" >&2; exit 2; }
    NBGATE="$repo/target/release/nbgate"
fi
NBGATE=$(cd "$(dirname "$NBGATE")" && pwd)/$(basename "$NBGATE")
if [ ! -x "$NBGATE" ]; then
    echo "run.sh: $NBGATE is not an executable" >&2
    exit 2
fi

# 2. Competitors, each in bench/out; failures leave them unavailable.
say "installing competitors"
detect_secrets="$out/venv/bin/detect-secrets"
if [ ! -x "$detect_secrets" ]; then
    { python3 -m venv "$out/venv" && "$out/venv/bin/pip" install -q detect-secrets==1.5.0; } \
        || echo "run.sh: detect-secrets could not be installed; reported as unavailable" >&2
fi
secretlint="$out/npm/node_modules/.bin/secretlint"
if [ ! -x "$secretlint" ]; then
    npm install --prefix "$out/npm" --no-audit --no-fund \
        secretlint @secretlint/secretlint-rule-preset-recommend >/dev/null \
        || echo "run.sh: secretlint could not be installed; reported as unavailable" >&2
fi
echo '{"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}' >"$out/secretlintrc.json"

# 3. The labelled set.
say "generating the labelled set"
python3 "$here/make_labelled.py" --out "$out/labelled" || exit 2
labelled="$out/labelled"

# 4. Timings. Every tool reads only the notebooks: detect-secrets skips the
# corpus's .json/.md notes and labels.json; nbgate is given the labelled files
# by name because bench/out is git-ignored and nbgate honours .gitignore.
say "timing (best of $runs; each output is kept in bench/out)"
timings="$out/timings.jsonl"
rm -f "$timings"
time_tool() { # tool dataset cwd output -- command...
    local tool=$1 dataset=$2 cwd=$3 output=$4
    shift 4
    score time --tool "$tool" --dataset "$dataset" --runs "$runs" --cwd "$cwd" \
        --stdout "$output" --log "$timings" "$@"
}
labelled_files=()
while IFS= read -r f; do labelled_files+=("$f"); done \
    < <(cd "$labelled" && ls -1 -- *.ipynb)

for dataset in real labelled; do
    if [ "$dataset" = real ]; then dir=$corpus; nb_args=(.); else dir=$labelled; nb_args=("${labelled_files[@]}"); fi
    time_tool nbgate "$dataset" "$dir" "$out/nbgate-$dataset.json" -- \
        "$NBGATE" scan --ocr off --format json --color never "${nb_args[@]}"
    if [ -x "$detect_secrets" ]; then
        time_tool detect-secrets "$dataset" "$dir" "$out/detect-secrets-$dataset.json" --ok 0 -- \
            "$detect_secrets" scan --all-files --exclude-files '\.(json|md)$' .
    fi
    if [ -x "$secretlint" ]; then
        time_tool secretlint "$dataset" "$dir" "$out/secretlint-$dataset.json" -- \
            "$secretlint" --secretlintrc "$out/secretlintrc.json" --format json '**/*.ipynb'
    fi
done

# nbgate with OCR, once, when models are installed (reported apart: it reads images).
models=${NBGATE_OCR_MODELS:-${XDG_DATA_HOME:-$HOME/.local/share}/nbgate/ocr}
if [ -z "${SKIP_OCR:-}" ] && ls "$models"/*.onnx >/dev/null 2>&1; then
    say "nbgate with OCR auto (models in $models), one run"
    RUNS_SAVED=$runs; runs=1
    time_tool "nbgate --ocr auto" real "$corpus" "$out/nbgate-ocr-real.json" -- \
        "$NBGATE" scan --ocr auto --format json --color never .
    time_tool "nbgate --ocr auto" labelled "$labelled" "$out/nbgate-ocr-labelled.json" -- \
        "$NBGATE" scan --ocr auto --format json --color never "${labelled_files[@]}"
    runs=$RUNS_SAVED
fi

# 5. Scores.
say "scoring"
tools=(nbgate detect-secrets secretlint)
spec() { echo "$1=$1:$out/$1-$2.json"; }
score corpus --known "$corpus/known_matches.json" --json "$out/corpus.json" \
    --tool "$(spec nbgate real)" --tool "$(spec detect-secrets real)" \
    --tool "$(spec secretlint real)" --tool "nbgate --ocr auto=nbgate:$out/nbgate-ocr-real.json"
score labelled --labels "$labelled/labels.json" --json "$out/labelled.json" \
    --markdown "$out/labelled.md" \
    --tool "$(spec nbgate labelled)" --tool "$(spec detect-secrets labelled)" \
    --tool "$(spec secretlint labelled)" >/dev/null

# 6. The table and results.md.
say "results"
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
if [ "$NBGATE" = "$repo/target/release/nbgate" ]; then
    commit="commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
else
    commit="given by NBGATE"
fi
version=$("$NBGATE" --version 2>/dev/null || echo "nbgate (version unknown)")
ds_version=$([ -x "$detect_secrets" ] && "$detect_secrets" --version 2>/dev/null || echo unavailable)
sl_version=$([ -x "$secretlint" ] && "$secretlint" --version 2>/dev/null || echo unavailable)
score report --timings "$timings" --labelled "$out/labelled.json" --labelled-md "$out/labelled.md" \
    --corpus "$out/corpus.json" --tools "${tools[@]}" --out "$out/results.md" \
    --meta "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
    --meta "machine=$(nproc) cores ($cpu), load average $load at the end" \
    --meta "nbgate=$version ($NBGATE, $commit); detect-secrets $ds_version; secretlint $sl_version" \
    --meta "noise=the machine is shared; CPU time is steadier than wall time" \
    --meta "runs=$runs"
echo "wrote $out/results.md" >&2
