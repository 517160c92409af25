use std::collections::HashMap;

use fusion::geo::{EnuFrame, Geodetic};
use sensors::asterix::Record;
use sim::{RadarConfig, SimConfig};

use crate::common::{empty, records_of, run, run_with, within_sigma};

fn radar(c: &SimConfig, i: usize) -> RadarConfig {
    c.radars[i].clone()
}

#[test]
fn every_block_decodes_and_is_marked_simulated() {
    let c = SimConfig::border_sector();
    let (sim, out) = run(c.clone(), 7, 60.0);
    for (i, r) in c.radars.iter().enumerate() {
        let records = records_of(&out, &r.name);
        let mut north = 0;
        let mut sectors = 0;
        let mut plots = 0;
        for rec in &records {
            let src = rec.source().unwrap();
            assert_eq!((src.sac, src.sic), (r.sac, r.sic));
            match rec {
                Record::Cat048(p) => {
                    plots += 1;
                    assert!(p.descriptor.unwrap().simulated);
                    assert!(
                        p.polar.unwrap().rho_nm * 1852.0
                            <= r.max_range_m + 5.0 * r.range_sigma_m + 10.0
                    );
                }
                Record::Cat034(m) if m.message_type == Some(1) => {
                    north += 1;
                    let p = m.source_position.unwrap();
                    assert!((p.position.lat_deg - r.lat_deg).abs() < 1e-4);
                    assert!(
                        (m.antenna_rotation_period_s.unwrap() - r.rotation_period_s).abs() < 0.01
                    );
                }
                Record::Cat034(m) => {
                    assert_eq!(m.message_type, Some(2));
                    sectors += 1;
                }
                Record::Cat021(_) => panic!("radar sent CAT021"),
            }
        }
        let revs = (60.0 / r.rotation_period_s).floor() as i64;
        assert_eq!(north, revs, "{}", r.name);
        let boundaries = (60.0 / r.rotation_period_s * f64::from(r.sectors)).floor() as i64;
        assert_eq!(sectors, boundaries - revs, "{}", r.name);
        let stats = &sim.stats()[i];
        assert_eq!(stats.detections + stats.false_alarms, plots);
        assert_eq!(stats.encode_errors, 0);
        assert!(plots > 0);
    }
}

#[test]
fn clutter_rate_matches_the_configuration() {
    let mut c = empty();
    let mut r = radar(&SimConfig::border_sector(), 0);
    r.clutter_per_scan = 40.0;
    r.rotation_period_s = 4.0;
    c.radars.push(r.clone());
    let (sim, out) = run(c, 3, 400.0); // 100 revolutions
    let plots = records_of(&out, &r.name)
        .iter()
        .filter(|r| matches!(r, Record::Cat048(_)))
        .count() as f64;
    within_sigma(plots, 4_000.0, 4_000.0, "clutter plots");
    assert_eq!(sim.stats()[0].false_alarms as f64, plots);
    assert_eq!(sim.stats()[0].scans, 100);
}

