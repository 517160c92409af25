//! Centralised fusion of asynchronous sensors: one track set that every
//! sensor's looks update, each at its own time.
//!
//! [`crate::Tracker`] is the reference method of one synchronous sensor, in
//! which every scan sees the whole region: a track not detected in a scan
//! was missed. With several sensors of different rhythms and coverages that
//! rule deletes a track because a radar on the other side looked elsewhere.
//! The [`Fuser`] knows what each sensor can see ([`SensorSpec`]) and counts
//! a miss only where a sensor looked.
//!
//! # Contract
//! - [`Fuser::scan`] is one look of one sensor at one time with the
//!   detections it made (possibly none). Times never go back: a scan older
//!   than the last one processed is refused and counted, nothing changes.
//! - Within a scan the detections are put in a canonical order first, so a
//!   permutation of them gives the same result; exact duplicates are
//!   dropped and counted, malformed ones (non-finite, covariance not
//!   positive definite) refused and counted.
//! - **Identity.** A detection with an aircraft address updates the track
//!   holding that address, whatever the Mahalanobis distance, unless it is
//!   more than [`FuseConfig::ident_jump_m`] (plus three sigma) away: then
//!   the address has jumped, the old track loses it and the jump is
//!   counted. Otherwise detections are assigned by GNN (confirmed tracks
//!   first, then tentative ones), where a track and a detection carrying
//!   two different addresses never pair. A track keeps the first address
//!   it is given; one address is held by at most one track.
//! - **Misses.** A track is missed by sensor `s` only if `s` covers it
//!   ([`SensorSpec::covers`]: in its coverage ring, and, if `s` detects
//!   only cooperative targets, updated by `s` before) and looked: each scan of a
//!   [`Looks::Scans`] sensor that did not update it is one miss; for a
//!   [`Looks::Reports`] sensor (ADS-B messages, sectors of a rotating
//!   radar), every whole period during which it kept reporting is one.
//! - **Deletion.** A confirmed track is deleted once every *live* sensor
//!   covering it (one that looked within [`FuseConfig::live_periods`] of
//!   its periods) has missed it [`Config::max_misses`] times in a row; a
//!   tentative one once those sensors' misses add up to that number; a
//!   track no live sensor covers once [`FuseConfig::coast_s`] passed
//!   without an update; any confirmed track whose position covariance
//!   trace exceeds [`Config::max_position_trace`]. A silent sensor therefore never
//!   deletes what others still see, and a slow radar that has not looked
//!   yet does not either.
//! - **Numbers.** A track gets its number when confirmed
//!   ([`Config::min_points`] detections, from any sensors) and keeps it for
//!   life. Two confirmed tracks whose positions and velocities stay within
//!   [`FuseConfig::merge_gate`] of each other for
//!   [`FuseConfig::merge_after`] sweeps, and do not carry two different
//!   addresses, are one object: the younger is merged into the older, and
//!   the merge is reported ([`Merge`]).
//! - Reads no clock: every time is passed in.
//!
//! # Units
//! Metres and seconds in the local ENU frame, as [`crate::tracker`].

use std::collections::HashMap;

use thiserror::Error;

use crate::imm::ImmConfig;
use crate::kalman::Gaussian;
use crate::linalg::inv2_spd;
use crate::track::Track;
use crate::tracker::{Config, Detection, TrackReport, TrackerError};

mod life;
mod scan;

/// How a sensor's looks arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Looks {
    /// Whole scans: each [`Fuser::scan`] call is a complete look over the
    /// sensor's coverage (a recorded scenario's radar scan).
    Scans,
    /// Reports as they come: a call holds what the sensor reported at that
    /// time (an ADS-B message, the plots of one radar sector). A covered
    /// track counts as looked at once per period of reporting.
    Reports,
}

/// Where a sensor sees: the ring between two ranges around its site.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Ring {
    /// The site, east and north (metres).
    pub site: [f64; 2],
    /// Inner edge (metres from the site).
    pub min_range: f64,
    /// Outer edge (metres from the site).
    pub max_range: f64,
}

/// What the fuser knows of one sensor.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SensorSpec {
    /// Where it sees; `None`: everywhere.
    pub coverage: Option<Ring>,
    /// Seconds between two looks at one target (scan period, report
    /// interval).
    pub period: f64,
    /// How its looks arrive.
    pub looks: Looks,
    /// Detects only targets that report an address (ADS-B).
    pub cooperative_only: bool,
}

