#!/usr/bin/env python3
"""Cross-check the project's GOSPA scorer with Stone Soup's GOSPAMetric.

Usage: stonesoup_gospa.py TRUTH_CSV TRACKS_CSV [C] [P]

Scores every time present in either file with Stone Soup's
GOSPAMetric(c, p, alpha 2, Euclidean on x, y) and prints the mean distance and
its localisation, missed and false parts, in the same layout as
`cargo run -p sim --example score`.
"""
import csv
import sys

import numpy as np
from stonesoup.measures import Euclidean
from stonesoup.metricgenerator.ospametric import GOSPAMetric
from stonesoup.types.state import State


def load(path):
    by_time = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            by_time.setdefault(float(row["time"]), []).append(
                State(np.array([[float(row["x"])], [float(row["y"])]])))
    return by_time


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    c = float(sys.argv[3]) if len(sys.argv) > 3 else 50.0
    p = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    truth, tracks = load(sys.argv[1]), load(sys.argv[2])
    metric = GOSPAMetric(c=c, p=p, measure=Euclidean(mapping=(0, 1)))
    parts = {"distance": [], "localisation": [], "missed": [], "false": []}
    for t in sorted(set(truth) | set(tracks)):
        g = metric.compute_gospa_metric(tracks.get(t, []), truth.get(t, []))[0]
        for k in parts:
            parts[k].append(g.value[k])
    m = {k: float(np.mean(v)) for k, v in parts.items()}
    print(f"stonesoup scans {len(parts['distance'])} mean GOSPA {m['distance']:.3f} (c {c:g} p {p:g} "
          f"alpha 2): localisation {m['localisation']:.3f} missed {m['missed']:.3f} "
          f"false {m['false']:.3f}")


if __name__ == "__main__":
    main()
