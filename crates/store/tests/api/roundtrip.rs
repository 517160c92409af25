//! What is written reads back unchanged, also after a restart.

use cot::Time;
use store::{Config, HistoryQuery, HistoryRead, HistoryWrite, SqliteHistory, StoreError};

use crate::common::{assert_all_same, assert_same, record, Fixture};

fn odd_records() -> Vec<store::Record> {
    let mut unknown = record("unknown-pos", 1_000);
    unknown.lat = f64::NAN;
    unknown.lon = f64::NAN;
    unknown.hae = f64::NAN;
    unknown.ce = f64::NAN;
    unknown.le = f64::NAN;
    unknown.callsign = None;
    unknown.sender_uid = None;
    unknown.client_sa = false;
    unknown.last_known = false;

    let mut unicode = record("ユニット-Ω-🚁", 1_001);
    unicode.callsign = Some("Águila 7 — ✈".to_string());
    unicode.groups = ["Cyan", "Жёлтый", "سماوي"].map(String::from).to_vec();
    unicode.xml = "<event uid=\"ユニット-Ω-🚁\"><detail><remarks>héllo\u{0}wörld ∑</remarks></detail></event>"
        .to_string();

    let mut extremes = record("extremes", 1_002);
    extremes.lat = -90.0;
    extremes.lon = 180.0;
    extremes.hae = f64::INFINITY;
    extremes.ce = f64::NEG_INFINITY;
    extremes.le = f64::MIN_POSITIVE;
    extremes.time_ms = i64::MIN;
    extremes.start_ms = 0;
    extremes.stale_ms = i64::MAX;
    extremes.callsign = Some(String::new());
    extremes.xml = "x".repeat(200_000);
    vec![unknown, unicode, extremes]
}

#[test]
fn records_round_trip_with_nan_and_unicode() {
    let f = Fixture::new();
    let mut store = f.open();
    let written = odd_records();
    store.write_batch(&written).unwrap();
    let read = store.history(&HistoryQuery::default()).unwrap();
    assert_all_same(&read, &written);
    assert!(read[0].lat.is_nan() && read[0].le.is_nan());
    assert_eq!(store.count().unwrap(), 3);
    assert_same(
        &store.latest("ユニット-Ω-🚁").unwrap().unwrap(),
        &written[1],
    );
    assert!(store.latest("nobody").unwrap().is_none());
}

#[test]
fn latest_is_the_newest_received() {
    let f = Fixture::new();
    let mut store = f.open();
    let mut newest = record("a", 300);
    newest.lat = 1.0;
    store
        .write_batch(&[
            record("a", 100),
            newest.clone(),
            record("a", 200),
            record("b", 400),
        ])
        .unwrap();
    assert_same(&store.latest("a").unwrap().unwrap(), &newest);
}

#[test]
fn empty_batch_is_a_no_op() {
    let f = Fixture::new();
    let mut store = f.open();
    store.write_batch(&[]).unwrap();
    assert_eq!(store.count().unwrap(), 0);
}

#[test]
fn restart_keeps_history_and_last_sa() {
    let f = Fixture::new();
    let written = odd_records();
    {
        let mut store = f.open();
        store.write_batch(&written).unwrap();
        store.write_batch(&[record("a", 2_000)]).unwrap();
    }
    let store = f.open();
    assert_eq!(store.count().unwrap(), 4);
    let history = store.history(&HistoryQuery::default()).unwrap();
    assert_all_same(&history[..3], &written);
    let sa = store.last_known(Time::from_millis(0)).unwrap();
    let uids: Vec<&str> = sa.iter().map(|r| r.uid.as_str()).collect();
    // "unknown-pos" was not a client SA.
    assert_eq!(uids, ["a", "extremes", "ユニット-Ω-🚁"]);
}

#[test]
fn a_second_open_of_the_same_file_sees_the_data() {
    let f = Fixture::new();
    let mut writer = f.open();
    let reader = SqliteHistory::open_read_only(&f.config).unwrap();
    writer.write_batch(&[record("a", 1)]).unwrap();
    assert_eq!(reader.count().unwrap(), 1);
    assert_eq!(reader.path(), f.path());
}

#[test]
fn a_newer_schema_is_refused() {
    let f = Fixture::new();
    drop(f.open());
    rusqlite::Connection::open(f.path())
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = SqliteHistory::open(&f.config).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::SchemaTooNew {
                found: 99,
                supported: 2
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer"));
    let err = SqliteHistory::open_read_only(&f.config).unwrap_err();
    assert!(matches!(err, StoreError::SchemaTooNew { .. }), "{err:?}");
}

#[test]
fn opening_twice_does_not_migrate_twice() {
    let f = Fixture::new();
    let a = f.open();
    let b = SqliteHistory::open(&Config::new(f.path())).unwrap();
    assert_eq!(a.count().unwrap(), 0);
    assert_eq!(b.count().unwrap(), 0);
}

#[test]
fn a_read_only_handle_refuses_an_unmigrated_file() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.path().parent().unwrap()).unwrap();
    // An empty SQLite file: schema version 0.
    rusqlite::Connection::open(f.path())
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let err = SqliteHistory::open_read_only(&f.config).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::SchemaTooOld {
                found: 0,
                supported: 2
            }
        ),
        "{err:?}"
    );
    // A read-write open migrates it, after which reading works.
    drop(f.open());
    assert_eq!(
        SqliteHistory::open_read_only(&f.config)
            .unwrap()
            .count()
            .unwrap(),
        0
    );
}

