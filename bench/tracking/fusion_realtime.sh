#!/usr/bin/env bash
# Multi-sensor real-time benchmark (issue 10, Performance): SIMULATED format-v2
# scenarios written by `watchfloor track-gen` (sample-v2's model and density,
# five asynchronous sensors: three radars and two ADS-B receivers over
# overlapping coverage), tracked by `watchfloor track` (release build).
#   - t1000: 1,000 objects for DUR1000 s (default 300);
#   - t10000: 10,000 objects for DUR10000 s (default 120); its files (about
#     300 MB) are deleted after the run unless KEEP=1.
# For each: detections, detections/s and scan latency p50/p99 as `track`
# reports them (time inside the tracker, parsing excluded), the command's
# wall-clock time and peak RSS, and whether it keeps up with real time
# (tracker time and wall-clock time below the scenario's duration).
# With SSVENV=DIR (stonesoup==1.9.1 installed): Stone Soup
# (bench/tracking/stonesoup_v2.py, K = 3) on the t1000 file, on its first
# SSMAXTIME s (default 60) and stopped after SSBUDGET s of tracker time
# (default 1200), under a timeout: it reports the prefix it covered.
# With SCORE=1 the t1000 tracks are also scored (track-score, c 50 and 200).
#
# Usage: [SSVENV=/tmp/ssv2venv] bash bench/tracking/fusion_realtime.sh [OUT_DIR]
# OUT_DIR defaults to /tmp/wf-fusion-rt; nothing is written to the repository.
# Bounded: two scenarios, one run each, Stone Soup under `timeout`; no network.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/wf-fusion-rt}
DUR1000=${DUR1000:-300}
DUR10000=${DUR10000:-120}
SSMAXTIME=${SSMAXTIME:-60}
SSBUDGET=${SSBUDGET:-1200}
BIN=${WATCHFLOOR_BIN:-$(bash scripts/cargo-target-dir.sh)/release/watchfloor}
if [ ! -x "$BIN" ]; then
    cargo build -q --release -p watchfloor
fi
mkdir -p "$OUT"

# Runs a command, printing its wall-clock seconds and peak RSS (kB) to "$1".
timed() {
    local rec=$1
    shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%e %M" -o "$rec" "$@"
    else
        local t0
        t0=$(date +%s.%N)
        "$@"
        awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f 0\n", b - a }' >"$rec"
    fi
}

rows=()
run_case() {
    local name=$1 objects=$2 duration=$3
    local dir=$OUT/$name
    echo "== $name: generating $objects objects, 5 sensors, $duration s (SIMULATED)" >&2
    timed "$OUT/$name.gen.time" "$BIN" track-gen --objects "$objects" --sensors 5 --duration "$duration" \
        --seed "$objects" --out "$dir"
    local size dets
    size=$(du -sm "$dir" | cut -f1)
    dets=$(jq '.counts.detections' "$dir/scenario.json")
    echo "== $name: $dets detections, ${size} MB; tracking" >&2
    timed "$OUT/$name.track.time" "$BIN" track --detections "$dir/detections.csv" --out "$OUT/$name.tracks.csv" \
        2>"$OUT/$name.track.err"
    cat "$OUT/$name.track.err" >&2
    # "S scans, D detections, R detections/s, scan p50 A ms, p99 B ms"
    local line scans rate p50 p99 wall rss tracker keeps
    line=$(grep 'detections/s' "$OUT/$name.track.err" | tr -d ',')
    scans=$(awk '{ print $1 }' <<<"$line")
    rate=$(awk '{ print $5 }' <<<"$line")
    p50=$(awk '{ print $9 }' <<<"$line")
    p99=$(awk '{ print $12 }' <<<"$line")
    read -r wall rss <"$OUT/$name.track.time"
    tracker=$(awk -v d="$dets" -v r="$rate" 'BEGIN { printf "%.2f", (r > 0 ? d / r : 0) }')
    keeps=$(awk -v t="$tracker" -v w="$wall" -v d="$duration" 'BEGIN { print (t < d && w < d) ? "yes" : "no" }')
    rows+=("| $name: $objects objects, 5 sensors, $duration s | $dets | $scans | $rate | $p50 / $p99 ms | $tracker s | $wall s | $((rss / 1024)) MB | $keeps |")
    if [ "${SCORE:-0}" = 1 ] && [ "$objects" -le 1000 ]; then
        "$BIN" track-score --truth "$dir/truth.csv" --tracks "$OUT/$name.tracks.csv" --c 50,200 >"$OUT/$name.score.txt"
        cat "$OUT/$name.score.txt" >&2
    fi
}

run_case t1000 1000 "$DUR1000"
run_case t10000 10000 "$DUR10000"
if [ "${KEEP:-0}" != 1 ]; then
    rm -rf "$OUT/t10000" "$OUT/t10000.tracks.csv"
fi

ssrow=""
if [ -n "${SSVENV:-}" ]; then
    echo "== Stone Soup on t1000 (detections before ${SSMAXTIME} s, budget ${SSBUDGET} s)" >&2
    if timed "$OUT/ss.time" timeout $((SSBUDGET + 900)) "$SSVENV/bin/python" bench/tracking/stonesoup_v2.py \
        "$OUT/t1000" "$OUT/t1000.ss.csv" --delete-periods 3 --max-time "$SSMAXTIME" --budget "$SSBUDGET" \
        >"$OUT/ss.log" 2>&1; then
        cat "$OUT/ss.log" >&2
        ssrow=$(awk '{
            for (i = 1; i <= NF; i++) {
                if ($i == "scans") s = $(i + 1); if ($i == "detections") d = $(i + 1)
                if ($i == "tracker") t = $(i + 1); if ($i == "p50") a = $(i + 1); if ($i == "p99") b = $(i + 1)
                if ($i == "detections/s") r = $(i - 1)
            }
            covered = '"$SSMAXTIME"'
            if (match($0, /after the scan at [0-9.]+/)) covered = substr($0, RSTART + 18, RLENGTH - 18)
            printf "| t1000, Stone Soup K=3, the first %s s of the file | %s | %s | %s | %s / %s ms | %s s |", covered, d, s, r, a, b, t
        }' "$OUT/ss.log")
        read -r wall rss <"$OUT/ss.time"
        keeps=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "tracker") t = $(i + 1)
            c = '"$SSMAXTIME"'; if (match($0, /after the scan at [0-9.]+/)) c = substr($0, RSTART + 18, RLENGTH - 18)
            printf "%s (%s s of tracker time for %s s of scenario)", (t < c + 0 ? "yes" : "no"), t, c }' "$OUT/ss.log")
        ssrow="$ssrow $wall s | $((rss / 1024)) MB | $keeps |"
    else
        echo "Stone Soup failed or timed out: $(tail -n 2 "$OUT/ss.log")" >&2
    fi
fi

echo "| run | detections | scans | detections/s | scan p50 / p99 | tracker time | wall clock (with parsing) | peak RSS | keeps up with real time |"
echo "|---|---|---|---|---|---|---|---|---|"
for r in "${rows[@]}"; do echo "$r"; done
[ -n "$ssrow" ] && echo "$ssrow"
echo
echo "SIMULATED scenarios (watchfloor track-gen, seed = number of objects). Tracker: $BIN."
