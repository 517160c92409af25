use std::collections::HashMap;

use fusion::detections::{parse_sensors, read_detections};
use fusion::scenario::parse_meta;
use sha2::{Digest, Sha256};

use super::*;

fn small() -> V2Params {
    V2Params::layout(30, 5, 60, 3)
}

/// A data row's fields.
fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines().skip(1).map(|l| l.split(',').collect())
}

fn num(s: &str) -> f64 {
    s.parse().expect("a number")
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let (a, b) = (
        simulate_v2(&small()).expect("valid"),
        simulate_v2(&small()).expect("valid"),
    );
    assert_eq!(a.detections_csv, b.detections_csv);
    assert_eq!(a.truth_csv, b.truth_csv);
    assert_eq!(a.origin_csv, b.origin_csv);
    assert_eq!(a.scenario_json, b.scenario_json);
    let other = simulate_v2(&V2Params { seed: 4, ..small() }).expect("valid");
    assert_ne!(a.detections_csv, other.detections_csv);
    assert_ne!(a.truth_csv, other.truth_csv);
}

#[test]
fn the_files_follow_the_v2_readme() {
    let p = small();
    let s = simulate_v2(&p).expect("valid");
    let json: serde_json::Value = serde_json::from_str(&s.scenario_json).expect("json");
    assert_eq!(json["format_version"], 2);
    assert!(json["generator"]
        .as_str()
        .is_some_and(|g| g.contains("SIMULATED")));
    assert!(json["frame"]
        .as_str()
        .is_some_and(|g| g.contains("SIMULATED")));
    for (file, text) in [
        ("detections.csv", &s.detections_csv),
        ("truth.csv", &s.truth_csv),
        ("detection_origin.csv", &s.origin_csv),
    ] {
        let want: String = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(json["sha256"][file], want.as_str(), "{file}");
    }
    let meta = parse_meta(&s.scenario_json).expect("meta");
    assert_eq!(meta.scan_times().len(), 60);

    // The fusion crate's reader keeps every row.
    let sensors = parse_sensors(&s.scenario_json).expect("sensors");
    assert_eq!(sensors.format_version, 2);
    assert_eq!(sensors.sensors.len(), 5);
    let ids = sensors.ids();
    let (dets, rep) = read_detections(&s.detections_csv, ids.as_deref()).expect("read");
    assert_eq!(rep.dropped(), 0, "{:?}", rep.problems());
    assert_eq!(
        dets.len() as u64,
        json["counts"]["detections"].as_u64().expect("count")
    );
    assert!(dets.len() > 1000, "{}", dets.len());

    // Scan times: each row at one of its sensor's scan times; no two sensors
    // share a time; each sensor's scan count is its number of scan times.
    let mut owner: HashMap<i64, u32> = HashMap::new();
    for (k, sp) in p.sensors.iter().enumerate() {
        let times = sensors.scan_times(Some(sp.sensor_id)).expect("v2 times");
        assert_eq!(json["counts"]["per_sensor"][k]["scans"], times.len());
        for t in times {
            let ms = (t * 1000.0).round() as i64;
            assert!(
                owner.insert(ms, sp.sensor_id).is_none(),
                "two sensors scan at {t}"
            );
        }
    }
    for d in &dets {
        assert_eq!(
            owner.get(&((d.time * 1000.0).round() as i64)),
            Some(&d.sensor_id),
            "{d:?}"
        );
    }

    // Truth: idents, grid times.
    let mut truth_ident: HashMap<&str, &str> = HashMap::new();
    for f in rows(&s.truth_csv) {
        assert_eq!(f.len(), 9);
        let t = num(f[0]);
        assert!(t == t.round() && (0.0..60.0).contains(&t), "{t}");
        truth_ident.insert(f[1], f[6]);
    }
    let origin: HashMap<&str, &str> = rows(&s.origin_csv).map(|f| (f[0], f[1])).collect();

    let mut last_time = f64::NEG_INFINITY;
    for (i, f) in rows(&s.detections_csv).enumerate() {
        assert_eq!(f.len(), 11);
        assert_eq!(num(f[1]) as usize, i, "det_id increases");
        let t = num(f[0]);
        assert!(t >= last_time);
        last_time = t;
        let sp = &p.sensors[num(f[2]) as usize];
        let (x, y, rxx, rxy, ryy) = (num(f[3]), num(f[4]), num(f[5]), num(f[6]), num(f[7]));
        let from = origin[f[1]];
        match sp.kind {
            SensorKind::Radar {
                sigma_range,
                sigma_azimuth_deg,
            } => {
                assert!(f[8].is_empty(), "ident on a radar row {f:?}");
                let (range, az_deg) = (num(f[9]), num(f[10]));
                assert!((0.0..360.0).contains(&az_deg));
                let az = az_deg.to_radians();
                assert!((x - (sp.site[0] + range * az.sin())).abs() < 0.05, "{f:?}");
                assert!((y - (sp.site[1] + range * az.cos())).abs() < 0.05, "{f:?}");
                // J diag(sr², sa²) Jᵀ at the measured range and azimuth.
                let (sr, sa) = (sigma_range, sigma_azimuth_deg.to_radians());
                let (s_, c_) = az.sin_cos();
                let (vr, va) = (sr * sr, (range * sa).powi(2));
                let tol = |v: f64| 2e-3 + 1e-5 * v.abs();
                assert!(
                    (rxx - (vr * s_ * s_ + va * c_ * c_)).abs() < tol(rxx),
                    "{f:?}"
                );
                assert!((rxy - (vr - va) * s_ * c_).abs() < tol(rxy), "{f:?}");
                assert!(
                    (ryy - (vr * c_ * c_ + va * s_ * s_)).abs() < tol(ryy),
                    "{f:?}"
                );
                // In coverage: clutter exactly, targets up to the noise.
                let slack = if from == "-1" { 1e-3 } else { 6.0 * sr };
                assert!(
                    range >= sp.min_range - slack && range <= sp.max_range + slack,
                    "{f:?}"
                );
            }
            SensorKind::Adsb { sigma_x, sigma_y } => {
                assert!(f[9].is_empty() && f[10].is_empty(), "{f:?}");
                assert_eq!((rxx, rxy, ryy), (sigma_x * sigma_x, 0.0, sigma_y * sigma_y));
                assert_eq!(f[8].len(), 6, "{f:?}");
                assert!(f[8]
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
                assert_ne!(from, "-1", "ADS-B has no clutter");
                assert_eq!(truth_ident[from], f[8], "the ident is the target's");
                let r = (x - sp.site[0]).hypot(y - sp.site[1]);
                assert!(r <= sp.max_range + 6.0 * sigma_x.max(sigma_y), "{f:?}");
            }
        }
    }
}

#[test]
fn clutter_and_detections_have_their_means() {
    let p = V2Params::layout(200, 5, 100, 11);
    let s = simulate_v2(&p).expect("valid");
    let json: serde_json::Value = serde_json::from_str(&s.scenario_json).expect("json");
    let c = &json["counts"];
    for (k, sp) in p.sensors.iter().enumerate() {
        let ps = &c["per_sensor"][k];
        let scans = ps["scans"].as_f64().expect("scans");
        let clutter = ps["clutter_detections"].as_f64().expect("clutter");
        let want = if sp.is_radar() {
            sp.clutter_per_scan * scans
        } else {
            0.0
        };
        assert!(
            (clutter - want).abs() <= 0.1 * want + 1.0,
            "sensor {k}: {clutter} vs {want}"
        );
        assert!(ps["target_detections"].as_u64() > Some(0));
    }
    // Alive about the expected number, cooperative share about 0.4.
    let mean = c["mean_alive"].as_f64().expect("mean");
    assert!((150.0..250.0).contains(&mean), "{mean}");
    let share =
        c["cooperative_truth_ids"].as_f64().expect("coop") / c["truth_ids"].as_f64().expect("ids");
    assert!((0.3..0.5).contains(&share), "{share}");
}

#[test]
fn the_layout_covers_most_of_the_region_twice() {
    let p = V2Params::layout(1000, 5, 10, 1);
    let radars = p.sensors.iter().filter(|s| s.is_radar()).count();
    assert_eq!((radars, p.sensors.len() - radars), (3, 2));
    let half = p.region / 2.0;
    let (mut twice_radar, mut twice_all, mut none, mut n) = (0, 0, 0, 0);
    for i in 0..50 {
        for j in 0..50 {
            let pos = [
                -half + p.region * (i as f64 + 0.5) / 50.0,
                -half + p.region * (j as f64 + 0.5) / 50.0,
            ];
            let by_radar = p.sensors.iter().filter(|s| s.covers(pos, false)).count();
            let by_all = p.sensors.iter().filter(|s| s.covers(pos, true)).count();
            twice_radar += usize::from(by_radar >= 2);
            twice_all += usize::from(by_all >= 2);
            none += usize::from(by_radar == 0);
            n += 1;
        }
    }
    let share = |k: usize| k as f64 / n as f64;
    assert!(share(twice_radar) > 0.6, "{}", share(twice_radar));
    assert!(share(twice_all) > 0.95, "{}", share(twice_all));
    assert_eq!(none, 0, "every point seen by a radar");
    // Three sensors: sample-v2's two radars and one ADS-B receiver.
    let kinds: Vec<bool> = V2Params::layout(20, 3, 10, 1)
        .sensors
        .iter()
        .map(SensorSpec::is_radar)
        .collect();
    assert_eq!(kinds, [true, true, false]);
}

#[test]
fn bad_parameters_are_refused() {
    assert!(simulate_v2(&V2Params {
        duration: 0,
        ..small()
    })
    .is_err());
    let mut p = small();
    p.sensors[1].sensor_id = p.sensors[0].sensor_id;
    assert!(matches!(simulate_v2(&p), Err(GenError::Invalid(_))));
    let mut p = small();
    p.sensors[0].scan_period = 0.0;
    assert!(simulate_v2(&p).is_err());
    let mut p = small();
    p.sensors[0].scan_period = 1e-6;
    assert!(simulate_v2(&p).is_err(), "bounded work");
    assert!(simulate_v2(&V2Params {
        sensors: vec![],
        ..small()
    })
    .is_err());
}
