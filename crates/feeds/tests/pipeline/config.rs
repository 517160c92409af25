//! The configuration as the server's TOML file gives it, and its validation.

use feeds::{FeedsConfig, FeedsError, Pipeline, SensorKind};

const EXAMPLE: &str = r#"
[feeds]
origin = { lat = 31.5, lon = -110.9 }
publish_interval_s = 2.0
uid_prefix = "wf-trk"

[[feeds.sensors]]
id = "radar-1"
kind = "asterix"
site = { lat = 31.5, lon = -110.85, alt = 1200.0 }
sac = 25
sic = 201
noise = { range_sigma_m = 40.0, azimuth_sigma_deg = 0.08 }

[[feeds.sensors]]
id = "adsb-1"
kind = "sbs"
max_rate_per_s = 2000.0

[[feeds.sensors]]
id = "cams"
kind = "detections"
noise = { position_sigma_m = 8.0 }

[feeds.tracker]
gate = 4.0
"#;

#[derive(serde::Deserialize)]
struct File {
    feeds: FeedsConfig,
}

#[test]
fn reads_the_documented_toml() {
    let f: File = toml::from_str(EXAMPLE).unwrap();
    let c = f.feeds;
    assert_eq!(c.sensors.len(), 3);
    assert_eq!(c.sensors[0].kind, SensorKind::Asterix);
    assert_eq!(c.sensors[0].sac, Some(25));
    assert_eq!(c.sensors[0].noise.range_sigma(), 40.0);
    assert_eq!(c.sensors[1].max_rate_per_s, 2000.0);
    assert_eq!(
        c.sensors[2].noise.position_sigma(SensorKind::Detections),
        8.0
    );
    assert_eq!(c.sensors[1].noise.position_sigma(SensorKind::Sbs), 30.0);
    assert_eq!(c.tracker.gate, 4.0);
    assert_eq!(c.tracker.min_points, fusion::Config::default().min_points);
    assert_eq!(c.publish_interval_s, 2.0);
    assert_eq!(c.track_stale_s, 10.0);
    assert_eq!(c.uid_prefix, "wf-trk");
    assert!(Pipeline::new(c).is_ok());
}

#[test]
fn refuses_bad_configurations() {
    let base: File = toml::from_str(EXAMPLE).unwrap();
    let check = |edit: &dyn Fn(&mut FeedsConfig)| {
        let mut c = base.feeds.clone();
        edit(&mut c);
        Pipeline::new(c).err()
    };
    assert!(matches!(
        check(&|c| c.origin.lat = 95.0),
        Some(FeedsError::Config(_))
    ));
    assert!(matches!(
        check(&|c| c.sensors[1].id = "radar-1".into()),
        Some(FeedsError::DuplicateSensor(_))
    ));
    assert!(matches!(
        check(&|c| c.sensors[0].noise.range_sigma_m = Some(-1.0)),
        Some(FeedsError::BadSensor(_, "noise"))
    ));
    assert!(matches!(
        check(&|c| c.sensors[0].max_rate_per_s = f64::NAN),
        Some(FeedsError::BadSensor(_, "max_rate_per_s"))
    ));
    assert!(matches!(
        check(&|c| c.sensors[2].id = "a,b".into()),
        Some(FeedsError::Config(_))
    ));
    assert!(matches!(
        check(&|c| c.publish_interval_s = 0.0),
        Some(FeedsError::Config(_))
    ));
    assert!(matches!(
        check(&|c| c.tracker.gate = -1.0),
        Some(FeedsError::Tracker(_))
    ));
    assert!(matches!(
        check(&|c| c.uid_prefix.clear()),
        Some(FeedsError::Config(_))
    ));
    // Unknown keys are refused, so a typo is not silently a default.
    let typo = EXAMPLE.replace("publish_interval_s", "publish_intreval_s");
    assert!(toml::from_str::<File>(&typo).is_err());
}
