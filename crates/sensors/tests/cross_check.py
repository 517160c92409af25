#!/usr/bin/env python3
"""Cross-check the sensors ASTERIX decoder against an independent encoder.

libasterix (PyPI `libasterix`, zoranbosnjak/asterix-libs) encodes a few hundred
random but valid CAT048 (edition 1.32) and CAT021 (edition 2.7) records, including
items our decoder only skips (compound, repetitive, extended, explicit). The bytes
go through `cargo run -p sensors --example decode -- FILE` (or the binary named by
$SENSORS_DECODE) and every decoded field is compared with the value that was
encoded, within half an LSB.

Usage: python3 crates/sensors/tests/cross_check.py [--records N] [--seed S]
Exit status 0 when everything matches, 1 on a mismatch, 2 when libasterix is absent.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

try:
    from asterix.generated import Cat_021_2_7 as C21, Cat_048_1_32 as C48
except ImportError:
    print("SKIPPED: libasterix is not installed (pip install libasterix)")
    sys.exit(2)

ICAO = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
WORKSPACE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def callsign(rng):
    n = rng.randint(2, 8)
    s = rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + "".join(rng.choice(ICAO[:-1]) for _ in range(n - 1))
    return s.ljust(8)


def octal(rng):
    return "".join(rng.choice("01234567") for _ in range(4))


def maybe(rng, p=0.6):
    return rng.random() < p


def cat048(rng):
    items, want = {"010": (rng.randrange(256), rng.randrange(256))}, {}
    want["sac"], want["sic"] = items["010"]
    if maybe(rng, 0.9):
        t = rng.randrange(1 << 24) / 128
        items["140"], want["time_of_day_s"] = t, t
    if maybe(rng):
        groups = [(rng.randrange(8), 0, 0, 0, 0, None)]
        if maybe(rng, 0.3):
            groups.append((rng.randrange(2), 0, 0, 0, 0, 0, None))
        items["020"] = groups
    if maybe(rng, 0.9):
        rho, theta = rng.randrange(1 << 16) / 256, rng.randrange(1 << 16) * 360 / 65536
        items["040"] = (rho, theta)
        want["rho_nm"], want["theta_deg"] = rho, theta
    if maybe(rng):
        code = octal(rng)
        items["070"] = (rng.randrange(2), rng.randrange(2), rng.randrange(2), 0, code)
        want["mode3a"] = code
    if maybe(rng):
        fl = rng.randrange(-1500, 6000) / 4
        items["090"] = (0, 0, fl)
        want["flight_level"] = fl
    if maybe(rng, 0.4):
        items["130"] = {k: v for k, v in {"SRL": 1.0, "SRR": 3, "SAM": -70.0, "PRL": 2.0, "PAM": -60.0,
                                          "RPD": 0.5, "APD": 0.2}.items() if maybe(rng, 0.5)} or {"SRR": 4}
    if maybe(rng):
        a = rng.randrange(1 << 24)
        items["220"], want["aircraft_address"] = a, "%06X" % a
    if maybe(rng):
        cs = callsign(rng)
        items["240"], want["aircraft_id"] = cs, cs.rstrip()
    if maybe(rng, 0.4):
        items["250"] = [(rng.randrange(1 << 56), rng.randrange(16), rng.randrange(16)) for _ in range(rng.randint(0, 3))]
    if maybe(rng):
        tn = rng.randrange(1 << 12)
        items["161"], want["track_number"] = (0, tn), tn
    if maybe(rng):
        x, y = rng.randrange(-32768, 32768) / 128, rng.randrange(-32768, 32768) / 128
        items["042"], want["x_nm"], want["y_nm"] = (x, y), x, y
    if maybe(rng):
        gsp, hdg = rng.randrange(1 << 16), rng.randrange(1 << 16)
        items["200"] = (gsp / 16384, hdg * 360 / 65536)
        want["ground_speed_mps"], want["heading_deg"] = gsp / 16384 * 1852, hdg * 360 / 65536
    if maybe(rng, 0.4):
        groups = [(rng.randrange(2), rng.randrange(4), 0, 0, rng.randrange(4), None)]
        if maybe(rng):
            groups.append((rng.randrange(2), rng.randrange(2), 0, 0, 0, None))
        items["170"] = groups
    if maybe(rng, 0.3):
        items["030"] = [rng.randrange(1, 30) for _ in range(rng.randint(1, 3))]
    if maybe(rng, 0.3):
        items["120"] = {"CAL": (0, 0, rng.randrange(-500, 500) * 1.0)}
        if maybe(rng):
            items["120"]["RDS"] = [(1.0, 2.0, 3.0)] * rng.randint(0, 2)
    if maybe(rng, 0.3):
        items["230"] = rng.randrange(1 << 16) & 0xFEFF
    if maybe(rng, 0.2):
        items["260"] = rng.randrange(1 << 56)
    if maybe(rng, 0.2):
        items["110"] = (0, rng.randrange(-8192, 8192) * 25.0)
    return C48.cv_record.create(items), want


def cat021(rng):
    items, want = {"010": (rng.randrange(256), rng.randrange(256))}, {}
    want["sac"], want["sic"] = items["010"]
    items["040"] = [(rng.randrange(8), rng.randrange(4), 0, 0, None)]
    if maybe(rng, 0.5):
        items["040"].append((0, rng.randrange(2), 0, 0, 0, 0, None))
    if maybe(rng):
        tn = rng.randrange(1 << 12)
        items["161"], want["track_number"] = (0, tn), tn
    t = rng.randrange(1 << 24) / 128
    if maybe(rng, 0.5):
        items["073"] = t
    else:
        items["071"] = t
    want["time_of_day_s"] = t
    if maybe(rng, 0.9):
        lat, lon = rng.randrange(-(1 << 22), 1 << 22), rng.randrange(-(1 << 23), 1 << 23)
        lsb = 180 / (1 << 23)
        items["130"] = (lat * lsb, lon * lsb)
        want["lat"], want["lon"] = lat * lsb, lon * lsb
    if maybe(rng, 0.3):
        lat, lon = rng.randrange(-(1 << 29), 1 << 29), rng.randrange(-(1 << 30), 1 << 30)
        lsb = 180 / (1 << 30)
        items["131"] = (lat * lsb, lon * lsb)
        want["lat"], want["lon"] = lat * lsb, lon * lsb
    a = rng.randrange(1 << 24)
    items["080"], want["aircraft_address"] = a, "%06X" % a
    if maybe(rng, 0.4):
        items["090"] = [(1, 2, None), (0, 1, 3, None)][: rng.randint(1, 2)]
    if maybe(rng, 0.4):
        items["210"] = (0, 0, 2, 0)
    if maybe(rng):
        code = octal(rng)
        items["070"], want["mode3a"] = (0, code), code
    if maybe(rng):
        fl = rng.randrange(-1500, 6000) / 4
        items["145"], want["flight_level"] = fl, fl
    if maybe(rng, 0.4):
        items["155"] = (0, rng.randrange(-2000, 2000) * 6.25)
    if maybe(rng):
        gs, ta = rng.randrange(1 << 15), rng.randrange(1 << 16)
        items["160"] = (0, gs / 16384, ta * 360 / 65536)
        want["ground_speed_mps"], want["heading_deg"] = gs / 16384 * 1852, ta * 360 / 65536
    if maybe(rng):
        cs = callsign(rng)
        items["170"], want["aircraft_id"] = cs, cs.rstrip()
    if maybe(rng, 0.3):
        items["020"] = rng.randrange(25)
    if maybe(rng, 0.3):
        items["220"] = {k: v for k, v in {"WS": 20.0, "WD": 270.0, "TMP": -40.0, "TRB": 3}.items() if maybe(rng, 0.6)} or {"TRB": 1}
    if maybe(rng, 0.3):
        items["110"] = {"TIS": [(1, 0, 0, None)]} if maybe(rng) else {"TID": [(0, 0, 5, 1000.0, 1.0, 2.0, 1, 0, 0, 0, 60.0, 1.0)] * rng.randint(0, 2)}
    if maybe(rng, 0.3):
        items["271"] = [(0, 0, 1, 0, 1, 0, None)]
    if maybe(rng, 0.3):
        items["250"] = [rng.randrange(1 << 64) for _ in range(rng.randint(0, 2))]
    if maybe(rng, 0.3):
        items["295"] = {k: 1.0 for k in rng.sample(["AOS", "TRD", "M3A", "QI", "GH", "FL", "GV", "TI2", "SCC"], 3)}
    if maybe(rng, 0.2):
        items["400"] = rng.randrange(256)
    return C21.cv_record.create(items), want


LSB = {"time_of_day_s": 1 / 128, "rho_nm": 1 / 256, "theta_deg": 360 / 65536, "flight_level": 0.25,
       "x_nm": 1 / 128, "y_nm": 1 / 128, "ground_speed_mps": 1852 / 16384, "heading_deg": 360 / 65536,
       "lat": 180 / (1 << 23), "lon": 180 / (1 << 23)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    blob, wants = b"", []
    while len(wants) < args.records:
        cat, make = rng.choice([(C48, cat048), (C21, cat021)])
        recs = [make(rng) for _ in range(rng.randint(1, 6))]
        blob += cat.create([r for r, _ in recs]).unparse().to_bytes()
        wants += [dict(w, category=cat.cv_category) for _, w in recs]
    with tempfile.NamedTemporaryFile(suffix=".ast", delete=False) as f:
        f.write(blob)
        path = f.name
    cmd = os.environ.get("SENSORS_DECODE")
    argv = [cmd, path] if cmd else ["cargo", "run", "-q", "-p", "sensors", "--example", "decode", "--", path]
    out = subprocess.run(argv, cwd=WORKSPACE, capture_output=True, text=True, check=True).stdout
    os.unlink(path)
    got = [json.loads(line) for line in out.splitlines()]
    errors = []
    if len(got) != len(wants):
        errors.append(f"{len(got)} objects decoded, {len(wants)} records encoded")
    fields = 0
    for i, (g, w) in enumerate(zip(got, wants)):
        if "error" in g:
            errors.append(f"record {i}: {g['error']}")
            continue
        for k, v in w.items():
            fields += 1
            if k in LSB:
                if k not in g or abs(g[k] - v) > LSB[k] / 2:
                    errors.append(f"record {i} {k}: got {g.get(k)} want {v}")
            elif g.get(k) != v:
                errors.append(f"record {i} {k}: got {g.get(k)!r} want {v!r}")
    for e in errors[:20]:
        print("MISMATCH", e)
    print(f"{len(wants)} records, {fields} fields compared, {len(errors)} mismatches")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
