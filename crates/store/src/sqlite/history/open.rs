//! Opening a [`SqliteHistory`]: folders, WAL, busy timeout, schema checks.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{schema, SqliteHistory};
use crate::{Config, StoreError};

/// How long a statement waits for another connection's lock before failing
/// with [`StoreError::Locked`].
const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl SqliteHistory {
    /// Opens (creating if needed) the store at `config.path`: creates missing
    /// folders, switches to WAL, sets a busy timeout of five seconds and
    /// brings the schema up to date.
    ///
    /// # Errors
    /// [`StoreError::CreateDir`] / [`StoreError::Open`] when the path cannot
    /// be used, [`StoreError::NotADatabase`] for a file that is not an
    /// intact SQLite database, [`StoreError::SchemaTooNew`] for a file from a
    /// newer build, [`StoreError::Locked`] if another process keeps it locked.
    pub fn open(config: &Config) -> Result<SqliteHistory, StoreError> {
        let path = config.path.clone();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn =
            Connection::open_with_flags(&path, flags).map_err(|source| StoreError::Open {
                path: path.clone(),
                source,
            })?;
        configure(&conn, &path).map_err(|e| classify_open_error(&path, e))?;
        schema::migrate(&mut conn).map_err(|e| match e {
            StoreError::Corrupt(source) => StoreError::NotADatabase {
                path: path.clone(),
                source,
            },
            other => other,
        })?;
        Ok(SqliteHistory {
            conn: Mutex::new(conn),
            path,
            retention_ms: config.retention_ms,
        })
    }

    /// Opens an existing store for reading only (history queries from the
    /// HTTP side while a [`crate::Writer`] owns the writing handle).
    ///
    /// # Errors
    /// As [`SqliteHistory::open`]; also [`StoreError::Open`] if the file does not
    /// exist, and [`StoreError::SchemaTooNew`] for a file from a newer build.
    /// An older schema is [`StoreError::SchemaTooOld`]: it cannot be migrated
    /// read-only.
    pub fn open_read_only(config: &Config) -> Result<SqliteHistory, StoreError> {
        let path = config.path.clone();
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(&path, flags).map_err(|source| StoreError::Open {
                path: path.clone(),
                source,
            })?;
        conn.busy_timeout(DEFAULT_BUSY_TIMEOUT)
            .map_err(|e| classify_open_error(&path, e))?;
        let found = schema::version(&conn).map_err(|e| classify_open_error(&path, e))?;
        if found > schema::SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                found,
                supported: schema::SCHEMA_VERSION,
            });
        }
        if found < schema::SCHEMA_VERSION {
            return Err(StoreError::SchemaTooOld {
                found,
                supported: schema::SCHEMA_VERSION,
            });
        }
        Ok(SqliteHistory {
            conn: Mutex::new(conn),
            path,
            retention_ms: config.retention_ms,
        })
    }
}

fn configure(conn: &Connection, path: &Path) -> rusqlite::Result<()> {
    conn.busy_timeout(DEFAULT_BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(64);
    // This is the first statement that reads the file, so garbage in it
    // surfaces here.
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(path = %path.display(), mode, "store could not switch to WAL; readers will block the writer");
    }
    // NORMAL is durable against process crashes in WAL mode; a power cut
    // may lose the last transactions but never corrupts the file.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

fn classify_open_error(path: &Path, e: rusqlite::Error) -> StoreError {
    let path: PathBuf = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            StoreError::NotADatabase { path, source: e }
        }
        Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            StoreError::Open { path, source: e }
        }
        _ => StoreError::from(e),
    }
}
