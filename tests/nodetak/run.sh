#!/usr/bin/env bash
# Runs the node-tak interop tests: @tak-ps/node-tak 12.0.0 (CloudTAK's client
# library) over mutual TLS against the real server binary ($WATCHFLOOR_BIN,
# default cargo's debug/watchfloor). Dependencies come from the committed
# package-lock.json (npm ci); server logs go to test-artifacts/nodetak/.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
if [ -z "${WATCHFLOOR_BIN:-}" ]; then
    TARGET_DIR=$(bash "$ROOT/scripts/cargo-target-dir.sh")
    export WATCHFLOOR_BIN="$TARGET_DIR/debug/watchfloor"
fi

[ -x "$WATCHFLOOR_BIN" ] || { echo "node-tak tests: no server binary at $WATCHFLOOR_BIN (cargo build -p watchfloor)" >&2; exit 1; }
command -v node >/dev/null || { echo "node-tak tests: no node on PATH (Node 20 or later)" >&2; exit 1; }

cd "$HERE"
# node-tak 12.0.0 declares engines.node >= 22 but runs on Node 20; npm only warns.
npm ci --no-audit --no-fund --loglevel=error
mkdir -p "$ROOT/test-artifacts/nodetak"
# One file at a time: each file starts its own server, and the machine has two cores.
exec node --test --test-concurrency=1 --test-timeout=60000 "$@" ./*.test.mjs
