#!/usr/bin/env bash
# Fetches the OCR models nbgate reads images with, once, and checks them.
#
# The PP-OCRv6 small detection and recognition models, in ONNX form, ship
# inside the `rapidocr` 3.10.0 wheel on PyPI (Apache-2.0). This script
# downloads that wheel with pip, checks its SHA-256 and the two models', and
# copies the models, the wheel's licence and its model licence notice into
# the model folder:
#
#   1. the first argument, if given;
#   2. otherwise $NBGATE_OCR_MODELS, if set;
#   3. otherwise ${XDG_DATA_HOME:-$HOME/.local/share}/nbgate/ocr.
#
# When both models are already there with the right sums it does nothing.
# Needs python3 with pip, and network access to PyPI the first time.
set -euo pipefail

WHEEL_VERSION="3.10.0"
WHEEL_SHA256="2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050"
DET_NAME="PP-OCRv6_det_small.onnx"
DET_SHA256="090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f"
REC_NAME="PP-OCRv6_rec_small.onnx"
REC_SHA256="6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884"

fail() {
    echo "fetch-ocr-models: $*" >&2
    exit 1
}

case "${1:-}" in
-h | --help)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac

dest="${1:-${NBGATE_OCR_MODELS:-${XDG_DATA_HOME:-$HOME/.local/share}/nbgate/ocr}}"

# sha256 FILE: prints the file's SHA-256, with whichever tool this system has.
sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d' ' -f1
    else
        python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
    fi
}

# has_model NAME SUM: true when the destination holds NAME with that sum.
has_model() {
    [ -f "$dest/$1" ] && [ "$(sha256 "$dest/$1")" = "$2" ]
}

if has_model "$DET_NAME" "$DET_SHA256" && has_model "$REC_NAME" "$REC_SHA256"; then
    echo "fetch-ocr-models: models already in $dest"
    exit 0
fi

command -v python3 >/dev/null 2>&1 || fail "python3 is needed to download the models (pip download)"
python3 -m pip --version >/dev/null 2>&1 || fail "pip is needed: install python3-pip, then run this again"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "fetch-ocr-models: downloading rapidocr $WHEEL_VERSION from PyPI"
python3 -m pip download --quiet --no-deps --only-binary=:all: \
    "rapidocr==$WHEEL_VERSION" -d "$tmp" ||
    fail "pip could not download rapidocr==$WHEEL_VERSION; check network access to PyPI (or a pip index set in pip.conf)"

wheel="$(find "$tmp" -maxdepth 1 -name "rapidocr-$WHEEL_VERSION-*.whl" | head -n 1)"
[ -n "$wheel" ] || fail "pip finished but left no rapidocr wheel in $tmp"
got="$(sha256 "$wheel")"
[ "$got" = "$WHEEL_SHA256" ] ||
    fail "$(basename "$wheel") has SHA-256 $got, expected $WHEEL_SHA256; not using it"

# Unpack only the files needed, into the temporary folder first, so a failed
# check never leaves a half-written model where nbgate looks.
python3 - "$wheel" "$tmp/out" "$DET_NAME" "$REC_NAME" <<'EOF' || fail "cannot unpack $(basename "$wheel")"
import sys, zipfile, os
wheel, out, *models = sys.argv[1:]
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(wheel) as archive:
    names = archive.namelist()
    for model in models:
        member = "rapidocr/models/" + model
        if member not in names:
            sys.exit(f"{member} is not in the wheel")
        with open(os.path.join(out, model), "wb") as f:
            f.write(archive.read(member))
    # The Apache-2.0 licence, and the notice naming the models' authors.
    for name in ("LICENSE", "MODEL_LICENSES.md"):
        member = next((n for n in names if n.endswith(".dist-info/licenses/" + name)), None)
        if member:
            with open(os.path.join(out, name), "wb") as f:
                f.write(archive.read(member))
EOF

for pair in "$DET_NAME:$DET_SHA256" "$REC_NAME:$REC_SHA256"; do
    name="${pair%%:*}"
    want="${pair#*:}"
    got="$(sha256 "$tmp/out/$name")"
    [ "$got" = "$want" ] || fail "$name has SHA-256 $got, expected $want; not installing it"
done

mkdir -p "$dest" || fail "cannot create $dest"
for name in "$DET_NAME" "$REC_NAME" LICENSE MODEL_LICENSES.md; do
    [ -f "$tmp/out/$name" ] || continue
    # Copy then rename, so nbgate never sees a half-copied model.
    cp "$tmp/out/$name" "$dest/.$name.tmp" || fail "cannot write to $dest"
    mv -f "$dest/.$name.tmp" "$dest/$name" || fail "cannot write to $dest"
done
echo "fetch-ocr-models: models installed in $dest"
