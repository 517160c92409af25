//! [`SqliteHistory`]: CoT history and last known SA in one SQLite file.

mod open;
mod query;
mod rows;
mod schema;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use cot::Time;
use rusqlite::{params, params_from_iter, Connection, ToSql, TransactionBehavior};

use crate::{HistoryQuery, HistoryRead, HistoryWrite, Record, StoreError, MAX_HISTORY_LIMIT};

use rows::{
    join_groups, nan_to_null, record_from_row, FORGET_LAST_SA, INSERT_HISTORY, SELECT_HISTORY,
    SELECT_LAST_SA, UPSERT_LAST_SA,
};

/// History rows deleted per transaction when pruning, so one prune never
/// holds the write lock (or grows the WAL) for long.
const PRUNE_CHUNK: i64 = 10_000;

/// CoT history and the last known SA per client in one SQLite file
/// (`watchfloor.sqlite` in the data dir): [`HistoryWrite`] for the writer
/// thread, [`HistoryRead`] for everyone else.
///
/// It owns one `rusqlite::Connection`. Writes take `&mut self` and so never
/// wait for the lock around it; reads take the lock, so concurrent reads on
/// one handle run one after the other. Open one handle per role: more may
/// be opened on the same file, and WAL mode lets readers work while a
/// writer writes.
#[derive(Debug)]
pub struct SqliteHistory {
    conn: Mutex<Connection>,
    path: PathBuf,
    retention_ms: i64,
}

impl SqliteHistory {
    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// History retention used by [`HistoryWrite::prune`], in milliseconds.
    pub fn retention_ms(&self) -> i64 {
        self.retention_ms
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent
        // (transactions roll back on drop), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn conn_mut(&mut self) -> &mut Connection {
        self.conn.get_mut().unwrap_or_else(|p| p.into_inner())
    }
}

/// Hooks for this crate's tests, which need this handle's own connection;
/// the `testing` feature is turned on only by the crate's dev-dependency on
/// itself, so no normal build has raw SQL in its API.
#[cfg(feature = "testing")]
impl SqliteHistory {
    /// Changes how long statements wait for another connection's lock
    /// before returning [`StoreError::Locked`] (default five seconds).
    ///
    /// # Errors
    /// Only if SQLite refuses the setting.
    pub fn set_busy_timeout(&mut self, timeout: std::time::Duration) -> Result<(), StoreError> {
        self.conn_mut().busy_timeout(timeout)?;
        Ok(())
    }

    /// Runs a raw SQL batch on this handle's own connection, for
    /// per-connection settings such as `PRAGMA max_page_count` (a full disk
    /// on demand).
    ///
    /// # Errors
    /// Whatever SQLite reports, classified.
    pub fn execute_batch(&self, sql: &str) -> Result<(), StoreError> {
        self.lock().execute_batch(sql)?;
        Ok(())
    }

    /// Number of history rows, read on this handle's own connection (so a
    /// test also sees whether this handle can read while another holds the
    /// write lock).
    ///
    /// # Errors
    /// Any SQLite failure.
    pub fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .lock()
            .prepare_cached("SELECT count(*) FROM history")?
            .query_row([], |row| row.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

impl HistoryWrite for SqliteHistory {
    /// One `IMMEDIATE` transaction per batch.
    fn write_batch(&mut self, records: &[Record]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut insert = tx.prepare_cached(INSERT_HISTORY)?;
            let mut upsert = tx.prepare_cached(UPSERT_LAST_SA)?;
            let mut forget = tx.prepare_cached(FORGET_LAST_SA)?;
            for r in records {
                let (lat, lon, hae) = (nan_to_null(r.lat), nan_to_null(r.lon), nan_to_null(r.hae));
                let (ce, le) = (nan_to_null(r.ce), nan_to_null(r.le));
                let groups = join_groups(&r.groups);
                let forgets = join_groups(&r.forgets);
                // INSERT_HISTORY's parameters; UPSERT_LAST_SA takes the
                // first 17 of them, in the same order.
                let row: [&dyn ToSql; 19] = [
                    &r.uid,
                    &r.kind,
                    &r.how,
                    &r.time_ms,
                    &r.start_ms,
                    &r.stale_ms,
                    &lat,
                    &lon,
                    &hae,
                    &ce,
                    &le,
                    &r.callsign,
                    &r.sender_uid,
                    &groups,
                    &r.xml,
                    &r.server_time_ms,
                    &r.client_sa,
                    &r.last_known,
                    &forgets,
                ];
                insert.execute(&row[..])?;
                for uid in &r.forgets {
                    forget.execute(params![uid, r.server_time_ms])?;
                }
                if r.client_sa || r.last_known {
                    upsert.execute(&row[..17])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Works in chunks of ten thousand rows, one transaction each.
    fn prune(&mut self, now: Time) -> Result<usize, StoreError> {
        let cutoff = now.millis().saturating_sub(self.retention_ms.max(0));
        let conn = self.conn_mut();
        let mut deleted = 0usize;
        // Look before deleting: a DELETE takes the write lock even when it
        // matches nothing, and most prunes have nothing to do.
        let any_old: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM history WHERE server_time_ms < ?1) \
                 OR EXISTS (SELECT 1 FROM last_sa WHERE stale_ms < ?1)",
            )?
            .query_row(params![cutoff], |row| row.get(0))?;
        if !any_old {
            return Ok(0);
        }
        loop {
            let n = conn
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
        conn.prepare_cached("DELETE FROM last_sa WHERE stale_ms < ?1")?
            .execute(params![cutoff])?;
        Ok(deleted)
    }
}

impl HistoryRead for SqliteHistory {
    fn last_known(&self, now: Time) -> Result<Vec<Record>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "{SELECT_LAST_SA} WHERE stale_ms > ?1 ORDER BY uid"
        ))?;
        let rows = stmt.query_map(params![now.millis()], record_from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn latest(&self, uid: &str) -> Result<Option<Record>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "{SELECT_HISTORY} WHERE uid = ?1 ORDER BY server_time_ms DESC, id DESC LIMIT 1"
        ))?;
        let mut rows = stmt.query_map(params![uid], record_from_row)?;
        Ok(rows.next().transpose()?)
    }

    fn history(&self, q: &HistoryQuery) -> Result<Vec<Record>, StoreError> {
        let (tail, values) = query::to_sql(q);
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!("{SELECT_HISTORY}{tail}"))?;
        let rows = stmt.query_map(params_from_iter(values), record_from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn state_at(
        &self,
        at: Time,
        lookback_ms: i64,
        limit: usize,
    ) -> Result<Vec<Record>, StoreError> {
        let at_ms = at.millis();
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
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

    fn recent_of_kind(
        &self,
        kind: &str,
        since: Time,
        limit: usize,
    ) -> Result<Vec<Record>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "{SELECT_HISTORY} WHERE id IN (SELECT id FROM history \
             WHERE type = ?1 AND server_time_ms > ?2 \
             ORDER BY server_time_ms DESC, id DESC LIMIT ?3) \
             ORDER BY server_time_ms, id"
        ))?;
        let limit = i64::try_from(limit.min(MAX_HISTORY_LIMIT)).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![kind, since.millis(), limit], record_from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn time_span(&self) -> Result<Option<(Time, Time)>, StoreError> {
        let (a, b): (Option<i64>, Option<i64>) = self
            .lock()
            .prepare_cached("SELECT MIN(server_time_ms), MAX(server_time_ms) FROM history")?
            .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(a.map(Time::from_millis).zip(b.map(Time::from_millis)))
    }
}
