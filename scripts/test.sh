#!/usr/bin/env bash
# Runs every test of watchfloor on a fresh machine: formatting, lints, Rust
# unit and integration tests, fuzz smoke runs, and the interop suite with
# real TAK clients (pytak, takproto, node-tak) against the real server binary.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=never

# Each step says when it starts, so a slow CI run shows where its time went.
step() { printf '\n=== %s (at %d s) ===\n' "$*" "$SECONDS"; }
trap 'printf "\n=== done in %d s ===\n" "$SECONDS"' EXIT

# Where cargo puts its binaries: ./target unless CARGO_TARGET_DIR or a cargo
# config says otherwise, so ask cargo.
TARGET_DIR=$(bash scripts/cargo-target-dir.sh)
export WATCHFLOOR_BIN="$TARGET_DIR/debug/watchfloor"

# Tests that read the shared recordings (../shared/data, or
# $WATCHFLOOR_SHARED_DATA) are #[ignore = "needs ../shared/data"]: they run
# here when the folder exists, and are counted as skipped when it does not.
SHARED_DATA=${WATCHFLOOR_SHARED_DATA:-$ROOT/../shared/data}
if [ -d "$SHARED_DATA" ]; then
    export WATCHFLOOR_SHARED_DATA=$SHARED_DATA
    NEXTEST_IGNORED=(--run-ignored all)
    CARGO_TEST_IGNORED=(--include-ignored)
    NEEDS_DATA=0
else
    NEXTEST_IGNORED=()
    CARGO_TEST_IGNORED=()
    NEEDS_DATA=$(grep -rF '#[ignore = "needs ../shared/data"]' crates --include='*.rs' | wc -l)
fi

step "python venv for the interop clients"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r tests/interop/requirements.txt

step "web page dependencies (npm, from web/package-lock.json)"
# The webui crate's build script builds the page with them and embeds it.
(cd web && npm ci --no-audit --no-fund --loglevel=error)

step "web page unit tests (coordinates, MGRS grid, place names)"
(cd web && node --test src/tests/)

step "format and lints"
cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings
bash scripts/check-layers.sh

step "rust tests"
if command -v cargo-nextest >/dev/null 2>&1; then
    cargo nextest run --locked --workspace --no-fail-fast "${NEXTEST_IGNORED[@]}"
else
    cargo test --locked --workspace --no-fail-fast -- "${CARGO_TEST_IGNORED[@]}"
fi
if [ "$NEEDS_DATA" -gt 0 ]; then
    echo "SKIPPED: $NEEDS_DATA tests need ../shared/data (absent at $SHARED_DATA; set WATCHFLOOR_SHARED_DATA)"
fi
cargo test --locked --workspace --doc

step "fuzz targets build and smoke-run"
bash scripts/fuzz-smoke.sh

step "interop tests with pytak and takproto; ASTERIX cross-check with libasterix"
cargo build --locked -p watchfloor
cargo build --locked -p sensors --example decode
# A build with nothing changed must compile nothing (a build script that
# watches a missing path reran, and rebuilt the page and the server, on every
# cargo command).
if cargo build --locked -p watchfloor -v 2>&1 | grep -E '^ *(Compiling|Dirty) '; then
    echo "FAIL: a second build with nothing changed rebuilt the crates above" >&2
    exit 1
fi
mkdir -p test-artifacts
.venv/bin/python -m pytest -q tests/interop

step "node-tak interop tests (CloudTAK's client library over mutual TLS)"
bash tests/nodetak/run.sh

step "browser tests (chromium + playwright-core)"
bash tests/browser/run.sh
