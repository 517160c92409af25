//! The reader against archives written by independent writers, and
//! against files that are not archives, cut short or random.

use std::io::Write;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;
use crate::fixtures::{png, write_mbtiles, write_pmtiles_mvt, write_pmtiles_png};

fn three_tiles() -> Vec<fixtures::FixtureTile> {
    vec![
        ((0, 0, 0), png([10, 20, 30])),
        ((1, 0, 0), png([200, 0, 0])),
        ((1, 1, 1), png([0, 0, 200])),
    ]
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tmp")
}

fn pmtiles_file(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    write_pmtiles_png(&path, "Border sector", &three_tiles()).expect("write");
    path
}

fn problem(path: &Path) -> Problem {
    Basemap::open(path).expect_err("refused").problem
}

#[test]
fn pmtiles_png_tiles_and_their_description() {
    let dir = tmp();
    let path = pmtiles_file(dir.path(), "Border Sector_v2.pmtiles");
    let m = Basemap::open(&path).expect("opens");
    let i = m.info();
    assert_eq!(i.id, "border-sector-v2");
    assert_eq!(i.name, "Border sector");
    assert_eq!(
        (i.kind, i.format, i.archive),
        (Kind::Raster, Format::Png, Archive::Pmtiles)
    );
    assert_eq!((i.min_zoom, i.max_zoom), (0, 1));
    assert_eq!(i.attribution.as_deref(), Some("© test"));
    assert_eq!(i.bytes, std::fs::metadata(&path).expect("len").len());
    let b = i.bounds.expect("bounds");
    assert!(
        (b[0] + 110.0).abs() < 1e-6 && (b[3] - 32.0).abs() < 1e-6,
        "{b:?}"
    );
    for ((z, x, y), data) in three_tiles() {
        let t = m.tile(z, x, y).expect("reads").expect("present");
        assert_eq!(t.data, data, "{z}/{x}/{y}");
        assert_eq!((t.content_type, t.content_encoding), ("image/png", None));
    }
    assert_eq!(m.tile(1, 0, 1).expect("reads"), None, "absent");
    assert_eq!(
        m.tile(5, 3, 3).expect("reads"),
        None,
        "deeper than max zoom"
    );
    assert!(matches!(
        m.tile(1, 2, 0).map_err(|e| e.problem),
        Err(Problem::BadCoordinates { z: 1, x: 2, y: 0 })
    ));
}

#[test]
fn raw_ranges_are_bounded() {
    let dir = tmp();
    let m = Basemap::open(pmtiles_file(dir.path(), "a.pmtiles")).expect("opens");
    assert_eq!(m.read_range(0, 7).expect("reads"), b"PMTiles");
    let size = m.info().bytes;
    assert_eq!(m.read_range(size - 1, 1).expect("last byte").len(), 1);
    assert!(m.read_range(size - 1, 2).is_err());
    assert!(m.read_range(u64::MAX, 2).is_err());
    assert!(m.read_range(0, MAX_RANGE + 1).is_err());
}

#[test]
fn leaf_directories_are_followed() {
    // Enough distinct tiles that the writer must put leaves under the root.
    let mut tiles = Vec::new();
    for z in 0..=7u8 {
        for x in 0..(1u32 << z) {
            for y in 0..(1u32 << z) {
                tiles.push(((z, x, y), format!("{z}/{x}/{y}").into_bytes()));
            }
        }
    }
    let dir = tmp();
    let path = dir.path().join("deep.pmtiles");
    write_pmtiles_png(&path, "deep", &tiles).expect("write");
    let m = Basemap::open(&path).expect("opens");
    let leaves = m.read_range(48, 8).expect("header");
    assert_ne!(leaves, [0u8; 8], "the archive has leaf directories");
    for (z, x, y) in [(0, 0, 0), (7, 0, 0), (7, 127, 127), (6, 33, 12), (7, 64, 1)] {
        let t = m.tile(z, x, y).expect("reads").expect("present");
        assert_eq!(t.data, format!("{z}/{x}/{y}").into_bytes());
    }
}

