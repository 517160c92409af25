//! The fuser's contract, rule by rule, and operation sequences against it.

use proptest::prelude::*;

use super::*;

const R: [[f64; 2]; 2] = [[100.0, 0.0], [0.0, 100.0]];

fn radar(site: [f64; 2], max_range: f64, period: f64) -> SensorSpec {
    SensorSpec {
        coverage: Some(Ring {
            site,
            min_range: 0.0,
            max_range,
        }),
        period,
        looks: Looks::Scans,
        cooperative_only: false,
    }
}

fn adsb(period: f64) -> SensorSpec {
    SensorSpec {
        coverage: None,
        period,
        looks: Looks::Scans,
        cooperative_only: true,
    }
}

fn det(x: f64, y: f64, ident: Option<u32>) -> Detection {
    Detection {
        time: 0.0,
        sensor_id: 0,
        x,
        y,
        r: R,
        ident,
    }
}

/// A simulated object moving in a straight line with a small wiggle.
#[derive(Debug, Clone, Copy)]
struct Obj {
    x0: f64,
    y0: f64,
    vx: f64,
    vy: f64,
    ident: Option<u32>,
}

impl Obj {
    fn at(&self, t: f64) -> [f64; 2] {
        [
            self.x0 + self.vx * t + 2.0 * (t * 1.3 + self.x0).sin(),
            self.y0 + self.vy * t - 2.0 * (t * 0.7 + self.y0).cos(),
        ]
    }
}

/// Every scan of every sensor from 0 to `until`, in time order (sensor
/// order at equal times): `(time, sensor)`.
fn schedule(sensors: &[SensorSpec], phases: &[f64], until: f64) -> Vec<(f64, u32)> {
    let mut s = Vec::new();
    for (i, (spec, phase)) in sensors.iter().zip(phases).enumerate() {
        let mut t = *phase;
        while t < until {
            s.push((t, i as u32));
            t += spec.period;
        }
    }
    s.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    s
}

/// What one sensor reports of `objs` at `t` (every covered object).
fn look(spec: &SensorSpec, objs: &[Obj], t: f64) -> Vec<Detection> {
    objs.iter()
        .filter_map(|o| {
            let p = o.at(t);
            spec.covers(p[0], p[1], o.ident.is_some()).then(|| {
                let ident = if spec.cooperative_only { o.ident } else { None };
                det(p[0], p[1], ident)
            })
        })
        .collect()
}

/// Runs a whole schedule; `drop(time, sensor)` silences a look. Returns
/// the fuser and the confirmed numbers seen after each scan.
fn run(
    sensors: Vec<SensorSpec>,
    phases: &[f64],
    objs: &[Obj],
    until: f64,
    drop: impl Fn(f64, u32) -> bool,
) -> (Fuser, Vec<(f64, Vec<u64>)>) {
    let mut f = Fuser::new(FuseConfig::default(), sensors.clone()).unwrap();
    let mut seen = Vec::new();
    for (t, s) in schedule(&sensors, phases, until) {
        if drop(t, s) {
            continue;
        }
        let dets = look(&sensors[s as usize], objs, t);
        f.scan(s, t, &dets).unwrap();
        let ids: Vec<u64> = f.tracks_at(t).iter().map(|t| t.report.id).collect();
        seen.push((t, ids));
    }
    (f, seen)
}

#[test]
fn two_radars_and_adsb_make_one_track_per_object_with_one_number() {
    let sensors = vec![
        radar([-5_000.0, 0.0], 20_000.0, 4.0),
        radar([5_000.0, 0.0], 20_000.0, 5.0),
        adsb(1.0),
    ];
    let objs = [
        Obj {
            x0: -2_000.0,
            y0: 1_000.0,
            vx: 30.0,
            vy: 0.0,
            ident: Some(0xabc123),
        },
        Obj {
            x0: 2_000.0,
            y0: -1_000.0,
            vx: -10.0,
            vy: 5.0,
            ident: None,
        },
        Obj {
            x0: 0.0,
            y0: 4_000.0,
            vx: 0.0,
            vy: -20.0,
            ident: None,
        },
    ];
    let (f, seen) = run(sensors, &[0.0, 2.3, 0.5], &objs, 120.0, |_, _| false);
    let (_, last) = seen.last().unwrap();
    assert_eq!(last.len(), 3, "{last:?}");
    // Once all three exist, the numbers never change.
    let settled = seen.iter().position(|(_, ids)| ids.len() == 3).unwrap();
    for (t, ids) in &seen[settled..] {
        assert_eq!(ids, last, "at {t}");
    }
    assert_eq!(f.counters().deleted, 0);
    assert_eq!(f.counters().merges, 0);
    let coop = f
        .tracks_at(120.0)
        .into_iter()
        .filter(|t| t.ident == Some(0xabc123))
        .count();
    assert_eq!(coop, 1);
}