impl SensorSpec {
    /// Whether a target at `(x, y)` is one this sensor would detect;
    /// `reports_to_it` says whether the target reports itself to this
    /// sensor (for the fuser: this sensor has updated the track before),
    /// which a cooperative-only sensor needs. An address from a radar's
    /// Mode S reply does not make an aircraft ADS-B equipped, so having an
    /// address is not enough.
    pub fn covers(&self, x: f64, y: f64, reports_to_it: bool) -> bool {
        if self.cooperative_only && !reports_to_it {
            return false;
        }
        self.coverage.is_none_or(|c| {
            let r = (x - c.site[0]).hypot(y - c.site[1]);
            r >= c.min_range && r <= c.max_range
        })
    }

    fn is_valid(&self) -> bool {
        let ring_ok = self.coverage.is_none_or(|c| {
            c.site.iter().all(|v| v.is_finite())
                && c.min_range.is_finite()
                && c.min_range >= 0.0
                && c.max_range > c.min_range
        });
        ring_ok && self.period.is_finite() && self.period > 0.0
    }
}

/// The fuser's parameters: the tracker's, and those of several sensors.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FuseConfig {
    /// Filter, gates, initiation and deletion counts (as for [`crate::Tracker`];
    /// `max_misses` counts looks of a covering sensor, `late_window` and
    /// `max_pending` are unused here).
    pub tracker: Config,
    /// A detection farther than this (metres, plus three sigma) from the
    /// track holding its address is an address jump (default 5,000).
    pub ident_jump_m: f64,
    /// Mahalanobis distance, of positions and of velocities, under which
    /// two confirmed tracks are close (default 3).
    pub merge_gate: f64,
    /// Consecutive sweeps two tracks must stay close to be merged (default 3).
    pub merge_after: u32,
    /// A track that no live sensor covers is deleted after this long
    /// without an update (seconds); `None`: `max_misses` times the longest
    /// sensor period.
    pub coast_s: Option<f64>,
    /// A sensor is live while its last look is within this many of its
    /// periods (default 3): a sensor silent for longer misses nothing.
    pub live_periods: f64,
    /// Seconds between deletion and merge sweeps when only reporting sensors
    /// look (default 0.5; every scan of a scanning sensor sweeps).
    pub sweep_interval: f64,
}

impl Default for FuseConfig {
    fn default() -> Self {
        FuseConfig {
            tracker: Config::default(),
            ident_jump_m: 5_000.0,
            merge_gate: 3.0,
            merge_after: 3,
            coast_s: None,
            live_periods: 3.0,
            sweep_interval: 0.5,
        }
    }
}

/// Errors of the fuser's inputs. The fuser's state is unchanged by each.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FuseError {
    /// The configuration or a sensor's description is out of range.
    #[error("invalid fuser configuration: {0}")]
    Config(&'static str),
    /// The tracker part of the configuration is out of range.
    #[error(transparent)]
    Tracker(#[from] TrackerError),
    /// A scan from a sensor the fuser was not given.
    #[error("scan from unknown sensor {0}")]
    UnknownSensor(u32),
    /// A scan older than one already processed.
    #[error("scan at {time} s is before the last processed scan at {last} s")]
    OutOfOrder {
        /// The scan's time (seconds).
        time: f64,
        /// The last processed time (seconds).
        last: f64,
    },
    /// A scan time that is not a finite number.
    #[error("scan time is not a finite number")]
    BadTime,
}

/// Two tracks found to be one object.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Merge {
    /// When (seconds).
    pub time: f64,
    /// The number kept (the older track's).
    pub kept: u64,
    /// The number that ended in it.
    pub absorbed: u64,
}

/// What one scan changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanReport {
    /// Scan time (seconds).
    pub time: f64,
    /// The sensor that looked.
    pub sensor: u32,
    /// For each detection given, in the order given: the number of the
    /// confirmed track it updated (after any merge in this scan), if any.
    pub assigned: Vec<Option<u64>>,
    /// Tracks confirmed in this scan.
    pub confirmed: Vec<u64>,
    /// Confirmed tracks deleted in this scan (not those merged).
    pub deleted: Vec<u64>,
    /// Merges in this scan.
    pub merged: Vec<Merge>,
    /// Detections refused as malformed.
    pub rejected: usize,
    /// Detections dropped as exact duplicates of another in the scan.
    pub duplicates: usize,
}

