//! Fixtures shared by the test modules.

use std::path::PathBuf;
use std::sync::Arc;

use cot::{Clock, FixedClock, Time};

use store::{Config, Record, SqliteHistory};
use tempfile::TempDir;

/// A temp folder and a config pointing at a database file inside it.
pub(crate) struct Fixture {
    pub(crate) dir: TempDir,
    pub(crate) config: Config,
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::new(dir.path().join("nested/folder/store.sqlite"));
        Fixture { dir, config }
    }

    pub(crate) fn path(&self) -> PathBuf {
        self.config.path.clone()
    }

    pub(crate) fn open(&self) -> SqliteHistory {
        SqliteHistory::open(&self.config).unwrap()
    }
}

/// The writer's clock in tests: 2026-01-01T00:00:00Z, far past every
/// fixture's server times.
pub(crate) fn clock() -> Arc<dyn Clock> {
    Arc::new(FixedClock(Time::from_millis(1_767_225_600_000)))
}

/// A plausible friendly ground unit's SA.
pub(crate) fn record(uid: &str, server_time_ms: i64) -> Record {
    let time_ms = server_time_ms - 5;
    Record {
        uid: uid.to_string(),
        kind: "a-f-G-U-C".to_string(),
        how: "m-g".to_string(),
        time_ms,
        start_ms: time_ms,
        stale_ms: time_ms + 60_000,
        lat: 31.7619,
        lon: -106.485,
        hae: 1140.5,
        ce: 9.9,
        le: 9_999_999.0,
        callsign: Some(format!("CS-{uid}")),
        sender_uid: Some(uid.to_string()),
        groups: vec!["Cyan".to_string()],
        client_sa: true,
        last_known: true,
        forgets: Vec::new(),
        xml: format!("<event version=\"2.0\" uid=\"{uid}\" type=\"a-f-G-U-C\"/>"),
        server_time_ms,
    }
}

/// Equality that treats NaN as equal to NaN (bit payloads aside) and checks
/// the sign of zeros and infinities.
pub(crate) fn same_f64(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

/// Field-by-field equality with NaN-aware floats.
pub(crate) fn assert_same(a: &Record, b: &Record) {
    for (x, y) in [
        (a.lat, b.lat),
        (a.lon, b.lon),
        (a.hae, b.hae),
        (a.ce, b.ce),
        (a.le, b.le),
    ] {
        assert!(same_f64(x, y), "float {x} != {y} in {a:?} vs {b:?}");
    }
    let strip = |r: &Record| Record {
        lat: 0.0,
        lon: 0.0,
        hae: 0.0,
        ce: 0.0,
        le: 0.0,
        ..r.clone()
    };
    assert_eq!(strip(a), strip(b));
}

pub(crate) fn assert_all_same(a: &[Record], b: &[Record]) {
    assert_eq!(a.len(), b.len(), "lengths differ");
    for (x, y) in a.iter().zip(b) {
        assert_same(x, y);
    }
}