#[test]
fn rows_written_with_comma_joined_groups_read_back_as_lists() {
    let f = Fixture::new();
    drop(f.open());
    // Exactly what builds before the group lists wrote: one text column.
    let conn = rusqlite::Connection::open(f.path()).unwrap();
    for (uid, groups, server_ms) in [("two", "Cyan,Yellow", 1), ("anon", "", 2)] {
        conn.execute(
            "INSERT INTO history (uid, type, how, time_ms, start_ms, stale_ms, lat, lon, hae, \
             ce, le, callsign, sender_uid, groups, client_sa, xml, server_time_ms) \
             VALUES (?1, 'a-f-G', 'm-g', 0, 0, 60000, 1.0, 2.0, 0, 0, 0, NULL, NULL, ?2, 1, \
             '<event/>', ?3)",
            rusqlite::params![uid, groups, server_ms],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO last_sa (uid, type, how, time_ms, start_ms, stale_ms, lat, lon, hae, \
             ce, le, callsign, sender_uid, groups, xml, server_time_ms) \
             VALUES (?1, 'a-f-G', 'm-g', 0, 0, 60000, 1.0, 2.0, 0, 0, 0, NULL, NULL, ?2, \
             '<event/>', ?3)",
            rusqlite::params![uid, groups, server_ms],
        )
        .unwrap();
    }
    drop(conn);
    let store = f.open();
    let groups = |rows: Vec<store::Record>| -> Vec<(String, Vec<String>)> {
        rows.into_iter().map(|r| (r.uid, r.groups)).collect()
    };
    let two = (
        "two".to_string(),
        vec!["Cyan".to_string(), "Yellow".to_string()],
    );
    let anon = ("anon".to_string(), Vec::<String>::new());
    assert_eq!(
        groups(store.history(&HistoryQuery::default()).unwrap()),
        [two.clone(), anon.clone()]
    );
    assert_eq!(
        groups(store.last_known(Time::from_millis(0)).unwrap()),
        [anon, two]
    );
    assert_eq!(
        store.latest("two").unwrap().unwrap().groups,
        ["Cyan", "Yellow"]
    );
}

#[test]
fn lists_are_written_in_the_old_encoding() {
    let f = Fixture::new();
    let mut store = f.open();
    let mut anon = record("anon", 1);
    anon.groups = Vec::new();
    let mut two = record("two", 2);
    two.groups = vec!["Cyan".into(), "Yellow".into()];
    store.write_batch(&[anon, two]).unwrap();
    let conn = rusqlite::Connection::open(f.path()).unwrap();
    let mut stmt = conn
        .prepare("SELECT groups FROM history ORDER BY server_time_ms")
        .unwrap();
    let stored: Vec<String> = stmt
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored, ["", "Cyan,Yellow"]);
}

#[test]
fn a_file_of_schema_one_keeps_its_client_sa_and_history() {
    let f = Fixture::new();
    // The tables as the first release created them, with one row each.
    std::fs::create_dir_all(f.path().parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(f.path()).unwrap();
    conn.execute_batch(
        "CREATE TABLE history (id INTEGER PRIMARY KEY, uid TEXT NOT NULL, type TEXT NOT NULL,
            how TEXT NOT NULL, time_ms INTEGER NOT NULL, start_ms INTEGER NOT NULL,
            stale_ms INTEGER NOT NULL, lat REAL, lon REAL, hae REAL, ce REAL, le REAL,
            callsign TEXT, sender_uid TEXT, groups TEXT NOT NULL, client_sa INTEGER NOT NULL,
            xml TEXT NOT NULL, server_time_ms INTEGER NOT NULL);
         CREATE TABLE last_sa (uid TEXT PRIMARY KEY NOT NULL, type TEXT NOT NULL,
            how TEXT NOT NULL, time_ms INTEGER NOT NULL, start_ms INTEGER NOT NULL,
            stale_ms INTEGER NOT NULL, lat REAL, lon REAL, hae REAL, ce REAL, le REAL,
            callsign TEXT, sender_uid TEXT, groups TEXT NOT NULL, xml TEXT NOT NULL,
            server_time_ms INTEGER NOT NULL);
         INSERT INTO history VALUES (1, 'U1', 'a-f-G', 'm-g', 0, 0, 60000, 1, 2, 0, 0, 0,
            NULL, NULL, 'Cyan', 1, '<event/>', 5);
         INSERT INTO history VALUES (2, 'mk', 'a-h-G', 'm-g', 0, 0, 60000, 1, 2, 0, 0, 0,
            NULL, NULL, 'Cyan', 0, '<event/>', 6);
         INSERT INTO last_sa VALUES ('U1', 'a-f-G', 'm-g', 0, 0, 60000, 1, 2, 0, 0, 0,
            NULL, NULL, 'Cyan', '<event/>', 5);
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    let store = f.open();
    let known = store.last_known(Time::from_millis(0)).unwrap();
    assert_eq!(known.len(), 1);
    assert!(known[0].client_sa && known[0].last_known);
    let rows = store.history(&HistoryQuery::default()).unwrap();
    let flags: Vec<(&str, bool, bool)> = rows
        .iter()
        .map(|r| (r.uid.as_str(), r.client_sa, r.last_known))
        .collect();
    assert_eq!(flags, [("U1", true, true), ("mk", false, false)]);
}