#[test]
fn a_slow_radar_that_has_not_looked_yet_deletes_nothing() {
    // One non-cooperative object seen only by a 12 s radar, while ADS-B
    // scans every second: the ADS-B scans must not count as misses.
    let sensors = vec![radar([0.0, 0.0], 30_000.0, 12.0), adsb(1.0)];
    let objs = [Obj {
        x0: 1_000.0,
        y0: 0.0,
        vx: 5.0,
        vy: 0.0,
        ident: None,
    }];
    let (f, seen) = run(sensors, &[0.0, 0.5], &objs, 200.0, |_, _| false);
    assert_eq!(seen.last().unwrap().1, vec![1]);
    assert_eq!(f.counters().deleted, 0);
}

#[test]
fn a_track_is_deleted_after_three_misses_of_every_covering_sensor() {
    let sensors = vec![
        radar([0.0, 0.0], 30_000.0, 4.0),
        radar([1_000.0, 0.0], 30_000.0, 5.0),
    ];
    let objs = [Obj {
        x0: 0.0,
        y0: 2_000.0,
        vx: 10.0,
        vy: 0.0,
        ident: None,
    }];
    let mut f = Fuser::new(FuseConfig::default(), sensors.clone()).unwrap();
    let mut deleted_at = None;
    for (t, s) in schedule(&sensors, &[0.0, 1.0], 100.0) {
        let dets = if t < 40.0 {
            look(&sensors[s as usize], &objs, t)
        } else {
            Vec::new()
        };
        let rep = f.scan(s, t, &dets).unwrap();
        if !rep.deleted.is_empty() && deleted_at.is_none() {
            deleted_at = Some(t);
        }
    }
    // The last detections are near t = 40; three looks of the 5 s radar
    // take until about 55, and not before the 4 s one's third at about 52.
    let at = deleted_at.unwrap();
    assert!((50.0..=57.0).contains(&at), "{at}");
}

#[test]
fn a_sensor_silent_for_a_minute_deletes_nothing_others_see() {
    let sensors = vec![
        radar([0.0, 0.0], 30_000.0, 4.0),
        radar([2_000.0, 0.0], 30_000.0, 2.0),
    ];
    let objs = [
        Obj {
            x0: 0.0,
            y0: 3_000.0,
            vx: 8.0,
            vy: 1.0,
            ident: None,
        },
        Obj {
            x0: -3_000.0,
            y0: 0.0,
            vx: 0.0,
            vy: 6.0,
            ident: None,
        },
    ];
    // Sensor 1 says nothing from 30 s to 90 s (no scans at all).
    let (f, seen) = run(sensors, &[0.0, 1.0], &objs, 150.0, |t, s| {
        s == 1 && (30.0..90.0).contains(&t)
    });
    assert_eq!(f.counters().deleted, 0);
    let settled = seen.iter().position(|(_, ids)| ids.len() == 2).unwrap();
    for (t, ids) in &seen[settled..] {
        assert_eq!(ids.len(), 2, "at {t}: {ids:?}");
    }
}

