#!/usr/bin/env bash
# Tracker benchmark: watchfloor's fusion tracker against Stone Soup on the same
# files. Scenarios are SIMULATED (sim::tracking) at the sample's density scaled to
# 10 / 100 / 1,000 / 10,000 targets, 100 scans of 1 s, NCV q = 0.1, Pd 0.9,
# Poisson clutter, sigma 10 m; plus the shared sample when present.
#
# Usage: bench/tracking/compare.sh [OUT_DIR]   (run from the workspace root)
# Needs: a Stone Soup venv at $SSVENV (default /tmp/ssvenv):
#   python3 -m venv /tmp/ssvenv && /tmp/ssvenv/bin/pip install stonesoup
# Stone Soup is run only up to 100 targets (it takes ~2 min there).
set -euo pipefail
OUT=${1:-/tmp/wf-scen}
SSVENV=${SSVENV:-/tmp/ssvenv}
HERE=$(cd "$(dirname "$0")" && pwd)
SAMPLE=$HERE/../../../shared/data/tracking/sample

cargo build --release -p sim --examples
BIN=target/release/examples

for n in 10 100 1000 10000; do
  [ -f "$OUT/t$n/detections.csv" ] || "$BIN/gen" --targets "$n" --scans 100 --seed "$n" --out "$OUT/t$n"
done

dirs=()
[ -d "$SAMPLE" ] && dirs+=("$SAMPLE") || echo "shared sample absent ($SAMPLE): skipped"
for n in 10 100 1000 10000; do dirs+=("$OUT/t$n"); done

for d in "${dirs[@]}"; do
  name=$(basename "$d")
  echo "== $name"
  "$BIN/track" --detections "$d/detections.csv" --out "$OUT/$name.fusion.csv"
  "$BIN/score" --truth "$d/truth.csv" --tracks "$OUT/$name.fusion.csv"
  case "$name" in
    sample|t10|t100)
      if [ -x "$SSVENV/bin/python" ]; then
        timeout 600 "$SSVENV/bin/python" "$HERE/stonesoup_run.py" "$d" "$OUT/$name.stonesoup.csv"
        "$BIN/score" --truth "$d/truth.csv" --tracks "$OUT/$name.stonesoup.csv"
      else
        echo "no Stone Soup venv at $SSVENV: skipped"
      fi ;;
  esac
  for opt in "--gate 4" "--imm"; do
    echo "-- option $opt"
    # shellcheck disable=SC2086
    "$BIN/track" --detections "$d/detections.csv" --out "$OUT/$name.opt.csv" $opt > /dev/null
    "$BIN/score" --truth "$d/truth.csv" --tracks "$OUT/$name.opt.csv"
  done
done
