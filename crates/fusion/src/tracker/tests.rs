use super::*;

const R: Mat2 = [[100.0, 0.0], [0.0, 100.0]];

fn det(t: f64, x: f64, y: f64) -> Detection {
    Detection {
        time: t,
        sensor_id: 0,
        x,
        y,
        r: R,
        ident: None,
    }
}

/// A target at `(x0 + vx t, y0 + vy t)` with a small deterministic wiggle.
fn at(t: f64, x0: f64, y0: f64, vx: f64, vy: f64) -> (f64, f64) {
    (
        x0 + vx * t + 3.0 * (t * 1.7).sin(),
        y0 + vy * t - 3.0 * (t * 0.9).cos(),
    )
}

#[test]
fn single_target_is_confirmed_on_third_hit_and_follows() {
    let mut tr = Tracker::new(Config::default()).unwrap();
    for k in 0..30 {
        let t = k as f64;
        let (x, y) = at(t, 100.0, -200.0, 20.0, 5.0);
        let out = tr.process(t, &[det(t, x, y)]).unwrap();
        match k {
            0 | 1 => assert!(out.tracks.is_empty(), "scan {k}"),
            _ => {
                assert_eq!(out.tracks.len(), 1, "scan {k}");
                assert_eq!(out.tracks[0].id, 1);
            }
        }
        if k == 29 {
            let r = out.tracks[0];
            assert!((r.x - x).abs() < 15.0 && (r.y - y).abs() < 15.0, "{r:?}");
            assert!(
                (r.vx - 20.0).abs() < 3.0 && (r.vy - 5.0).abs() < 3.0,
                "{r:?}"
            );
        }
    }
    assert_eq!(tr.counts(), (1, 0));
}

#[test]
fn three_missed_scans_delete_and_ids_are_not_reused() {
    let mut tr = Tracker::new(Config::default()).unwrap();
    for k in 0..5 {
        let t = k as f64;
        tr.process(t, &[det(t, 10.0 * t, 0.0)]).unwrap();
    }
    // Misses 1 and 2 keep reporting the prediction; miss 3 deletes.
    for k in 5..7 {
        let out = tr.process(k as f64, &[]).unwrap();
        assert_eq!(out.tracks.len(), 1);
        assert!((out.tracks[0].x - 10.0 * k as f64).abs() < 10.0);
    }
    let out = tr.process(7.0, &[]).unwrap();
    assert!(out.tracks.is_empty());
    assert_eq!(out.deleted, vec![1]);
    for k in 8..12 {
        let t = k as f64;
        let out = tr.process(t, &[det(t, 5000.0, 10.0 * t)]).unwrap();
        if k >= 10 {
            assert_eq!(out.tracks[0].id, 2);
        }
    }
}

#[test]
fn scattered_clutter_never_confirms() {
    let mut tr = Tracker::new(Config::default()).unwrap();
    for k in 0..20 {
        let t = k as f64;
        // Points that never repeat near each other.
        let d: Vec<Detection> = (0..10)
            .map(|i| {
                det(
                    t,
                    (k * 10 + i) as f64 * 997.0 % 20_000.0,
                    (i * 3001 + k * 7919) as f64 % 20_000.0,
                )
            })
            .collect();
        let out = tr.process(t, &d).unwrap();
        assert!(out.tracks.is_empty(), "scan {k}");
    }
    // Tentative tracks are bounded by the deletion rule: 3 scans of 10.
    assert!(tr.counts().1 <= 30);
}

