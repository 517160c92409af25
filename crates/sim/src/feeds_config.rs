//! The `feeds` configuration of a server that tracks what the simulator
//! sends. One function for `watchfloor sim --print-config`, `watchfloor
//! demo` and the server's tests, so that they cannot drift apart.

use crate::config::SimConfig;
use crate::sources::{sources, SimSource, SourceKind, SourceSite, GROUND_FEED_ID};

fn site(s: SourceSite) -> feeds::Site {
    feeds::Site {
        lat: s.lat_deg,
        lon: s.lon_deg,
        alt: s.alt_m,
    }
}

/// The pipeline's sensor for one simulated source: its site, where it
/// sees, how often it looks, what it detects and its noise.
///
/// Coverage is a range ring, so it cannot say that the air radar's
/// moving-target filter hides people and cars, nor that the ground radar's
/// beam stops at 3 km above the terrain; both are left to the tracker.
fn sensor(s: SimSource) -> feeds::SensorConfig {
    let kind = match s.kind {
        SourceKind::Asterix => feeds::SensorKind::Asterix,
        SourceKind::Sbs => feeds::SensorKind::Sbs,
        SourceKind::Detections => feeds::SensorKind::Detections,
    };
    feeds::SensorConfig {
        site: Some(site(s.site)),
        coverage: Some(feeds::Coverage {
            min_range_m: 0.0,
            max_range_m: s.max_range_m,
        }),
        period_s: Some(s.period_s),
        detects: Some(if s.cooperative_only {
            feeds::Detects::Cooperative
        } else {
            feeds::Detects::All
        }),
        sac: s.sac_sic.map(|(sac, _)| sac),
        sic: s.sac_sic.map(|(_, sic)| sic),
        noise: feeds::Noise {
            range_sigma_m: s.range_sigma_m,
            azimuth_sigma_deg: s.azimuth_sigma_deg,
            position_sigma_m: s.position_sigma_m,
        },
        ..feeds::SensorConfig::new(s.id, kind)
    }
}

/// The `[sensors.feeds]` configuration that tracks the sources of `sim`:
/// the tracker origin at the sector centre, one sensor per simulated
/// source with its site, coverage, period, what it detects and its noise,
/// and tracks labelled as simulation.
///
/// When there are ground sensors it also lists the gateway
/// [`GROUND_FEED_ID`], the input their lines arrive through. Every line
/// names its own sensor and is credited to it, so the gateway detects
/// nothing itself: it has no site and no coverage, only the period of its
/// slowest sensor (how long it may stay quiet).
pub fn feeds_config(sim: &SimConfig) -> feeds::FeedsConfig {
    let mut cfg = feeds::FeedsConfig::new(site(SourceSite {
        lat_deg: sim.origin_lat_deg,
        lon_deg: sim.origin_lon_deg,
        alt_m: sim.terrain_height_m,
    }));
    cfg.sensors = sources(sim).into_iter().map(sensor).collect();
    let slowest = sim
        .ground_sensors
        .iter()
        .map(|g| g.period_s)
        .fold(None, |m: Option<f64>, p| Some(m.map_or(p, |m| m.max(p))));
    if let Some(period_s) = slowest {
        cfg.sensors.push(feeds::SensorConfig {
            period_s: Some(period_s),
            ..feeds::SensorConfig::new(GROUND_FEED_ID, feeds::SensorKind::Detections)
        });
    }
    cfg.uid_prefix = "sim-trk".to_string();
    cfg.label = Some("SIMULATION".to_string());
    cfg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_simulated_sensor_has_coverage_and_a_period() {
        let sim = SimConfig::border_sector();
        let f = feeds_config(&sim);
        let kinds = |k| f.sensors.iter().filter(|s| s.kind == k).count();
        assert_eq!(kinds(feeds::SensorKind::Asterix), 3);
        assert_eq!(kinds(feeds::SensorKind::Sbs), 1);
        // Six ground sensors and their gateway.
        assert_eq!(kinds(feeds::SensorKind::Detections), 7);
        for s in f.sensors.iter().filter(|s| s.id != GROUND_FEED_ID) {
            let (Some(site), Some(c)) = (s.site, s.coverage) else {
                panic!("{} has no site or no coverage", s.id);
            };
            assert!(c.max_range_m > c.min_range_m, "{}", s.id);
            assert!(s.period_s.is_some_and(|p| p > 0.0), "{}", s.id);
            assert!(s.detects.is_some(), "{}", s.id);
            assert!(s.noise.position_sigma_m.is_some() || s.noise.range_sigma_m.is_some());
            assert!((site.lat - sim.origin_lat_deg).abs() < 1.0, "{}", s.id);
        }
        let by_id = |id: &str| f.sensors.iter().find(|s| s.id == id).unwrap();
        let ground_radar = by_id("sim-radar-ground");
        assert_eq!(ground_radar.period_s, Some(6.0));
        assert_eq!(ground_radar.detects, Some(feeds::Detects::All));
        for adsb in ["sim-adsb-east", "sim-readsb-west"] {
            assert_eq!(by_id(adsb).detects, Some(feeds::Detects::Cooperative));
            assert_eq!(by_id(adsb).period_s, Some(1.0));
        }
        for g in &sim.ground_sensors {
            let s = by_id(&g.name);
            assert_eq!(s.coverage.map(|c| c.max_range_m), Some(g.range_m));
            assert_eq!(s.period_s, Some(g.period_s));
            assert_eq!(s.noise.position_sigma_m, Some(g.sigma_m));
        }
        let gateway = by_id(GROUND_FEED_ID);
        assert!(gateway.coverage.is_none() && gateway.period_s == Some(5.0));
        assert_eq!(f.label.as_deref(), Some("SIMULATION"));
        assert!(feeds::Pipeline::new(f).is_ok());
    }
}
