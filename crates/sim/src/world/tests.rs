use super::*;

fn run(seed: u64, ticks: usize) -> (World, Vec<Vec<TruthState>>) {
    let mut w = World::new(&SimConfig::border_sector(), seed);
    let mut all = vec![w.current().to_vec()];
    for _ in 0..ticks {
        w.advance();
        all.push(w.current().to_vec());
    }
    (w, all)
}

#[test]
fn same_seed_same_truth_other_seed_other_truth() {
    let (_, a) = run(3, 200);
    let (_, b) = run(3, 200);
    let (_, c) = run(4, 200);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn kinds_stay_in_their_speed_and_altitude_envelopes() {
    let cfg = SimConfig::border_sector();
    let (_, all) = run(11, 2400); // 20 minutes
    let p = &cfg.population;
    for snap in &all {
        let count = |k| snap.iter().filter(|t| t.kind == k).count();
        assert_eq!(count(TargetKind::Person), p.persons);
        assert_eq!(count(TargetKind::Vehicle), p.vehicles);
        assert_eq!(
            count(TargetKind::Aircraft),
            p.transit_aircraft + p.patrol_aircraft
        );
        assert!(snap.windows(2).all(|w| w[0].id < w[1].id), "sorted by id");
        for t in snap {
            let v = t.speed_mps();
            match t.kind {
                TargetKind::Person => assert!((1.0 - 1e-9..=2.0 + 1e-9).contains(&v), "{v}"),
                TargetKind::Vehicle => assert!((5.0 - 1e-9..=30.0 + 1e-9).contains(&v), "{v}"),
                TargetKind::Aircraft => {
                    assert!((100.0 - 1e-6..=250.0 + 1e-6).contains(&v), "{v}");
                    let a = t.aircraft.as_ref().unwrap();
                    assert!((50.0..=350.0).contains(&a.flight_level));
                    assert!((t.alt_m - a.flight_level * 30.48).abs() < 1e-6);
                    assert!((0xFE_0000..=0xFE_FFFF).contains(&a.icao));
                    assert!(a.callsign.starts_with("SIM") && a.callsign.len() == 6);
                    assert!((0o4000..=0o4777).contains(&a.squawk));
                }
            }
            assert!((t.lat_deg - 31.33).abs() < 1.5 && (t.lon_deg + 109.2).abs() < 1.5);
        }
    }
    // Targets leave and are replaced: ids keep growing.
    let first_max = all[0].iter().map(|t| t.id).max().unwrap();
    let last_max = all.last().unwrap().iter().map(|t| t.id).max().unwrap();
    assert!(last_max > first_max);
}

#[test]
fn people_cross_the_border_northwards() {
    let (_, all) = run(5, 1200);
    let south = |snap: &Vec<TruthState>| {
        snap.iter()
            .filter(|t| t.kind == TargetKind::Person)
            .map(|t| t.north_mps)
            .sum::<f64>()
    };
    // The population's net velocity points north.
    let mean_north: f64 = all.iter().map(south).sum::<f64>() / all.len() as f64;
    assert!(mean_north > 0.0, "{mean_north}");
}

#[test]
fn interpolation_lies_between_ticks() {
    let (w, _) = run(9, 10);
    let t = &w.current()[0];
    let at_prev = w.fix_at(t, w.prev_time_s());
    let at_now = w.fix_at(t, w.time_s());
    let mid = w.fix_at(t, (w.prev_time_s() + w.time_s()) / 2.0);
    assert_eq!(at_now.lat_deg, t.lat_deg);
    assert!((mid.lat_deg - (at_prev.lat_deg + at_now.lat_deg) / 2.0).abs() < 1e-12);
}