#[test]
fn many_targets_in_parallel_keep_their_ids() {
    let mut tr = Tracker::new(Config::default()).unwrap();
    let starts: Vec<(f64, f64)> = (0..400)
        .map(|i| ((i % 20) as f64 * 300.0, (i / 20) as f64 * 300.0))
        .collect();
    let mut ids_at_5 = Vec::new();
    for k in 0..15 {
        let t = k as f64;
        let d: Vec<Detection> = starts
            .iter()
            .map(|&(x, y)| {
                let (px, py) = at(t, x, y, 15.0, -10.0);
                det(t, px, py)
            })
            .rev()
            .collect();
        let out = tr.process(t, &d).unwrap();
        if k == 5 {
            ids_at_5 = out
                .tracks
                .iter()
                .map(|r| (r.id, (r.x / 300.0).round(), (r.y / 300.0).round()))
                .collect();
        }
        if k == 14 {
            assert_eq!(out.tracks.len(), 400);
            let ids: Vec<u64> = out.tracks.iter().map(|r| r.id).collect();
            assert_eq!(ids, ids_at_5.iter().map(|x| x.0).collect::<Vec<_>>());
        }
    }
    assert_eq!(ids_at_5.len(), 400);
}

#[test]
fn crossing_targets_are_not_swapped() {
    let mut tr = Tracker::new(Config::default()).unwrap();
    let mut first = None;
    for k in 0..40 {
        let t = k as f64;
        // Cross at t = 20 at right angles, 15 m/s each.
        let a = (-300.0 + 15.0 * t, 0.0);
        let b = (0.0, -300.0 + 15.0 * t);
        let out = tr
            .process(t, &[det(t, a.0, a.1), det(t, b.0, b.1)])
            .unwrap();
        if k == 5 {
            first = out.tracks.iter().find(|r| r.y.abs() < 30.0).map(|r| r.id);
        }
        if k == 39 {
            let along_x = out.tracks.iter().find(|r| r.y.abs() < 30.0).map(|r| r.id);
            assert_eq!(along_x, first);
            assert_eq!(out.tracks.len(), 2);
        }
    }
}

#[test]
fn bad_input_is_refused_not_fatal() {
    let mut tr = Tracker::new(Config::default()).unwrap();
    let bad = [
        det(0.0, f64::NAN, 0.0),
        Detection {
            r: [[-1.0, 0.0], [0.0, 1.0]],
            ident: None,
            ..det(0.0, 0.0, 0.0)
        },
        Detection {
            r: [[1.0, 5.0], [0.0, 1.0]],
            ident: None,
            ..det(0.0, 0.0, 0.0)
        },
        det(0.0, 1.0, 1.0),
    ];
    let out = tr.process(0.0, &bad).unwrap();
    assert_eq!(out.rejected, 3);
    assert_eq!(tr.counts(), (0, 1));
    assert!(matches!(
        tr.process(-1.0, &[]),
        Err(TrackerError::OutOfOrder { .. })
    ));
    assert!(tr.process(f64::NAN, &[]).is_err());
    let cfg = Config {
        gate: 0.0,
        ..Config::default()
    };
    assert!(matches!(Tracker::new(cfg), Err(TrackerError::Config(_))));
    let cfg = Config {
        filter: FilterKind::Imm(ImmConfig {
            switch_per_s: 2.0,
            ..ImmConfig::default()
        }),
        ..Config::default()
    };
    assert!(Tracker::new(cfg).is_err());
}

#[test]
fn asynchronous_sensors_with_late_arrivals() {
    let cfg = Config {
        late_window: 0.5,
        ..Config::default()
    };
    let mut tr = Tracker::new(cfg).unwrap();
    let mut outs = Vec::new();
    for k in 0..10 {
        let t = k as f64;
        // Sensor 1 reports at t + 0.3 but its plot of time t arrives first:
        // both must be processed in time order.
        let s1 = Detection {
            sensor_id: 1,
            ..det(t + 0.3, 10.0 * (t + 0.3), 0.0)
        };
        tr.ingest(s1, t + 0.35).unwrap();
        tr.ingest(det(t, 10.0 * t, 0.0), t + 0.4).unwrap();
        assert_eq!(tr.poll_timeout(), Some(t + 0.5));
        outs.extend(tr.handle_timeout(t + 0.9));
    }
    let times: Vec<f64> = outs.iter().map(|o| o.time).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    assert_eq!(times.len(), 20);
    assert_eq!(outs.last().unwrap().tracks.len(), 1);
    // Arriving after its window, or before what was processed, is refused.
    assert!(matches!(
        tr.ingest(det(9.5, 95.0, 0.0), 10.5),
        Err(TrackerError::TooLate { .. })
    ));
    assert!(matches!(
        tr.ingest(det(9.0, 90.0, 0.0), 9.2),
        Err(TrackerError::TooLate { .. })
    ));
    assert!(matches!(
        tr.ingest(det(20.0, f64::INFINITY, 0.0), 20.0),
        Err(TrackerError::BadDetection)
    ));
    let small = Config {
        max_pending: 1,
        ..Config::default()
    };
    let mut tr = Tracker::new(small).unwrap();
    tr.ingest(det(0.0, 0.0, 0.0), 0.0).unwrap();
    assert_eq!(
        tr.ingest(det(0.0, 1.0, 0.0), 0.0),
        Err(TrackerError::Full(1))
    );
}

