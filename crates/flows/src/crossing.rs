//! Crossings of the border by anonymous tracks, with hysteresis.
//!
//! The contract:
//! - a step that strictly crosses the line starts a *pending* crossing;
//!   nothing is counted yet;
//! - a pending crossing is **confirmed** (one [`FlowEvent::Crossing`])
//!   once the track has been on the new side for `turnback_s` seconds,
//!   with at least `min_fixes` fixes there and an excursion of at least
//!   `min_excursion_m` from the crossed segment; the check runs on each
//!   update and in [`CrossingDetector::handle_timeout`];
//! - a track that crosses back before that, having gone at least
//!   `min_excursion_m` beyond the line, makes one [`FlowEvent::TurnBack`]
//!   and no crossing; one that crosses back without going that far was
//!   jitter along the line and makes nothing;
//! - a track silent for `gap_s` is forgotten; a pending crossing it had
//!   is confirmed if its excursion and fixes already qualify, else
//!   dropped (counted in [`CrossingDetector::dropped`]);
//! - a step longer than `max_step_s` in time, or across the dateline, is
//!   a gap: the track starts again from its new fix.
//!
//! So jitter near the line is never counted, a crossing is counted once,
//! and a turn-back is its own event. The detector keeps, per track, only
//! its last fix and the pending crossing: no history.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::border::{Border, Side};

/// What kind of object a track is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackKind {
    /// On the ground.
    Ground,
    /// In the air.
    Air,
    /// On the water.
    Maritime,
}

/// Which way a crossing went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// To the line's left: north, into the US, for a line drawn west to east.
    Northbound,
    /// To its right.
    Southbound,
}

impl Direction {
    fn to(side: Side) -> Direction {
        match side {
            Side::Left => Direction::Northbound,
            Side::Right => Direction::Southbound,
        }
    }
}

/// What the detector reports. Times are seconds (the caller's clock).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum FlowEvent {
    /// A confirmed crossing.
    Crossing {
        /// Which way.
        direction: Direction,
        /// The object's kind.
        kind: TrackKind,
        /// When it crossed: the time of its first fix on the new side,
        /// seconds.
        at_s: i64,
        /// Where, metres along the border.
        chainage_m: f64,
    },
    /// A track that crossed and came back within the window.
    TurnBack {
        /// The way it first went.
        direction: Direction,
        /// The object's kind.
        kind: TrackKind,
        /// When it first crossed, seconds.
        at_s: i64,
        /// Where, metres along the border.
        chainage_m: f64,
    },
}

/// The detector's thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrossingConfig {
    /// Fixes on the new side before a crossing counts.
    pub min_fixes: u32,
    /// How far beyond the line a track must go, metres.
    pub min_excursion_m: f64,
    /// A crossing back within this many seconds is a turn-back; a crossing
    /// counts once it has stood this long.
    pub turnback_s: i64,
    /// A track silent this long is forgotten, seconds.
    pub gap_s: i64,
    /// A step longer than this in time is a gap, seconds.
    pub max_step_s: i64,
}

