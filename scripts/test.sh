#!/usr/bin/env bash
# The whole test suite: the OCR models the tests read (fetched once, checked
# against their SHA-256 sums), then formatting, lints, unit and integration
# tests. CI runs this same script through .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
# A clean checkout builds once: incremental state would only cost time there.
if [ "${CI:-}" = true ]; then export CARGO_INCREMENTAL=0; fi
./install.sh --ocr-models
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
