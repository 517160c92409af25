//! Small archives for tests, written by independent writers (the
//! `pmtiles` crate's, and SQLite for MBTiles), so a reader bug is not
//! hidden by the same bug in a writer of ours. Enabled by the `fixtures`
//! feature, for other crates' tests.

use std::path::Path;

/// What the fixture writers fail with.
pub type FixtureResult = Result<(), Box<dyn std::error::Error>>;

/// One tile of a fixture: `(z, x, y)` in XYZ (rows from the north), bytes.
pub type FixtureTile = ((u8, u32, u32), Vec<u8>);

/// A 4 by 4 pixel PNG of one colour.
pub fn png(rgb: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 4, 4);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let pixels: Vec<u8> = rgb.iter().copied().cycle().take(4 * 4 * 3).collect();
        // Writing a fixed, valid image to memory cannot fail.
        if let Ok(mut w) = enc.write_header() {
            let _ = w.write_image_data(&pixels);
        }
    }
    out
}

/// Writes a PMTiles v3 archive of PNG tiles (gzip directories, metadata
/// with a name and attribution) to `path`.
pub fn write_pmtiles_png(path: &Path, name: &str, tiles: &[FixtureTile]) -> FixtureResult {
    write_pmtiles(path, pmtiles::TileType::Png, name, "", tiles)
}

/// Writes a PMTiles v3 archive of vector tiles (gzipped by the writer)
/// with one vector layer, `roads`.
pub fn write_pmtiles_mvt(path: &Path, name: &str, tiles: &[FixtureTile]) -> FixtureResult {
    let layers = r#","vector_layers":[{"id":"roads","fields":{}}]"#;
    write_pmtiles(path, pmtiles::TileType::Mvt, name, layers, tiles)
}

fn write_pmtiles(
    path: &Path,
    kind: pmtiles::TileType,
    name: &str,
    extra: &str,
    tiles: &[FixtureTile],
) -> FixtureResult {
    let mut sorted = Vec::with_capacity(tiles.len());
    for ((z, x, y), data) in tiles {
        let coord = pmtiles::TileCoord::new(*z, *x, *y)?;
        sorted.push((u64::from(pmtiles::TileId::from(coord)), coord, data));
    }
    sorted.sort_by_key(|(id, _, _)| *id);
    let (min_zoom, max_zoom) = zoom_range(tiles);
    let name = serde_json::to_string(name)?;
    let metadata = format!(r#"{{"name":{name},"attribution":"© test"{extra}}}"#);
    let file = std::fs::File::create(path)?;
    let mut w = pmtiles::PmTilesWriter::new(kind)
        .min_zoom(min_zoom)
        .max_zoom(max_zoom)
        .bounds(-110.0, 31.0, -109.0, 32.0)
        .metadata(metadata)
        .create(file)?;
    for (_, coord, data) in sorted {
        w.add_tile(coord, data)?;
    }
    w.finalize()?;
    Ok(())
}

/// Writes an MBTiles database of `format` (`png`, `pbf`...) to `path`;
/// the tiles' rows are stored flipped (TMS), as the spec has them.
pub fn write_mbtiles(
    path: &Path,
    name: &str,
    format: &str,
    tiles: &[FixtureTile],
) -> FixtureResult {
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
         CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
    )?;
    let (min_zoom, max_zoom) = zoom_range(tiles);
    for (k, v) in [
        ("name", name.to_string()),
        ("format", format.to_string()),
        ("bounds", "-110,31,-109,32".to_string()),
        ("minzoom", min_zoom.to_string()),
        ("maxzoom", max_zoom.to_string()),
        ("attribution", "© test".to_string()),
    ] {
        conn.execute("INSERT INTO metadata VALUES (?1, ?2)", (k, v))?;
    }
    if format == "pbf" {
        let json = r#"{"vector_layers":[{"id":"water"},{"id":"roads"}]}"#;
        conn.execute("INSERT INTO metadata VALUES ('json', ?1)", [json])?;
    }
    for ((z, x, y), data) in tiles {
        let row = (1i64 << z) - 1 - i64::from(*y);
        conn.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            (i64::from(*z), i64::from(*x), row, data),
        )?;
    }
    Ok(())
}

fn zoom_range(tiles: &[FixtureTile]) -> (u8, u8) {
    let zooms = tiles.iter().map(|((z, _, _), _)| *z);
    (zooms.clone().min().unwrap_or(0), zooms.max().unwrap_or(0))
}