impl Default for CrossingConfig {
    fn default() -> Self {
        CrossingConfig {
            min_fixes: 2,
            min_excursion_m: 50.0,
            turnback_s: 300,
            gap_s: 900,
            max_step_s: 300,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    to: Side,
    at_s: i64,
    chainage_m: f64,
    segment: usize,
    fixes: u32,
    excursion_m: f64,
}

impl Pending {
    fn confirmed(&self, kind: TrackKind) -> FlowEvent {
        FlowEvent::Crossing {
            direction: Direction::to(self.to),
            kind,
            at_s: self.at_s,
            chainage_m: self.chainage_m,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct TrackState {
    kind: TrackKind,
    /// The last fix off the line: a fix on it has no side, so a step is
    /// taken from here (a track that lands on the line and goes on
    /// crosses once; one that touches it and turns back, not at all).
    last: Option<(f64, f64)>,
    last_s: i64,
    pending: Option<Pending>,
}

/// The crossing detector. See the module documentation for its contract.
#[derive(Debug, Clone)]
pub struct CrossingDetector {
    border: Border,
    config: CrossingConfig,
    tracks: HashMap<u64, TrackState>,
    dropped: u64,
}

impl CrossingDetector {
    /// A detector for `border`.
    pub fn new(border: Border, config: CrossingConfig) -> CrossingDetector {
        CrossingDetector {
            border,
            config,
            tracks: HashMap::new(),
            dropped: 0,
        }
    }

    /// The border it watches.
    pub fn border(&self) -> &Border {
        &self.border
    }

    /// Pending crossings dropped because their track went silent too soon.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// How many tracks it holds state for.
    pub fn tracks(&self) -> usize {
        self.tracks.len()
    }

    /// Feeds one fix of track `key` at `t_s` seconds; appends what it
    /// decides to `out`. Fixes older than the track's last are ignored.
    pub fn update(
        &mut self,
        key: u64,
        kind: TrackKind,
        lon: f64,
        lat: f64,
        t_s: i64,
        out: &mut Vec<FlowEvent>,
    ) {
        let fix = (lon, lat);
        if !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0) {
            return;
        }
        let cfg = self.config;
        let on_line = self.border.touches(fix);
        let Some(state) = self.tracks.get_mut(&key) else {
            self.tracks.insert(
                key,
                TrackState {
                    kind,
                    last: (!on_line).then_some(fix),
                    last_s: t_s,
                    pending: None,
                },
            );
            return;
        };
        if t_s < state.last_s {
            return;
        }
        state.kind = kind;
        let gap = t_s - state.last_s > cfg.max_step_s;
        let hits = match state.last {
            Some(from) if !gap && !on_line => self.border.crossings(from, fix),
            _ => Vec::new(),
        };
        for h in hits {
            match state.pending {
                Some(p) if p.to != h.to => {
                    // Back across before the crossing stood.
                    if p.excursion_m >= cfg.min_excursion_m {
                        out.push(FlowEvent::TurnBack {
                            direction: Direction::to(p.to),
                            kind: state.kind,
                            at_s: p.at_s,
                            chainage_m: p.chainage_m,
                        });
                    }
                    state.pending = None;
                }
                _ => {
                    state.pending = Some(Pending {
                        to: h.to,
                        at_s: t_s,
                        chainage_m: h.chainage_m,
                        segment: h.segment,
                        fixes: 0,
                        excursion_m: 0.0,
                    });
                }
            }
        }
        if let Some(p) = state.pending.as_mut() {
            p.fixes += 1;
            let d = self.border.distance_to_segment_m(p.segment, fix);
            p.excursion_m = p.excursion_m.max(d);
        }
        if !on_line {
            state.last = Some(fix);
        } else if gap {
            state.last = None;
        }
        state.last_s = t_s;
        Self::settle(state, t_s, cfg, out);
    }

    fn qualifies(p: &Pending, cfg: CrossingConfig) -> bool {
        p.fixes >= cfg.min_fixes && p.excursion_m >= cfg.min_excursion_m
    }

    fn settle(state: &mut TrackState, now_s: i64, cfg: CrossingConfig, out: &mut Vec<FlowEvent>) {
        if let Some(p) = state.pending {
            if now_s - p.at_s >= cfg.turnback_s && Self::qualifies(&p, cfg) {
                out.push(p.confirmed(state.kind));
                state.pending = None;
            }
        }
    }

    /// Confirms the crossings that have stood long enough by `now_s` and
    /// forgets tracks silent for the gap; appends the events to `out`.
    pub fn handle_timeout(&mut self, now_s: i64, out: &mut Vec<FlowEvent>) {
        let cfg = self.config;
        let mut gone = Vec::new();
        for (key, state) in self.tracks.iter_mut() {
            Self::settle(state, now_s, cfg, out);
            if now_s - state.last_s >= cfg.gap_s {
                if let Some(p) = state.pending.take() {
                    if Self::qualifies(&p, cfg) {
                        out.push(p.confirmed(state.kind));
                    } else {
                        self.dropped += 1;
                    }
                }
                gone.push(*key);
            }
        }
        for k in gone {
            self.tracks.remove(&k);
        }
    }
}

#[cfg(test)]
mod tests;
