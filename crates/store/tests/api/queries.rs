//! last known rows, deletes, recent chat, retention and history filters.

use cot::Time;
use store::{
    Config, HistoryQuery, HistoryRead, HistoryWrite, SqliteHistory, TimeBasis, MAX_HISTORY_LIMIT,
};

use crate::common::{assert_same, record, Fixture};

#[test]
fn last_sa_keeps_only_the_newest_per_uid_and_skips_stale() {
    let f = Fixture::new();
    let mut store = f.open();
    let mut a_new = record("a", 2_000);
    a_new.lat = 10.0;
    let mut a_late_old = record("a", 1_500);
    a_late_old.lat = 99.0;
    let mut stale = record("stale", 2_000);
    stale.stale_ms = 5_000;
    let mut not_sa = record("chat", 2_000);
    not_sa.client_sa = false;
    not_sa.last_known = false;
    store
        .write_batch(&[record("a", 1_000), a_new.clone(), stale, not_sa])
        .unwrap();
    // Arrives in a later batch but was received earlier: must not win.
    store.write_batch(&[a_late_old]).unwrap();

    let sa = store.last_known(Time::from_millis(5_000)).unwrap();
    assert_eq!(sa.len(), 1, "{sa:?}");
    assert_same(&sa[0], &a_new);
    assert!(sa[0].client_sa);

    // Just before its stale time the other one is still there.
    let sa = store.last_known(Time::from_millis(4_999)).unwrap();
    let uids: Vec<&str> = sa.iter().map(|r| r.uid.as_str()).collect();
    assert_eq!(uids, ["a", "stale"]);
    // History keeps every row, including the chat.
    assert_eq!(store.count().unwrap(), 5);
}

#[test]
fn every_kept_item_has_a_last_known_row_and_a_delete_forgets_it() {
    let f = Fixture::new();
    let mut store = f.open();
    let mut marker = record("mk", 1_000);
    marker.client_sa = false;
    marker.kind = "a-h-G".to_string();
    let mut other = record("mk2", 1_000);
    other.client_sa = false;
    store
        .write_batch(&[record("U1", 1_000), marker, other])
        .unwrap();
    let known = store.last_known(Time::from_millis(0)).unwrap();
    let rows: Vec<(&str, bool)> = known
        .iter()
        .map(|r| (r.uid.as_str(), r.client_sa))
        .collect();
    assert_eq!(rows, [("U1", true), ("mk", false), ("mk2", false)]);

    // A delete received at 2 000 forgets mk; a newer mk2 (3 000) outlives a
    // delete that was received before it, even when written in the same batch.
    let mut delete = record("del-1", 2_000);
    delete.kind = "t-x-d-d".to_string();
    delete.client_sa = false;
    delete.last_known = false;
    delete.forgets = vec!["mk".to_string(), "mk2".to_string(), "nothing".to_string()];
    let mut mk2_new = record("mk2", 3_000);
    mk2_new.client_sa = false;
    store.write_batch(&[mk2_new, delete.clone()]).unwrap();
    let known = store.last_known(Time::from_millis(0)).unwrap();
    let uids: Vec<&str> = known.iter().map(|r| r.uid.as_str()).collect();
    assert_eq!(uids, ["U1", "mk2"]);
    // The delete reads back from history as it was written.
    let q = HistoryQuery {
        uid: Some("del-1".to_string()),
        ..HistoryQuery::default()
    };
    assert_same(&store.history(&q).unwrap()[0], &delete);
}

#[test]
fn recent_of_kind_gives_the_newest_lines_oldest_first() {
    let f = Fixture::new();
    let mut store = f.open();
    let mut rows = Vec::new();
    for i in 0..10 {
        let mut chat = record(&format!("chat-{i}"), 1_000 + i);
        chat.kind = "b-t-f".to_string();
        chat.client_sa = false;
        chat.last_known = false;
        rows.push(chat);
    }
    // Same server time: arrival order decides.
    let mut tie = rows[9].clone();
    tie.uid = "chat-tie".to_string();
    rows.push(tie);
    rows.push(record("U1", 1_005));
    store.write_batch(&rows).unwrap();
    let recent = store
        .recent_of_kind("b-t-f", Time::from_millis(1_002), 4)
        .unwrap();
    let uids: Vec<&str> = recent.iter().map(|r| r.uid.as_str()).collect();
    assert_eq!(uids, ["chat-7", "chat-8", "chat-9", "chat-tie"]);
    let since = store
        .recent_of_kind("b-t-f", Time::from_millis(1_007), 100)
        .unwrap();
    assert_eq!(since.len(), 3, "only lines received after the given time");
}

