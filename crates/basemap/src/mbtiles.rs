//! MBTiles read in place through SQLite, opened read-only: the `tiles`
//! table (or view) with TMS rows, and the `metadata` key-value table.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::Problem;
use crate::pmtiles::{Meta, MAX_TILE_BYTES};
use crate::{sniff, Format, MAX_ZOOM};

/// The first bytes of every SQLite database file.
pub(crate) const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// An open MBTiles archive. SQLite connections are not shared between
/// threads, so tile reads take turns; each is one indexed lookup.
#[derive(Debug)]
pub(crate) struct Mbtiles {
    conn: Mutex<Connection>,
}

/// What the `metadata` table and the tiles say about the archive.
#[derive(Debug)]
pub(crate) struct Described {
    pub(crate) format: Format,
    pub(crate) min_zoom: u8,
    pub(crate) max_zoom: u8,
    pub(crate) bounds: Option<[f64; 4]>,
    pub(crate) meta: Meta,
}

fn sql(e: rusqlite::Error) -> Problem {
    Problem::Sqlite(e.to_string())
}

impl Mbtiles {
    /// Opens `path` read-only and reads what describes it.
    pub(crate) fn open(path: &Path) -> Result<(Mbtiles, Described), Problem> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(sql)?;
        let has_tiles: bool = conn
            .query_row(
                "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'tiles' AND type IN ('table', 'view')",
                [],
                |r| r.get(0),
            )
            .map_err(sql)?;
        if !has_tiles {
            return Err(Problem::NoTilesTable);
        }
        // Prepared once here so a tiles table without the spec's columns
        // is refused at open, not on the first request.
        conn.prepare("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 0")
            .map_err(|e| Problem::Sqlite(format!("the tiles table is not MBTiles: {e}")))?;
        let md = metadata(&conn)?;
        let described = describe(&conn, &md)?;
        Ok((
            Mbtiles {
                conn: Mutex::new(conn),
            },
            described,
        ))
    }

    /// The bytes of tile `z/x/y` (`y` counted from the north), or `None`.
    pub(crate) fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, Problem> {
        if z > MAX_ZOOM || u64::from(x) >= 1u64 << z || u64::from(y) >= 1u64 << z {
            return Err(Problem::BadCoordinates { z, x, y });
        }
        // MBTiles rows count from the south (TMS).
        let row = (1i64 << z) - 1 - i64::from(y);
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let mut stmt = conn
            .prepare_cached(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
            )
            .map_err(sql)?;
        let data: Option<Vec<u8>> = stmt
            .query_row((i64::from(z), i64::from(x), row), |r| r.get(0))
            .optional()
            .map_err(sql)?;
        match data {
            Some(d) if d.len() > MAX_TILE_BYTES as usize => Err(Problem::Sqlite(format!(
                "tile {z}/{x}/{y} has {} bytes",
                d.len()
            ))),
            // An empty blob is how some tools mark "nothing here".
            Some(d) if d.is_empty() => Ok(None),
            d => Ok(d),
        }
    }
}

/// The `metadata` table as a map; none when the archive has no such table.
fn metadata(conn: &Connection) -> Result<HashMap<String, String>, Problem> {
    let exists: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'metadata' AND type IN ('table', 'view')",
            [],
            |r| r.get(0),
        )
        .map_err(sql)?;
    if !exists {
        return Ok(HashMap::new());
    }
    let mut stmt = conn
        .prepare("SELECT name, value FROM metadata")
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
            ))
        })
        .map_err(sql)?;
    let mut md = HashMap::new();
    for row in rows {
        // A value stored as a number or blob is skipped, not fatal.
        if let Ok((Some(k), Some(v))) = row {
            md.insert(k, v);
        }
    }
    Ok(md)
}

fn describe(conn: &Connection, md: &HashMap<String, String>) -> Result<Described, Problem> {
    let format = match md.get("format").map(|f| f.trim().to_ascii_lowercase()) {
        Some(f) => match f.as_str() {
            "png" => Format::Png,
            "jpg" | "jpeg" => Format::Jpg,
            "webp" => Format::Webp,
            "avif" => Format::Avif,
            "pbf" => Format::Pbf,
            "mvt" => Format::Mvt,
            _ => return Err(Problem::UnknownFormat(format!("MBTiles format {f:?}"))),
        },
        None => {
            let first: Option<Vec<u8>> = conn
                .query_row("SELECT tile_data FROM tiles LIMIT 1", [], |r| r.get(0))
                .optional()
                .map_err(sql)?;
            first.as_deref().and_then(sniff).ok_or_else(|| {
                Problem::UnknownFormat("no format in the metadata, and no tile says".into())
            })?
        }
    };
    let zoom = |k: &str| {
        md.get(k)
            .and_then(|v| v.trim().parse::<u8>().ok())
            .filter(|z| *z <= MAX_ZOOM)
    };
    let (min_zoom, max_zoom) = match (zoom("minzoom"), zoom("maxzoom")) {
        (Some(a), Some(b)) if a <= b => (a, b),
        _ => {
            let (a, b): (Option<i64>, Option<i64>) = conn
                .query_row(
                    "SELECT min(zoom_level), max(zoom_level) FROM tiles",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(sql)?;
            let clamp = |z: Option<i64>| z.map_or(0, |z| z.clamp(0, i64::from(MAX_ZOOM)) as u8);
            (clamp(a), clamp(b).max(clamp(a)))
        }
    };
    let bounds = md.get("bounds").and_then(|b| {
        let v: Vec<f64> = b
            .split(',')
            .filter_map(|p| p.trim().parse::<f64>().ok())
            .filter(|p| p.is_finite())
            .collect();
        <[f64; 4]>::try_from(v)
            .ok()
            .filter(|b| b[0] < b[2] && b[1] < b[3])
    });
    let json = md
        .get("json")
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok());
    let mut meta = json.as_ref().map(crate::meta_from_json).unwrap_or_default();
    meta.name = md.get("name").cloned().or(meta.name);
    meta.attribution = md.get("attribution").cloned().or(meta.attribution);
    Ok(Described {
        format,
        min_zoom,
        max_zoom,
        bounds,
        meta,
    })
}
