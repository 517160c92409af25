//! The `[feeds]` configuration that matches a simulated scenario: one
//! tracker origin at the sector centre and one configured sensor per
//! simulated source, so a server fed by the simulator tracks what it sends.

use feeds::{FeedsConfig, Noise, SensorConfig, SensorKind, Site};

use crate::config::SimConfig;

/// The sensor id all simulated ground sensors report under (they share one
/// JSON-lines socket, as a sensor gateway would send them).
pub const GROUND_FEED_ID: &str = "sim-ground";

/// A feeds configuration for the sensors of `sim`.
pub fn feeds_config(sim: &SimConfig) -> FeedsConfig {
    let mut sensors = Vec::new();
    for r in &sim.radars {
        sensors.push(SensorConfig {
            id: r.name.clone(),
            kind: SensorKind::Asterix,
            site: Some(Site {
                lat: r.lat_deg,
                lon: r.lon_deg,
                alt: sim.terrain_height_m + r.antenna_height_m,
            }),
            sac: Some(r.sac),
            sic: Some(r.sic),
            noise: Noise {
                range_sigma_m: Some(r.range_sigma_m),
                azimuth_sigma_deg: Some(r.azimuth_sigma_deg),
                position_sigma_m: None,
            },
            max_rate_per_s: 5000.0,
        });
    }
    for a in &sim.adsb {
        let noise = Noise {
            position_sigma_m: Some(a.position_sigma_m.max(1.0)),
            ..Noise::default()
        };
        if a.asterix {
            sensors.push(SensorConfig {
                id: a.name.clone(),
                kind: SensorKind::Asterix,
                site: Some(Site {
                    lat: a.lat_deg,
                    lon: a.lon_deg,
                    alt: sim.terrain_height_m,
                }),
                sac: Some(a.sac),
                sic: Some(a.sic),
                noise,
                max_rate_per_s: 5000.0,
            });
        }
        if a.sbs {
            sensors.push(SensorConfig {
                id: a.name.clone(),
                kind: SensorKind::Sbs,
                site: None,
                sac: None,
                sic: None,
                noise,
                max_rate_per_s: 5000.0,
            });
        }
    }
    if !sim.ground_sensors.is_empty() {
        sensors.push(SensorConfig {
            id: GROUND_FEED_ID.to_string(),
            kind: SensorKind::Detections,
            site: None,
            sac: None,
            sic: None,
            noise: Noise::default(),
            max_rate_per_s: 5000.0,
        });
    }
    let mut cfg = FeedsConfig::new(Site {
        lat: sim.origin_lat_deg,
        lon: sim.origin_lon_deg,
        alt: sim.terrain_height_m,
    });
    cfg.sensors = sensors;
    cfg.uid_prefix = "sim-trk".to_string();
    cfg.label = Some("SIMULATION".to_string());
    cfg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_simulated_source_has_a_sensor() {
        let sim = SimConfig::border_sector();
        let f = feeds_config(&sim);
        assert!(f.sensors.iter().any(|s| s.kind == SensorKind::Sbs));
        assert!(f.sensors.iter().any(|s| s.id == GROUND_FEED_ID));
        assert_eq!(
            f.sensors
                .iter()
                .filter(|s| s.kind == SensorKind::Asterix)
                .count(),
            3
        );
        assert_eq!(f.label.as_deref(), Some("SIMULATION"));
        assert!(feeds::Pipeline::new(f).is_ok());
    }
}
