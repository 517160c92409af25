#!/usr/bin/env bash
# The "Tracking across sensors" table of the README: a v2 scenario (default
# ../shared/data/tracking/sample-v2, or any v2 folder, e.g. one written by
# `watchfloor track-gen`) tracked by `watchfloor track` and scored by
# `watchfloor track-score` (definitions: its --help):
#   - each sensor alone (`--sensor K`, at that sensor's scan times), the
#     per-sensor track files concatenated with their ids prefixed (what the
#     demo's pipeline shows today): the baseline;
#   - the merged file, every detection to the single-sensor reference
#     tracker in time order (`track --reference`: each scan a miss for all);
#   - the multi-sensor fuser (`track` on v2: coverage, identity, merging);
#   - with SSVENV=/path/to/venv (stonesoup==1.9.1 installed), the reference:
#     bench/tracking/stonesoup_v2.py with deletion after K = 2 and K = 3 of
#     the slowest sensor's periods, each bounded by SSTIMEOUT seconds
#     (default 1800; a run that times out is reported, not scored).
# Each row gives the time spent inside the tracker and detections per second
# of it (parsing excluded; the baseline's is the sum over its sensors).
# Usage: [SSVENV=DIR] bash bench/tracking/multisensor.sh [SCENARIO_DIR]
# Prints a markdown table. Needs jq.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${1:-${WATCHFLOOR_SHARED_DATA:-$PWD/../shared/data}/tracking/sample-v2}
BIN=${WATCHFLOOR_BIN:-$(bash scripts/cargo-target-dir.sh)/debug/watchfloor}
SSTIMEOUT=${SSTIMEOUT:-1800}
if [ ! -x "$BIN" ]; then
    cargo build -q -p watchfloor
fi
if [ "$(jq -r '.format_version' "$DATA/scenario.json")" != 2 ]; then
    echo "$DATA is not a format-v2 scenario" >&2
    exit 2
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# `watchfloor track` prints "S scans, D detections, R detections/s, ..." on
# stderr: keep D and R.
track_timing() { awk '/detections\/s/ { gsub(",", ""); print $3, $5 }' "$1"; }

echo "time,track_id,x,y,vx,vy" >"$OUT/alone.csv"
: >"$OUT/alone.timing"
for k in $(jq -r '.sensors[].sensor_id' "$DATA/scenario.json"); do
    "$BIN" track --detections "$DATA/detections.csv" --sensor "$k" --out "$OUT/s$k.csv" 2>"$OUT/s$k.err"
    track_timing "$OUT/s$k.err" >>"$OUT/alone.timing"
    # Track ids are per tracker: prefix them so that two sensors' track 3 stay two tracks.
    tail -n +2 "$OUT/s$k.csv" | awk -F, -v OFS=, -v k="$k" '{ $2 = "s" k "-" $2; print }' >>"$OUT/alone.csv"
done
"$BIN" track --detections "$DATA/detections.csv" --reference --out "$OUT/merged.csv" 2>"$OUT/merged.err"
grep -v 'detections/s' "$OUT/merged.err" >&2 || true
"$BIN" track --detections "$DATA/detections.csv" --out "$OUT/fused.csv" 2>"$OUT/fused.err"
grep -v 'detections/s' "$OUT/fused.err" >&2 || true

# "SECONDS DETECTIONS_PER_S" from "D R" lines (summed over lines).
timing() { awk '{ d += $1; if ($2 > 0) s += $1 / $2 } END { if (s > 0) printf "%.3f s (%.0f/s)", s, d / s; else print "n/a" }'; }
declare -A TIME
TIME[alone]=$(timing <"$OUT/alone.timing")
TIME[merged]=$(track_timing "$OUT/merged.err" | timing)
TIME[fused]=$(track_timing "$OUT/fused.err" | timing)

score() { "$BIN" track-score --truth "$DATA/truth.csv" --tracks "$1" --c 50,200 --json; }
score "$OUT/merged.csv" >"$OUT/merged.json"
score "$OUT/fused.csv" >"$OUT/fused.json"
score "$OUT/alone.csv" >"$OUT/alone.json"

runs=("alone:each sensor alone, concatenated" "merged:merged file, the single-sensor tracker (track --reference)" "fused:the multi-sensor fuser (watchfloor track)")
if [ -n "${SSVENV:-}" ]; then
    for k in 2 3; do
        log="$OUT/ss$k.log"
        if timeout "$SSTIMEOUT" "$SSVENV/bin/python" bench/tracking/stonesoup_v2.py "$DATA" "$OUT/ss$k.csv" \
            --delete-periods "$k" >"$log" 2>&1; then
            cat "$log" >&2
            score "$OUT/ss$k.csv" >"$OUT/ss$k.json"
            # "... tracker T s R detections/s ..."
            TIME[ss$k]=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "tracker") printf "%.3f s (%.0f/s)", $(i + 1), $(i + 3) }' "$log")
            runs+=("ss$k:Stone Soup 1.9.1, one tracker, deletion after $k slowest periods")
        else
            echo "Stone Soup K=$k did not finish within ${SSTIMEOUT}s (or failed): $(tail -n 1 "$log")" >&2
        fi
    done
fi

jq -r --arg name "$(basename "$DATA")" '"Scenario \($name): \(.grid_times) grid times, \(.objects) objects (\(.cooperative_objects) cooperative)"' "$OUT/merged.json"
echo
echo "| run | GOSPA c=50 (loc / missed / false) | GOSPA c=200 | missed coop. / non-coop. (alive) | false tracks | duplicates | id changes per object (breaks) | tracks / objects alive | tracker time (detections/s) |"
echo "|---|---|---|---|---|---|---|---|---|"
row() {
    jq -r --arg name "$1" --arg time "$3" '
        def r(n): . * pow(10; n) | round / pow(10; n);
        .scores[0] as $a | .scores[1] as $b |
        "| \($name) | \($a.gospa | r(1)) (\($a.localisation | r(1)) / \($a.missed_cost | r(1)) / \($a.false_cost | r(1))) | \($b.gospa | r(1)) | \($a.missed_cooperative | r(2)) / \($a.missed_non_cooperative | r(2)) (of \(.mean_alive_cooperative | r(2)) / \(.mean_alive_non_cooperative | r(2))) | \($a.false_tracks | r(2)) | \($a.duplicates | r(2)) | \($a.id_changes_per_object | r(2)) (\($a["breaks"])) | \(.mean_tracks | r(2)) / \(.mean_alive | r(2)) | \($time) |"' "$2"
}
for run in "${runs[@]}"; do
    key=${run%%:*}
    row "${run#*:}" "$OUT/$key.json" "${TIME[$key]}"
done
echo
echo "Counts are at c = 50 m, means per 1 s grid time (the c = 200 m ones: track-score --json)."
