//! Offline basemaps: tile archives the deployment brings, read where they
//! lie, never unpacked.
//!
//! - [`Basemap::open`] opens a PMTiles v3 archive or an MBTiles database
//!   and checks it then (header, sections against the file's length, root
//!   directory, tiles table, tile format), so a bad file stops a server at
//!   start with one line instead of failing on the first map view;
//! - [`Basemap::info`] describes it for a map client (kind, format, zoom
//!   levels, bounds, attribution, vector layers);
//! - [`Basemap::tile`] reads one tile as stored, with its content type and
//!   encoding; [`Basemap::read_range`] reads raw bytes of the archive for
//!   clients that read PMTiles themselves;
//! - [`Catalog`] holds several and gives each a unique id.
//!
//! Reads are blocking file or SQLite reads; an async caller runs them on
//! its blocking pool. No tokio here.

mod error;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
mod mbtiles;
mod pmtiles;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{BasemapError, Problem};

use crate::pmtiles::Meta;

/// The deepest zoom level any archive may have (tile ids stay in 64 bits).
pub const MAX_ZOOM: u8 = 31;
/// The most bytes one [`Basemap::read_range`] returns.
pub const MAX_RANGE: u64 = 4 << 20;

/// Whether the tiles are pictures or vector data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Pictures: what ATAK's map sources and any web map draw.
    Raster,
    /// Mapbox vector tiles: drawn by MapLibre with a style.
    Vector,
}

/// How one tile is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// PNG picture.
    Png,
    /// JPEG picture.
    Jpg,
    /// WebP picture.
    Webp,
    /// AVIF picture.
    Avif,
    /// Mapbox vector tile, as MBTiles names it.
    Pbf,
    /// Mapbox vector tile, as PMTiles names it.
    Mvt,
}

impl Format {
    /// Pictures or vector data.
    pub fn kind(self) -> Kind {
        match self {
            Format::Pbf | Format::Mvt => Kind::Vector,
            _ => Kind::Raster,
        }
    }

    /// The HTTP `Content-Type` of a tile.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpg => "image/jpeg",
            Format::Webp => "image/webp",
            Format::Avif => "image/avif",
            Format::Pbf | Format::Mvt => "application/vnd.mapbox-vector-tile",
        }
    }

    /// The file extension a tile URL may carry (`png`, `jpg`, `pbf`...).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpg => "jpg",
            Format::Webp => "webp",
            Format::Avif => "avif",
            Format::Pbf => "pbf",
            Format::Mvt => "mvt",
        }
    }
}

/// Which container the archive is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Archive {
    /// PMTiles v3: one file, readable by byte ranges.
    Pmtiles,
    /// MBTiles: an SQLite database.
    Mbtiles,
}

/// What describes a basemap to a map client.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Info {
    /// Unique among the server's basemaps: the file stem in `[a-z0-9-]`,
    /// with `-2`, `-3`... added to the second and later of one stem.
    pub id: String,
    /// The archive's own name, or else the file stem.
    pub name: String,
    /// Pictures or vector data.
    pub kind: Kind,
    /// The tiles' encoding.
    pub format: Format,
    /// The container.
    pub archive: Archive,
    /// Shallowest zoom level with tiles.
    pub min_zoom: u8,
    /// Deepest zoom level with tiles.
    pub max_zoom: u8,
    /// West, south, east, north, WGS-84 degrees, when the archive says.
    pub bounds: Option<[f64; 4]>,
    /// The credit to show on the map, when the archive says.
    pub attribution: Option<String>,
    /// The vector layers' ids (empty for raster archives).
    pub vector_layers: Vec<String>,
    /// The archive file's length, bytes.
    pub bytes: u64,
}

/// One tile as stored, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tile {
    /// The stored bytes (still compressed when `content_encoding` says so).
    pub data: Vec<u8>,
    /// The HTTP `Content-Type`.
    pub content_type: &'static str,
    /// The HTTP `Content-Encoding` (`gzip` for most vector tiles), if any.
    pub content_encoding: Option<&'static str>,
}

#[derive(Debug)]
enum Reader {
    Pmtiles(pmtiles::Pmtiles),
    Mbtiles(mbtiles::Mbtiles),
}

