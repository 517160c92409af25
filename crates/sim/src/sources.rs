//! The simulated sources a server has to be told about to track what the
//! simulator sends: one per simulated sensor, in the simulator's own terms
//! (where it stands, how far it sees, how often it looks, its noise).
//! [`crate::feeds_config`] turns them into the receiving pipeline's
//! configuration.

use crate::config::SimConfig;

/// The input id all simulated ground sensors' lines arrive through: they
/// share one JSON-lines socket, as a sensor gateway would send them, and each
/// line names its own sensor (see [`crate::feeds_config`]).
pub const GROUND_FEED_ID: &str = "sim-ground";

/// What a simulated source sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// ASTERIX datagrams: CAT048/034 from a radar, CAT021 from an ADS-B receiver.
    Asterix,
    /// SBS-1 BaseStation lines from an ADS-B receiver.
    Sbs,
    /// Detection JSON lines from a ground sensor or camera.
    Detections,
}

/// A WGS-84 position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourceSite {
    /// Latitude, degrees north.
    pub lat_deg: f64,
    /// Longitude, degrees east.
    pub lon_deg: f64,
    /// Height above the WGS-84 ellipsoid, metres.
    pub alt_m: f64,
}

/// One simulated sensor, as a receiving server has to configure it.
#[derive(Debug, Clone, PartialEq)]
pub struct SimSource {
    /// The sensor id (the radar's, receiver's or ground sensor's name).
    pub id: String,
    /// What it sends.
    pub kind: SourceKind,
    /// Where the radar antenna, the ADS-B receiver or the ground sensor stands.
    pub site: SourceSite,
    /// How far from `site` it sees, metres: a radar's instrumented range,
    /// a receiver's reception range, a ground sensor's detection range.
    pub max_range_m: f64,
    /// Seconds between two looks at one target: a radar's rotation period,
    /// a receiver's report interval, a ground sensor's report cycle.
    pub period_s: f64,
    /// It reports only targets that report themselves (ADS-B).
    pub cooperative_only: bool,
    /// ASTERIX system area and identification codes (SAC, SIC).
    pub sac_sic: Option<(u8, u8)>,
    /// Radar range noise, 1-sigma metres.
    pub range_sigma_m: Option<f64>,
    /// Radar azimuth noise, 1-sigma degrees.
    pub azimuth_sigma_deg: Option<f64>,
    /// Position noise per axis, 1-sigma metres (ADS-B, ground sensors).
    pub position_sigma_m: Option<f64>,
}

/// The sources of `sim`: each radar, each ADS-B receiver once per output
/// (ASTERIX and/or SBS), and each ground sensor.
pub fn sources(sim: &SimConfig) -> Vec<SimSource> {
    let mut out = Vec::new();
    let terrain = sim.terrain_height_m;
    let site = |lat_deg, lon_deg, above_terrain_m: f64| SourceSite {
        lat_deg,
        lon_deg,
        alt_m: terrain + above_terrain_m,
    };
    for r in &sim.radars {
        out.push(SimSource {
            id: r.name.clone(),
            kind: SourceKind::Asterix,
            site: site(r.lat_deg, r.lon_deg, r.antenna_height_m),
            max_range_m: r.max_range_m,
            period_s: r.rotation_period_s,
            cooperative_only: false,
            sac_sic: Some((r.sac, r.sic)),
            range_sigma_m: Some(r.range_sigma_m),
            azimuth_sigma_deg: Some(r.azimuth_sigma_deg),
            position_sigma_m: None,
        });
    }
    for a in &sim.adsb {
        // A receiver may be set to report exact positions, but a receiving
        // server refuses a sigma that is not positive.
        let receiver = SimSource {
            id: a.name.clone(),
            kind: SourceKind::Asterix,
            site: site(a.lat_deg, a.lon_deg, 0.0),
            max_range_m: a.max_range_m,
            period_s: a.update_period_s,
            cooperative_only: true,
            sac_sic: Some((a.sac, a.sic)),
            range_sigma_m: None,
            azimuth_sigma_deg: None,
            position_sigma_m: Some(a.position_sigma_m.max(1.0)),
        };
        if a.asterix {
            out.push(receiver.clone());
        }
        if a.sbs {
            out.push(SimSource {
                kind: SourceKind::Sbs,
                sac_sic: None,
                ..receiver
            });
        }
    }
    for g in &sim.ground_sensors {
        out.push(SimSource {
            id: g.name.clone(),
            kind: SourceKind::Detections,
            site: site(g.lat_deg, g.lon_deg, 0.0),
            max_range_m: g.range_m,
            period_s: g.period_s,
            cooperative_only: false,
            sac_sic: None,
            range_sigma_m: None,
            azimuth_sigma_deg: None,
            position_sigma_m: Some(g.sigma_m),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_simulated_sensor_is_listed() {
        let sim = SimConfig::border_sector();
        let s = sources(&sim);
        assert!(s.iter().any(|s| s.kind == SourceKind::Sbs));
        let asterix: Vec<_> = s.iter().filter(|s| s.kind == SourceKind::Asterix).collect();
        assert_eq!(asterix.len(), 3);
        assert!(asterix.iter().all(|s| s.sac_sic.is_some()));
        let ground: Vec<_> = s
            .iter()
            .filter(|s| s.kind == SourceKind::Detections)
            .collect();
        assert_eq!(ground.len(), sim.ground_sensors.len());
        assert!(s.iter().all(|s| s.max_range_m > 0.0 && s.period_s > 0.0));
    }
}
