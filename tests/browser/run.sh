#!/usr/bin/env bash
# Runs the browser tests of the web COP: headless chromium (Debian's
# /usr/bin/chromium) driven by playwright-core, against the real server binary
# ($WATCHFLOOR_BIN, default cargo's debug/watchfloor) and a real pytak client
# from the project's .venv. Screenshots and logs go to test-artifacts/browser/.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# Cargo's target folder is ./target unless CARGO_TARGET_DIR or a cargo config moves it.
if [ -z "${WATCHFLOOR_BIN:-}" ]; then
    TARGET_DIR=$(bash "$ROOT/scripts/cargo-target-dir.sh")
    export WATCHFLOOR_BIN="$TARGET_DIR/debug/watchfloor"
fi

[ -x "$WATCHFLOOR_BIN" ] || { echo "browser tests: no server binary at $WATCHFLOOR_BIN (cargo build -p watchfloor)" >&2; exit 1; }
[ -x "$ROOT/.venv/bin/python" ] || { echo "browser tests: no $ROOT/.venv (scripts/test.sh makes it from tests/interop/requirements.txt)" >&2; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "browser tests: no chromium at ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)" >&2; exit 1; }

cd "$HERE"
npm ci --no-audit --no-fund --loglevel=error
mkdir -p "$ROOT/test-artifacts/browser"
# One file at a time: each test starts its own server and browser, and the machine has two cores.
exec node --test --test-concurrency=1 --test-timeout=90000 "$@" ./*.test.mjs
