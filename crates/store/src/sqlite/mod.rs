//! [`Store`]: the synchronous SQLite handle.

mod open;
mod rows;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, params_from_iter, Connection, TransactionBehavior};

use crate::{HistoryQuery, Record, StoreError};

use rows::{
    nan_to_null, record_from_row, INSERT_HISTORY, SELECT_HISTORY, SELECT_LAST_SA, UPSERT_LAST_SA,
};

/// History rows deleted per transaction when pruning, so one prune never
/// holds the write lock (or grows the WAL) for long.
const PRUNE_CHUNK: i64 = 10_000;

/// The persistent store: CoT history and the last known SA per client.
///
/// Synchronous and single-threaded (it owns one `rusqlite::Connection`);
/// run it on its own thread with [`crate::Writer`] for the live path. More
/// `Store`s may be opened on the same file (WAL mode lets readers work while
/// a writer writes).
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    retention_ms: i64,
}

impl Store {
    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// History retention used by [`Store::prune`], in milliseconds.
    pub fn retention_ms(&self) -> i64 {
        self.retention_ms
    }

    /// Changes how long statements wait for another connection's lock
    /// before returning [`StoreError::Locked`] (default five seconds).
    ///
    /// # Errors
    /// Only if SQLite refuses the setting.
    pub fn set_busy_timeout(&mut self, timeout: Duration) -> Result<(), StoreError> {
        self.conn.busy_timeout(timeout)?;
        Ok(())
    }

    /// Runs a raw SQL batch on the connection. Meant for operators' tooling
    /// and tests (e.g. `PRAGMA max_page_count`), not for the live path.
    ///
    /// # Errors
    /// Whatever SQLite reports, classified.
    pub fn execute_batch(&self, sql: &str) -> Result<(), StoreError> {
        self.conn.execute_batch(sql)?;
        Ok(())
    }

