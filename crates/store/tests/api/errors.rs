//! Locked, unwritable, corrupt and full databases: typed errors, no panics.

use std::time::Duration;

use rusqlite::Connection;
use store::{Config, HistoryWrite, SqliteHistory, StoreError, Writer};

use crate::common::{clock, record, Fixture};

/// A second connection that holds the write lock until dropped or committed.
fn lock_exclusively(config: &Config) -> Connection {
    let conn = Connection::open(&config.path).unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
    conn
}

#[test]
fn a_locked_file_is_reported_and_writes_resume_after() {
    let f = Fixture::new();
    let mut store = f.open();
    store.set_busy_timeout(Duration::from_millis(20)).unwrap();
    let other = lock_exclusively(&f.config);

    let err = store.write_batch(&[record("a", 1)]).unwrap_err();
    assert!(matches!(err, StoreError::Locked(_)), "{err:?}");
    assert!(err.is_retryable());
    // Readers are not blocked by a writer in WAL mode.
    assert_eq!(store.count().unwrap(), 0);

    let writer = Writer::spawn(store, &f.config, clock());
    for i in 0..3 {
        writer.try_send(record("a", i)).unwrap();
    }
    writer.flush().unwrap();
    let stats = writer.stats();
    assert_eq!(stats.dropped_error, 3, "{stats:?}");
    assert_eq!(stats.written, 0);
    // One try and three retries.
    assert_eq!(stats.errors, 4, "{stats:?}");
    assert!(stats.last_error.contains("locked"), "{}", stats.last_error);

    other.execute_batch("COMMIT").unwrap();
    for i in 10..15 {
        writer.try_send(record("a", i)).unwrap();
    }
    writer.flush().unwrap();
    let stats = writer.stats();
    assert_eq!(stats.written, 5, "{stats:?}");
    assert_eq!(stats.queued, 0);
    writer.shutdown();
    assert_eq!(f.open().count().unwrap(), 5);
}

#[test]
fn an_unusable_path_is_an_open_error() {
    let f = Fixture::new();
    // A regular file where a folder should be.
    let blocker = f.dir.path().join("a-file");
    std::fs::write(&blocker, b"not a folder").unwrap();
    let err = SqliteHistory::open(&Config::new(blocker.join("store.sqlite"))).unwrap_err();
    assert!(matches!(err, StoreError::CreateDir { .. }), "{err:?}");

    // A folder where the file should be.
    let err = SqliteHistory::open(&Config::new(f.dir.path())).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains("cannot open"), "{err}");

    // A read-only file system (also for root, who ignores permission bits).
    let err = SqliteHistory::open(&Config::new("/proc/watchfloor-test/store.sqlite")).unwrap_err();
    assert!(matches!(err, StoreError::CreateDir { .. }), "{err:?}");

    // Reading a store that does not exist.
    let err = SqliteHistory::open_read_only(&Config::new(f.dir.path().join("missing.sqlite")))
        .unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
}

#[test]
fn a_read_only_handle_refuses_writes() {
    let f = Fixture::new();
    drop(f.open());
    let mut reader = SqliteHistory::open_read_only(&f.config).unwrap();
    let err = reader.write_batch(&[record("a", 1)]).unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly(_)), "{err:?}");
    assert!(!err.is_retryable());
}

#[test]
fn garbage_in_the_file_is_a_clear_open_error() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.path().parent().unwrap()).unwrap();
    let garbage: Vec<u8> = (0..16_384u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(f.path(), &garbage).unwrap();
    let err = SqliteHistory::open(&f.config).unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    assert!(err.to_string().contains("not a readable store"), "{err}");
    // The file is left as it was for an operator to inspect.
    assert_eq!(std::fs::read(f.path()).unwrap(), garbage);
}

#[test]
fn a_damaged_schema_page_is_a_clear_open_error() {
    let f = Fixture::new();
    {
        let mut store = f.open();
        store.write_batch(&[record("a", 1)]).unwrap();
    }
    // Keep the 100-byte header, trash the rest of page 1 (the schema).
    let mut bytes = std::fs::read(f.path()).unwrap();
    for b in bytes.iter_mut().take(4096).skip(100) {
        *b = 0xA5;
    }
    std::fs::write(f.path(), &bytes).unwrap();
    let err = SqliteHistory::open(&f.config).unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
}

/// A few KB of XML so a handful of records fills a small page budget.
fn bulky(uid: &str, t: i64, kb: usize) -> store::Record {
    let mut r = record(uid, t);
    r.xml = "<detail/>".repeat(kb * 1024 / 9);
    r
}

#[test]
fn a_full_disk_is_reported_as_disk_full() {
    let f = Fixture::new();
    let mut store = f.open();
    store.write_batch(&[record("a", 1)]).unwrap();
    store.execute_batch("PRAGMA max_page_count = 40").unwrap();
    let batch: Vec<_> = (0..20).map(|i| bulky("big", i, 16)).collect();
    let err = store.write_batch(&batch).unwrap_err();
    assert!(matches!(err, StoreError::DiskFull(_)), "{err:?}");
    // Nothing of the failed batch is half-written.
    assert_eq!(store.count().unwrap(), 1);
    // Small writes still fit.
    store.write_batch(&[record("b", 2)]).unwrap();
    assert_eq!(store.count().unwrap(), 2);
}

#[test]
fn the_writer_survives_a_full_disk() {
    let f = Fixture::new();
    let store = f.open();
    store.execute_batch("PRAGMA max_page_count = 40").unwrap();
    let config = Config {
        batch_max: 100,
        flush_interval_ms: 10_000,
        ..f.config.clone()
    };
    let writer = Writer::spawn(store, &config, clock());
    for i in 0..20 {
        writer.try_send(bulky("big", i, 16)).unwrap();
    }
    writer.flush().unwrap();
    let stats = writer.stats();
    assert_eq!(stats.dropped_error, 20, "{stats:?}");
    assert_eq!(stats.errors, 4);
    assert!(stats.last_error.contains("full"), "{}", stats.last_error);

    for i in 0..5 {
        writer.try_send(record("small", 100 + i)).unwrap();
    }
    writer.flush().unwrap();
    assert_eq!(writer.stats().written, 5);
    writer.shutdown();
    assert_eq!(f.open().count().unwrap(), 5);
}
