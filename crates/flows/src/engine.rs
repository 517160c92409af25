//! The flow engine: track updates in, crossings placed in their sectors
//! and counted, with the coverage they were counted from.
//!
//! The contract:
//! - the shell decides which tracks are counted ([`classify`]: objects of
//!   unknown, hostile, suspect, neutral or pending affiliation on the
//!   ground, in the air or on the water; never the task force's own units
//!   and never a person's own SA) and hands each fix over with an opaque
//!   key, never the track's uid or callsign;
//! - every update counts towards its source's coverage of its hour, a
//!   counted track or not, so an hour without updates is known to be
//!   blind;
//! - every event the detector decides is placed in the sector of its
//!   chainage and counted once in [`Counts`]; the same updates in the same
//!   order give the same counts.

use serde::Serialize;

use crate::border::Border;
use crate::counts::Counts;
use crate::crossing::{CrossingConfig, CrossingDetector, FlowEvent, TrackKind};
use crate::sectors::Sectors;

/// One fix of one track, as the shell hands it over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackUpdate<'a> {
    /// An opaque key, stable while the track lives (a salted hash of its
    /// uid): the engine never sees the uid.
    pub key: u64,
    /// What it is, or `None` for an update that only counts as coverage.
    pub kind: Option<TrackKind>,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// When, seconds since the epoch.
    pub t_s: i64,
    /// The sensor or feed it came from.
    pub source: &'a str,
}

/// An event with the sector it was counted in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placed {
    /// What happened.
    #[serde(flatten)]
    pub event: FlowEvent,
    /// The sector's code.
    pub sector: String,
}

/// Whether a track of CoT type `cot_type` is counted, and as what kind.
///
/// Only atoms (`a-…`) with an affiliation other than friend or assumed
/// friend: the task force counts objects it does not own. The dimension
/// atom gives the kind: `G` ground, `A` air, `S` and `U` sea surface and
/// subsurface. Anything else (tasks, chat, markers, space) is not counted.
pub fn classify(cot_type: &str) -> Option<TrackKind> {
    let mut atoms = cot_type.split('-');
    if atoms.next() != Some("a") {
        return None;
    }
    match atoms.next()? {
        "f" | "a" => return None,
        "u" | "h" | "s" | "j" | "k" | "n" | "p" | "o" | "x" => {}
        _ => return None,
    }
    match atoms.next()? {
        "G" => Some(TrackKind::Ground),
        "A" => Some(TrackKind::Air),
        "S" | "U" => Some(TrackKind::Maritime),
        _ => None,
    }
}

/// The engine. See the module documentation for its contract.
#[derive(Debug, Clone)]
pub struct FlowEngine {
    detector: CrossingDetector,
    sectors: Sectors,
    counts: Counts,
    updates: u64,
    events: u64,
}

impl FlowEngine {
    /// An engine watching `border`, placing crossings in `sectors`.
    pub fn new(border: Border, sectors: Sectors, config: CrossingConfig) -> FlowEngine {
        FlowEngine {
            detector: CrossingDetector::new(border, config),
            sectors,
            counts: Counts::new(),
            updates: 0,
            events: 0,
        }
    }

    /// Takes one update; appends the events it decides to `out`.
    pub fn update(&mut self, u: &TrackUpdate<'_>, out: &mut Vec<Placed>) {
        self.updates += 1;
        self.counts.observe(u.t_s, u.source);
        let Some(kind) = u.kind else {
            return;
        };
        let mut events = Vec::new();
        self.detector
            .update(u.key, kind, u.lon, u.lat, u.t_s, &mut events);
        self.place(events, out);
    }

    /// Confirms crossings that have stood by `now_s` and forgets silent
    /// tracks; appends the events to `out`.
    pub fn handle_timeout(&mut self, now_s: i64, out: &mut Vec<Placed>) {
        let mut events = Vec::new();
        self.detector.handle_timeout(now_s, &mut events);
        self.place(events, out);
    }