/// An open tile archive. Shared between threads behind an `Arc`.
#[derive(Debug)]
pub struct Basemap {
    path: PathBuf,
    file: File,
    info: Info,
    reader: Reader,
}

impl Basemap {
    /// Opens and checks the PMTiles or MBTiles archive at `path` (which is
    /// told apart by its first bytes, not its name).
    pub fn open(path: impl AsRef<Path>) -> Result<Basemap, BasemapError> {
        let path = path.as_ref();
        let fail = |p: Problem| BasemapError::new(path, p);
        let unreadable = |e: std::io::Error| fail(Problem::Unreadable(io_reason(&e)));
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        if !meta.is_file() {
            return Err(fail(Problem::NotAFile));
        }
        let file = File::open(path).map_err(unreadable)?;
        let size = file.metadata().map_err(unreadable)?.len();
        let mut magic = [0u8; 16];
        let head = usize::try_from(size.min(16)).unwrap_or(16);
        read_exact_at(&file, &mut magic[..head], 0).map_err(unreadable)?;
        let head = &magic[..head];
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (reader, info) = if head.starts_with(pmtiles::MAGIC) {
            let (p, meta) = pmtiles::Pmtiles::open(&file, size).map_err(fail)?;
            let h = p.header();
            let info = info(
                &stem,
                meta,
                h.format,
                Archive::Pmtiles,
                (h.min_zoom, h.max_zoom, h.bounds),
                size,
            );
            (Reader::Pmtiles(p), info)
        } else if head == mbtiles::MAGIC {
            let (m, d) = mbtiles::Mbtiles::open(path).map_err(fail)?;
            let info = info(
                &stem,
                d.meta,
                d.format,
                Archive::Mbtiles,
                (d.min_zoom, d.max_zoom, d.bounds),
                size,
            );
            (Reader::Mbtiles(m), info)
        } else {
            let what = if size == 0 {
                "the file is empty".to_string()
            } else {
                format!("it starts with bytes {}", hex_prefix(head))
            };
            return Err(fail(Problem::NotAnArchive(what)));
        };
        Ok(Basemap {
            path: path.to_path_buf(),
            file,
            info,
            reader,
        })
    }

    /// What describes it.
    pub fn info(&self) -> &Info {
        &self.info
    }

    /// The id (see [`Info::id`]).
    pub fn id(&self) -> &str {
        &self.info.id
    }

    /// The file it was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Tile `z/x/y` (XYZ: `y` counted from the north), or `None` when the
    /// archive has none there. An address no pyramid has (`x` or `y`
    /// beyond `2^z - 1`) is [`Problem::BadCoordinates`].
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Tile>, BasemapError> {
        let fail = |p: Problem| BasemapError::new(&self.path, p);
        if !valid_coordinates(z, x, y) {
            return Err(fail(Problem::BadCoordinates { z, x, y }));
        }
        if z < self.info.min_zoom || z > self.info.max_zoom {
            return Ok(None);
        }
        let format = self.info.format;
        let found = match &self.reader {
            Reader::Pmtiles(p) => p.tile(&self.file, z, x, y).map_err(fail)?,
            Reader::Mbtiles(m) => m.tile(z, x, y).map_err(fail)?.map(|data| {
                // MBTiles does not record tile compression; vector tiles
                // are gzipped by nearly every tool, and the magic tells.
                let gz = format.kind() == Kind::Vector && data.starts_with(&[0x1f, 0x8b]);
                (data, gz.then_some("gzip"))
            }),
        };
        Ok(found.map(|(data, content_encoding)| Tile {
            data,
            content_type: format.content_type(),
            content_encoding,
        }))
    }

    /// `len` bytes of the archive file from `offset`, read in place. The
    /// range must lie inside the file and be at most [`MAX_RANGE`] long.
    pub fn read_range(&self, offset: u64, len: u64) -> Result<Vec<u8>, BasemapError> {
        let size = self.info.bytes;
        let bad = Problem::BadRange { offset, len, size };
        let inside = offset.checked_add(len).is_some_and(|end| end <= size);
        if !inside || len > MAX_RANGE {
            return Err(BasemapError::new(&self.path, bad));
        }
        let mut buf = vec![0u8; usize::try_from(len).unwrap_or(0)];
        read_exact_at(&self.file, &mut buf, offset)
            .map_err(|e| BasemapError::new(&self.path, Problem::Unreadable(io_reason(&e))))?;
        Ok(buf)
    }
}