#[test]
fn pmtiles_vector_tiles_keep_their_gzip() {
    let dir = tmp();
    let path = dir.path().join("roads.pmtiles");
    let mvt = b"not really protobuf, but bytes".to_vec();
    write_pmtiles_mvt(&path, "Roads", &[((2, 1, 2), mvt.clone())]).expect("write");
    let m = Basemap::open(&path).expect("opens");
    assert_eq!(
        (m.info().kind, m.info().format),
        (Kind::Vector, Format::Mvt)
    );
    assert_eq!(m.info().vector_layers, ["roads"]);
    let t = m.tile(2, 1, 2).expect("reads").expect("present");
    assert_eq!(t.content_encoding, Some("gzip"));
    assert_eq!(t.content_type, "application/vnd.mapbox-vector-tile");
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&t.data[..]), &mut plain)
        .expect("gunzip");
    assert_eq!(plain, mvt);
}

#[test]
fn mbtiles_rows_are_flipped_and_metadata_read() {
    let dir = tmp();
    let path = dir.path().join("sector.mbtiles");
    write_mbtiles(&path, "Sector", "png", &three_tiles()).expect("write");
    let m = Basemap::open(&path).expect("opens");
    let i = m.info();
    assert_eq!((i.id.as_str(), i.name.as_str()), ("sector", "Sector"));
    assert_eq!(
        (i.kind, i.format, i.archive),
        (Kind::Raster, Format::Png, Archive::Mbtiles)
    );
    assert_eq!((i.min_zoom, i.max_zoom), (0, 1));
    assert_eq!(i.bounds, Some([-110.0, 31.0, -109.0, 32.0]));
    assert!(i.vector_layers.is_empty());
    for ((z, x, y), data) in three_tiles() {
        assert_eq!(m.tile(z, x, y).expect("reads").map(|t| t.data), Some(data));
    }
    assert_eq!(
        m.tile(1, 0, 1).expect("reads"),
        None,
        "the TMS row of 1/0/0"
    );
    assert_eq!(m.read_range(0, 16).expect("raw"), mbtiles::MAGIC);
}

#[test]
fn mbtiles_vector_tiles_say_gzip() {
    let dir = tmp();
    let path = dir.path().join("v.mbtiles");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"layer bytes").expect("gzip");
    let data = gz.finish().expect("gzip");
    write_mbtiles(&path, "V", "pbf", &[((3, 2, 5), data.clone())]).expect("write");
    let m = Basemap::open(&path).expect("opens");
    assert_eq!(
        (m.info().kind, m.info().format),
        (Kind::Vector, Format::Pbf)
    );
    assert_eq!(m.info().vector_layers, ["water", "roads"]);
    let t = m.tile(3, 2, 5).expect("reads").expect("present");
    assert_eq!((t.data, t.content_encoding), (data, Some("gzip")));
}

#[test]
fn mbtiles_without_a_format_is_told_by_its_tiles() {
    let dir = tmp();
    let path = dir.path().join("nf.mbtiles");
    write_mbtiles(&path, "NF", "png", &three_tiles()).expect("write");
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute("DELETE FROM metadata WHERE name = 'format'", [])
        .expect("delete");
    drop(conn);
    assert_eq!(
        Basemap::open(&path).expect("opens").info().format,
        Format::Png
    );
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute("INSERT INTO metadata VALUES ('format', 'tiff')", [])
        .expect("insert");
    drop(conn);
    assert!(matches!(problem(&path), Problem::UnknownFormat(_)));
}

#[test]
fn files_that_are_not_archives_are_refused_with_one_line() {
    let dir = tmp();
    assert_eq!(problem(dir.path()), Problem::NotAFile);
    let missing = dir.path().join("missing.pmtiles");
    assert_eq!(
        problem(&missing),
        Problem::Unreadable("no such file".into())
    );
    let junk = dir.path().join("junk.pmtiles");
    std::fs::write(&junk, b"<html>not tiles</html>").expect("write");
    let e = Basemap::open(&junk).expect_err("refused");
    let line = e.to_string();
    assert!(
        line.starts_with(&format!(
            "{}: not a PMTiles or MBTiles archive (",
            junk.display()
        )),
        "{line}"
    );
    assert!(!line.contains('\n'));
    let empty = dir.path().join("empty.mbtiles");
    std::fs::write(&empty, b"").expect("write");
    assert!(matches!(problem(&empty), Problem::NotAnArchive(_)));
    let sqlite = dir.path().join("plain.mbtiles");
    let conn = rusqlite::Connection::open(&sqlite).expect("open");
    conn.execute_batch("CREATE TABLE t (a); INSERT INTO t VALUES (1);")
        .expect("schema");
    drop(conn);
    assert_eq!(problem(&sqlite), Problem::NoTilesTable);
}

