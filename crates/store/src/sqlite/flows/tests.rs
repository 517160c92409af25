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

fn official(sector: &str, points: &[((i32, u8), u64)]) -> Series {
    let mut s = Series::new(Key::new("USBP", "Southwest", sector));
    for &((y, m), n) in points {
        s.points.insert(flows::Month::new(y, m).expect("month"), n);
    }
    s
}

#[test]
fn official_series_are_replaced_point_by_point_and_read_back_by_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("flows.sqlite");
    {
        let s = SqliteFlows::open(&path).expect("open");
        s.put_official(
            "usbp_monthly_fy2014.txt",
            &[
                official("RGV", &[((2013, 10), 20_000), ((2013, 11), 21_000)]),
                official("TCA", &[((2013, 10), 7_000)]),
            ],
        )
        .expect("first import");
        // A corrected file replaces its months and keeps the others.
        s.put_official("fix.txt", &[official("RGV", &[((2013, 11), 21_500)])])
            .expect("second import");
    }
    let s = SqliteFlows::open(&path).expect("reopen");
    let back = s.official().expect("read");
    assert_eq!(
        back,
        vec![
            official("RGV", &[((2013, 10), 20_000), ((2013, 11), 21_500)]),
            official("TCA", &[((2013, 10), 7_000)]),
        ]
    );
}

#[test]
fn alerts_are_kept_by_id_and_read_back_from_a_time() {
    use flows::detect::{Method, Shift};
    let alert = |id: &str, raised_s: i64, to_s: i64| Alert {
        id: id.into(),
        sector: "TCA".into(),
        series: "northbound crossings".into(),
        resolution: flows::Resolution::Hour,
        method: Method::Seasonal,
        shift: Shift::Up,
        from_s: 0,
        to_s,
        observed: 9.0,
        expected: 3.0,
        score: 7.5,
        p_value: Some(3e-8),
        threshold: 1e-6,
        raised_s,
        updated_s: raised_s,
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let s = SqliteFlows::open(&dir.path().join("flows.sqlite")).expect("open");
    s.put_alerts(&[alert("a", 100, 3_600), alert("b", 200, 3_600)])
        .expect("put");
    s.put_alerts(&[alert("a", 100, 7_200)]).expect("extend");
    let all = s.alerts(0).expect("read");
    assert_eq!(all, vec![alert("a", 100, 7_200), alert("b", 200, 3_600)]);
    assert_eq!(s.alerts(150).expect("read"), vec![alert("b", 200, 3_600)]);
}
