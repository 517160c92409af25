#!/usr/bin/env bash
# Routing benchmark: N streaming clients at R Hz in one group against a fresh
# `watchfloor serve` on loopback, then an idle-memory run; prints a Markdown
# table for the README.
#
# Usage: bench/routing.sh            (from anywhere; about 2.5 minutes)
#        TLS=1 bench/routing.sh      (adds the same sizes over mutual TLS and a
#                                     handshake-rate run; a second table)
# Knobs (environment): SIZES="100 500 1000" RATE=1 DURATION=20 WARMUP=3
#   DRAIN=3 IDLE_CLIENTS=1000 (0 skips it) SKIP_BUILD=1 OUT=/some/dir
#   SERVER=/path/to/binary (anything taking the same `serve` flags)
#   TLS=1 HANDSHAKES=2000 (0 skips the handshake runs) CONCURRENCY=64
#   TCP_CONNECTS=20000 (the plain-TCP run of the same mode: ten times as many,
#   or it ends too soon to time)
#   PLAIN=0 (with TLS=1: skip the plain-TCP runs and table)
# Every step is bounded: each loadgen run by `timeout`, server start and stop
# by polling loops with a fixed number of rounds.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=${SIZES-"100 500 1000"}  # SIZES="" skips the routing runs
RATE=${RATE:-1}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-3}
DRAIN=${DRAIN:-3}
IDLE_CLIENTS=${IDLE_CLIENTS:-1000}
OUT=${OUT:-$(mktemp -d /tmp/wf-routing.XXXXXX)}
SERVER=${SERVER:-"$ROOT/target/release/watchfloor"}
LOADGEN="$ROOT/target/release/wf-loadgen"
TLS=${TLS:-0}
PLAIN=${PLAIN:-1}
HANDSHAKES=${HANDSHAKES:-2000}
TCP_CONNECTS=${TCP_CONNECTS:-$(( HANDSHAKES * 10 ))}
CONCURRENCY=${CONCURRENCY:-64}
[ "$TLS" = 1 ] || PLAIN=1
# Set per run: 1 starts the server with its mutual-TLS listener and points
# the generator at it with the client certificate made below.
RUN_TLS=0

mkdir -p "$OUT"
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
CERTS="$OUT/certs"
TLS_FLAGS=()
if [ "$TLS" = 1 ]; then
    # One CA, one server certificate for 127.0.0.1, one client certificate
    # shared by every load client: its user is not in the users file, so all
    # clients land in the anonymous group and route to each other.
    "$SERVER" certs init --dir "$CERTS" --host 127.0.0.1 >"$OUT/certs.log" 2>&1
    "$SERVER" certs client load --dir "$CERTS" >>"$OUT/certs.log" 2>&1
    TLS_FLAGS=(--tls-ca "$CERTS/ca.pem" --tls-cert "$CERTS/load.pem" --tls-key "$CERTS/load.key"
               --tls-name 127.0.0.1)
fi

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
    TARGET_PORT=$TCP_PORT
    local data="$OUT/$1.data" extra=()
    if [ "$RUN_TLS" = 1 ]; then
        TARGET_PORT=$(free_port)
        extra=(--tls "127.0.0.1:$TARGET_PORT" --certs "$CERTS")
    fi
    mkdir -p "$data"
    "$SERVER" serve --tcp "127.0.0.1:$TCP_PORT" --http "127.0.0.1:$HTTP_PORT" --web 127.0.0.1:0 \
        "${extra[@]}" --data-dir "$data" >"$OUT/$1.server.log" 2>&1 &
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
        if (exec 3<>"/dev/tcp/127.0.0.1/$TARGET_PORT") 2>/dev/null; then
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

run_one() { # $1 = run name, rest = loadgen flags; RUN_TLS=1 for TLS
    local name=$1
    shift
    if ! start_server "$name"; then
        echo "run $name skipped: the server would not start" >&2
        return 0
    fi
    # A handshake run stops starting connections after 300 s (wf-loadgen's
    # own bound) and each may then take 20 s more.
    local limit=$(( DURATION + WARMUP + DRAIN + 120 )) tls=()
    case " $* " in *" --handshakes "*) limit=330 ;; esac
    [ "$RUN_TLS" = 1 ] && tls=("${TLS_FLAGS[@]}")
    if ! timeout "$limit" "$LOADGEN" --target "127.0.0.1:$TARGET_PORT" --server-pid "$SERVER_PID" \
            "${tls[@]}" --json "$@" >"$OUT/$name.json" 2>"$OUT/$name.loadgen.log"; then
        echo "loadgen run $name failed; see $OUT/$name.loadgen.log" >&2
    fi
    scrape_metrics "$name"
    stop_server
}

routing_table() { # $1 = run-name prefix, $2 = title
    [ -n "$SIZES" ] || return 0
    echo
    echo "$2, one group, $RATE Hz per client, ${DURATION} s measured ($(nproc) cores, $(date -u +%F))"
    echo
    echo "| N | sent | delivered | ratio | deliv/s | p50 ms | p99 ms | max ms | server CPU | server RSS | RSS/client | loadgen CPU | machine CPU |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in $SIZES; do
        f="$OUT/$1$n.json"
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
}


