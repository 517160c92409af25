//! The CoT history aggregate: every event the server stored, and the last
//! known row of every item (clients' SA, markers, shapes, tracks), which a
//! restart puts back into the picture.
//!
//! Two traits, one per side, so each caller depends on what it uses: the
//! writer thread writes and prunes ([`HistoryWrite`]); a restart, the Marti
//! API and the web replay read ([`HistoryRead`]). [`crate::SqliteHistory`]
//! implements both on one SQLite file.
//!
//! Methods are synchronous and may wait on the disk or another process's
//! lock: call them from a blocking thread (the writer thread,
//! `spawn_blocking`), never from an async task.

mod query;
mod record;

pub use query::{HistoryQuery, TimeBasis, MAX_HISTORY_LIMIT};
pub use record::Record;

use cot::Time;

use crate::StoreError;

/// What is read back from history.
///
/// `Sync`, so one handle serves many requests at once; an implementation
/// serialises internally what it must (SQLite: one connection behind a
/// lock; a connection pool would not need to).
pub trait HistoryRead: Send + Sync {
    /// The last known row of every uid that is not stale at `now`
    /// (`stale_ms > now`), ordered by uid: clients' own SA (`client_sa`)
    /// and every other item the picture kept for late joiners, minus those
    /// a delete removed. What a restart puts back.
    ///
    /// # Errors
    /// Any failure of the backend.
    fn last_known(&self, now: Time) -> Result<Vec<Record>, StoreError>;

    /// The most recently received history row for `uid`.
    ///
    /// # Errors
    /// Any failure of the backend.
    fn latest(&self, uid: &str) -> Result<Option<Record>, StoreError>;

    /// History rows matching `q`, oldest server time first (ties in arrival
    /// order), at most `min(q.limit, MAX_HISTORY_LIMIT)` of them.
    ///
    /// # Errors
    /// Any failure of the backend.
    fn history(&self, q: &HistoryQuery) -> Result<Vec<Record>, StoreError>;

    /// The picture as it was at `at` (server time): for every uid with a
    /// history row received in `(at - lookback_ms, at]`, its latest such
    /// row, if that row is not stale at `at`. Chat (`b-t-…`), alerts
    /// (`b-a-…`) and control messages (`t-…`) are left out. Ordered by uid,
    /// at most `limit` rows.
    ///
    /// # Errors
    /// Any failure of the backend.
    fn state_at(&self, at: Time, lookback_ms: i64, limit: usize)
        -> Result<Vec<Record>, StoreError>;

    /// The newest `limit` history rows of exactly type `kind` received after
    /// `since` (server time), oldest first: the recent chat a restart shows.
    ///
    /// # Errors
    /// Any failure of the backend.
    fn recent_of_kind(
        &self,
        kind: &str,
        since: Time,
        limit: usize,
    ) -> Result<Vec<Record>, StoreError>;

    /// The first and last server times in history; `None` when it is empty.
    ///
    /// # Errors
    /// Any failure of the backend.
    fn time_span(&self) -> Result<Option<(Time, Time)>, StoreError>;
}

/// What the writer thread does to history.
pub trait HistoryWrite: Send {
    /// Writes `records` atomically, in order: every record goes into
    /// history; each `client_sa` or `last_known` record also replaces its
    /// uid's last known row unless one received later (by `server_time_ms`;
    /// later in the batch on a tie) is already there; each uid in `forgets`
    /// loses its last known row unless that was received later.
    ///
    /// # Errors
    /// [`StoreError::DiskFull`], [`StoreError::Locked`],
    /// [`StoreError::ReadOnly`] and others; on error nothing of the batch is
    /// written.
    fn write_batch(&mut self, records: &[Record]) -> Result<(), StoreError>;

    /// Deletes history received before `now - retention`, and last known SA
    /// that went stale before that instant; returns the number of history
    /// rows deleted. The retention is the implementation's (from
    /// [`crate::Config::retention_ms`]).
    ///
    /// # Errors
    /// As [`HistoryWrite::write_batch`]; an implementation may delete in
    /// chunks, and chunks already deleted stay deleted.
    fn prune(&mut self, now: Time) -> Result<usize, StoreError>;
}