#[test]
fn same_server_time_later_in_batch_wins() {
    let f = Fixture::new();
    let mut store = f.open();
    let mut first = record("a", 1_000);
    first.lat = 1.0;
    let mut second = record("a", 1_000);
    second.lat = 2.0;
    store.write_batch(&[first, second.clone()]).unwrap();
    assert_same(&store.last_known(Time::from_millis(0)).unwrap()[0], &second);
}

#[test]
fn prune_drops_history_older_than_retention() {
    let f = Fixture::new();
    let config = Config {
        retention_ms: 1_000,
        ..f.config.clone()
    };
    let mut store = SqliteHistory::open(&config).unwrap();
    assert_eq!(store.retention_ms(), 1_000);
    let records: Vec<_> = (0..50)
        .map(|i| record(&format!("u{}", i % 5), i * 100))
        .collect();
    store.write_batch(&records).unwrap();
    // Cutoff 4_900 - 1_000 = 3_900: rows with server time < 3_900 go (0..=38).
    assert_eq!(store.prune(Time::from_millis(4_900)).unwrap(), 39);
    assert_eq!(store.count().unwrap(), 11);
    let oldest = &store.history(&HistoryQuery::default()).unwrap()[0];
    assert_eq!(oldest.server_time_ms, 3_900);
    assert_eq!(store.prune(Time::from_millis(4_900)).unwrap(), 0);
    // last_sa rows stale long before the cutoff go too.
    assert_eq!(
        store.last_known(Time::from_millis(i64::MIN)).unwrap().len(),
        5
    );
    assert_eq!(store.prune(Time::from_millis(200_000)).unwrap(), 11);
    assert_eq!(
        store.last_known(Time::from_millis(i64::MIN)).unwrap().len(),
        0
    );
}

#[test]
fn prune_works_in_chunks_beyond_one_transaction() {
    let f = Fixture::new();
    let config = Config {
        retention_ms: 0,
        ..f.config.clone()
    };
    let mut store = SqliteHistory::open(&config).unwrap();
    for chunk in 0..25 {
        let batch: Vec<_> = (0..1_000).map(|i| record("u", chunk * 1_000 + i)).collect();
        store.write_batch(&batch).unwrap();
    }
    assert_eq!(store.prune(Time::from_millis(i64::MAX)).unwrap(), 25_000);
    assert_eq!(store.count().unwrap(), 0);
}

fn fill(store: &mut SqliteHistory) {
    let mut rows = Vec::new();
    for i in 0..30i64 {
        let mut r = record(
            ["alpha", "bravo", "charlie"][(i % 3) as usize],
            1_000 + i * 10,
        );
        // Event clocks run backwards to tell the two bases apart.
        r.time_ms = 10_000 - i * 10;
        r.kind = if i % 2 == 0 { "a-f-G-U-C" } else { "a-h-A-M-F" }.to_string();
        rows.push(r);
    }
    // Out of arrival order on disk: results must still come sorted.
    rows.reverse();
    store.write_batch(&rows).unwrap();
}

fn times(records: &[store::Record]) -> Vec<i64> {
    records.iter().map(|r| r.server_time_ms).collect()
}

