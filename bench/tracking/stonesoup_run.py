#!/usr/bin/env python3
"""Run Stone Soup's reference GNN tracker on a v1 tracking scenario directory.

Usage: stonesoup_run.py SCENARIO_DIR OUT_TRACKS_CSV [--kdtree] [--max-scans N]

Configuration (the "same method" the watchfloor tracker's default mimics):
  KalmanPredictor + KalmanUpdater, CombinedLinearGaussianTransitionModel of
  ConstantVelocity(q) per axis (q from scenario.json, default 0.1);
  LinearGaussian(mapping=(0, 2)) with the detection's covariance
  (diag(100, 100) in the v1 scenarios);
  DistanceHypothesiser(Mahalanobis(), missed_distance=3);
  GNNWith2DAssignment (or DetectionKDTreeGNN2D with --kdtree);
  MultiMeasurementInitiator(min_points=3, deleter=UpdateTimeStepsDeleter(3),
  prior GaussianState([0, 0, 0, 0], diag([0, 900, 0, 900])));
  UpdateTimeStepsDeleter(3) for confirmed tracks.

Writes time,track_id,x,y,vx,vy for every confirmed track at every scan and
prints detections/s, scan latency p50/p99 and peak RSS.
"""
import csv
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
from stonesoup.deleter.time import UpdateTimeStepsDeleter
from stonesoup.hypothesiser.distance import DistanceHypothesiser
from stonesoup.initiator.simple import MultiMeasurementInitiator
from stonesoup.measures import Mahalanobis
from stonesoup.models.measurement.linear import LinearGaussian
from stonesoup.models.transition.linear import (
    CombinedLinearGaussianTransitionModel, ConstantVelocity)
from stonesoup.predictor.kalman import KalmanPredictor
from stonesoup.tracker.simple import MultiTargetTracker
from stonesoup.types.detection import Detection
from stonesoup.types.state import GaussianState
from stonesoup.updater.kalman import KalmanUpdater

EPOCH = dt.datetime(2000, 1, 1)
INIT_VELOCITY_VAR = 900.0  # (m/s)^2, same as fusion::Config::default()


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    scen, out = Path(args[0]), Path(args[1])
    kdtree = "--kdtree" in args
    max_scans = int(args[args.index("--max-scans") + 1]) if "--max-scans" in args else None
    meta = json.loads((scen / "scenario.json").read_text())
    q = meta.get("params", {}).get("q", 0.1)

    transition = CombinedLinearGaussianTransitionModel([ConstantVelocity(q), ConstantVelocity(q)])
    default_mm = LinearGaussian(ndim_state=4, mapping=(0, 2), noise_covar=np.diag([100.0, 100.0]))
    models = {}
    scans = {}
    with open(scen / "detections.csv", newline="") as f:
        for row in csv.DictReader(f):
            t = float(row["time"])
            r = (float(row["r_xx"]), float(row["r_xy"]), float(row["r_yy"]))
            mm = models.get(r)
            if mm is None:
                mm = LinearGaussian(ndim_state=4, mapping=(0, 2),
                                    noise_covar=np.array([[r[0], r[1]], [r[1], r[2]]]))
                models[r] = mm
            ts = EPOCH + dt.timedelta(seconds=t)
            det = Detection(np.array([[float(row["x"])], [float(row["y"])]]), timestamp=ts,
                            measurement_model=mm)
            scans.setdefault(t, set()).add(det)
    times = sorted(scans)[:max_scans]
    detector = [(EPOCH + dt.timedelta(seconds=t), scans[t]) for t in times]
    n_dets = sum(len(scans[t]) for t in times)

    predictor = KalmanPredictor(transition)
    updater = KalmanUpdater(default_mm)
    hypothesiser = DistanceHypothesiser(predictor, updater, measure=Mahalanobis(), missed_distance=3)
    if kdtree:
        from stonesoup.dataassociator.tree import DetectionKDTreeGNN2D
        associator = DetectionKDTreeGNN2D(hypothesiser, predictor, updater)
        init_assoc = DetectionKDTreeGNN2D(hypothesiser, predictor, updater)
    else:
        associator = GNNWith2DAssignment(hypothesiser)
        init_assoc = GNNWith2DAssignment(hypothesiser)
    prior = GaussianState(np.zeros((4, 1)), np.diag([0.0, INIT_VELOCITY_VAR, 0.0, INIT_VELOCITY_VAR]))
    initiator = MultiMeasurementInitiator(
        prior_state=prior, measurement_model=default_mm, deleter=UpdateTimeStepsDeleter(3),
        data_associator=init_assoc, updater=updater, min_points=3)
    tracker = MultiTargetTracker(initiator=initiator, deleter=UpdateTimeStepsDeleter(3),
                                 detector=detector, data_associator=associator, updater=updater)

    ids = {}
    lat = []
    rows = []
    it = iter(tracker)
    for t in times:
        start = time.perf_counter()
        ts, tracks = next(it)
        lat.append(time.perf_counter() - start)
        for tr in tracks:
            s = tr.state
            if s.timestamp != ts:
                continue
            tid = ids.setdefault(tr.id, len(ids) + 1)
            v = s.state_vector
            rows.append(f"{t:.3f},{tid},{float(v[0, 0]):.3f},{float(v[2, 0]):.3f},"
                        f"{float(v[1, 0]):.4f},{float(v[3, 0]):.4f}\n")
    with open(out, "w") as f:
        f.write("time,track_id,x,y,vx,vy\n")
        f.writelines(rows)
    total = sum(lat)
    lat.sort()
    pct = lambda p: lat[round((len(lat) - 1) * p)] * 1e3
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"stonesoup scans {len(times)} detections {n_dets} tracker {total:.3f} s "
          f"{n_dets / total:.0f} detections/s scan p50 {pct(0.5):.3f} ms p99 {pct(0.99):.3f} ms "
          f"max {lat[-1] * 1e3:.3f} ms peak RSS {peak} kB")


if __name__ == "__main__":
    main()