#[test]
fn misses_follow_pd_and_plots_match_truth() {
    let mut c = empty();
    c.population.patrol_aircraft = 6;
    let mut r = radar(&SimConfig::border_sector(), 1);
    r.pd = 0.7;
    r.clutter_per_scan = 0.0;
    r.rotation_period_s = 5.0;
    r.track_numbers = true;
    c.radars.push(r.clone());
    let site = Geodetic {
        lat_deg: r.lat_deg,
        lon_deg: r.lon_deg,
        alt_m: c.terrain_height_m + r.antenna_height_m,
    };
    let frame = EnuFrame::new(site);
    let mut checked = 0;
    let (sim, out) = run_with(c, 9, 500.0, |sim, out| {
        let truth: HashMap<u32, _> = sim
            .truth()
            .into_iter()
            .filter_map(|t| Some((t.aircraft.clone()?.icao, t)))
            .collect();
        for rec in records_of(out, &r.name) {
            let Record::Cat048(p) = rec else { continue };
            let t = &truth[&p.aircraft_address.unwrap()];
            let a = t.aircraft.as_ref().unwrap();
            assert_eq!(p.aircraft_id.as_deref(), Some(a.callsign.as_str()));
            assert_eq!(p.mode3a.unwrap().code, a.squawk);
            assert_eq!(p.flight_level.unwrap().fl, a.flight_level);
            assert_eq!(p.descriptor.unwrap().detection_type, 7);
            assert_eq!(p.track_number, Some((t.id & 0x0fff) as u16));
            // Truth is at the end of the 0.5 s tick the plot fell in.
            let enu = frame.geodetic_to_enu(&Geodetic {
                lat_deg: t.lat_deg,
                lon_deg: t.lon_deg,
                alt_m: t.alt_m,
            });
            let slant = (enu[0].powi(2) + enu[1].powi(2) + enu[2].powi(2)).sqrt();
            let motion = t.speed_mps() * 0.5;
            let polar = p.polar.unwrap();
            let dr = (polar.rho_nm * 1852.0 - slant).abs();
            assert!(
                dr <= 5.0 * r.range_sigma_m + motion + 8.0,
                "range error {dr}"
            );
            let az = enu[0].atan2(enu[1]).to_degrees().rem_euclid(360.0);
            let da = ((polar.theta_deg - az + 540.0).rem_euclid(360.0) - 180.0).abs();
            let motion_deg = (motion / enu[0].hypot(enu[1])).to_degrees();
            assert!(
                da <= 5.0 * r.azimuth_sigma_deg + motion_deg + 0.01,
                "azimuth error {da}"
            );
            checked += 1;
        }
    });
    let s = &sim.stats()[0];
    assert_eq!(s.scans, 100);
    // Orbits stay in coverage: one look per aircraft per revolution.
    assert!(
        (s.opportunities as i64 - 600).abs() <= 6,
        "{}",
        s.opportunities
    );
    let n = s.opportunities as f64;
    within_sigma(s.detections as f64, 0.7 * n, n * 0.7 * 0.3, "detections");
    assert_eq!(checked as u64, s.detections);
    let _ = out;
}

#[test]
fn ground_radar_sees_movers_within_its_horizon_only() {
    let mut c = empty();
    c.population.persons = 40;
    c.population.vehicles = 20;
    let mut r = radar(&SimConfig::border_sector(), 0);
    r.clutter_per_scan = 0.0;
    r.pd = 1.0;
    // A lower mast than the default's, so that the sector's corners lie
    // beyond the horizon and the bound below is tested.
    r.antenna_height_m = 30.0;
    c.radars.push(r.clone());
    let (sim, out) = run(c, 4, 120.0);
    let s = &sim.stats()[0];
    // A 30 m mast sees 1.7 m persons to ~27.9 km and 2 m vehicles to ~28.4 km
    // (4/3 earth).
    assert!(s.opportunities > 0 && s.opportunities < 60 * 20);
    for rec in records_of(&out, &r.name) {
        if let Record::Cat048(p) = rec {
            assert_eq!(p.descriptor.unwrap().detection_type, 1, "PSR only");
            assert!(p.mode3a.is_none() && p.aircraft_address.is_none());
            assert!(p.polar.unwrap().rho_nm * 1852.0 < 28_450.0 + 5.0 * r.range_sigma_m);
        }
    }
}

#[test]
fn air_radar_moving_target_filter_hides_people_and_cars() {
    let mut c = empty();
    c.population.persons = 30;
    c.population.vehicles = 10;
    let mut r = radar(&SimConfig::border_sector(), 1);
    r.clutter_per_scan = 0.0;
    c.radars.push(r);
    let (sim, out) = run(c, 6, 60.0);
    assert_eq!(sim.stats()[0].opportunities, 0);
    assert!(out.iter().all(|o| crate::common::decode(match o {
        sim::SimOutput::Asterix { bytes, .. } => bytes,
        _ => panic!(),
    })
    .iter()
    .all(|r| matches!(r, Record::Cat034(_)))));
}
