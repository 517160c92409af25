#!/usr/bin/env python3
"""Stone Soup 1.9.1 as the reference tracker on a format-v2 (multi-sensor) scenario.

Usage: stonesoup_v2.py SCENARIO_DIR OUT_TRACKS_CSV [--delete-periods K]
                       [--max-time T] [--budget S]

One tracker is fed every detection of detections.csv in time order. The
detections of one (time, sensor_id) pair are one scan; each detection carries
its own measurement model, LinearGaussian(mapping=(0, 2)) with that row's
covariance (r_xx, r_xy, r_yy), so radar plots are weighted by their polar
noise and ADS-B reports by theirs. The ident column is not used (Stone Soup's
GNN has no notion of it).

  KalmanPredictor, CombinedLinearGaussianTransitionModel of ConstantVelocity(q)
    per axis (q = params.q of scenario.json, default 0.1);
  KalmanUpdater; DistanceHypothesiser(Mahalanobis(), missed_distance=3);
  GNNWith2DAssignment;
  MultiMeasurementInitiator(min_points=3, prior GaussianState([0, 0, 0, 0],
    diag([0, 900, 0, 900])));
  UpdateTimeDeleter(K x the slowest sensor's scan_period) for tentative and
    confirmed tracks (K = --delete-periods, default 3).

Writes time,track_id,x,y,vx,vy for every confirmed track after each scan, and
prints detections/s, scan latency p50/p99/max (time inside the tracker per
scan) and peak RSS. --max-time T keeps only detections before T seconds;
--budget S stops after the first scan that ends more than S seconds of
tracker time after the start (both say so in the printed line), so a large
file gives a bounded run on a prefix.
"""
import argparse
import csv
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
from stonesoup.deleter.time import UpdateTimeDeleter
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
INIT_VELOCITY_VAR = 900.0  # (m/s)^2, as fusion::Config::default() and stonesoup_run.py


def read_scans(path, max_time):
    """The scans of detections.csv: [(seconds, sensor_id, [Detection])], in file order.

    Rows are in time order in a v2 file; a scan is the run of rows sharing a
    time and a sensor. Models are shared between rows with equal covariances
    (ADS-B rows all have one), which changes nothing but memory.
    """
    models = {}
    scans = {}
    order = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            t = float(row["time"])
            if max_time is not None and t >= max_time:
                break
            r = (float(row["r_xx"]), float(row["r_xy"]), float(row["r_yy"]))
            mm = models.get(r)
            if mm is None:
                mm = LinearGaussian(ndim_state=4, mapping=(0, 2),
                                    noise_covar=np.array([[r[0], r[1]], [r[1], r[2]]]))
                models[r] = mm
            key = (round(t * 1000), int(row["sensor_id"]))
            if key not in scans:
                scans[key] = []
                order.append(key)
            det = Detection(np.array([[float(row["x"])], [float(row["y"])]]),
                            timestamp=EPOCH + dt.timedelta(milliseconds=key[0]),
                            measurement_model=mm)
            scans[key].append(det)
    order.sort()
    return [(ms / 1000.0, sensor, scans[(ms, sensor)]) for ms, sensor in order]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--delete-periods", type=float, default=3.0)
    ap.add_argument("--max-time", type=float, default=None)
    ap.add_argument("--budget", type=float, default=None)
    a = ap.parse_args()

    meta = json.loads((a.scenario / "scenario.json").read_text())
    q = meta.get("params", {}).get("q", 0.1)
    periods = [s["scan_period"] for s in meta.get("sensors", []) if s.get("scan_period")]
    if not periods:
        sys.exit("scenario.json lists no sensor with a scan_period: not a v2 scenario")
    keep = dt.timedelta(seconds=a.delete_periods * max(periods))

    scans = read_scans(a.scenario / "detections.csv", a.max_time)
    # No sensor scans at exactly one time as another in the v2 files; if two
    # did, they would be two scans at one timestamp, which Stone Soup takes.
    detector = ((EPOCH + dt.timedelta(seconds=t), set(dets)) for t, _, dets in scans)

    transition = CombinedLinearGaussianTransitionModel([ConstantVelocity(q), ConstantVelocity(q)])
    # Every detection has its own model; this one only fills the
    # constructors' required argument and is never used for a detection.
    fallback = LinearGaussian(ndim_state=4, mapping=(0, 2), noise_covar=np.diag([100.0, 100.0]))
    predictor = KalmanPredictor(transition)
    updater = KalmanUpdater(fallback)
    hypothesiser = DistanceHypothesiser(predictor, updater, measure=Mahalanobis(), missed_distance=3)
    prior = GaussianState(np.zeros((4, 1)), np.diag([0.0, INIT_VELOCITY_VAR, 0.0, INIT_VELOCITY_VAR]))
    initiator = MultiMeasurementInitiator(
        prior_state=prior, measurement_model=fallback, deleter=UpdateTimeDeleter(keep),
        data_associator=GNNWith2DAssignment(hypothesiser), updater=updater, min_points=3)
    tracker = MultiTargetTracker(initiator=initiator, deleter=UpdateTimeDeleter(keep),
                                 detector=detector, data_associator=GNNWith2DAssignment(hypothesiser),
                                 updater=updater)

    ids = {}
    lat = []
    n_dets = 0
    stopped = None
    it = iter(tracker)
    with open(a.out, "w") as out:
        out.write("time,track_id,x,y,vx,vy\n")
        for t, _, dets in scans:
            start = time.perf_counter()
            ts, tracks = next(it)
            lat.append(time.perf_counter() - start)
            n_dets += len(dets)
            for tr in tracks:
                s = tr.state
                if s.timestamp != ts:
                    continue
                tid = ids.setdefault(tr.id, len(ids) + 1)
                v = s.state_vector
                out.write(f"{t:.3f},{tid},{float(v[0, 0]):.3f},{float(v[2, 0]):.3f},"
                          f"{float(v[1, 0]):.4f},{float(v[3, 0]):.4f}\n")
            if a.budget is not None and sum(lat) > a.budget:
                stopped = t
                break
    if not lat:
        sys.exit("no detections")
    total = sum(lat)
    lat.sort()
    pct = lambda p: lat[round((len(lat) - 1) * p)] * 1e3
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    prefix = ""
    if stopped is not None:
        prefix = f" STOPPED by --budget after the scan at {stopped:.3f} s (a prefix: {len(lat)} of {len(scans)} scans)"
    elif a.max_time is not None:
        prefix = f" (prefix: detections before {a.max_time} s)"
    print(f"stonesoup K={a.delete_periods:g} scans {len(lat)} detections {n_dets} tracker {total:.3f} s "
          f"{n_dets / total:.0f} detections/s scan p50 {pct(0.5):.3f} ms p99 {pct(0.99):.3f} ms "
          f"max {lat[-1] * 1e3:.3f} ms peak RSS {peak} kB{prefix}")


if __name__ == "__main__":
    main()
