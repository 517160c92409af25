//! Bad input of every kind, injected between the steps of the SIMULATED scene:
//! each is dropped and counted under its reason, and the published picture is
//! byte for byte the one of a clean run.

use feeds::{Pipeline, Stats};
use sensors::asterix::{Cat048, DataSource, PolarPosition, Record};

use super::scene::*;
use super::sim::*;

fn json(lat: f64, lon: f64, time: f64) -> String {
    format!(r#"{{"sensor":"cam-3","time":{time},"lat":{lat},"lon":{lon},"sigma_m":5.0}}"#)
}

fn plot_record(t: f64, sac: u8, sic: u8) -> Vec<u8> {
    let p = Plot {
        t,
        rho_nm: 5.0,
        theta_deg: 45.0,
        fl: None,
        address: None,
        ident: None,
    };
    cat048_record(&p, sac, sic)
}

fn polar_record(t: f64, rho_nm: f64, theta_deg: f64) -> Record {
    Record::Cat048(Cat048 {
        source: Some(DataSource { sac: SAC, sic: SIC }),
        time_of_day_s: Some(tod(t)),
        polar: Some(PolarPosition { rho_nm, theta_deg }),
        ..Cat048::default()
    })
}

/// Injects one of each bad input at step time `t` (seconds from T0).
fn inject(p: &mut Pipeline, t: f64) {
    let now = T0 + t;
    let (lat, lon) = to_latlon(1000.0, 1000.0);

    // Truncated, corrupt, wrong length, empty.
    let good = block(48, &[plot_record(t, SAC, SIC)]);
    p.ingest_asterix("radar-1", &good[..good.len() - 3], at(now));
    p.ingest_asterix(
        "radar-1",
        &[48, 0, 9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        at(now),
    );
    p.ingest_asterix("radar-1", &[48, 0, 2, 0x80, 25, 201], at(now));
    p.ingest_asterix("radar-1", &[], at(now));

    // Impossible values: NaN, latitude 95, negative range, a day of 36 hours.
    // (A caller's clock can no longer say NaN: `now` is a `cot::Time`.)
    p.ingest_sbs_line(
        "adsb-1",
        "MSG,3,1,1,ABCDEF,1,,,,,,1000,,,NaN,-110.9,,,0,0,0,0",
        at(now),
    );
    p.ingest_asterix_record("radar-1", &polar_record(t, 10.0, f64::NAN), at(now));
    p.ingest_sbs_line(
        "adsb-1",
        "MSG,3,1,1,ABCDEF,1,,,,,,1000,,,95.0,-110.9,,,0,0,0,0",
        at(now),
    );
    p.ingest_detection_json("cams", &json(95.0, lon, now), at(now));
    let bad21 = block(21, &[cat021_record(t, 95.0, lon, 0xABCDEF, 100.0)]);
    p.ingest_asterix("adsb-gs", &bad21, at(now));
    p.ingest_asterix_record("radar-1", &polar_record(t, -1.0, 10.0), at(now));
    let mut long_day = plot_record(t, SAC, SIC);
    long_day[3..6].copy_from_slice(&[0xff, 0xff, 0xff]); // I140 after FSPEC and I010
    p.ingest_asterix("radar-1", &block(48, &[long_day]), at(now));

    // Far out of order: an hour old, a minute ahead, and ten seconds behind
    // the tracker.
    p.ingest_detection_json("cams", &json(lat, lon, now - 3600.0), at(now));
    p.ingest_detection_json("cams", &json(lat, lon, now + 60.0), at(now));
    p.ingest_detection_json("cams", &json(lat, lon, now - 10.0), at(now));

    // Unknown sensor, wrong kind for the sensor, another radar's SAC/SIC.
    p.ingest_detection_json("nope", &json(lat, lon, now), at(now));
    p.ingest_sbs_line("radar-1", &sbs_position(ICAO, 1000.0, lat, lon), at(now));
    p.ingest_asterix("radar-1", &block(48, &[plot_record(t, SAC, 99)]), at(now));
}

#[test]
fn every_rejection_is_counted_and_changes_nothing() {
    let targets = scene();
    let mut clean = pipeline();
    let clean_events = run(&mut clean, &targets, 40.0, |_, _, _| {});
    let mut dirty = pipeline();
    let mut steps = 0;
    let dirty_events = run(&mut dirty, &targets, 40.0, |p, t, _| {
        inject(p, t);
        steps += 1;
    });
    assert!(!clean_events.is_empty());
    assert_eq!(clean_events, dirty_events, "the picture must not change");

    let (c, d) = (clean.stats(), dirty.stats());
    assert_eq!(c.rejected(), 0);
    let expected = Stats {
        decode_error: 4 * steps,
        implausible: 7 * steps,
        too_old: steps,
        future: steps,
        late: steps,
        unknown_sensor: 3 * steps,
        ..*c
    };
    assert_eq!(*d, expected);
}

#[test]
fn a_flooding_sensor_is_held_to_its_rate() {
    let mut cfg = config();
    for s in &mut cfg.sensors {
        if s.id == "cams" {
            s.max_rate_per_s = 20.0;
        }
    }
    let mut p = Pipeline::new(cfg).unwrap();
    let (lat, lon) = to_latlon(-20_000.0, -20_000.0);
    let line = json(lat, lon, T0);
    // A burst of 5,000 lines at one instant: the one-second bucket lets 20 in.
    for _ in 0..5000 {
        p.ingest_detection_json("cams", &line, at(T0));
    }
    assert_eq!(p.stats().accepted, 20);
    assert_eq!(p.stats().rate_limited, 4980);
    // Ten steps of 0.5 s with 500 lines each: 10 more a step.
    for step in 1..=10 {
        let now = T0 + f64::from(step) * 0.5;
        let line = json(lat, lon, now);
        for _ in 0..500 {
            p.ingest_detection_json("cams", &line, at(now));
        }
        p.handle_timeout(at(now));
    }
    assert_eq!(p.stats().accepted, 120);
    assert_eq!(p.stats().rate_limited, 4980 + 10 * 490);
    // Another sensor is not held back by the flood.
    let (lat2, lon2) = to_latlon(2000.0, 2000.0);
    p.ingest_sbs_line(
        "adsb-1",
        &sbs_position(ICAO, 1000.0, lat2, lon2),
        at(T0 + 5.0),
    );
    assert_eq!(p.stats().accepted, 121);
}

#[test]
fn unsupported_categories_and_service_messages_are_ignored() {
    let mut p = pipeline();
    let now = T0;
    // CAT062 (system tracks) has no decoder here; CAT034 is a service message.
    p.ingest_asterix("radar-1", &[62, 0, 5, 0x80, 0x00], at(now));
    let cat034 = block(34, &[vec![0xc0, SAC, SIC, 0x02]]);
    p.ingest_asterix("radar-1", &cat034, at(now));
    let s = p.stats();
    assert_eq!(s.ignored, 2, "{s:?}");
    assert_eq!(s.rejected(), 0, "{s:?}");
}