#[test]
fn an_address_joins_radar_plots_and_a_jump_is_counted_not_duplicated() {
    let sensors = vec![radar([0.0, 0.0], 50_000.0, 4.0), adsb(1.0)];
    let plane = Obj {
        x0: 0.0,
        y0: 5_000.0,
        vx: 100.0,
        vy: 0.0,
        ident: Some(0x3c6444),
    };
    let mut f = Fuser::new(FuseConfig::default(), sensors.clone()).unwrap();
    for (t, s) in schedule(&sensors, &[0.0, 0.5], 60.0) {
        f.scan(s, t, &look(&sensors[s as usize], &[plane], t))
            .unwrap();
    }
    let tracks = f.tracks_at(60.0);
    assert_eq!(tracks.len(), 1, "{tracks:?}");
    assert_eq!(tracks[0].ident, Some(0x3c6444));
    assert_eq!(tracks[0].sensors, 0b11, "both sensors fed it");
    // The same address now reported 40 km away: a jump, counted; the
    // report starts a new track rather than dragging the old one there.
    f.scan(1, 60.5, &[det(-30_000.0, -20_000.0, Some(0x3c6444))])
        .unwrap();
    assert_eq!(f.counters().ident_jumps, 1);
    let old = f.tracks_at(60.5);
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].ident, None, "the old track lost the address");
    assert!((old[0].report.x - 6_050.0).abs() < 200.0, "{old:?}");
}

#[test]
fn two_tracks_of_one_object_are_merged_under_the_older_number() {
    // A split plot: each scan reports the object twice, 15 m apart, for
    // three scans, which confirms two tracks; then one plot per scan.
    let sensors = vec![radar([0.0, 0.0], 30_000.0, 1.0)];
    let mut f = Fuser::new(FuseConfig::default(), sensors).unwrap();
    let mut merges = Vec::new();
    for k in 0..30 {
        let t = f64::from(k);
        let x = 1_000.0 + 10.0 * t;
        let dets = if k < 3 {
            vec![det(x, 0.0, None), det(x + 15.0, 0.0, None)]
        } else {
            vec![det(x, 0.0, None)]
        };
        let rep = f.scan(0, t, &dets).unwrap();
        merges.extend(rep.merged);
    }
    assert_eq!(f.counts().0, 1, "{:?}", f.tracks_at(30.0));
    assert_eq!(merges.len(), 1, "{merges:?}");
    assert_eq!((merges[0].kept, merges[0].absorbed), (1, 2));
    assert_eq!(f.tracks_at(30.0)[0].report.id, 1);
}

#[test]
fn two_different_addresses_are_never_one_track() {
    // Two aircraft in close formation, 30 m apart, each with its address.
    let sensors = vec![adsb(1.0)];
    let a = Obj {
        x0: 0.0,
        y0: 0.0,
        vx: 80.0,
        vy: 0.0,
        ident: Some(1),
    };
    let b = Obj {
        y0: 30.0,
        ident: Some(2),
        ..a
    };
    let (f, _) = run(sensors, &[0.0], &[a, b], 60.0, |_, _| false);
    let tracks = f.tracks_at(60.0);
    assert_eq!(tracks.len(), 2);
    assert_eq!(f.counters().merges, 0);
    let mut idents: Vec<_> = tracks.iter().map(|t| t.ident).collect();
    idents.sort();
    assert_eq!(idents, vec![Some(1), Some(2)]);
}

#[test]
fn bad_input_is_refused_and_counted_and_changes_nothing() {
    let mut f = Fuser::new(
        FuseConfig::default(),
        vec![radar([0.0, 0.0], 10_000.0, 1.0)],
    )
    .unwrap();
    for k in 0..5 {
        f.scan(0, f64::from(k), &[det(100.0 * f64::from(k), 0.0, None)])
            .unwrap();
    }
    let before = f.tracks_at(4.0);
    assert!(matches!(
        f.scan(7, 5.0, &[]),
        Err(FuseError::UnknownSensor(7))
    ));
    assert!(matches!(
        f.scan(0, 3.0, &[]),
        Err(FuseError::OutOfOrder { .. })
    ));
    assert!(matches!(f.scan(0, f64::NAN, &[]), Err(FuseError::BadTime)));
    let bad_r = Detection {
        r: [[1.0, 2.0], [2.0, 1.0]],
        ..det(500.0, 0.0, None)
    };
    let nan = det(f64::NAN, 0.0, None);
    let rep = f
        .scan(
            0,
            4.0,
            &[bad_r, nan, det(1e308, 1e308, None), det(1e308, 1e308, None)],
        )
        .unwrap();
    assert_eq!((rep.rejected, rep.duplicates), (2, 1));
    let c = f.counters();
    assert_eq!(
        (c.unknown_sensor, c.out_of_order, c.rejected, c.duplicates),
        (1, 1, 2, 1)
    );
    assert_eq!(
        f.tracks_at(4.0).first().map(|t| t.report.id),
        before.first().map(|t| t.report.id)
    );
}