echo "results in $OUT" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [ "$PLAIN" = 1 ]; then
    for n in $SIZES; do
        echo "routing run: $n clients at $RATE Hz for $DURATION s" >&2
        run_one "n$n" --clients "$n" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --drain "$DRAIN"
    done
    if [ "$IDLE_CLIENTS" -gt 0 ]; then
        echo "idle run: $IDLE_CLIENTS clients" >&2
        run_one idle --idle --clients "$IDLE_CLIENTS" --drain "$DRAIN"
    fi
fi
if [ "$TLS" = 1 ]; then
    RUN_TLS=1
    for n in $SIZES; do
        echo "tls routing run: $n clients at $RATE Hz for $DURATION s" >&2
        run_one "tls$n" --clients "$n" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --drain "$DRAIN"
    done
    if [ "$HANDSHAKES" -gt 0 ]; then
        echo "handshake runs: $HANDSHAKES connections, $CONCURRENCY in flight" >&2
        run_one hs-tls --handshakes "$HANDSHAKES" --concurrency "$CONCURRENCY"
        run_one hs-resume --handshakes "$HANDSHAKES" --concurrency "$CONCURRENCY" --tls-resume
        RUN_TLS=0
        run_one hs-tcp --handshakes "$TCP_CONNECTS" --concurrency "$CONCURRENCY"
    fi
    RUN_TLS=0
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2


if [ "$PLAIN" = 1 ]; then
    routing_table n Routing
    if [ "$IDLE_CLIENTS" -gt 0 ] && [ -s "$OUT/idle.json" ]; then
        echo
        jq -r '"Idle memory: \(.totals.connected) clients, server RSS \(.server.rss_kib_before) KiB before, \(.server.rss_kib_connected) KiB after connecting, \(.server.rss_kib_per_client | . * 10 | floor / 10) KiB per idle client."' "$OUT/idle.json"
    fi
fi

if [ "$TLS" = 1 ]; then
    routing_table tls "Routing over mutual TLS (ECDSA P-256, rustls + ring)"
    if [ "$HANDSHAKES" -gt 0 ]; then
        echo
        echo "Connection rate, $HANDSHAKES TLS / $TCP_CONNECTS TCP connections, $CONCURRENCY in flight; each connects, handshakes, sends one byte, closes and waits for the server's close"
        echo
        echo "| transport | done | failed | resumed | per s | p50 ms | p99 ms | max ms | cycle p50 ms | server CPU | server µs/conn | loadgen CPU | machine CPU |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        for run in hs-tls:"TLS, full" hs-resume:"TLS, resumption on" hs-tcp:"plain TCP"; do
            f="$OUT/${run%%:*}.json"
            if [ ! -s "$f" ]; then
                echo "| ${run#*:} | run failed | | | | | | | | | | | |"
                continue
            fi
            jq -r '[.handshakes, .failed, .resumed, .per_s, .latency.p50_ms, .latency.p99_ms,
                    .latency.max_ms, .cycle.p50_ms, (.server_cpu_percent // -1),
                    (.server_cpu_us_per_handshake // -1),
                    (.generator_cpu_percent // -1), (.machine_cpu_percent // -1)] | @tsv' "$f" |
                while IFS=$'\t' read -r ok failed resumed rate p50 p99 max cyc cpu us gen all; do
                    printf '| %s | %s | %s | %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.0f %% | %.0f | %.0f %% | %.0f %% |\n' \
                        "${run#*:}" "$ok" "$failed" "$resumed" "$rate" "$p50" "$p99" "$max" "$cyc" "$cpu" "$us" "$gen" "$all"
                done
        done
        tls_rate=$(jq -r '.per_s' "$OUT/hs-tls.json" 2>/dev/null || echo 0)
        tcp_rate=$(jq -r '.per_s' "$OUT/hs-tcp.json" 2>/dev/null || echo 0)
        tls_us=$(jq -r '.server_cpu_us_per_handshake // 0' "$OUT/hs-tls.json" 2>/dev/null || echo 0)
        tcp_us=$(jq -r '.server_cpu_us_per_handshake // 0' "$OUT/hs-tcp.json" 2>/dev/null || echo 0)
        echo
        awk -v a="$tcp_rate" -v b="$tls_rate" -v c="$tls_us" -v d="$tcp_us" 'BEGIN {
            if (b > 0) printf "Plain TCP connects/s ÷ full TLS handshakes/s: %.1f", a / b
            if (d > 0) printf "; server CPU per full TLS connection ÷ per TCP connection: %.1f", c / d
            print "" }'
    fi
fi
echo
echo "Command: TLS=$TLS PLAIN=$PLAIN HANDSHAKES=$HANDSHAKES DURATION=$DURATION SIZES=\"$SIZES\" RATE=$RATE bench/routing.sh"
