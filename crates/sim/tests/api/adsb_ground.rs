use std::collections::HashMap;

use sensors::asterix::Record;
use sensors::detection::{parse_detection, DetectionKind, Uncertainty};
use sensors::sbs::{parse_line, SbsKind};
use sim::{SimConfig, SimOutput, TargetKind, TruthState};

use crate::common::{empty, records_of, run_with, within_sigma};

/// Horizontal distance, metres (equirectangular: fine over a few km).
fn dist_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let k = 111_195.0;
    let dx = (lon2 - lon1) * k * lat1.to_radians().cos();
    (dx.powi(2) + ((lat2 - lat1) * k).powi(2)).sqrt()
}

fn aircraft_by_icao(truth: Vec<TruthState>) -> HashMap<u32, TruthState> {
    truth
        .into_iter()
        .filter_map(|t| Some((t.aircraft.clone()?.icao, t)))
        .collect()
}

#[test]
fn cat021_reports_decode_and_match_truth() {
    let mut c = empty();
    c.population.transit_aircraft = 8;
    c.population.patrol_aircraft = 2;
    c.population.adsb_equipage = 1.0;
    let a = SimConfig::border_sector().adsb[0].clone();
    c.adsb.push(a.clone());
    let mut reports = 0;
    let (sim, _) = run_with(c, 21, 120.0, |sim, out| {
        let truth = aircraft_by_icao(sim.truth());
        for rec in records_of(out, &a.name) {
            let Record::Cat021(r) = rec else {
                panic!("not CAT021")
            };
            assert_eq!(r.simulated, Some(true));
            let t = &truth[&r.target_address.unwrap()];
            let info = t.aircraft.as_ref().unwrap();
            assert_eq!(r.target_id.as_deref(), Some(info.callsign.as_str()));
            assert_eq!(r.flight_level, Some(info.flight_level));
            let p = r.position_high_res.unwrap();
            let d = dist_m(p.lat_deg, p.lon_deg, t.lat_deg, t.lon_deg);
            assert!(
                d < 6.0 * a.position_sigma_m + t.speed_mps() * 0.5 + 1.0,
                "{d}"
            );
            let gv = r.ground_vector.unwrap();
            assert!((gv.ground_speed_mps - t.speed_mps()).abs() < 0.2);
            reports += 1;
        }
    });
    let s = &sim.stats()[0];
    assert_eq!(reports, s.detections);
    // About one report per aircraft per second, 95 % received.
    within_sigma(s.opportunities as f64, 1_200.0, 100.0, "opportunities");
    let n = s.opportunities as f64;
    within_sigma(
        s.detections as f64,
        n * a.p_receive,
        n * 0.05 * 0.95,
        "received",
    );
}

#[test]
fn sbs_lines_parse_like_readsb() {
    let mut c = empty();
    c.population.transit_aircraft = 5;
    c.population.adsb_equipage = 1.0;
    let a = SimConfig::border_sector().adsb[1].clone();
    c.adsb.push(a.clone());
    let mut kinds = HashMap::new();
    let (_, out) = run_with(c.clone(), 2, 60.0, |_, _| {});
    for o in &out {
        let SimOutput::Sbs { sensor, line } = o else {
            panic!("{o:?}")
        };
        assert_eq!(sensor, &a.name);
        assert_eq!(line.split(',').count(), 22, "{line}");
        let m = parse_line(line).unwrap();
        let g = m.generated.unwrap();
        assert_eq!(g.date, (2026, 1, 1));
        assert!(g.ms_of_day <= 60_000);
        assert_eq!(m.logged, m.generated);
        assert!((0xFE_0000..=0xFE_FFFF).contains(&m.hex_ident.unwrap()));
        match m.kind.unwrap() {
            SbsKind::Msg(1) => assert!(m.callsign.unwrap().starts_with("SIM")),
            SbsKind::Msg(3) => {
                assert!(m.lat.is_some() && m.lon.is_some());
                let alt = m.altitude_ft.unwrap();
                assert!((18_000.0..=35_000.0).contains(&alt), "{alt}");
            }
            SbsKind::Msg(4) => {
                let kt = m.ground_speed_kt.unwrap();
                assert!(
                    (180.0 / 0.5144..=250.0 / 0.5144 + 0.1).contains(&kt),
                    "{kt}"
                );
            }
            other => panic!("{other:?}"),
        }
        *kinds.entry(format!("{:?}", m.kind)).or_insert(0) += 1;
    }
    let n = |k: u8| kinds[&format!("{:?}", Some(SbsKind::Msg(k)))];
    assert_eq!(n(3), n(4));
    // Identification every 5 s against positions every 1 s.
    assert!(n(1) * 4 <= n(3) && n(1) * 6 >= n(3), "{kinds:?}");
}

#[test]
fn ground_detections_parse_and_sit_on_movers() {
    let mut c = empty();
    c.population.persons = 60;
    c.population.vehicles = 20;
    c.sector_half_width_m = 6_000.0;
    let cams = SimConfig::border_sector().ground_sensors;
    let mut cam = cams[1].clone();
    cam.lat_deg = c.origin_lat_deg;
    cam.lon_deg = c.origin_lon_deg;
    cam.false_alarms_per_period = 0.5;
    let mut ugs = cams[4].clone();
    ugs.lat_deg = c.origin_lat_deg;
    ugs.lon_deg = c.origin_lon_deg;
    ugs.range_m = 4_000.0;
    c.ground_sensors = vec![cam.clone(), ugs.clone()];
    let start = c.start_unix_s;
    let mut lines = 0;
    let (sim, _) = run_with(c, 8, 300.0, |sim, out| {
        let truth = sim.truth();
        for o in out {
            let SimOutput::Detection { sensor, json } = o else {
                panic!("{o:?}")
            };
            let d = parse_detection(json).unwrap();
            let raw: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(raw["simulated"], serde_json::Value::Bool(true));
            assert_eq!(&d.sensor, sensor);
            assert!(d.time_unix_s > start && d.time_unix_s <= start + sim.time_s() + 1e-3);
            let sigma = if sensor == &cam.name {
                cam.sigma_m
            } else {
                ugs.sigma_m
            };
            assert_eq!(d.uncertainty, Some(Uncertainty::Sigma(sigma)));
            let kind = match d.kind {
                DetectionKind::Person => TargetKind::Person,
                DetectionKind::Vehicle => TargetKind::Vehicle,
                DetectionKind::Unknown => {
                    lines += 1;
                    continue; // false alarms are unknown too
                }
                DetectionKind::Aircraft => panic!("ground sensor reported an aircraft"),
            };
            assert_eq!(sensor, &cam.name, "only cameras classify");
            let near = truth
                .iter()
                .filter(|t| t.kind == kind)
                .map(|t| dist_m(d.lat, d.lon, t.lat_deg, t.lon_deg) - t.speed_mps() * 0.5)
                .fold(f64::INFINITY, f64::min);
            assert!(near < 6.0 * sigma, "{near}");
            lines += 1;
        }
    });
    let stats = sim.stats();
    assert_eq!(
        lines as u64,
        stats
            .iter()
            .map(|s| s.detections + s.false_alarms)
            .sum::<u64>()
    );
    let cs = &stats[0];
    assert_eq!(cs.scans, 150);
    within_sigma(cs.false_alarms as f64, 75.0, 75.0, "camera false alarms");
    let n = cs.opportunities as f64;
    assert!(n > 100.0, "{n}");
    within_sigma(
        cs.detections as f64,
        n * cam.pd,
        n * cam.pd * (1.0 - cam.pd),
        "camera detections",
    );
}