#[test]
fn configurations_out_of_range_are_refused() {
    let ok = radar([0.0, 0.0], 1_000.0, 1.0);
    assert!(Fuser::new(
        FuseConfig::default(),
        vec![SensorSpec { period: 0.0, ..ok }]
    )
    .is_err());
    let ring = Ring {
        site: [0.0, 0.0],
        min_range: 5.0,
        max_range: 1.0,
    };
    assert!(Fuser::new(
        FuseConfig::default(),
        vec![SensorSpec {
            coverage: Some(ring),
            ..ok
        }]
    )
    .is_err());
    let cfg = FuseConfig {
        merge_after: 0,
        ..FuseConfig::default()
    };
    assert!(Fuser::new(cfg, vec![ok]).is_err());
}

fn objects() -> impl Strategy<Value = Vec<Obj>> {
    prop::collection::vec(
        (
            -8_000.0..8_000.0f64,
            -8_000.0..8_000.0f64,
            -40.0..40.0f64,
            -40.0..40.0f64,
            any::<bool>(),
        ),
        1..6,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (x0, y0, vx, vy, coop))| Obj {
                x0,
                y0,
                vx,
                vy,
                ident: coop.then_some(0x100 + i as u32),
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Permuting the detections within every scan changes nothing.
    #[test]
    fn order_within_a_scan_changes_nothing(objs in objects(), seed in any::<u64>()) {
        let sensors = vec![radar([0.0, 0.0], 30_000.0, 3.0), radar([4_000.0, 0.0], 30_000.0, 4.0), adsb(1.0)];
        let mut a = Fuser::new(FuseConfig::default(), sensors.clone()).unwrap();
        let mut b = a.clone();
        let mut state = seed;
        for (t, s) in schedule(&sensors, &[0.0, 1.1, 0.4], 40.0) {
            let dets = look(&sensors[s as usize], &objs, t);
            let mut shuffled = dets.clone();
            for i in (1..shuffled.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (state >> 33) as usize % (i + 1));
            }
            let ra = a.scan(s, t, &dets).unwrap();
            let rb = b.scan(s, t, &shuffled).unwrap();
            prop_assert_eq!(&ra.confirmed, &rb.confirmed);
            prop_assert_eq!(&ra.deleted, &rb.deleted);
            prop_assert_eq!(a.tracks_at(t), b.tracks_at(t));
        }
    }

    /// One object reported by N sensors (N = 1 to 5, any periods and
    /// phases) is one track with one number.
    #[test]
    fn one_object_seen_by_n_sensors_is_one_track(
        n in 1usize..=5,
        periods in prop::collection::vec(0.5..6.0f64, 5),
        phases in prop::collection::vec(0.0..3.0f64, 5),
        vx in -60.0..60.0f64,
        vy in -60.0..60.0f64,
    ) {
        let sensors: Vec<SensorSpec> = (0..n)
            .map(|i| radar([1_000.0 * i as f64, -500.0 * i as f64], 40_000.0, periods[i]))
            .collect();
        let obj = Obj { x0: 100.0, y0: 200.0, vx, vy, ident: None };
        let (f, seen) = run(sensors, &phases[..n], &[obj], 90.0, |_, _| false);
        for (t, ids) in seen.iter().skip_while(|(_, ids)| ids.is_empty()) {
            prop_assert_eq!(ids, &vec![1], "at {}", t);
        }
        prop_assert_eq!(f.counters().deleted, 0);
    }

    /// Garbage never panics and never breaks the time order.
    #[test]
    fn garbage_never_panics(
        scans in prop::collection::vec(
            (0u32..4, -1.0..50.0f64, prop::collection::vec((any::<f64>(), any::<f64>(), any::<f64>(), any::<f64>(), any::<Option<u32>>()), 0..6)),
            0..40,
        ),
    ) {
        let sensors = vec![radar([0.0, 0.0], 10_000.0, 2.0), adsb(1.0)];
        let mut f = Fuser::new(FuseConfig::default(), sensors).unwrap();
        for (s, t, dets) in scans {
            let dets: Vec<Detection> = dets
                .into_iter()
                .map(|(x, y, a, b, ident)| Detection { r: [[a, b], [b, a]], ..det(x, y, ident) })
                .collect();
            let _ = f.scan(s, t, &dets);
            if let Some(last) = f.last_time() {
                prop_assert!(last.is_finite());
            }
        }
    }
}

