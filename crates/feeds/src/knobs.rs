//! The tracker's knobs as the configuration file gives them.

use serde::{Deserialize, Serialize};

/// The tracker's knobs (see `fusion::Config` for their meaning).
///
/// Defaults are fusion's except where a live, mixed air/ground, asynchronous
/// picture needs otherwise (each deviation is noted on its field).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrackerKnobs {
    /// Acceleration noise density, m²/s³.
    pub q: f64,
    /// Mahalanobis gate of confirmed tracks.
    pub gate: f64,
    /// Mahalanobis gate of tentative tracks.
    pub tentative_gate: f64,
    /// Associated detections to confirm a track.
    pub min_points: u32,
    /// Looks of every live sensor covering a track that found nothing,
    /// before the track is deleted (one look per sensor period).
    pub max_misses: u32,
    /// Position covariance trace beyond which a track is deleted, m².
    pub max_position_trace: f64,
    /// Prior velocity variance of a new track, m²/s². Default 100² instead of
    /// 30², so that a 250 m/s aircraft can initiate on 1 Hz ADS-B.
    pub init_velocity_var: f64,
    /// How long detections wait for late ones, seconds. Default 2.0 instead of
    /// 0.5, to absorb feed latency; tracks are predicted to the publish time.
    pub late_window: f64,
    /// Most detections waiting for their late window. Default 100,000.
    pub max_pending: usize,
}

impl Default for TrackerKnobs {
    fn default() -> Self {
        let f = fusion::Config::default();
        TrackerKnobs {
            q: f.q,
            gate: f.gate,
            tentative_gate: f.tentative_gate,
            min_points: f.min_points,
            max_misses: f.max_misses,
            max_position_trace: f.max_position_trace,
            init_velocity_var: 100.0 * 100.0,
            late_window: 2.0,
            max_pending: 100_000,
        }
    }
}

impl TrackerKnobs {
    /// The fusion configuration these knobs describe (constant-velocity filter).
    pub fn to_fusion(&self) -> fusion::Config {
        fusion::Config {
            q: self.q,
            gate: self.gate,
            tentative_gate: self.tentative_gate,
            min_points: self.min_points,
            max_misses: self.max_misses,
            max_position_trace: self.max_position_trace,
            init_velocity_var: self.init_velocity_var,
            late_window: self.late_window,
            max_pending: self.max_pending,
            ..fusion::Config::default()
        }
    }
}