/// A confirmed track with what the fuser knows of it beyond its estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FusedTrack {
    /// The estimate (see [`Fuser::tracks_at`] for its time).
    pub report: TrackReport,
    /// The aircraft address it holds.
    pub ident: Option<u32>,
    /// Bit `s` is set if sensor `s` (below 64) ever updated it. (A
    /// cooperative-only sensor of index 64 or more therefore never counts a
    /// miss.)
    pub sensors: u64,
    /// Detections that went into it.
    pub updates: u32,
    /// Time of the newest (seconds).
    pub last_update: f64,
}

/// Running totals since the fuser was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FuseCounters {
    /// Scans processed.
    pub scans: u64,
    /// Detections used (after refusals and duplicates).
    pub detections: u64,
    /// Detections refused as malformed.
    pub rejected: u64,
    /// Exact duplicates dropped.
    pub duplicates: u64,
    /// Scans refused: older than one processed.
    pub out_of_order: u64,
    /// Scans refused: unknown sensor.
    pub unknown_sensor: u64,
    /// Addresses that jumped away from their track.
    pub ident_jumps: u64,
    /// Reports of an address whose track was already updated in the same scan.
    pub ident_repeats: u64,
    /// Tracks confirmed.
    pub confirmed: u64,
    /// Confirmed tracks deleted.
    pub deleted: u64,
    /// Merges.
    pub merges: u64,
}

/// One track of the fuser, tentative (`t.id` is `None`) or confirmed.
#[derive(Debug, Clone)]
struct Fused {
    t: Track,
    ident: Option<u32>,
    /// Per sensor: scans of a scanning sensor since the last update that
    /// covered the track and did not update it.
    missed: Box<[u16]>,
    last_update: f64,
    sensors: u64,
    /// The older track this confirmed one has stayed close to, and for how
    /// many sweeps.
    close: Option<(u64, u32)>,
}

impl Fused {
    /// What the outside sees of this track, with the estimate of `t` (its
    /// own, or a copy moved on in time); `None` while tentative.
    fn fused(&self, t: &Track) -> Option<FusedTrack> {
        Some(FusedTrack {
            report: TrackReport {
                id: self.t.id?,
                time: t.time,
                x: t.est.x[0],
                y: t.est.x[2],
                vx: t.est.x[1],
                vy: t.est.x[3],
                cov: t.est.p,
            },
            ident: self.ident,
            sensors: self.sensors,
            updates: self.t.updates,
            last_update: self.last_update,
        })
    }

    /// Mean position moved on to `time` at its velocity (no covariance).
    fn position_at(&self, time: f64) -> [f64; 2] {
        let dt = time - self.t.time;
        let x = &self.t.est.x;
        [x[0] + x[1] * dt, x[2] + x[3] * dt]
    }

    /// Upper bounds of the east and north position variances once
    /// predicted to `time`, without predicting (for boxes and limits).
    fn variances_at(&self, time: f64, q: f64) -> (f64, f64) {
        let dt = (time - self.t.time).max(0.0);
        let p = &self.t.est.p;
        let axis = |i: usize| {
            p[i][i]
                + 2.0 * dt * p[i][i + 1].abs()
                + dt * dt * p[i + 1][i + 1]
                + q * dt.powi(3) / 3.0
        };
        (axis(0), axis(2))
    }
}

/// The fuser. See the module's contract.
#[derive(Debug, Clone)]
pub struct Fuser {
    cfg: FuseConfig,
    imm: ImmConfig,
    coast_s: f64,
    sensors: Vec<SensorSpec>,
    /// Latest look of each sensor (seconds).
    activity: Vec<Option<f64>>,
    tracks: Vec<Fused>,
    /// Address -> index into `tracks`; rebuilt whenever tracks are removed.
    idents: HashMap<u32, usize>,
    next_id: u64,
    last_time: Option<f64>,
    next_sweep: f64,
    counters: FuseCounters,
}