#[test]
fn imm_follows_a_turn_better_than_cv() {
    let run = |filter: FilterKind| {
        let mut tr = Tracker::new(Config {
            filter,
            ..Config::default()
        })
        .unwrap();
        let mut err = 0.0;
        for k in 0..60 {
            let t = k as f64;
            // Straight for 20 s, then a 3°/s turn at 30 m/s.
            let (x, y) = if t < 20.0 {
                (30.0 * t, 0.0)
            } else {
                let w = 3.0_f64.to_radians();
                let a = w * (t - 20.0);
                (600.0 + 30.0 / w * a.sin(), 30.0 / w * (1.0 - a.cos()))
            };
            let out = tr.process(t, &[det(t, x, y)]).unwrap();
            if k >= 20 {
                let r = out.tracks.first().expect("track kept through the turn");
                err += (r.x - x).hypot(r.y - y);
            }
        }
        err / 40.0
    };
    let cv = run(FilterKind::Cv);
    let imm = run(FilterKind::Imm(ImmConfig::default()));
    assert!(imm < cv, "imm {imm} cv {cv}");
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn any_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            6 => -5_000.0f64..5_000.0,
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
            1 => Just(1e300),
            1 => Just(0.0),
        ]
    }

    fn any_det() -> impl Strategy<Value = Detection> {
        (
            any_f64(),
            any_f64(),
            any_f64(),
            any_f64(),
            any_f64(),
            0u32..3,
        )
            .prop_map(|(x, y, a, b, c, s)| Detection {
                time: 0.0,
                sensor_id: s,
                x,
                y,
                r: [[a.abs(), b], [b, c.abs()]],
                ident: None,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn arbitrary_scans_never_panic(
            scans in proptest::collection::vec((0.0f64..3.0, proptest::collection::vec(any_det(), 0..30)), 1..12),
            imm in any::<bool>(),
        ) {
            let filter = if imm { FilterKind::Imm(ImmConfig::default()) } else { FilterKind::Cv };
            let mut tr = Tracker::new(Config { filter, ..Config::default() }).unwrap();
            let mut asy = Tracker::new(Config { filter, ..Config::default() }).unwrap();
            let mut t = 0.0;
            for (dt, dets) in &scans {
                t += dt;
                let out = tr.process(t, dets).unwrap();
                prop_assert!(out.rejected <= dets.len());
                for r in &out.tracks {
                    prop_assert!(r.x.is_finite() && r.y.is_finite());
                }
                for d in dets {
                    let _ = asy.ingest(Detection { time: t, ..*d }, t + 0.1);
                }
                for out in asy.handle_timeout(t + 0.6) {
                    prop_assert!(out.tracks.iter().all(|r| r.x.is_finite() && r.y.is_finite()));
                }
            }
            prop_assert_eq!(asy.late_dropped(), 0);
        }
    }
}

#[test]
fn mixing_process_and_ingest_drops_and_counts_stale_batches() {
    let mut tr = Tracker::new(Config::default()).unwrap();
    tr.ingest(det(1.0, 0.0, 0.0), 1.0).unwrap();
    tr.process(2.0, &[]).unwrap();
    assert!(tr.handle_timeout(3.0).is_empty());
    assert_eq!(tr.late_dropped(), 1);
}