    fn place(&mut self, events: Vec<FlowEvent>, out: &mut Vec<Placed>) {
        for event in events {
            let chainage = match event {
                FlowEvent::Crossing { chainage_m, .. } | FlowEvent::TurnBack { chainage_m, .. } => {
                    chainage_m
                }
            };
            let sector = self
                .sectors
                .locate(self.detector.border(), chainage)
                .to_string();
            self.counts.record(&event, &sector);
            self.events += 1;
            out.push(Placed { event, sector });
        }
    }

    /// The counts so far.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// The counts, to add stored bins to or take changes from.
    pub fn counts_mut(&mut self) -> &mut Counts {
        &mut self.counts
    }

    /// The sectors crossings are placed in.
    pub fn sectors(&self) -> &Sectors {
        &self.sectors
    }

    /// The border it watches.
    pub fn border(&self) -> &Border {
        self.detector.border()
    }

    /// Updates taken, events decided, tracks held and pending crossings
    /// dropped (for metrics).
    pub fn stats(&self) -> EngineStats {
        EngineStats {
            updates: self.updates,
            events: self.events,
            tracks: self.detector.tracks() as u64,
            dropped: self.detector.dropped(),
        }
    }
}

/// What the engine has done, for metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EngineStats {
    /// Track updates taken.
    pub updates: u64,
    /// Crossings and turn-backs decided.
    pub events: u64,
    /// Tracks it holds state for now.
    pub tracks: u64,
    /// Pending crossings dropped because their track went silent.
    pub dropped: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counts::{Filter, Resolution};
    use crate::crossing::Direction;

    #[test]
    fn only_atoms_we_do_not_own_are_counted_by_their_dimension() {
        assert_eq!(classify("a-u-G"), Some(TrackKind::Ground));
        assert_eq!(classify("a-h-A-M-F"), Some(TrackKind::Air));
        assert_eq!(classify("a-n-S"), Some(TrackKind::Maritime));
        assert_eq!(classify("a-s-U"), Some(TrackKind::Maritime));
        assert_eq!(classify("a-f-G-U-C"), None, "our own units");
        assert_eq!(classify("a-a-G"), None, "assumed friend");
        assert_eq!(classify("a-u-P"), None, "space");
        assert_eq!(classify("b-t-f"), None);
        assert_eq!(classify("a-u"), None);
        assert_eq!(classify(""), None);
    }

    #[test]
    fn a_track_walking_north_at_nogales_is_one_tucson_crossing_and_coverage_counts_all() {
        let border = Border::us_mexico().expect("shipped border");
        let sectors = Sectors::us_southwest(&border).expect("shipped sectors");
        let mut engine = FlowEngine::new(border, sectors, CrossingConfig::default());
        let t0 = 1_709_251_200;
        let mut out = Vec::new();
        // Nogales: from 31.30 N to 31.36 N on -110.94, one fix a minute.
        for i in 0..30 {
            let u = TrackUpdate {
                key: 7,
                kind: Some(TrackKind::Ground),
                lon: -110.94,
                lat: 31.30 + 0.002 * f64::from(i),
                t_s: t0 + 60 * i64::from(i),
                source: "radar-1",
            };
            engine.update(&u, &mut out);
            // A friendly patrol alongside is coverage only.
            let mut patrol = u;
            patrol.key = 8;
            patrol.kind = None;
            engine.update(&patrol, &mut out);
        }
        engine.handle_timeout(t0 + 3_600, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].sector, "TCA");
        assert!(matches!(
            out[0].event,
            FlowEvent::Crossing {
                direction: Direction::Northbound,
                ..
            }
        ));
        let s = engine
            .counts()
            .series(
                &Filter::crossings().in_sector("TCA"),
                Resolution::Hour,
                t0,
                t0 + 3_600,
            )
            .expect("an hour");
        assert_eq!(s.values, vec![1]);
        assert_eq!(engine.stats().updates, 60);
        assert_eq!(
            engine.counts().coverage(t0, t0 + 3_600).sources[0].updates,
            60
        );
    }
}
