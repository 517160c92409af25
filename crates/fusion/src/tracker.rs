//! The multi-target tracker: track life (initiation, confirmation, deletion)
//! around [`crate::associate`]'s gating and GNN.
//!
//! # The reference method
//! With [`Config::default`] one scan does what Stone Soup's
//! `MultiTargetTracker` does with `GNNWith2DAssignment(DistanceHypothesiser(
//! Mahalanobis, missed_distance=3))`, `UpdateTimeStepsDeleter(3)` and
//! `MultiMeasurementInitiator(min_points=3, deleter=UpdateTimeStepsDeleter(3))`:
//! 1. every track is predicted to the scan time;
//! 2. confirmed tracks are associated with all detections and updated; a
//!    confirmed track that has now missed 3 scans in a row (or whose position
//!    covariance trace exceeds [`Config::max_position_trace`]) is deleted;
//! 3. tentative tracks (the initiator's internal tracker) are associated, the
//!    same way, with the detections left over; one that has now been updated
//!    `min_points` times in all (its first detection included) is confirmed
//!    and reported from this scan on; the others are deleted after 3
//!    consecutive misses;
//! 4. every detection still unused starts a tentative track at its position,
//!    with the position covariance of the detection and zero velocity of
//!    variance [`Config::init_velocity_var`] (Stone Soup's prior state with
//!    its position rows replaced by the measurement).
//!
//! # Units
//! Metres, seconds, m/s; covariances in the matching squared units.

use crate::imm::ImmConfig;
use crate::linalg::{inv2_spd, Mat2, Mat4};
use crate::track::Track;
use thiserror::Error;

/// A position measurement in the tracker's local ENU frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// Measurement time (seconds).
    pub time: f64,
    /// Which sensor made it.
    pub sensor_id: u32,
    /// East (metres).
    pub x: f64,
    /// North (metres).
    pub y: f64,
    /// Measurement-noise covariance (m²).
    pub r: Mat2,
    /// The identity the target reports of itself (an ADS-B or Mode S
    /// 24-bit address), when the sensor gives one; `None` for radar plots.
    /// The tracker does not use it yet.
    pub ident: Option<u32>,
}

impl Detection {
    /// Finite values and a symmetric positive-definite covariance: what
    /// the trackers accept.
    pub fn is_valid(&self) -> bool {
        self.x.is_finite()
            && self.y.is_finite()
            && self.time.is_finite()
            && (self.r[0][1] - self.r[1][0]).abs() <= 1e-9 * (self.r[0][0] + self.r[1][1]).abs()
            && inv2_spd(&self.r).is_some()
    }
}

/// A confirmed track's estimate at a time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackReport {
    /// Stable id, unique over the tracker's life.
    pub id: u64,
    /// Time of the estimate (seconds).
    pub time: f64,
    /// East (metres).
    pub x: f64,
    /// North (metres).
    pub y: f64,
    /// East velocity (m/s).
    pub vx: f64,
    /// North velocity (m/s).
    pub vy: f64,
    /// Covariance of `[x, vx, y, vy]`.
    pub cov: Mat4,
}

/// What one processed scan produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanOutput {
    /// Scan time (seconds).
    pub time: f64,
    /// Every confirmed track, in id order.
    pub tracks: Vec<TrackReport>,
    /// Ids of tracks deleted in this scan.
    pub deleted: Vec<u64>,
    /// Detections refused as malformed (non-finite, bad covariance).
    pub rejected: usize,
}

/// Which motion filter tracks run.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum FilterKind {
    /// Nearly constant velocity with [`Config::q`].
    Cv,
    /// Two-mode IMM.
    Imm(ImmConfig),
}

impl FilterKind {
    /// The IMM's parameters, `None` for the constant-velocity filter.
    pub fn imm(&self) -> Option<&ImmConfig> {
        match self {
            FilterKind::Cv => None,
            FilterKind::Imm(c) => Some(c),
        }
    }
}