    /// Writes `records` in one transaction: every record goes into history,
    /// and each `client_sa` record also replaces its uid's last known SA
    /// unless a later-received one is already there.
    ///
    /// # Errors
    /// [`StoreError::DiskFull`], [`StoreError::Locked`],
    /// [`StoreError::ReadOnly`] and others; on error nothing of the batch is
    /// written.
    pub fn write_batch(&mut self, records: &[Record]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut insert = tx.prepare_cached(INSERT_HISTORY)?;
            let mut upsert = tx.prepare_cached(UPSERT_LAST_SA)?;
            for r in records {
                let (lat, lon, hae) = (nan_to_null(r.lat), nan_to_null(r.lon), nan_to_null(r.hae));
                let (ce, le) = (nan_to_null(r.ce), nan_to_null(r.le));
                insert.execute(params![
                    r.uid,
                    r.kind,
                    r.how,
                    r.time_ms,
                    r.start_ms,
                    r.stale_ms,
                    lat,
                    lon,
                    hae,
                    ce,
                    le,
                    r.callsign,
                    r.sender_uid,
                    r.groups,
                    r.xml,
                    r.server_time_ms,
                    r.client_sa
                ])?;
                if r.client_sa {
                    upsert.execute(params![
                        r.uid,
                        r.kind,
                        r.how,
                        r.time_ms,
                        r.start_ms,
                        r.stale_ms,
                        lat,
                        lon,
                        hae,
                        ce,
                        le,
                        r.callsign,
                        r.sender_uid,
                        r.groups,
                        r.xml,
                        r.server_time_ms
                    ])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes history received before `now_ms - retention`, and last known
    /// SA that went stale before that instant. Returns the number of history
    /// rows deleted.
    ///
    /// Works in chunks of ten thousand rows, one transaction each.
    ///
    /// # Errors
    /// As [`Store::write_batch`]; chunks already deleted stay deleted.
    pub fn prune(&mut self, now_ms: i64) -> Result<usize, StoreError> {
        let cutoff = now_ms.saturating_sub(self.retention_ms.max(0));
        let mut deleted = 0usize;
        // Look before deleting: a DELETE takes the write lock even when it
        // matches nothing, and most prunes have nothing to do.
        let any_old: bool = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM history WHERE server_time_ms < ?1) \
                 OR EXISTS (SELECT 1 FROM last_sa WHERE stale_ms < ?1)",
            )?
            .query_row(params![cutoff], |row| row.get(0))?;
        if !any_old {
            return Ok(0);
        }
        loop {
            let n = self
                .conn
                .prepare_cached(
                    "DELETE FROM history WHERE id IN \
                     (SELECT id FROM history WHERE server_time_ms < ?1 LIMIT ?2)",
                )?
                .execute(params![cutoff, PRUNE_CHUNK])?;
            deleted += n;
            if (n as i64) < PRUNE_CHUNK {
                break;
            }
        }
        self.conn
            .prepare_cached("DELETE FROM last_sa WHERE stale_ms < ?1")?
            .execute(params![cutoff])?;
        Ok(deleted)
    }

    /// The last known SA of every uid that is not stale at `now_ms`
    /// (`stale_ms > now_ms`), ordered by uid. Each has `client_sa = true`.
    ///
    /// # Errors
    /// Any SQLite failure.
    pub fn last_sa(&self, now_ms: i64) -> Result<Vec<Record>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_LAST_SA} WHERE stale_ms > ?1 ORDER BY uid"
        ))?;
        let rows = stmt.query_map(params![now_ms], record_from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The most recently received history row for `uid`.
    ///
    /// # Errors
    /// Any SQLite failure.
    pub fn latest(&self, uid: &str) -> Result<Option<Record>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_HISTORY} WHERE uid = ?1 ORDER BY server_time_ms DESC, id DESC LIMIT 1"
        ))?;
        let mut rows = stmt.query_map(params![uid], record_from_row)?;
        Ok(rows.next().transpose()?)
    }

    /// History rows matching `q`, oldest server time first, at most
    /// `min(q.limit, MAX_HISTORY_LIMIT)` of them.
    ///
    /// # Errors
    /// Any SQLite failure.
    pub fn history(&self, q: &HistoryQuery) -> Result<Vec<Record>, StoreError> {
        let (tail, values) = q.to_sql();
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SELECT_HISTORY}{tail}"))?;
        let rows = stmt.query_map(params_from_iter(values), record_from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The picture as it was at `at_ms` (server time): for every uid with a
    /// history row in `(at_ms - lookback_ms, at_ms]`, its latest such row,
    /// if that row is not stale at `at_ms`. Chat, alerts and control
    /// messages are left out. Ordered by uid, at most `limit` rows.
    ///
    /// # Errors
    /// Any SQLite failure.
    pub fn state_at(
        &self,
        at_ms: i64,
        lookback_ms: i64,
        limit: usize,
    ) -> Result<Vec<Record>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_HISTORY} WHERE id IN (SELECT MAX(id) FROM history \
             WHERE server_time_ms <= ?1 AND server_time_ms > ?2 GROUP BY uid) \
             AND stale_ms > ?1 AND type NOT LIKE 'b-t-%' AND type NOT LIKE 'b-a-%' \
             AND type NOT LIKE 't-%' ORDER BY uid LIMIT ?3"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(
            params![at_ms, at_ms.saturating_sub(lookback_ms), limit],
            record_from_row,
        )?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The first and last server times in history, ms; `None` when empty.
    ///
    /// # Errors
    /// Any SQLite failure.
    pub fn time_span(&self) -> Result<Option<(i64, i64)>, StoreError> {
        let (a, b): (Option<i64>, Option<i64>) = self
            .conn
            .prepare_cached("SELECT MIN(server_time_ms), MAX(server_time_ms) FROM history")?
            .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(a.zip(b))
    }

    /// Number of history rows. Scans an index, so it is for tests and
    /// status pages, not per-event paths.
    ///
    /// # Errors
    /// Any SQLite failure.
    pub fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM history")?
            .query_row([], |row| row.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
