#!/usr/bin/env bash
# Runs every test of watchfloor on a fresh machine: formatting, lints, Rust
# unit and integration tests, fuzz smoke runs, and the interop suite with
# real TAK clients (pytak, takproto, node-tak) against the real server binary.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=never

step() { printf '\n=== %s ===\n' "$*"; }

step "python venv for the interop clients"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r tests/interop/requirements.txt

step "web page dependencies (npm, from web/package-lock.json)"
# The webui crate's build script builds the page with them and embeds it.
(cd web && npm ci --no-audit --no-fund --loglevel=error)

step "format and lints"
cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings
bash scripts/check-layers.sh

step "rust tests"
if command -v cargo-nextest >/dev/null 2>&1; then
    cargo nextest run --locked --workspace --no-fail-fast
else
    cargo test --locked --workspace --no-fail-fast
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
WATCHFLOOR_BIN="$ROOT/target/debug/watchfloor" .venv/bin/python -m pytest -q tests/interop

step "node-tak interop tests (CloudTAK's client library over mutual TLS)"
WATCHFLOOR_BIN="$ROOT/target/debug/watchfloor" bash tests/nodetak/run.sh

step "browser tests (chromium + playwright-core)"
WATCHFLOOR_BIN="$ROOT/target/debug/watchfloor" bash tests/browser/run.sh
