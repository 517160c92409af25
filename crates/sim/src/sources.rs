//! The simulated sources a server has to be told about to track what the
//! simulator sends: one per simulated sensor feed, in the simulator's own
//! terms. The binary turns them into the server's `[feeds]` configuration,
//! so the simulator does not depend on the pipeline's configuration types.

use crate::config::SimConfig;

/// The sensor id all simulated ground sensors report under (they share one
/// JSON-lines socket, as a sensor gateway would send them).
pub const GROUND_FEED_ID: &str = "sim-ground";

/// What a simulated source sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// ASTERIX datagrams: CAT048/034 from a radar, CAT021 from an ADS-B receiver.
    Asterix,
    /// SBS-1 BaseStation lines from an ADS-B receiver.
    Sbs,
    /// Detection JSON lines from the ground sensors and cameras.
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

/// One simulated sensor feed, as a receiving server has to configure it.
#[derive(Debug, Clone, PartialEq)]
pub struct SimSource {
    /// The sensor id (the radar's or receiver's name, or [`GROUND_FEED_ID`]).
    pub id: String,
    /// What it sends.
    pub kind: SourceKind,
    /// Where the radar antenna or the ASTERIX ADS-B receiver stands.
    pub site: Option<SourceSite>,
    /// ASTERIX system area and identification codes (SAC, SIC).
    pub sac_sic: Option<(u8, u8)>,
    /// Radar range noise, 1-sigma metres.
    pub range_sigma_m: Option<f64>,
    /// Radar azimuth noise, 1-sigma degrees.
    pub azimuth_sigma_deg: Option<f64>,
    /// Position noise per axis, 1-sigma metres (ADS-B).
    pub position_sigma_m: Option<f64>,
}

/// The sources of `sim`: each radar, each ADS-B receiver once per output
/// (ASTERIX and/or SBS), and one for all ground sensors when there are any.
pub fn sources(sim: &SimConfig) -> Vec<SimSource> {
    let mut out = Vec::new();
    for r in &sim.radars {
        out.push(SimSource {
            id: r.name.clone(),
            kind: SourceKind::Asterix,
            site: Some(SourceSite {
                lat_deg: r.lat_deg,
                lon_deg: r.lon_deg,
                alt_m: sim.terrain_height_m + r.antenna_height_m,
            }),
            sac_sic: Some((r.sac, r.sic)),
            range_sigma_m: Some(r.range_sigma_m),
            azimuth_sigma_deg: Some(r.azimuth_sigma_deg),
            position_sigma_m: None,
        });
    }
    for a in &sim.adsb {
        // A receiver may be set to report exact positions, but a receiving
        // server refuses a sigma that is not positive.
        let position_sigma_m = Some(a.position_sigma_m.max(1.0));
        if a.asterix {
            out.push(SimSource {
                id: a.name.clone(),
                kind: SourceKind::Asterix,
                site: Some(SourceSite {
                    lat_deg: a.lat_deg,
                    lon_deg: a.lon_deg,
                    alt_m: sim.terrain_height_m,
                }),
                sac_sic: Some((a.sac, a.sic)),
                range_sigma_m: None,
                azimuth_sigma_deg: None,
                position_sigma_m,
            });
        }
        if a.sbs {
            out.push(SimSource {
                id: a.name.clone(),
                kind: SourceKind::Sbs,
                site: None,
                sac_sic: None,
                range_sigma_m: None,
                azimuth_sigma_deg: None,
                position_sigma_m,
            });
        }
    }
    if !sim.ground_sensors.is_empty() {
        out.push(SimSource {
            id: GROUND_FEED_ID.to_string(),
            kind: SourceKind::Detections,
            site: None,
            sac_sic: None,
            range_sigma_m: None,
            azimuth_sigma_deg: None,
            position_sigma_m: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_simulated_source_is_listed() {
        let sim = SimConfig::border_sector();
        let s = sources(&sim);
        assert!(s.iter().any(|s| s.kind == SourceKind::Sbs));
        assert!(s.iter().any(|s| s.id == GROUND_FEED_ID));
        let asterix: Vec<_> = s.iter().filter(|s| s.kind == SourceKind::Asterix).collect();
        assert_eq!(asterix.len(), 3);
        assert!(asterix
            .iter()
            .all(|s| s.site.is_some() && s.sac_sic.is_some()));
    }
}
