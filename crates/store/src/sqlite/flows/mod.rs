//! [`SqliteFlows`]: the flows aggregate in its own SQLite file
//! (`flows.sqlite` in the data dir, WAL, `user_version` migrations).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use flows::counts::{Bin, CountKey, CoverageBin};
use flows::official::{Key, Series};
use flows::Alert;
use rusqlite::{params, Connection, Transaction};

use crate::{FlowStore, StoreError};

/// Schema migrations, applied in order; `user_version` is the number applied.
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE flow_bins (
        hour INTEGER NOT NULL,
        sector TEXT NOT NULL,
        direction TEXT NOT NULL,
        kind TEXT NOT NULL,
        event TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (hour, sector, direction, kind, event)
    ) WITHOUT ROWID;
    CREATE TABLE flow_coverage (
        hour INTEGER NOT NULL,
        source TEXT NOT NULL,
        updates INTEGER NOT NULL,
        PRIMARY KEY (hour, source)
    ) WITHOUT ROWID;
",
    "
    CREATE TABLE official_points (
        component TEXT NOT NULL,
        region TEXT NOT NULL,
        sector TEXT NOT NULL,
        month TEXT NOT NULL,
        n INTEGER NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (component, region, sector, month)
    ) WITHOUT ROWID;
    CREATE TABLE flow_alerts (
        id TEXT PRIMARY KEY,
        raised_s INTEGER NOT NULL,
        alert TEXT NOT NULL
    );
    CREATE INDEX flow_alerts_raised ON flow_alerts (raised_s);
",
];

/// The flows aggregate on SQLite: one connection behind a lock (flushes
/// are a few per minute and reads are rare).
#[derive(Debug)]
pub struct SqliteFlows {
    conn: Mutex<Connection>,
}

impl SqliteFlows {
    /// Opens or creates the database at `path` (its folder must exist) and
    /// brings its schema up to date.
    ///
    /// # Errors
    /// [`StoreError::SchemaTooNew`] for a file from a newer build,
    /// [`StoreError::Open`] or another variant if SQLite cannot open or
    /// migrate it.
    pub fn open(path: &Path) -> Result<SqliteFlows, StoreError> {
        let mut conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::SchemaTooNew {
                found: version,
                supported: known,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(SqliteFlows {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent
        // (transactions roll back), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The text a value is stored as: its serde name, so the file reads the
/// same as the API.
fn name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn parse<T: serde::de::DeserializeOwned>(s: String) -> Result<T, rusqlite::Error> {
    serde_json::from_value(serde_json::Value::String(s.clone())).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn add(tx: &Transaction<'_>, bins: &[Bin], coverage: &[CoverageBin]) -> Result<(), StoreError> {
    let mut b = tx.prepare_cached(
        "INSERT INTO flow_bins (hour, sector, direction, kind, event, n) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (hour, sector, direction, kind, event) DO UPDATE SET n = n + excluded.n",
    )?;
    for bin in bins {
        let k = &bin.key;
        b.execute(params![
            bin.hour,
            k.sector,
            name(&k.direction),
            name(&k.kind),
            name(&k.event),
            i64::try_from(bin.n).unwrap_or(i64::MAX)
        ])?;
    }
    let mut c = tx.prepare_cached(
        "INSERT INTO flow_coverage (hour, source, updates) VALUES (?1, ?2, ?3)
         ON CONFLICT (hour, source) DO UPDATE SET updates = updates + excluded.updates",
    )?;
    for cov in coverage {
        c.execute(params![
            cov.hour,
            cov.source,
            i64::try_from(cov.updates).unwrap_or(i64::MAX)
        ])?;
    }
    Ok(())
}

impl FlowStore for SqliteFlows {
    fn add_counts(&self, bins: &[Bin], coverage: &[CoverageBin]) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        add(&tx, bins, coverage)?;
        tx.commit()?;
        Ok(())
    }

    fn counts(&self, from_hour: i64) -> Result<(Vec<Bin>, Vec<CoverageBin>), StoreError> {
        let conn = self.lock();
        let mut q = conn.prepare_cached(
            "SELECT hour, sector, direction, kind, event, n FROM flow_bins WHERE hour >= ?1 ORDER BY hour",
        )?;
        let bins = q
            .query_map([from_hour], |r| {
                Ok(Bin {
                    hour: r.get(0)?,
                    key: CountKey {
                        sector: r.get(1)?,
                        direction: parse(r.get(2)?)?,
                        kind: parse(r.get(3)?)?,
                        event: parse(r.get(4)?)?,
                    },
                    n: u64::try_from(r.get::<_, i64>(5)?).unwrap_or(0),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut q = conn.prepare_cached(
            "SELECT hour, source, updates FROM flow_coverage WHERE hour >= ?1 ORDER BY hour",
        )?;
        let coverage = q
            .query_map([from_hour], |r| {
                Ok(CoverageBin {
                    hour: r.get(0)?,
                    source: r.get(1)?,
                    updates: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((bins, coverage))
    }

    fn replace_counts(
        &self,
        from_hour: i64,
        to_hour: i64,
        bins: &[Bin],
        coverage: &[CoverageBin],
    ) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM flow_bins WHERE hour >= ?1 AND hour < ?2",
            [from_hour, to_hour],
        )?;
        tx.execute(
            "DELETE FROM flow_coverage WHERE hour >= ?1 AND hour < ?2",
            [from_hour, to_hour],
        )?;
        add(&tx, bins, coverage)?;
        tx.commit()?;
        Ok(())
    }

    fn put_official(&self, source: &str, series: &[Series]) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO official_points (component, region, sector, month, n, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (component, region, sector, month)
                 DO UPDATE SET n = excluded.n, source = excluded.source",
            )?;
            for s in series {
                let k = &s.key;
                for (month, n) in &s.points {
                    put.execute(params![
                        k.component,
                        k.region,
                        k.sector,
                        month.to_string(),
                        i64::try_from(*n).unwrap_or(i64::MAX),
                        source
                    ])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn official(&self) -> Result<Vec<Series>, StoreError> {
        let conn = self.lock();
        let mut q = conn.prepare_cached(
            "SELECT component, region, sector, month, n FROM official_points
             ORDER BY component, region, sector, month",
        )?;
        let rows = q.query_map([], |r| {
            let month: String = r.get(3)?;
            let month = month.parse().map_err(|e: String| {
                rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, e.into())
            })?;
            Ok((
                Key {
                    component: r.get(0)?,
                    region: r.get(1)?,
                    sector: r.get(2)?,
                },
                month,
                u64::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
            ))
        })?;
        let mut out: Vec<Series> = Vec::new();
        for row in rows {
            let (key, month, n) = row?;
            match out.last_mut() {
                Some(s) if s.key == key => {
                    s.points.insert(month, n);
                }
                _ => {
                    let mut s = Series::new(key);
                    s.points.insert(month, n);
                    out.push(s);
                }
            }
        }
        Ok(out)
    }

    fn put_alerts(&self, alerts: &[Alert]) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO flow_alerts (id, raised_s, alert) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET alert = excluded.alert",
            )?;
            for a in alerts {
                let json = serde_json::to_string(a)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                put.execute(params![a.id, a.raised_s, json])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn alerts(&self, from_s: i64) -> Result<Vec<Alert>, StoreError> {
        let conn = self.lock();
        let mut q = conn.prepare_cached(
            "SELECT alert FROM flow_alerts WHERE raised_s >= ?1 ORDER BY raised_s, id",
        )?;
        let rows = q.query_map([from_s], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for json in rows {
            let json = json?;
            out.push(serde_json::from_str(&json).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