/// Tracker parameters. The default is the reference (Stone Soup) method.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Config {
    /// Acceleration noise density (m²/s³) of the CV filter.
    pub q: f64,
    /// Gate (Mahalanobis distance) for confirmed tracks, and their missed cost.
    pub gate: f64,
    /// Gate (Mahalanobis distance) for tentative tracks.
    pub tentative_gate: f64,
    /// Associated detections needed to confirm a track.
    pub min_points: u32,
    /// Consecutive missed scans after which a track is deleted.
    pub max_misses: u32,
    /// Position covariance trace (m²) beyond which a track is deleted.
    pub max_position_trace: f64,
    /// Prior velocity variance (m²/s²) per axis of a new track.
    pub init_velocity_var: f64,
    /// Motion filter.
    pub filter: FilterKind,
    /// How long (seconds) [`Tracker::ingest`] holds detections for late ones.
    pub late_window: f64,
    /// Most detections [`Tracker::ingest`] holds.
    pub max_pending: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            q: 0.1,
            gate: 3.0,
            tentative_gate: 3.0,
            min_points: 3,
            max_misses: 3,
            max_position_trace: 1e6,
            init_velocity_var: 30.0 * 30.0,
            filter: FilterKind::Cv,
            late_window: 0.5,
            max_pending: 1_000_000,
        }
    }
}

/// Errors from the tracker's inputs.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TrackerError {
    /// A configuration value is out of range.
    #[error("invalid tracker configuration: {0}")]
    Config(&'static str),
    /// A scan is older than one already processed.
    #[error("scan at {time} s is before the last processed scan at {last} s")]
    OutOfOrder {
        /// The offending time (seconds).
        time: f64,
        /// The last processed time (seconds).
        last: f64,
    },
    /// A detection arrived after its late window closed.
    #[error("detection at {time} s arrived too late: times up to {last} s are closed")]
    TooLate {
        /// Detection time (seconds).
        time: f64,
        /// Times up to this one are closed (seconds).
        last: f64,
    },
    /// The late-arrival buffer is full.
    #[error("pending detection buffer is full ({0} detections)")]
    Full(usize),
    /// A detection is malformed.
    #[error("detection has a non-finite value or a covariance that is not positive definite")]
    BadDetection,
}

impl Config {
    /// Checks ranges once, so that the per-scan code need not.
    pub fn validate(&self) -> Result<(), TrackerError> {
        let pos = |v: f64| v.is_finite() && v > 0.0;
        if !(self.q.is_finite() && self.q >= 0.0) {
            return Err(TrackerError::Config("q must be finite and non-negative"));
        }
        if !pos(self.gate) || !pos(self.tentative_gate) {
            return Err(TrackerError::Config("gates must be finite and positive"));
        }
        if self.min_points == 0 || self.max_misses == 0 {
            return Err(TrackerError::Config(
                "min_points and max_misses must be at least 1",
            ));
        }
        if !pos(self.max_position_trace) || !pos(self.init_velocity_var) {
            return Err(TrackerError::Config(
                "covariance bounds must be finite and positive",
            ));
        }
        if !(self.late_window.is_finite() && self.late_window >= 0.0) {
            return Err(TrackerError::Config(
                "late_window must be finite and non-negative",
            ));
        }
        if let FilterKind::Imm(c) = self.filter {
            let ok =
                c.q_low >= 0.0 && c.q_high >= 0.0 && c.q_low.is_finite() && c.q_high.is_finite();
            if !ok
                || !(0.0..=1.0).contains(&c.switch_per_s)
                || !(0.0..=1.0).contains(&c.initial_low)
            {
                return Err(TrackerError::Config("IMM parameters out of range"));
            }
        }
        Ok(())
    }
}

mod run;

/// The tracker state machine. Reads no clock: times are passed in.
#[derive(Debug, Clone)]
pub struct Tracker {
    cfg: Config,
    confirmed: Vec<Track>,
    tentative: Vec<Track>,
    next_id: u64,
    last_time: Option<f64>,
    pending: Vec<Detection>,
    late_dropped: u64,
}

impl Tracker {
    /// A tracker with no tracks.
    pub fn new(cfg: Config) -> Result<Self, TrackerError> {
        cfg.validate()?;
        Ok(Tracker {
            cfg,
            confirmed: Vec::new(),
            tentative: Vec::new(),
            next_id: 1,
            last_time: None,
            pending: Vec::new(),
            late_dropped: 0,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Numbers of confirmed and tentative tracks.
    pub fn counts(&self) -> (usize, usize) {
        (self.confirmed.len(), self.tentative.len())
    }

    fn new_track(&self, d: &Detection) -> Track {
        Track::start(d, self.cfg.init_velocity_var, self.cfg.filter.imm())
    }

    fn report(t: &Track) -> Option<TrackReport> {
        Some(TrackReport {
            id: t.id?,
            time: t.time,
            x: t.est.x[0],
            y: t.est.x[2],
            vx: t.est.x[1],
            vy: t.est.x[3],
            cov: t.est.p,
        })
    }
}

#[cfg(test)]
mod tests;
