#!/usr/bin/env bash
# The "Tracking across sensors" table of the README: a v2 scenario (default
# ../shared/data/tracking/sample-v2) tracked two ways by `watchfloor track`
# and scored by `watchfloor track-score` (definitions: its --help):
#   - each sensor alone (`--sensor K`, at that sensor's scan times), the
#     per-sensor track files concatenated with their ids prefixed (what the
#     demo's pipeline shows today);
#   - the merged file, every detection to one tracker in time order.
# Usage: bash bench/tracking/multisensor.sh [SCENARIO_DIR]
# Prints a markdown table. Needs jq.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${1:-${WATCHFLOOR_SHARED_DATA:-$PWD/../shared/data}/tracking/sample-v2}
BIN=${WATCHFLOOR_BIN:-$(bash scripts/cargo-target-dir.sh)/debug/watchfloor}
if [ ! -x "$BIN" ]; then
    cargo build -q -p watchfloor
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "time,track_id,x,y,vx,vy" >"$OUT/alone.csv"
for k in $(jq -r '.sensors[].sensor_id' "$DATA/scenario.json"); do
    "$BIN" track --detections "$DATA/detections.csv" --sensor "$k" --out "$OUT/s$k.csv" 2>/dev/null
    # Track ids are per tracker: prefix them so that two sensors' track 3 stay two tracks.
    tail -n +2 "$OUT/s$k.csv" | awk -F, -v OFS=, -v k="$k" '{ $2 = "s" k "-" $2; print }' >>"$OUT/alone.csv"
done
"$BIN" track --detections "$DATA/detections.csv" --out "$OUT/merged.csv" 2>/dev/null

score() { "$BIN" track-score --truth "$DATA/truth.csv" --tracks "$1" --c 50,200 --json; }
score "$OUT/merged.csv" >"$OUT/merged.json"
score "$OUT/alone.csv" >"$OUT/alone.json"

jq -r --arg name "$(basename "$DATA")" '"Scenario \($name): \(.grid_times) grid times, \(.objects) objects (\(.cooperative_objects) cooperative)"' "$OUT/merged.json"
echo
echo "| run | GOSPA c=50 (loc / missed / false) | GOSPA c=200 | missed coop. / non-coop. (alive) | false tracks | duplicates | id changes per object (breaks) | tracks / objects alive |"
echo "|---|---|---|---|---|---|---|---|"
row() {
    jq -r --arg name "$1" '
        def r(n): . * pow(10; n) | round / pow(10; n);
        .scores[0] as $a | .scores[1] as $b |
        "| \($name) | \($a.gospa | r(1)) (\($a.localisation | r(1)) / \($a.missed_cost | r(1)) / \($a.false_cost | r(1))) | \($b.gospa | r(1)) | \($a.missed_cooperative | r(2)) / \($a.missed_non_cooperative | r(2)) (of \(.mean_alive_cooperative | r(2)) / \(.mean_alive_non_cooperative | r(2))) | \($a.false_tracks | r(2)) | \($a.duplicates | r(2)) | \($a.id_changes_per_object | r(2)) (\($a["breaks"])) | \(.mean_tracks | r(2)) / \(.mean_alive | r(2)) |"' "$2"
}
row "each sensor alone, concatenated" "$OUT/alone.json"
row "merged file, one tracker" "$OUT/merged.json"
echo
echo "Counts are at c = 50 m, means per 1 s grid time (the c = 200 m ones: track-score --json)."