#[test]
fn truncated_and_patched_pmtiles_are_refused() {
    let dir = tmp();
    let path = pmtiles_file(dir.path(), "whole.pmtiles");
    let bytes = std::fs::read(&path).expect("read");
    let cut = dir.path().join("cut.pmtiles");
    for len in [10, 126, 127, 200, bytes.len() - 1] {
        std::fs::write(&cut, &bytes[..len]).expect("write");
        let p = problem(&cut);
        assert!(matches!(p, Problem::Truncated(_)), "cut at {len}: {p}");
    }
    let patched = dir.path().join("patched.pmtiles");
    let with = |at: usize, v: u8| {
        let mut b = bytes.clone();
        b[at] = v;
        std::fs::write(&patched, b).expect("write");
        problem(&patched)
    };
    assert!(matches!(with(7, 2), Problem::Unsupported(_)), "version 2");
    assert!(
        matches!(with(99, 0), Problem::UnknownFormat(_)),
        "tile type unknown"
    );
    assert!(
        matches!(with(97, 3), Problem::Unsupported(_)),
        "brotli directories"
    );
}

#[test]
fn a_catalog_gives_unique_ids() {
    let dir = tmp();
    let a = pmtiles_file(dir.path(), "Sector.pmtiles");
    let sub = dir.path().join("b");
    std::fs::create_dir(&sub).expect("mkdir");
    let b = pmtiles_file(&sub, "sector.pmtiles");
    let c = dir.path().join("sector.mbtiles");
    write_mbtiles(&c, "S", "png", &three_tiles()).expect("write");
    let odd = dir.path().join("--.pmtiles");
    std::fs::copy(&a, &odd).expect("copy");
    let open = |p: &Path| Basemap::open(p).expect("opens");
    let cat = Catalog::new(vec![open(&a), open(&b), open(&c), open(&odd)]);
    let ids: Vec<&str> = cat.iter().map(|m| m.id()).collect();
    assert_eq!(ids, ["sector", "sector-2", "sector-3", "basemap"]);
    assert_eq!(cat.get("sector-2").map(|m| m.path()), Some(b.as_path()));
    assert!(cat.get("nope").is_none());
    assert_eq!(cat, cat.clone());
    assert_ne!(cat, Catalog::default());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_never_panic(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        prefix in 0usize..3,
    ) {
        let dir = tmp();
        let path = dir.path().join("random.bin");
        let mut bytes = match prefix {
            0 => Vec::new(),
            1 => b"PMTiles\x03".to_vec(),
            _ => mbtiles::MAGIC.to_vec(),
        };
        bytes.extend_from_slice(&body);
        std::fs::write(&path, &bytes).expect("write");
        if let Ok(m) = Basemap::open(&path) {
            let _ = m.tile(0, 0, 0);
            let _ = m.tile(3, 1, 6);
        }
    }

    #[test]
    fn corrupted_archives_never_panic(at in 0usize..4096, v in any::<u8>(), n in 1usize..8) {
        let dir = tmp();
        let path = pmtiles_file(dir.path(), "c.pmtiles");
        let mut bytes = std::fs::read(&path).expect("read");
        let len = bytes.len();
        for i in 0..n {
            bytes[(at + i * 31) % len] = v;
        }
        std::fs::write(&path, &bytes).expect("write");
        if let Ok(m) = Basemap::open(&path) {
            for ((z, x, y), _) in three_tiles() {
                let _ = m.tile(z, x, y);
            }
        }
    }
}
