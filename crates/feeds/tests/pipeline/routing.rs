//! Detection lines that arrive through one gateway input (one socket for many
//! ground sensors, as a sensor gateway sends them) are credited to the
//! configured `detections` sensor their own `sensor` key names, so the
//! tracker knows where each one sees. SIMULATED data only.

use feeds::{Coverage, FeedsConfig, Pipeline, SensorConfig, SensorKind, SensorStats, Site};

use super::sim::*;

fn json(sensor: &str, lat: f64, lon: f64, time: f64) -> String {
    format!(
        r#"{{"sensor":"{sensor}","time":{time},"lat":{lat},"lon":{lon},"sigma_m":5.0,"simulated":true}}"#
    )
}

/// A gateway `gw`, two cameras with their own sites and coverage, and a radar.
fn config() -> FeedsConfig {
    let mut c = FeedsConfig::new(ORIGIN);
    let camera = |id: &str, x: f64| {
        let (lat, lon) = to_latlon(x, 0.0);
        SensorConfig {
            site: Some(Site { lat, lon, alt: 0.0 }),
            coverage: Some(Coverage {
                min_range_m: 0.0,
                max_range_m: 3_000.0,
            }),
            period_s: Some(2.0),
            ..SensorConfig::new(id, SensorKind::Detections)
        }
    };
    c.sensors = vec![
        SensorConfig::new("gw", SensorKind::Detections),
        camera("cam-a", -2_000.0),
        camera("cam-b", 2_000.0),
        SensorConfig {
            site: Some(radar_site()),
            sac: Some(SAC),
            sic: Some(SIC),
            ..SensorConfig::new("radar-1", SensorKind::Asterix)
        },
    ];
    c
}

fn seen<'a>(p: &'a Pipeline, id: &str) -> &'a SensorStats {
    p.sensors().find(|s| s.id == id).unwrap()
}

#[test]
fn a_line_is_credited_to_the_sensor_it_names() {
    let mut p = Pipeline::new(config()).unwrap();
    for step in 0..5 {
        let now = T0 + f64::from(step) * 2.0;
        let (lat, lon) = to_latlon(-2_000.0 + f64::from(step), 500.0);
        p.ingest_detection_json("gw", &json("cam-a", lat, lon, now), at(now));
        let (lat, lon) = to_latlon(2_000.0, 800.0 + f64::from(step));
        p.ingest_detection_json("gw", &json("cam-b", lat, lon, now), at(now));
        p.handle_timeout(at(now));
    }
    assert_eq!(p.stats().accepted, 10);
    let (a, b) = (seen(&p, "cam-a"), seen(&p, "cam-b"));
    assert_eq!((a.messages, a.accepted), (5, 5), "{a:?}");
    assert_eq!((b.messages, b.accepted), (5, 5), "{b:?}");
    assert_eq!(a.last_seen, Some(T0 + 8.0));
    // The gateway carried every line (so it is not silent) but detected nothing itself.
    let gw = seen(&p, "gw");
    assert_eq!((gw.messages, gw.accepted), (10, 0), "{gw:?}");
}

#[test]
fn a_line_naming_no_configured_sensor_stays_with_its_input() {
    let mut p = Pipeline::new(config()).unwrap();
    let (lat, lon) = to_latlon(0.0, 0.0);
    p.ingest_detection_json("gw", &json("cam-unlisted", lat, lon, T0), at(T0));
    assert_eq!(p.stats().accepted, 1);
    let gw = seen(&p, "gw");
    assert_eq!((gw.messages, gw.accepted), (1, 1), "{gw:?}");
    // A camera sending its own lines on its own input is its own sensor, as before.
    p.ingest_detection_json("cam-b", &json("cam-b", lat, lon, T0 + 1.0), at(T0 + 1.0));
    let b = seen(&p, "cam-b");
    assert_eq!((b.messages, b.accepted), (1, 1), "{b:?}");
}

#[test]
fn a_line_naming_a_sensor_of_another_kind_is_refused_and_counted() {
    let mut p = Pipeline::new(config()).unwrap();
    let (lat, lon) = to_latlon(0.0, 0.0);
    p.ingest_detection_json("gw", &json("radar-1", lat, lon, T0), at(T0));
    let s = *p.stats();
    assert_eq!((s.accepted, s.unknown_sensor), (0, 1), "{s:?}");
    assert_eq!(seen(&p, "radar-1").messages, 0, "the radar sent nothing");
    // The input itself must still be a configured detections sensor.
    p.ingest_detection_json("radar-1", &json("cam-a", lat, lon, T0), at(T0));
    assert_eq!(p.stats().unknown_sensor, 2);
    assert_eq!(seen(&p, "cam-a").messages, 0);
}
