//! Opening a [`Store`]: folders, WAL, busy timeout, schema checks.

use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::Store;
use crate::{schema, Config, StoreError};

/// How long a statement waits for another connection's lock before failing
/// with [`StoreError::Locked`].
const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Store {
    /// Opens (creating if needed) the store at `config.path`: creates missing
    /// folders, switches to WAL, sets a busy timeout of five seconds and
    /// brings the schema up to date.
    ///
    /// # Errors
    /// [`StoreError::CreateDir`] / [`StoreError::Open`] when the path cannot
    /// be used, [`StoreError::NotADatabase`] for a file that is not an
    /// intact SQLite database, [`StoreError::SchemaTooNew`] for a file from a
    /// newer build, [`StoreError::Locked`] if another process keeps it locked.
    pub fn open(config: &Config) -> Result<Store, StoreError> {
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
        let conn =
            Connection::open_with_flags(&path, flags).map_err(|source| StoreError::Open {
                path: path.clone(),
                source,
            })?;
        let mut store = Store {
            conn,
            path,
            retention_ms: config.retention_ms,
        };
        store
            .configure()
            .map_err(|e| store.classify_open_error(e))?;
        schema::migrate(&mut store.conn).map_err(|e| match e {
            StoreError::Corrupt(source) => StoreError::NotADatabase {
                path: store.path.clone(),
                source,
            },
            other => other,
        })?;
        Ok(store)
    }

    /// Opens an existing store for reading only (history queries from the
    /// HTTP side while a [`crate::Writer`] owns the writing `Store`).
    ///
    /// # Errors
    /// As [`Store::open`]; also [`StoreError::Open`] if the file does not
    /// exist, and [`StoreError::SchemaTooNew`] for a file from a newer build.
    /// An older schema is [`StoreError::SchemaTooOld`]: it cannot be migrated
    /// read-only.
    pub fn open_read_only(config: &Config) -> Result<Store, StoreError> {
        let path = config.path.clone();
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(&path, flags).map_err(|source| StoreError::Open {
                path: path.clone(),
                source,
            })?;
        let store = Store {
            conn,
            path,
            retention_ms: config.retention_ms,
        };
        store
            .conn
            .busy_timeout(DEFAULT_BUSY_TIMEOUT)
            .map_err(|e| store.classify_open_error(e))?;
        let found = schema::version(&store.conn).map_err(|e| store.classify_open_error(e))?;
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
        Ok(store)
    }

    fn configure(&mut self) -> rusqlite::Result<()> {
        self.conn.busy_timeout(DEFAULT_BUSY_TIMEOUT)?;
        self.conn.set_prepared_statement_cache_capacity(64);
        // This is the first statement that reads the file, so garbage in it
        // surfaces here.
        let mode: String =
            self.conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(path = %self.path.display(), mode, "store could not switch to WAL; readers will block the writer");
        }
        // NORMAL is durable against process crashes in WAL mode; a power cut
        // may lose the last transactions but never corrupts the file.
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    }

    fn classify_open_error(&self, e: rusqlite::Error) -> StoreError {
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                StoreError::NotADatabase {
                    path: self.path.clone(),
                    source: e,
                }
            }
            Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => StoreError::Open {
                path: self.path.clone(),
                source: e,
            },
            _ => StoreError::from(e),
        }
    }
}
