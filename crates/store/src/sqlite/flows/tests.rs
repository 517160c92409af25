use flows::counts::EventKind;
use flows::crossing::{Direction, TrackKind};

use super::*;

fn bin(hour: i64, sector: &str, n: u64) -> Bin {
    Bin {
        hour,
        key: CountKey {
            sector: sector.into(),
            direction: Direction::Northbound,
            kind: TrackKind::Ground,
            event: EventKind::Crossing,
        },
        n,
    }
}

fn cov(hour: i64, source: &str, updates: u64) -> CoverageBin {
    CoverageBin {
        hour,
        source: source.into(),
        updates,
    }
}

#[test]
fn increments_add_up_and_survive_a_reopen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("flows.sqlite");
    {
        let s = SqliteFlows::open(&path).expect("open");
        s.add_counts(
            &[bin(10, "TCA", 2), bin(11, "RGV", 1)],
            &[cov(10, "radar-1", 40)],
        )
        .expect("first flush");
        s.add_counts(
            &[bin(10, "TCA", 3)],
            &[cov(10, "radar-1", 2), cov(11, "radar-1", 5)],
        )
        .expect("second flush");
    }
    let s = SqliteFlows::open(&path).expect("reopen");
    let (bins, coverage) = s.counts(0).expect("read");
    assert_eq!(bins, vec![bin(10, "TCA", 5), bin(11, "RGV", 1)]);
    assert_eq!(
        coverage,
        vec![cov(10, "radar-1", 42), cov(11, "radar-1", 5)]
    );
    let (later, _) = s.counts(11).expect("from hour 11");
    assert_eq!(later, vec![bin(11, "RGV", 1)]);
}

#[test]
fn a_rebuild_replaces_its_window_and_nothing_else() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = SqliteFlows::open(&dir.path().join("flows.sqlite")).expect("open");
    s.add_counts(
        &[bin(1, "SDC", 9), bin(5, "SDC", 9), bin(9, "SDC", 9)],
        &[cov(5, "a", 1)],
    )
    .expect("flush");
    s.replace_counts(4, 8, &[bin(6, "ELC", 1)], &[cov(6, "b", 3)])
        .expect("rebuild");
    let (bins, coverage) = s.counts(0).expect("read");
    assert_eq!(
        bins,
        vec![bin(1, "SDC", 9), bin(6, "ELC", 1), bin(9, "SDC", 9)]
    );
    assert_eq!(coverage, vec![cov(6, "b", 3)]);
}

#[test]
fn a_file_from_a_newer_build_or_not_a_database_is_refused_clearly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("flows.sqlite");
    drop(SqliteFlows::open(&path).expect("create"));
    {
        let conn = Connection::open(&path).expect("raw");
        conn.pragma_update(None, "user_version", 99).expect("bump");
    }
    let err = SqliteFlows::open(&path).expect_err("too new");
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(
        &junk,
        b"this is not a database, only text long enough to be read",
    )
    .expect("write");
    assert!(SqliteFlows::open(&junk).is_err());
}