impl Fuser {
    /// A fuser with no tracks over `sensors` (sensor id = index).
    pub fn new(cfg: FuseConfig, sensors: Vec<SensorSpec>) -> Result<Self, FuseError> {
        cfg.tracker.validate()?;
        let pos = |v: f64| v.is_finite() && v > 0.0;
        if !pos(cfg.ident_jump_m)
            || !pos(cfg.merge_gate)
            || cfg.merge_after == 0
            || !pos(cfg.live_periods)
            || !pos(cfg.sweep_interval)
            || cfg.coast_s.is_some_and(|c| !pos(c))
        {
            return Err(FuseError::Config(
                "ident_jump_m, merge_gate, merge_after, live_periods, sweep_interval and coast_s must be positive",
            ));
        }
        if !sensors.iter().all(SensorSpec::is_valid) {
            return Err(FuseError::Config(
                "each sensor needs a positive period and a ring of finite, increasing ranges",
            ));
        }
        let longest = sensors.iter().map(|s| s.period).fold(0.0, f64::max);
        let imm = cfg.tracker.filter.imm().copied().unwrap_or_default();
        Ok(Fuser {
            coast_s: cfg
                .coast_s
                .unwrap_or(f64::from(cfg.tracker.max_misses) * longest),
            cfg,
            imm,
            activity: vec![None; sensors.len()],
            sensors,
            tracks: Vec::new(),
            idents: HashMap::new(),
            next_id: 1,
            last_time: None,
            next_sweep: f64::NEG_INFINITY,
            counters: FuseCounters::default(),
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &FuseConfig {
        &self.cfg
    }

    /// The sensors, by id.
    pub fn sensors(&self) -> &[SensorSpec] {
        &self.sensors
    }

    /// Running totals.
    pub fn counters(&self) -> &FuseCounters {
        &self.counters
    }

    /// Numbers of confirmed and tentative tracks.
    pub fn counts(&self) -> (usize, usize) {
        let c = self.tracks.iter().filter(|t| t.t.id.is_some()).count();
        (c, self.tracks.len() - c)
    }

    /// Time of the last scan processed.
    pub fn last_time(&self) -> Option<f64> {
        self.last_time
    }

    /// Records that `sensor` was working at `time` without a scan to give
    /// (a radar's north marker, a receiver's heartbeat), so that it stays
    /// live. Unknown sensors and non-finite times are ignored.
    pub fn activity(&mut self, sensor: u32, time: f64) {
        if let Some(a) = self.activity.get_mut(sensor as usize) {
            if time.is_finite() {
                *a = Some(a.map_or(time, |t| t.max(time)));
            }
        }
    }

    /// Every confirmed track, in number order, with its estimate moved on
    /// to `time` by the motion model (covariance included); a track already
    /// at or after `time` is given as it is.
    pub fn tracks_at(&self, time: f64) -> Vec<FusedTrack> {
        let mut out: Vec<FusedTrack> = self
            .tracks
            .iter()
            .filter_map(|f| {
                let mut t = f.t.clone();
                if time > t.time {
                    t.predict(time, self.cfg.tracker.q, &self.imm);
                }
                f.fused(&t)
            })
            .collect();
        out.sort_by_key(|t| t.report.id);
        out
    }

    /// The confirmed track numbered `id`, at the time of its estimate.
    pub fn track(&self, id: u64) -> Option<FusedTrack> {
        let f = self.tracks.iter().find(|f| f.t.id == Some(id))?;
        f.fused(&f.t)
    }

    fn new_track(&self, d: &Detection, sensor: u32) -> Fused {
        Fused {
            t: Track::start(
                d,
                self.cfg.tracker.init_velocity_var,
                self.cfg.tracker.filter.imm(),
            ),
            ident: None,
            missed: vec![0; self.sensors.len()].into_boxed_slice(),
            last_update: d.time,
            sensors: bit(sensor),
            close: None,
        }
    }

    fn rebuild_idents(&mut self) {
        self.idents.clear();
        for (j, f) in self.tracks.iter().enumerate() {
            if let Some(i) = f.ident {
                self.idents.insert(i, j);
            }
        }
    }
}

fn bit(sensor: u32) -> u64 {
    1u64.checked_shl(sensor).unwrap_or(0)
}

/// Whether a detection of `z` with noise `r` is within `jump_m` plus three
/// sigma of the estimate `g`.
fn near(g: &Gaussian, z: &[f64; 2], r: &[[f64; 2]; 2], jump_m: f64) -> bool {
    let d = (z[0] - g.x[0]).hypot(z[1] - g.x[2]);
    let sigma = (g.position_trace() + r[0][0] + r[1][1]).max(0.0).sqrt();
    d <= jump_m + 3.0 * sigma
}

/// Squared Mahalanobis distance of a 2-D difference under the sum of two
/// covariances; infinite when the sum is not positive definite.
fn mahalanobis2(d: [f64; 2], a: [[f64; 2]; 2], b: [[f64; 2]; 2]) -> f64 {
    let s = [
        [a[0][0] + b[0][0], a[0][1] + b[0][1]],
        [a[1][0] + b[1][0], a[1][1] + b[1][1]],
    ];
    match inv2_spd(&s) {
        Some(i) => crate::linalg::quad2(&d, &i),
        None => f64::INFINITY,
    }
}

#[cfg(test)]
mod tests;