#[test]
fn a_reporting_sensor_misses_once_per_period_of_reporting() {
    // A rotating radar reporting plot by plot: two objects on opposite
    // sides, so the radar reports every half period. The first object
    // stops being seen at 60 s; the second keeps the radar live.
    let spec = SensorSpec {
        looks: Looks::Reports,
        ..radar([0.0, 0.0], 30_000.0, 5.0)
    };
    let mut f = Fuser::new(FuseConfig::default(), vec![spec]).unwrap();
    let (a, b) = ([3_000.0, 0.0], [-3_000.0, 0.0]);
    let mut deleted_at = None;
    let mut k = 0;
    while f64::from(k) * 2.5 < 120.0 {
        let t = f64::from(k) * 2.5;
        let p = if k % 2 == 0 { a } else { b };
        let seen = k % 2 == 1 || t < 60.0;
        let dets = if seen {
            vec![det(p[0] + 0.1 * t, p[1], None)]
        } else {
            vec![]
        };
        let rep = f.scan(0, t, &dets).unwrap();
        if !rep.deleted.is_empty() {
            deleted_at.get_or_insert(t);
            assert_eq!(rep.deleted, vec![1], "only the unseen object ends");
        }
        k += 1;
    }
    // Last seen at 55 s; three whole periods of reporting take until 70 s.
    let at = deleted_at.unwrap();
    assert!((70.0..=72.5).contains(&at), "{at}");
    assert_eq!(f.counts().0, 1);
}

#[test]
fn a_mode_s_address_does_not_make_adsb_count_misses() {
    // An aircraft without ADS-B, seen by a 10 s Mode S radar that reports
    // its address, while an ADS-B receiver reports other aircraft every
    // second: the receiver has never heard it, so it misses nothing.
    let sensors = vec![radar([0.0, 0.0], 100_000.0, 10.0), adsb(1.0)];
    let quiet = Obj {
        x0: 20_000.0,
        y0: 0.0,
        vx: 200.0,
        vy: 0.0,
        ident: Some(0x00beef),
    };
    let other = Obj {
        x0: -20_000.0,
        y0: 5_000.0,
        vx: 0.0,
        vy: 150.0,
        ident: Some(0x00cafe),
    };
    let mut f = Fuser::new(FuseConfig::default(), sensors.clone()).unwrap();
    for (t, s) in schedule(&sensors, &[0.0, 0.5], 120.0) {
        let dets = if s == 0 {
            look(&sensors[0], &[quiet, other], t)
                .into_iter()
                .zip([quiet, other])
                .map(|(d, o)| Detection {
                    ident: o.ident,
                    ..d
                })
                .collect()
        } else {
            look(&sensors[1], &[other], t)
        };
        f.scan(s, t, &dets).unwrap();
    }
    let idents: Vec<_> = f.tracks_at(120.0).iter().map(|t| t.ident).collect();
    assert!(idents.contains(&Some(0x00beef)), "{idents:?}");
    assert_eq!(idents.len(), 2);
}

#[test]
fn a_slow_sensor_with_a_wide_prior_still_initiates() {
    // 12 s between looks and a 100 m/s prior velocity sigma: a new track's
    // predicted covariance passes the confirmed-track bound before the
    // second look, which must not end it.
    let cfg = FuseConfig {
        tracker: Config {
            init_velocity_var: 100.0 * 100.0,
            ..Config::default()
        },
        ..FuseConfig::default()
    };
    let sensors = vec![radar([0.0, 0.0], 100_000.0, 12.0)];
    let plane = Obj {
        x0: 30_000.0,
        y0: 0.0,
        vx: 0.0,
        vy: 220.0,
        ident: None,
    };
    let mut f = Fuser::new(cfg, sensors.clone()).unwrap();
    for (t, s) in schedule(&sensors, &[0.0], 120.0) {
        f.scan(s, t, &look(&sensors[0], &[plane], t)).unwrap();
    }
    assert_eq!(f.counts().0, 1, "{:?}", f.counters());
}