/// Whether some tile pyramid has `z/x/y`.
pub fn valid_coordinates(z: u8, x: u32, y: u32) -> bool {
    z <= MAX_ZOOM && u64::from(x) < 1u64 << z && u64::from(y) < 1u64 << z
}

fn info(
    stem: &str,
    meta: Meta,
    format: Format,
    archive: Archive,
    (min_zoom, max_zoom, bounds): (u8, u8, Option<[f64; 4]>),
    bytes: u64,
) -> Info {
    let name = meta
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| stem.to_string());
    Info {
        id: id_of(stem),
        name,
        kind: format.kind(),
        format,
        archive,
        min_zoom,
        max_zoom,
        bounds,
        attribution: meta.attribution.filter(|a| !a.trim().is_empty()),
        vector_layers: meta.vector_layers,
        bytes,
    }
}

/// A file stem as an id: lower case ASCII letters, digits and single
/// dashes, so it is safe in a URL path and an XML file without escaping.
fn id_of(stem: &str) -> String {
    let mut id = String::new();
    for c in stem.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "basemap".to_string()
    } else {
        id.chars().take(64).collect()
    }
}

/// The name, attribution and vector layer ids of a TileJSON-like object
/// (PMTiles metadata; MBTiles' `json` row).
pub(crate) fn meta_from_json(v: &serde_json::Value) -> Meta {
    let text = |k: &str| v.get(k).and_then(|s| s.as_str()).map(str::to_string);
    let vector_layers = v
        .get("vector_layers")
        .and_then(|l| l.as_array())
        .map(|l| {
            l.iter()
                .filter_map(|x| x.get("id").and_then(|i| i.as_str()))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Meta {
        name: text("name"),
        attribution: text("attribution"),
        vector_layers,
    }
}

/// The format of a tile told by its first bytes (gzip: a vector tile).
pub(crate) fn sniff(data: &[u8]) -> Option<Format> {
    if data.starts_with(b"\x89PNG") {
        Some(Format::Png)
    } else if data.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(Format::Jpg)
    } else if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some(Format::Webp)
    } else if data.starts_with(&[0x1f, 0x8b]) {
        Some(Format::Pbf)
    } else {
        None
    }
}

fn hex_prefix(b: &[u8]) -> String {
    b.iter()
        .take(8)
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// An OS error in words.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::UnexpectedEof => "the file ended early".into(),
        _ => e.to_string(),
    }
}

/// Fills `buf` from `offset` without moving a shared cursor, so threads
/// read one file handle at once.
#[cfg(unix)]
pub(crate) fn read_exact_at(f: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, offset)
}

/// Fills `buf` from `offset` without moving a shared cursor, so threads
/// read one file handle at once.
#[cfg(windows)]
pub(crate) fn read_exact_at(f: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match f.seek_read(buf, offset) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The basemaps a server serves, each with a unique id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    maps: Vec<Arc<Basemap>>,
}

impl Catalog {
    /// Holds `maps` in the order given; the second and later archives of one
    /// id become `id-2`, `id-3`...
    pub fn new(maps: Vec<Basemap>) -> Catalog {
        let mut taken: Vec<String> = Vec::new();
        let mut out = Vec::with_capacity(maps.len());
        for mut m in maps {
            let base = m.info.id.clone();
            let mut id = base.clone();
            let mut n = 2;
            while taken.contains(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            taken.push(id.clone());
            m.info.id = id;
            out.push(Arc::new(m));
        }
        Catalog { maps: out }
    }

    /// The basemap with this id.
    pub fn get(&self, id: &str) -> Option<&Arc<Basemap>> {
        self.maps.iter().find(|m| m.id() == id)
    }

    /// Every basemap, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Basemap>> {
        self.maps.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.maps.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.maps.is_empty()
    }
}

/// Two catalogs are equal when they serve the same files under the same
/// ids (a configuration compared before and after a reload).
impl PartialEq for Catalog {
    fn eq(&self, other: &Catalog) -> bool {
        self.maps.len() == other.maps.len()
            && self
                .maps
                .iter()
                .zip(&other.maps)
                .all(|(a, b)| a.path == b.path && a.info == b.info)
    }
}

#[cfg(test)]
mod tests;
