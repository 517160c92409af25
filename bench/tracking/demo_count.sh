#!/usr/bin/env bash
# The demo's live count (issue 10): runs `watchfloor demo` (SIMULATION) on
# loopback ports for MINUTES (default 10) and every 30 s counts the live
# tracks a TAK client holds, air and ground by their CoT type (a-?-A /
# a-?-G, live while not stale and not deleted), against the simulated
# objects the demo exports (`watchfloor_sim_objects{kind}`), with the
# router's `cached_items` and the pipeline's `tracks_deleted_total`. Prints a
# markdown table at the end. Bounded: the demo gets --duration, and is
# stopped by its pid when the sampler ends or the script is interrupted.
# Usage: bash bench/tracking/demo_count.sh [MINUTES]
set -euo pipefail
cd "$(dirname "$0")/../.."
MINUTES=${1:-10}
case "$MINUTES" in '' | *[!0-9]*) echo "MINUTES must be a whole number" >&2; exit 2 ;; esac
if [ "$MINUTES" -lt 1 ] || [ "$MINUTES" -gt 120 ]; then
    echo "MINUTES must be within 1..120" >&2
    exit 2
fi
BIN=${WATCHFLOOR_BIN:-$(bash scripts/cargo-target-dir.sh)/debug/watchfloor}
if [ ! -x "$BIN" ]; then
    cargo build -q -p watchfloor
fi
OUT=$(mktemp -d)
DEMO_PID=
cleanup() {
    if [ -n "$DEMO_PID" ] && kill -0 "$DEMO_PID" 2>/dev/null; then
        kill "$DEMO_PID" 2>/dev/null || true
        wait "$DEMO_PID" 2>/dev/null || true
    fi
    rm -rf "$OUT"
}
trap cleanup EXIT INT TERM

# Two free loopback ports, for TAK clients and for /metrics.
read -r TCP HTTP < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

"$BIN" demo --tcp "127.0.0.1:$TCP" --http "127.0.0.1:$HTTP" --web "" --data-dir "" \
    --duration $((MINUTES * 60 + 60)) >"$OUT/demo.out" 2>"$OUT/demo.err" &
DEMO_PID=$!

python3 - "$TCP" "$HTTP" "$MINUTES" <<'PY'
"""A TAK client on the demo's stream, and a scrape of its metrics, every 30 s."""
import re, socket, sys, threading, time, urllib.request
from datetime import datetime, timezone

tcp, http, minutes = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
PERIOD_S = 30

def connect(deadline):
    while True:
        try:
            return socket.create_connection(("127.0.0.1", tcp), timeout=2)
        except OSError:
            if time.time() > deadline:
                sys.exit("the demo did not start listening")
            time.sleep(0.5)

def iso(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")

def parse_time(s):
    s = s.rstrip("Z")
    s = s.split(".")[0]
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()

sock = connect(time.time() + 60)
now = time.time()
sa = (f'<event version="2.0" uid="DEMO-COUNT" type="a-f-G-U-C" how="m-g" time="{iso(now)}" '
      f'start="{iso(now)}" stale="{iso(now + 24 * 3600)}"><point lat="31.3" lon="-109.2" hae="0" '
      f'ce="10" le="10"/><detail><contact callsign="COUNT"/></detail></event>')
sock.sendall(sa.encode())
sock.settimeout(1.0)

tracks = {}  # uid -> (air, stale unix s)
lock = threading.Lock()
highest = [0]
stop = threading.Event()
attr = lambda name, head: (re.search(f'\\b{name}="([^"]*)"', head) or [None, None])[1]

def reader():
    buf = ""
    while not stop.is_set():
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            return
        if not data:
            return
        buf += data.decode("utf-8", "replace")
        *events, buf = buf.split("</event>")
        for ev in events:
            m = re.search(r"<event\b[^>]*>", ev)
            if not m:
                continue
            head = m.group(0)
            uid, typ, stale = attr("uid", head), attr("type", head), attr("stale", head)
            with lock:
                if typ == "t-x-d-d":
                    link = re.search(r'<link\b[^>]*\buid="([^"]*)"', ev)
                    if link:
                        tracks.pop(link.group(1), None)
                elif uid and uid.startswith("sim-trk-") and typ and stale:
                    tracks[uid] = (typ.split("-")[2:3] == ["A"], parse_time(stale))
                    n = re.search(r"(\d+)$", uid)
                    if n:
                        highest[0] = max(highest[0], int(n.group(1)))

threading.Thread(target=reader, daemon=True).start()

def metrics():
    try:
        text = urllib.request.urlopen(f"http://127.0.0.1:{http}/metrics", timeout=5).read().decode()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or " " not in line:
            continue
        k, v = line.rsplit(" ", 1)
        try:
            out[k] = float(v)
        except ValueError:
            pass
    return out

rows = []
start = time.time()
for i in range(1, minutes * 60 // PERIOD_S + 1):
    time.sleep(max(0.0, start + i * PERIOD_S - time.time()))
    now = time.time()
    with lock:
        live = [air for air, stale in tracks.values() if stale > now]
        top = highest[0]
    m = metrics()
    g = lambda k: int(m.get(k, -1))
    row = (i * PERIOD_S, g('watchfloor_sim_objects{kind="air"}'), sum(live),
           g('watchfloor_sim_objects{kind="ground"}'), len(live) - sum(live),
           g("watchfloor_cached_items"), g("watchfloor_tracks_deleted_total"), top)
    rows.append(row)
    print("t=%4d s  air %d objects / %d tracks  ground %d / %d  cached %d  deleted %d  highest TRK-%d" % row,
          file=sys.stderr, flush=True)
stop.set()

print(f"SIMULATION: `watchfloor demo` for {minutes} min, sampled every {PERIOD_S} s")
print()
print("| t (s) | air objects | air tracks | ground objects | ground tracks | cached_items | tracks_deleted_total | highest track number |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    print("| %d | %d | %d | %d | %d | %d | %d | %d |" % r)
if rows:
    mean = lambda k: sum(r[k] for r in rows) / len(rows)
    print()
    print(f"mean: air {mean(2):.1f} tracks for {mean(1):.1f} objects ({mean(2) / max(mean(1), 1):.2f} per object), "
          f"ground {mean(4):.1f} tracks for {mean(3):.1f} objects ({mean(4) / max(mean(3), 1):.2f} per object); "
          f"{rows[-1][6]} tracks deleted, track numbers up to {rows[-1][7]}")
PY
