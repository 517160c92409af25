//! The tables, and how an older file is brought up to date.
//!
//! `PRAGMA user_version` holds the number of migrations applied. Each
//! migration runs in its own transaction together with the version bump, so
//! a crash mid-way leaves the file at a consistent, older version.

use rusqlite::{Connection, TransactionBehavior};

use crate::StoreError;

/// Migrations in order; index `i` takes the file from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: history and last known SA. `client_sa` is kept in history as well so
    // a stored record reads back exactly as written.
    "CREATE TABLE history (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL,
        type TEXT NOT NULL,
        how TEXT NOT NULL,
        time_ms INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        stale_ms INTEGER NOT NULL,
        lat REAL, lon REAL, hae REAL, ce REAL, le REAL,
        callsign TEXT,
        sender_uid TEXT,
        groups TEXT NOT NULL,
        client_sa INTEGER NOT NULL,
        xml TEXT NOT NULL,
        server_time_ms INTEGER NOT NULL
     );
     CREATE INDEX history_uid_server_time ON history (uid, server_time_ms);
     CREATE INDEX history_server_time ON history (server_time_ms);
     CREATE TABLE last_sa (
        uid TEXT PRIMARY KEY NOT NULL,
        type TEXT NOT NULL,
        how TEXT NOT NULL,
        time_ms INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        stale_ms INTEGER NOT NULL,
        lat REAL, lon REAL, hae REAL, ce REAL, le REAL,
        callsign TEXT,
        sender_uid TEXT,
        groups TEXT NOT NULL,
        xml TEXT NOT NULL,
        server_time_ms INTEGER NOT NULL
     );",
    // 2: the last known row of every item the picture keeps, not only of
    // clients' own SA (markers placed from the web or by a client came back
    // from no restart); and what a delete removed. Rows already in
    // `last_sa` are clients' SA.
    "ALTER TABLE last_sa ADD COLUMN client_sa INTEGER NOT NULL DEFAULT 1;
     ALTER TABLE history ADD COLUMN last_known INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE history ADD COLUMN forgets TEXT NOT NULL DEFAULT '';
     UPDATE history SET last_known = client_sa;",
];

/// The schema version this build writes.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Reads the file's schema version.
pub(crate) fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Applies every migration the file lacks; refuses a file from the future.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found = version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let start = usize::try_from(found).unwrap_or(0);
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(start) {
        // IMMEDIATE takes the write lock first, so two processes opening the
        // same new file cannot both run migration 1.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = version(&tx)?;
        if current > index as i64 {
            // Someone else migrated between our read and our lock.
            tx.commit()?;
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
        tracing::info!(version = index + 1, "store schema migrated");
    }
    Ok(())
}
