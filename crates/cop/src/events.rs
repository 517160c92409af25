//! The web COP's event log: what happened on the picture (clients joining
//! and leaving, alerts raised, acknowledged and cleared, markers and shapes
//! placed and removed), kept for the last day so a watch officer taking
//! over a shift reads what came before. One policy: entries older than
//! [`KEEP_MS`] or beyond [`MAX_EVENTS`] leave, oldest first; each entry is
//! shown to those who see what it is about.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;

/// How long an entry is kept, ms: the day a shift change looks back on.
pub const KEEP_MS: i64 = 24 * 3600 * 1000;
/// Most entries kept, whatever their age: a flood of joins cannot grow it.
pub const MAX_EVENTS: usize = 5000;
/// Most entries a snapshot carries (the newest).
pub const SNAPSHOT_EVENTS: usize = 1000;

/// What an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A TAK client's own SA was first seen: it joined.
    Connect,
    /// A TAK client disconnected.
    Disconnect,
    /// An alert was raised (an emergency from the field, a sensor silent).
    Alert,
    /// An alert was acknowledged by a watch officer.
    Ack,
    /// An alert was cancelled or cleared.
    Cleared,
    /// A marker or shape was placed.
    Marker,
    /// A marker or shape was removed.
    Removed,
}

/// One entry, as the browser gets it.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    /// Increases by one per entry: a viewer never gets one twice.
    pub serial: u64,
    /// When it happened, ms since the epoch.
    pub time: i64,
    /// What it is about.
    pub kind: EventKind,
    /// One line in words.
    pub text: String,
    /// The object it locates, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Where it happened, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Where it happened, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

/// An entry and who may see it (the groups of what it is about).
#[derive(Debug)]
pub struct EventItem {
    /// The entry.
    pub view: EventView,
    /// Who may see it.
    pub groups: Arc<Vec<String>>,
    /// Its JSON, made once.
    pub json: String,
}

/// The bounded log.
#[derive(Debug, Default)]
pub struct EventLog {
    items: VecDeque<Arc<EventItem>>,
    serial: u64,
}

/// An entry to record: everything but its serial.
pub struct NewEvent<'a> {
    /// When it happened, ms.
    pub time: i64,
    /// What it is about.
    pub kind: EventKind,
    /// One line in words.
    pub text: String,
    /// The object it locates.
    pub uid: Option<&'a str>,
    /// Where, when known (finite degrees only; others are dropped).
    pub at: Option<(f64, f64)>,
}

impl EventLog {
    /// Records an entry seen by `groups`, dropping what the policy says
    /// must go; returns it for the next delta.
    pub fn record(&mut self, e: NewEvent<'_>, groups: Arc<Vec<String>>) -> Arc<EventItem> {
        self.serial += 1;
        let at = e.at.filter(|(lat, lon)| lat.is_finite() && lon.is_finite());
        let view = EventView {
            serial: self.serial,
            time: e.time,
            kind: e.kind,
            text: e.text,
            uid: e.uid.map(str::to_string),
            lat: at.map(|a| a.0),
            lon: at.map(|a| a.1),
        };
        let json = serde_json::to_string(&view).unwrap_or_default();
        let item = Arc::new(EventItem { view, groups, json });
        self.items.push_back(item.clone());
        self.trim(e.time);
        item
    }

    /// Drops entries older than a day before `now_ms`, and the oldest
    /// beyond the cap.
    pub fn trim(&mut self, now_ms: i64) {
        while self.items.len() > MAX_EVENTS {
            self.items.pop_front();
        }
        while self
            .items
            .front()
            .is_some_and(|i| i.view.time < now_ms.saturating_sub(KEEP_MS))
        {
            self.items.pop_front();
        }
    }

    /// Forgets every entry (the picture restored at start is not news).
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// The last serial handed out.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// The entries, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Arc<EventItem>> {
        self.items.iter()
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(time: i64) -> NewEvent<'static> {
        NewEvent {
            time,
            kind: EventKind::Connect,
            text: "x".into(),
            uid: Some("u"),
            at: Some((f64::NAN, 1.0)),
        }
    }

    #[test]
    fn a_day_and_a_cap_bound_the_log() {
        let mut log = EventLog::default();
        let g = Arc::new(Vec::new());
        let first = log.record(ev(0), g.clone());
        assert_eq!(first.view.serial, 1);
        // A position that is not finite is left out, not written as null.
        assert!(!first.json.contains("lat"));
        log.record(ev(KEEP_MS - 1), g.clone());
        assert_eq!(log.len(), 2);
        log.record(ev(KEEP_MS + 1), g.clone());
        assert_eq!(log.len(), 2, "the entry a day old left");
        assert_eq!(log.iter().next().map(|i| i.view.time), Some(KEEP_MS - 1));
        for i in 0..(MAX_EVENTS as i64 + 10) {
            log.record(ev(KEEP_MS + 2 + i), g.clone());
        }
        assert_eq!(log.len(), MAX_EVENTS);
        assert_eq!(log.serial(), 3 + MAX_EVENTS as u64 + 10);
        log.clear();
        assert!(log.is_empty());
    }
}
