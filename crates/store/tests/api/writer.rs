//! The writer thread: batching, flush, a full queue, shutdown.

use std::time::{Duration, Instant};

use store::{Config, HistoryWrite, SqliteHistory, Writer};

use std::sync::Arc;

use cot::{FixedClock, Time};

use crate::common::{clock, record, Fixture};

fn config(f: &Fixture, batch_max: usize, flush_interval_ms: u64, queue_capacity: usize) -> Config {
    Config {
        batch_max,
        flush_interval_ms,
        queue_capacity,
        ..f.config.clone()
    }
}

#[test]
fn batches_by_size_and_flush() {
    let f = Fixture::new();
    // A long interval so only size and flush cut batches.
    let config = config(&f, 10, 60_000, 1_000);
    let writer = Writer::spawn(f.open(), &config, clock());
    for i in 0..25 {
        writer.try_send(record(&format!("u{i}"), i)).unwrap();
    }
    writer.flush().unwrap();
    let stats = writer.stats();
    assert_eq!(
        (stats.written, stats.batches, stats.queued),
        (25, 3, 0),
        "{stats:?}"
    );
    assert_eq!(stats.errors, 0);
    assert!(stats.last_error.is_empty());
    // The data is visible to another connection at once.
    assert_eq!(f.open().count().unwrap(), 25);
    // A flush with nothing queued returns too.
    writer.flush().unwrap();
    assert_eq!(writer.stats().batches, 3);
}

#[test]
fn batches_by_interval_without_flush() {
    let f = Fixture::new();
    let writer = Writer::spawn(f.open(), &config(&f, 1_000, 30, 1_000), clock());
    for i in 0..3 {
        writer.try_send(record("u", i)).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while writer.stats().written < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let stats = writer.stats();
    assert_eq!(stats.written, 3, "{stats:?}");
    assert!(stats.batches >= 1 && stats.batches <= 3);
}

#[test]
fn a_full_queue_refuses_without_blocking() {
    let f = Fixture::new();
    let mut store = f.open();
    // Park the worker inside a write so the queue cannot drain.
    store.set_busy_timeout(Duration::from_secs(10)).unwrap();
    let blocker = rusqlite::Connection::open(f.path()).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();

    let writer = Writer::spawn(store, &config(&f, 1, 60_000, 2), clock());
    let started = Instant::now();
    let mut refused = Vec::new();
    for i in 0..10 {
        if let Err(r) = writer.try_send(record("u", i)) {
            refused.push(r);
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "try_send blocked"
    );
    // At most the two queue slots plus the record the worker holds got in.
    assert!(refused.len() >= 7, "only {} refused", refused.len());
    assert_eq!(
        refused.last().unwrap().server_time_ms,
        9,
        "record handed back intact"
    );
    assert_eq!(writer.stats().dropped_full, refused.len() as u64);

    blocker.execute_batch("COMMIT").unwrap();
    writer.flush().unwrap();
    let stats = writer.stats();
    assert_eq!(stats.written + stats.dropped_full, 10, "{stats:?}");
    assert_eq!(stats.dropped_error, 0);
}

#[test]
fn shutdown_writes_what_is_queued() {
    let f = Fixture::new();
    let writer = Writer::spawn(f.open(), &config(&f, 1_000, 60_000, 1_000), clock());
    for i in 0..7 {
        writer.try_send(record("u", i)).unwrap();
    }
    writer.shutdown();
    assert_eq!(f.open().count().unwrap(), 7);
}

#[test]
fn drop_also_writes_what_is_queued() {
    let f = Fixture::new();
    {
        let writer = Writer::spawn(f.open(), &config(&f, 1_000, 60_000, 1_000), clock());
        writer.try_send(record("u", 1)).unwrap();
    }
    assert_eq!(f.open().count().unwrap(), 1);
}

#[test]
fn the_writer_prunes_on_start() {
    let f = Fixture::new();
    let config = Config {
        retention_ms: 1_000,
        ..config(&f, 1_000, 60_000, 1_000)
    };
    let mut store = SqliteHistory::open(&config).unwrap();
    // Received in 1970: far beyond any retention.
    store
        .write_batch(&[record("old", 5), record("old", 6)])
        .unwrap();
    let writer = Writer::spawn(store, &config, clock());
    writer.flush().unwrap();
    assert_eq!(writer.stats().pruned, 2);
    writer.shutdown();
    assert_eq!(f.open().count().unwrap(), 0);
}

#[test]
fn the_writer_prunes_by_the_clock_it_is_given() {
    let f = Fixture::new();
    let config = Config {
        retention_ms: 1_000,
        ..config(&f, 1_000, 60_000, 1_000)
    };
    let mut store = SqliteHistory::open(&config).unwrap();
    store
        .write_batch(&[record("old", 400), record("new", 600)])
        .unwrap();
    // Now is 1.5 s: the cutoff is 0.5 s, so only the first goes.
    let writer = Writer::spawn(
        store,
        &config,
        Arc::new(FixedClock(Time::from_millis(1_500))),
    );
    writer.flush().unwrap();
    assert_eq!(writer.stats().pruned, 1);
    writer.shutdown();
    assert_eq!(f.open().count().unwrap(), 1);
}

#[test]
fn handles_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    // The server shares one Writer between connection tasks.
    send_sync::<Writer>();
    send::<SqliteHistory>();
}
