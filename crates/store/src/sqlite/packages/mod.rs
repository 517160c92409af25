//! [`SqlitePackages`]: data package metadata in its own SQLite file
//! (`packages.sqlite` in the data dir, WAL, `user_version` migrations), the
//! file the Marti crate kept before the catalog moved here.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::{Package, PackageCatalog, PackageError, PackageFilter, PlaceFile};

/// Schema migrations, applied in order; `user_version` is the number applied.
const MIGRATIONS: &[&str] = &["
    CREATE TABLE packages (
        pk INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        filename TEXT NOT NULL,
        hash TEXT NOT NULL,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        keywords TEXT NOT NULL,
        creator_uid TEXT NOT NULL,
        submitter TEXT NOT NULL,
        submitted_ms INTEGER NOT NULL,
        tool TEXT NOT NULL
    );
    CREATE INDEX packages_hash ON packages(hash);
    CREATE INDEX packages_submitter ON packages(submitter, hash);
    CREATE TABLE package_groups (
        pk INTEGER NOT NULL REFERENCES packages(pk) ON DELETE CASCADE,
        grp TEXT NOT NULL,
        PRIMARY KEY (pk, grp)
    ) WITHOUT ROWID;
    CREATE INDEX package_groups_grp ON package_groups(grp, pk);
"];

const COLUMNS: &str = "p.pk, p.uid, p.name, p.filename, p.hash, p.mime, p.size, p.keywords, \
    p.creator_uid, p.submitter, p.submitted_ms, p.tool, \
    (SELECT json_group_array(grp) FROM package_groups g WHERE g.pk = p.pk)";

/// The package catalog on SQLite: one connection behind a lock, so
/// requests take turns (uploads are rare and searches small).
#[derive(Debug)]
pub struct SqlitePackages {
    conn: Mutex<Connection>,
}

impl SqlitePackages {
    /// Opens or creates the database at `path` (its folder must exist) and
    /// brings its schema up to date.
    ///
    /// # Errors
    /// [`PackageError::SchemaTooNew`] for a file from a newer build,
    /// [`PackageError::Db`] if SQLite cannot open or migrate it.
    pub fn open(path: &Path) -> Result<SqlitePackages, PackageError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(PackageError::SchemaTooNew(version));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(SqlitePackages {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll
        // back on drop), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl PackageCatalog for SqlitePackages {
    /// The quota check, the move and the insert run in one transaction.
    fn insert(
        &self,
        mut pkg: Package,
        quota: u64,
        place_file: PlaceFile<'_>,
    ) -> Result<Package, PackageError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let already: bool = tx
            .query_row(
                "SELECT 1 FROM packages WHERE submitter = ?1 AND hash = ?2 LIMIT 1",
                params![pkg.submitter, pkg.hash],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !already {
            let used: i64 = tx.query_row(
                "SELECT COALESCE(SUM(size), 0) FROM \
                 (SELECT MAX(size) AS size FROM packages WHERE submitter = ?1 GROUP BY hash)",
                params![pkg.submitter],
                |r| r.get(0),
            )?;
            let used = u64::try_from(used).unwrap_or(0);
            if used.saturating_add(pkg.size) > quota {
                return Err(PackageError::QuotaExceeded {
                    size: pkg.size,
                    quota,
                    used,
                    submitter: pkg.submitter,
                });
            }
        }
        place_file().map_err(PackageError::PlaceFile)?;
        tx.execute(
            "INSERT INTO packages (uid, name, filename, hash, mime, size, keywords, creator_uid, \
             submitter, submitted_ms, tool) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                pkg.uid,
                pkg.name,
                pkg.filename,
                pkg.hash,
                pkg.mime,
                i64::try_from(pkg.size).unwrap_or(i64::MAX),
                serde_json::Value::from(pkg.keywords.clone()).to_string(),
                pkg.creator_uid,
                pkg.submitter,
                pkg.submitted_ms,
                pkg.tool,
            ],
        )?;
        pkg.pk = tx.last_insert_rowid();
        for g in &pkg.groups {
            tx.execute(
                "INSERT OR IGNORE INTO package_groups (pk, grp) VALUES (?1, ?2)",
                params![pkg.pk, g],
            )?;
        }
        tx.commit()?;
        Ok(pkg)
    }

    fn search(
        &self,
        filter: &PackageFilter,
        groups: Option<&[String]>,
        limit: usize,
    ) -> Result<Vec<Package>, PackageError> {
        let mut sql = format!("SELECT {COLUMNS} FROM packages p WHERE 1 = 1");
        let mut args: Vec<Value> = Vec::new();
        let mut add = |clause: &str, v: Value| {
            sql.push_str(clause);
            args.push(v);
        };
        let text = |s: &Option<String>| s.clone().map(Value::Text);
        if let Some(v) = text(&filter.keyword) {
            add(
                " AND EXISTS (SELECT 1 FROM json_each(p.keywords) WHERE value = ?)",
                v,
            );
        }
        if let Some(v) = text(&filter.tool) {
            add(" AND p.tool = ?", v);
        }
        if let Some(v) = text(&filter.mime) {
            add(" AND p.mime = ?", v);
        }
        if let Some(v) = text(&filter.name) {
            add(" AND instr(lower(p.name), lower(?)) > 0", v);
        }
        if let Some(v) = text(&filter.filename) {
            add(" AND instr(lower(p.filename), lower(?)) > 0", v);
        }
        if let Some(v) = text(&filter.uid) {
            add(" AND p.uid = ?", v);
        }
        if let Some(v) = text(&filter.hash) {
            add(" AND p.hash = ?", v);
        }
        if let Some(v) = filter.from_ms {
            add(" AND p.submitted_ms >= ?", Value::Integer(v));
        }
        if let Some(v) = filter.to_ms {
            add(" AND p.submitted_ms < ?", Value::Integer(v));
        }
        if let Some(groups) = groups {
            if groups.is_empty() {
                return Ok(Vec::new());
            }
            let marks = vec!["?"; groups.len()].join(", ");
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM package_groups g WHERE g.pk = p.pk AND g.grp IN ({marks}))"
            ));
            args.extend(groups.iter().cloned().map(Value::Text));
        }
        sql.push_str(" ORDER BY p.pk DESC LIMIT ?");
        args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        let conn = self.lock();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), row_to_package)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn set_tool(&self, pks: &[i64], tool: &str) -> Result<(), PackageError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        for pk in pks {
            tx.execute(
                "UPDATE packages SET tool = ?1 WHERE pk = ?2",
                params![tool, pk],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

fn row_to_package(r: &Row<'_>) -> rusqlite::Result<Package> {
    let json_list = |i: usize| -> rusqlite::Result<Vec<String>> {
        let text: String = r.get(i)?;
        serde_json::from_str(&text).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    Ok(Package {
        pk: r.get(0)?,
        uid: r.get(1)?,
        name: r.get(2)?,
        filename: r.get(3)?,
        hash: r.get(4)?,
        mime: r.get(5)?,
        size: u64::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
        keywords: json_list(7)?,
        creator_uid: r.get(8)?,
        submitter: r.get(9)?,
        submitted_ms: r.get(10)?,
        tool: r.get(11)?,
        groups: json_list(12)?,
    })
}

#[cfg(test)]
mod tests;
