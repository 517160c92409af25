//! What can go wrong in the store, sorted by what the caller should do.

use std::path::PathBuf;

use rusqlite::ErrorCode;

/// An error from the store.
///
/// [`StoreError::is_retryable`] tells transient conditions (a lock held by
/// another process) from ones that need an operator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The folder that should hold the database could not be created.
    #[error("cannot create folder {path} for the store")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// SQLite could not open or create the file (missing permission, a
    /// folder in the way, an unwritable medium).
    #[error("cannot open store {path}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// The file exists but is not a SQLite database, or its structure is
    /// damaged; the store refuses it rather than overwrite it.
    #[error("{path} is not a readable store database (corrupt or not SQLite)")]
    NotADatabase {
        /// The offending file.
        path: PathBuf,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// The file was written by a newer watchfloor whose schema this build
    /// does not understand.
    #[error("store schema version {found} is newer than the supported version {supported}")]
    SchemaTooNew {
        /// `user_version` found in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// A read-only handle found a file not yet migrated to this build's
    /// schema; open it read-write once (with [`crate::SqliteHistory::open`]) first.
    #[error(
        "store schema version {found} is older than {supported} and cannot be migrated read-only"
    )]
    SchemaTooOld {
        /// `user_version` found in the file.
        found: i64,
        /// The version this build reads.
        supported: i64,
    },
    /// The disk (or the configured page limit) is full; nothing of the
    /// failed transaction was written.
    #[error("store disk is full")]
    DiskFull(#[source] rusqlite::Error),
    /// Another connection holds a lock longer than the busy timeout.
    #[error("store database is locked by another connection")]
    Locked(#[source] rusqlite::Error),
    /// The file or its folder became read-only.
    #[error("store database is read-only")]
    ReadOnly(#[source] rusqlite::Error),
    /// The database file is damaged.
    #[error("store database is corrupt")]
    Corrupt(#[source] rusqlite::Error),
    /// The writer thread has stopped and takes no more work.
    #[error("store writer has stopped")]
    WriterStopped,
    /// Any other SQLite failure.
    #[error("store sqlite error")]
    Sqlite(#[source] rusqlite::Error),
}

impl StoreError {
    /// Whether trying the same operation again later may succeed without
    /// anyone intervening (locks; a full disk after pruning or cleanup).
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Locked(_) | StoreError::DiskFull(_))
    }
}

impl From<rusqlite::Error> for StoreError {
    /// Sorts a SQLite error by its primary result code.
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::DiskFull(e),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked(e),
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(e),
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Corrupt(e),
            _ => StoreError::Sqlite(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite_err(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn result_codes_are_sorted() {
        use rusqlite::ffi;
        assert!(matches!(
            StoreError::from(sqlite_err(ffi::SQLITE_FULL)),
            StoreError::DiskFull(_)
        ));
        assert!(matches!(
            StoreError::from(sqlite_err(ffi::SQLITE_BUSY)),
            StoreError::Locked(_)
        ));
        assert!(matches!(
            StoreError::from(sqlite_err(ffi::SQLITE_LOCKED)),
            StoreError::Locked(_)
        ));
        assert!(matches!(
            StoreError::from(sqlite_err(ffi::SQLITE_READONLY)),
            StoreError::ReadOnly(_)
        ));
        assert!(matches!(
            StoreError::from(sqlite_err(ffi::SQLITE_NOTADB)),
            StoreError::Corrupt(_)
        ));
        assert!(matches!(
            StoreError::from(sqlite_err(ffi::SQLITE_CONSTRAINT)),
            StoreError::Sqlite(_)
        ));
        assert!(StoreError::from(sqlite_err(ffi::SQLITE_BUSY)).is_retryable());
        assert!(!StoreError::from(sqlite_err(ffi::SQLITE_NOTADB)).is_retryable());
    }
}
