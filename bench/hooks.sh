#!/usr/bin/env bash
# Wall time of the git hooks on a release build:
#   1. `nbgate pre-commit` with one changed notebook of about 1 MB staged;
#   2. `nbgate pre-receive` of 1,000 new commits, each changing a notebook,
#      run directly and through a real `git push` (quarantine included).
# Prints the median of several runs. Needs git and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${RUNS:-5}

# NBGATE_BIN picks another build (say target/debug/nbgate, to try the script).
nbgate=${NBGATE_BIN:-$root/target/release/nbgate}
if [ -z "${NBGATE_BIN:-}" ]; then
    cargo build --release --locked
fi
out="$root/bench/out/hooks"
rm -rf "$out"
mkdir -p "$out/home"
export HOME="$out/home" GIT_CONFIG_NOSYSTEM=1 NBGATE="$nbgate" NO_COLOR=1
git config --global user.name Bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# time_ms CMD...: one run's wall time in milliseconds (exit status ignored).
time_ms() {
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}

# A notebook of about SIZE bytes: code cells with outputs, one cell varying.
make_notebook() {
    python3 - "$1" "$2" <<'PY'
import json, sys
size, salt = int(sys.argv[1]), sys.argv[2]
cells, total, i = [], 0, 0
while total < size:
    src = [f"df_{i} = load('table_{i}.csv')  # {salt}\n", f"df_{i}.describe()\n"]
    out = [{"output_type": "stream", "name": "stdout",
            "text": [f"row {j}: value {j * 3.14159:.4f} ok\n" for j in range(40)]}]
    cell = {"cell_type": "code", "execution_count": i, "id": f"c{i}",
            "metadata": {}, "outputs": out, "source": src}
    cells.append(cell)
    total += len(json.dumps(cell, indent=1)) + 2
    i += 1
print(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
PY
}

echo "== pre-commit: one changed notebook of about 1 MB"
repo="$out/precommit"
git init -q "$repo"
make_notebook 1000000 first >"$repo/big.ipynb"
for i in $(seq 1 200); do mkdir -p "$repo/src/d$((i % 20))"; echo "x = $i" >"$repo/src/d$((i % 20))/f$i.py"; done
git -C "$repo" add -A
git -C "$repo" commit -q -m start
make_notebook 1000000 second >"$repo/big.ipynb"
git -C "$repo" add big.ipynb
echo "notebook bytes: $(wc -c <"$repo/big.ipynb")"
(cd "$repo" && "$nbgate" pre-commit --ocr off | tail -1)
times=$(for _ in $(seq "$runs"); do (cd "$repo" && time_ms "$nbgate" pre-commit --ocr off); done)
echo "pre-commit median: $(echo "$times" | median) ms (runs: $(echo $times))"

echo "== pre-receive: 1,000 new commits, each changing one of 20 notebooks"
src="$out/pushsrc"
git init -q "$src"
for n in $(seq 0 19); do make_notebook 8000 "nb$n" >"$out/nb$n.json"; done
python3 - "$out" <<'PY' | git -C "$src" fast-import --quiet
import sys, json
out = sys.argv[1]
base = [open(f"{out}/nb{n}.json").read() for n in range(20)]
mark = 0
for c in range(1000):
    n = c % 20
    nb = json.loads(base[n])
    nb["cells"][0]["source"][0] = f"step = {c}\n"
    data = json.dumps(nb, indent=1).encode()
    print("commit refs/heads/main")
    print(f"committer Bench <bench@example.com> {1700000000 + c} +0000")
    msg = f"step {c}".encode()
    print(f"data {len(msg)}"); sys.stdout.flush(); sys.stdout.buffer.write(msg + b"\n")
    print(f"M 100644 inline notebooks/nb{n:02}.ipynb")
    print(f"data {len(data)}"); sys.stdout.flush(); sys.stdout.buffer.write(data + b"\n")
    sys.stdout.flush()
PY
echo "commits: $(git -C "$src" rev-list --count main)"
tip=$(git -C "$src" rev-parse main)

# Direct: the objects are in the server's repository, no ref names them yet.
srv="$out/direct.git"
git init -q --bare "$srv"
git -C "$src" push -q "$srv" main:refs/heads/incoming
git -C "$srv" update-ref -d refs/heads/incoming
line="0000000000000000000000000000000000000000 $tip refs/heads/main"
(cd "$srv" && echo "$line" | GIT_DIR=. "$nbgate" pre-receive | tail -1)
times=$(for _ in $(seq "$runs"); do (cd "$srv" && time_ms sh -c "echo '$line' | GIT_DIR=. '$nbgate' pre-receive"); done)
echo "pre-receive (direct) median: $(echo "$times" | median) ms (runs: $(echo $times))"

# Through git push, with and without the hook, into fresh bare repositories.
with=()
without=()
for r in $(seq "$runs"); do
    git init -q --bare "$out/with$r.git"
    cp hooks/pre-receive "$out/with$r.git/hooks/pre-receive"
    git init -q --bare "$out/without$r.git"
    with+=("$(time_ms git -C "$src" push -q "$out/with$r.git" main)")
    without+=("$(time_ms git -C "$src" push -q "$out/without$r.git" main)")
done
git -C "$out/with1.git" rev-parse --verify -q main >/dev/null && echo "push with hook: accepted"
echo "git push with the hook median: $(printf '%s\n' "${with[@]}" | median) ms (runs: ${with[*]})"
echo "git push without a hook median: $(printf '%s\n' "${without[@]}" | median) ms (runs: ${without[*]})"
