#!/usr/bin/env bash
# Web COP frame-time benchmark: builds the release server and load generator,
# then runs bench/web/frame-bench.mjs (about 4-6 minutes without the build) and
# leaves its Markdown table in bench/web/results.md.
#
# Knobs (environment): SKIP_BUILD=1, OBJECTS=10000, RATE=1, MEASURE_S=30,
#   BASELINE_S=15, IDLE_S=8, PAGES="1 4", GEN_CONNECTIONS=4, SERVER=..., LOADGEN=..., OUT=dir,
#   MAP=plain|full (full: an offline raster basemap archive and the MGRS grid on)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
if [ -z "${SKIP_BUILD:-}" ]; then
    cargo build --release -p watchfloor -p bench
fi
# playwright-core comes from the browser tests' lock file.
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "needs chromium (apt-get install chromium)" >&2; exit 2; }
exec timeout --kill-after=10 600 node bench/web/frame-bench.mjs