#[test]
fn history_filters_and_orders() {
    let f = Fixture::new();
    let mut store = f.open();
    fill(&mut store);

    let all = store.history(&HistoryQuery::default()).unwrap();
    assert_eq!(all.len(), 30);
    assert!(times(&all).windows(2).all(|w| w[0] <= w[1]));

    let q = HistoryQuery {
        uid: Some("bravo".into()),
        ..HistoryQuery::default()
    };
    let bravo = store.history(&q).unwrap();
    assert_eq!(bravo.len(), 10);
    assert!(bravo.iter().all(|r| r.uid == "bravo"));

    let q = HistoryQuery {
        from_ms: Some(1_100),
        to_ms: Some(1_150),
        ..HistoryQuery::default()
    };
    assert_eq!(
        times(&store.history(&q).unwrap()),
        [1_100, 1_110, 1_120, 1_130, 1_140]
    );

    // Event time 9_800..9_830 is i = 18..=20, server 1_180..=1_200.
    let q = HistoryQuery {
        from_ms: Some(9_800),
        to_ms: Some(9_830),
        basis: TimeBasis::Event,
        ..HistoryQuery::default()
    };
    assert_eq!(times(&store.history(&q).unwrap()), [1_180, 1_190, 1_200]);

    let q = HistoryQuery {
        type_prefix: Some("a-h".into()),
        ..HistoryQuery::default()
    };
    let hostile = store.history(&q).unwrap();
    assert_eq!(hostile.len(), 15);
    assert!(hostile.iter().all(|r| r.kind.starts_with("a-h")));

    let q = HistoryQuery {
        uid: Some("alpha".into()),
        type_prefix: Some("a-f-G".into()),
        from_ms: Some(1_050),
        limit: 2,
        ..HistoryQuery::default()
    };
    let r = store.history(&q).unwrap();
    assert_eq!(times(&r), [1_060, 1_120]);

    // A prefix with LIKE wildcards is taken literally.
    let q = HistoryQuery {
        type_prefix: Some("a-%".into()),
        ..HistoryQuery::default()
    };
    assert!(store.history(&q).unwrap().is_empty());
}

#[test]
fn history_limit_is_bounded() {
    let f = Fixture::new();
    let mut store = f.open();
    let batch: Vec<_> = (0..(MAX_HISTORY_LIMIT as i64 + 10))
        .map(|i| record("u", i))
        .collect();
    store.write_batch(&batch).unwrap();
    let q = HistoryQuery {
        limit: usize::MAX,
        ..HistoryQuery::default()
    };
    assert_eq!(store.history(&q).unwrap().len(), MAX_HISTORY_LIMIT);
    assert_eq!(store.history(&HistoryQuery::default()).unwrap().len(), 1000);
    let q = HistoryQuery {
        limit: 0,
        ..HistoryQuery::default()
    };
    assert!(store.history(&q).unwrap().is_empty());
}

#[test]
fn state_at_is_the_latest_live_row_per_uid_in_the_window() {
    let f = Fixture::new();
    let mut store = f.open();
    assert_eq!(store.time_span().unwrap(), None);
    let mut a2 = record("a", 2_000);
    a2.lat = 2.0;
    let mut a3 = record("a", 3_000);
    a3.lat = 3.0;
    let mut chat = record("GeoChat.x", 2_500);
    chat.kind = "b-t-f".into();
    let mut short = record("short", 1_000);
    short.stale_ms = 1_500;
    store
        .write_batch(&[record("a", 1_000), a2, a3, chat, short, record("old", 100)])
        .unwrap();
    let at = |t, back| -> Vec<(String, f64)> {
        store
            .state_at(Time::from_millis(t), back, 100)
            .unwrap()
            .into_iter()
            .map(|r| (r.uid, r.lat))
            .collect()
    };
    // At 2.5 s: a as it was at 2 s; chat left out; "short" stale by then.
    assert_eq!(
        at(2_500, 10_000),
        [("a".to_string(), 2.0), ("old".to_string(), 31.7619)]
    );
    assert_eq!(at(3_000, 10_000)[0], ("a".to_string(), 3.0));
    // The lookback bounds what is searched.
    assert_eq!(at(2_500, 1_000), [("a".to_string(), 2.0)]);
    assert_eq!(at(1_200, 10_000).len(), 3);
    assert!(
        store
            .state_at(Time::from_millis(3_000), 10_000, 1)
            .unwrap()
            .len()
            == 1
    );
    assert_eq!(
        store.time_span().unwrap(),
        Some((Time::from_millis(100), Time::from_millis(3_000)))
    );
}
