#!/usr/bin/env bash
# Routing benchmark: N streaming clients at R Hz in one group against a fresh
# `watchfloor serve` on loopback, then an idle-memory run; prints a Markdown
# table for the README.
#
# Usage: bench/routing.sh            (from anywhere; about 2.5 minutes)
# Knobs (environment): SIZES="100 500 1000" RATE=1 DURATION=20 WARMUP=3
#   DRAIN=3 IDLE_CLIENTS=1000 (0 skips it) SKIP_BUILD=1 OUT=/some/dir
#   SERVER=/path/to/binary (anything taking the same `serve` flags)
# Every step is bounded: each loadgen run by `timeout`, server start and stop
# by polling loops with a fixed number of rounds.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=${SIZES:-"100 500 1000"}
RATE=${RATE:-1}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-3}
DRAIN=${DRAIN:-3}
IDLE_CLIENTS=${IDLE_CLIENTS:-1000}
OUT=${OUT:-$(mktemp -d /tmp/wf-routing.XXXXXX)}
SERVER=${SERVER:-"$ROOT/target/release/watchfloor"}
LOADGEN="$ROOT/target/release/wf-loadgen"

command -v jq >/dev/null || { echo "routing.sh needs jq (apt-get install jq)" >&2; exit 2; }

# Each client is one socket in the server and one in the generator.
want=$(( $(printf '%s\n' $SIZES "$IDLE_CLIENTS" | sort -n | tail -1) * 2 + 1024 ))
if [ "$(ulimit -n)" -lt "$want" ]; then
    ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi

if [ -z "${SKIP_BUILD:-}" ]; then
    (cd "$ROOT" && cargo build --release -p watchfloor -p bench)
fi

# Ports are picked below the kernel's ephemeral range: the generator's own
# thousands of client sockets live in that range, and a listener cannot bind
# a port that one of them holds.
read -r EPH_LOW _ </proc/sys/net/ipv4/ip_local_port_range
free_port() {
    local p i span=$(( EPH_LOW - 10000 ))
    [ "$span" -gt 1000 ] || span=1000
    for i in $(seq 1 50); do
        p=$(( 10000 + RANDOM % span ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    echo "no free port found" >&2
    return 1
}

SERVER_PID=""
start_server() { # $1 = run name; tries fresh ports three times
    local attempt
    for attempt in 1 2 3; do
        if try_start_server "$1"; then
            return 0
        fi
    done
    return 1
}

try_start_server() {
    TCP_PORT=$(free_port)
    HTTP_PORT=$(free_port)
    local data="$OUT/$1.data"
    mkdir -p "$data"
    "$SERVER" serve --tcp "127.0.0.1:$TCP_PORT" --http "127.0.0.1:$HTTP_PORT" \
        --data-dir "$data" >"$OUT/$1.server.log" 2>&1 &
    SERVER_PID=$!
    local i
    for i in $(seq 1 150); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "server exited at start; see $OUT/$1.server.log" >&2
            grep -m1 -i error "$OUT/$1.server.log" >&2 || true
            wait "$SERVER_PID" 2>/dev/null || true
            SERVER_PID=""
            return 1
        fi
        if (exec 3<>"/dev/tcp/127.0.0.1/$TCP_PORT") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "server did not listen within 15 s" >&2
    stop_server
    return 1
}

stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "server did not stop within 10 s of SIGTERM; killing it" >&2
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}
trap stop_server EXIT

scrape_metrics() { # $1 = run name
    if command -v curl >/dev/null; then
        curl -s --max-time 5 "http://127.0.0.1:$HTTP_PORT/metrics" >"$OUT/$1.metrics" || true
    fi
}

run_one() { # $1 = run name, rest = loadgen flags
    local name=$1
    shift
    if ! start_server "$name"; then
        echo "run $name skipped: the server would not start" >&2
        return 0
    fi
    local limit=$(( DURATION + WARMUP + DRAIN + 120 ))
    if ! timeout "$limit" "$LOADGEN" --target "127.0.0.1:$TCP_PORT" --server-pid "$SERVER_PID" \
            --json "$@" >"$OUT/$name.json" 2>"$OUT/$name.loadgen.log"; then
        echo "loadgen run $name failed; see $OUT/$name.loadgen.log" >&2
    fi
    scrape_metrics "$name"
    stop_server
}

echo "results in $OUT" >&2
for n in $SIZES; do
    echo "routing run: $n clients at $RATE Hz for $DURATION s" >&2
    run_one "n$n" --clients "$n" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --drain "$DRAIN"
done
if [ "$IDLE_CLIENTS" -gt 0 ]; then
    echo "idle run: $IDLE_CLIENTS clients" >&2
    run_one idle --idle --clients "$IDLE_CLIENTS" --drain "$DRAIN"
fi

echo
echo "Routing, one group, $RATE Hz per client, ${DURATION} s measured ($(nproc) cores, $(date -u +%F))"
echo
echo "| N | sent | delivered | ratio | deliv/s | p50 ms | p99 ms | max ms | server CPU | server RSS | RSS/client | loadgen CPU | machine CPU |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
    f="$OUT/n$n.json"
    if [ ! -s "$f" ]; then
        echo "| $n | run failed | | | | | | | | | | | |"
        continue
    fi
    jq -r '[.clients, .totals.sent, .totals.delivered, .delivery_ratio, .deliveries_per_s,
            .latency.p50_ms, .latency.p99_ms, .latency.max_ms, (.server.cpu_percent // -1),
            ((.server.rss_kib_end // -1024) / 1024), (.server.rss_kib_per_client // -1),
            (.generator_cpu_percent // -1), (.machine_cpu_percent // -1)] | @tsv' "$f" |
        while IFS=$'\t' read -r c s d ratio dps p50 p99 max cpu rss per gen all; do
            printf '| %s | %s | %s | %.4f | %.0f | %.2f | %.2f | %.2f | %.0f %% | %.0f MiB | %.0f KiB | %.0f %% | %.0f %% |\n' \
                "$c" "$s" "$d" "$ratio" "$dps" "$p50" "$p99" "$max" "$cpu" "$rss" "$per" "$gen" "$all"
        done
done
if [ "$IDLE_CLIENTS" -gt 0 ] && [ -s "$OUT/idle.json" ]; then
    echo
    jq -r '"Idle memory: \(.totals.connected) clients, server RSS \(.server.rss_kib_before) KiB before, \(.server.rss_kib_connected) KiB after connecting, \(.server.rss_kib_per_client | . * 10 | floor / 10) KiB per idle client."' "$OUT/idle.json"
fi
echo
echo "Command: DURATION=$DURATION SIZES=\"$SIZES\" RATE=$RATE bench/routing.sh"
