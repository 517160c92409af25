//! PMTiles v3 read in place: the 127-byte header, the root directory kept
//! in memory, leaf directories read when a tile needs them (the last few
//! kept), tiles read with positional reads of the one open file.
//!
//! Every length and offset comes from the file and is checked before use:
//! a truncated copy or random bytes are refused at open, never a panic.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::Problem;
use crate::{read_exact_at, Format, MAX_ZOOM};

/// The fixed header's length, bytes.
pub(crate) const HEADER_LEN: usize = 127;
/// The first bytes of every PMTiles archive.
pub(crate) const MAGIC: &[u8; 7] = b"PMTiles";
/// Largest directory read from the file, bytes (a leaf holds a few
/// thousand entries; planet-scale leaves stay well under a megabyte).
const MAX_DIR_STORED: u64 = 16 << 20;
/// Largest directory once decompressed, bytes: a gzip bomb stops here.
const MAX_DIR_BYTES: u64 = 64 << 20;
/// Largest metadata read; bigger metadata is left unread (it only names).
const MAX_METADATA: u64 = 4 << 20;
/// Root plus leaves: the spec's writers use two levels, three at most.
const MAX_DEPTH: usize = 4;
/// Leaf directories kept decoded; a map view touches a handful at a time.
const LEAF_CACHE: usize = 64;
/// Largest tile served, bytes.
pub(crate) const MAX_TILE_BYTES: u32 = 32 << 20;

/// A compression byte of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    Unknown,
    None,
    Gzip,
    Brotli,
    Zstd,
}

impl Compression {
    fn from_byte(b: u8) -> Result<Compression, Problem> {
        Ok(match b {
            0 => Compression::Unknown,
            1 => Compression::None,
            2 => Compression::Gzip,
            3 => Compression::Brotli,
            4 => Compression::Zstd,
            _ => {
                return Err(Problem::Corrupt(format!(
                    "compression byte {b} is not defined"
                )))
            }
        })
    }

    /// The HTTP `Content-Encoding` of data stored so.
    fn encoding(self) -> Option<&'static str> {
        match self {
            Compression::Gzip => Some("gzip"),
            Compression::Brotli => Some("br"),
            Compression::Zstd => Some("zstd"),
            Compression::Unknown | Compression::None => None,
        }
    }
}

/// Where a part of the archive lies, bytes.
#[derive(Debug, Clone, Copy)]
struct Section {
    offset: u64,
    length: u64,
}

/// The header's fields this reader uses.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    root: Section,
    metadata: Section,
    leaves: Section,
    data: Section,
    internal: Compression,
    tiles: Compression,
    pub(crate) format: Format,
    pub(crate) min_zoom: u8,
    pub(crate) max_zoom: u8,
    /// West, south, east, north, WGS-84 degrees.
    pub(crate) bounds: Option<[f64; 4]>,
}

fn u64_at(b: &[u8; HEADER_LEN], at: usize) -> u64 {
    let mut v = [0u8; 8];
    v.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(v)
}

fn i32_at(b: &[u8; HEADER_LEN], at: usize) -> i32 {
    let mut v = [0u8; 4];
    v.copy_from_slice(&b[at..at + 4]);
    i32::from_le_bytes(v)
}

/// Decodes the fixed header and checks every section against the file's
/// length `size`.
pub(crate) fn parse_header(b: &[u8; HEADER_LEN], size: u64) -> Result<Header, Problem> {
    if &b[..7] != MAGIC {
        return Err(Problem::NotAnArchive("no PMTiles magic".into()));
    }
    if b[7] != 3 {
        return Err(Problem::Unsupported(format!(
            "spec version {}; only version 3 is read",
            b[7]
        )));
    }
    let section = |name: &str, at: usize| -> Result<Section, Problem> {
        let s = Section {
            offset: u64_at(b, at),
            length: u64_at(b, at + 8),
        };
        match s.offset.checked_add(s.length) {
            Some(end) if end <= size => Ok(s),
            _ => Err(Problem::Truncated(format!(
                "the {name} ends past the end of the file ({size} bytes)"
            ))),
        }
    };
    let internal = Compression::from_byte(b[97])?;
    if !matches!(internal, Compression::None | Compression::Gzip) {
        return Err(Problem::Unsupported(format!(
            "directories compressed as {internal:?}; only gzip and none are read"
        )));
    }
    let format = match b[99] {
        1 => Format::Mvt,
        2 => Format::Png,
        3 => Format::Jpg,
        4 => Format::Webp,
        5 => Format::Avif,
        t => return Err(Problem::UnknownFormat(format!("PMTiles tile type {t}"))),
    };
    let (min_zoom, max_zoom) = (b[100], b[101]);
    if min_zoom > max_zoom || max_zoom > MAX_ZOOM {
        return Err(Problem::Corrupt(format!(
            "zoom levels {min_zoom} to {max_zoom}"
        )));
    }
    let e7 = |at: usize| f64::from(i32_at(b, at)) / 1e7;
    let bounds = [e7(102), e7(106), e7(110), e7(114)];
    let bounds = (bounds[0] < bounds[2] && bounds[1] < bounds[3]).then_some(bounds);
    Ok(Header {
        root: section("root directory", 8)?,
        metadata: section("metadata", 24)?,
        leaves: section("leaf directories", 40)?,
        data: section("tile data", 56)?,
        internal,
        tiles: Compression::from_byte(b[98])?,
        format,
        min_zoom,
        max_zoom,
        bounds,
    })
}

/// One directory entry: a run of tiles, or (run length 0) a leaf directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    tile_id: u64,
    offset: u64,
    length: u32,
    run_length: u32,
}

/// Reads LEB128 varints off a slice.
struct Varints<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Varints<'_> {
    fn next(&mut self) -> Result<u64, Problem> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(Problem::Corrupt("a directory ends inside a number".into()));
            };
            self.pos += 1;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                break;
            }
            value |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Problem::Corrupt(
            "a directory number overflows 64 bits".into(),
        ))
    }

    fn next_u32(&mut self, what: &str) -> Result<u32, Problem> {
        u32::try_from(self.next()?)
            .map_err(|_| Problem::Corrupt(format!("a directory {what} overflows 32 bits")))
    }
}

/// Decodes a directory (already decompressed): the entry count, then the
/// tile id deltas, run lengths, lengths and offsets, each column in turn.
fn decode_directory(bytes: &[u8]) -> Result<Vec<Entry>, Problem> {
    let mut r = Varints { bytes, pos: 0 };
    let n = r.next()?;
    // Each entry takes at least one byte in each of four columns: a count
    // beyond that is a lie, and must not size an allocation.
    let n = usize::try_from(n)
        .ok()
        .filter(|n| n.saturating_mul(4) <= bytes.len())
        .ok_or_else(|| Problem::Corrupt(format!("a directory claims {n} entries")))?;
    let mut entries = Vec::with_capacity(n);
    let mut id = 0u64;
    for i in 0..n {
        let delta = r.next()?;
        if i > 0 && delta == 0 {
            return Err(Problem::Corrupt("a directory repeats a tile id".into()));
        }
        id = id
            .checked_add(delta)
            .ok_or_else(|| Problem::Corrupt("a directory tile id overflows".into()))?;
        entries.push(Entry {
            tile_id: id,
            offset: 0,
            length: 0,
            run_length: 0,
        });
    }
    for e in &mut entries {
        e.run_length = r.next_u32("run length")?;
    }
    for e in &mut entries {
        e.length = r.next_u32("length")?;
        if e.length == 0 {
            return Err(Problem::Corrupt("a directory entry has length 0".into()));
        }
    }
    for i in 0..entries.len() {
        let v = r.next()?;
        entries[i].offset = match (v, i) {
            (0, 0) => return Err(Problem::Corrupt("the first entry has no offset".into())),
            // 0 means "right after the previous entry", which clustered
            // archives use for almost every tile.
            (0, _) => {
                let p = entries[i - 1];
                p.offset
                    .checked_add(u64::from(p.length))
                    .ok_or_else(|| Problem::Corrupt("a directory offset overflows".into()))?
            }
            (v, _) => v - 1,
        };
    }
    Ok(entries)
}

/// The entry that holds `id`: a tile run containing it, or the leaf
/// directory that covers it.
fn find(entries: &[Entry], id: u64) -> Option<Entry> {
    let i = entries.partition_point(|e| e.tile_id <= id);
    let e = *entries.get(i.checked_sub(1)?)?;
    (e.run_length == 0 || id - e.tile_id < u64::from(e.run_length)).then_some(e)
}

/// The PMTiles tile id of `z/x/y`: the tiles of lower zooms, then the
/// position on the zoom's Hilbert curve. `None` for an address no
/// pyramid has.
pub(crate) fn tile_id(z: u8, x: u32, y: u32) -> Option<u64> {
    if z > MAX_ZOOM {
        return None;
    }
    let n = 1u64 << z;
    let (mut x, mut y) = (u64::from(x), u64::from(y));
    if x >= n || y >= n {
        return None;
    }
    let below = ((1u64 << (2 * u32::from(z))) - 1) / 3;
    let mut d = 0u64;
    let mut s = n / 2;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d += s * s * ((3 * rx) ^ ry);
        // Rotate the quadrant so the curve's sub-square starts where the
        // parent's left off.
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    Some(below + d)
}

/// A tile's stored bytes and their HTTP `Content-Encoding`, if any.
pub(crate) type Stored = (Vec<u8>, Option<&'static str>);

/// An open PMTiles archive.
#[derive(Debug)]
pub(crate) struct Pmtiles {
    header: Header,
    root: Vec<Entry>,
    leaves: Mutex<HashMap<u64, Arc<[Entry]>>>,
}

/// What the archive's JSON metadata says.
#[derive(Debug, Default)]
pub(crate) struct Meta {
    pub(crate) name: Option<String>,
    pub(crate) attribution: Option<String>,
    pub(crate) vector_layers: Vec<String>,
}

impl Pmtiles {
    /// Reads the header and root directory of the archive in `file`
    /// (`size` bytes long).
    pub(crate) fn open(file: &File, size: u64) -> Result<(Pmtiles, Meta), Problem> {
        let mut b = [0u8; HEADER_LEN];
        if size < HEADER_LEN as u64 {
            return Err(Problem::Truncated(format!(
                "the header is {HEADER_LEN} bytes and the file {size}"
            )));
        }
        read_exact_at(file, &mut b, 0).map_err(|e| Problem::Unreadable(e.to_string()))?;
        let header = parse_header(&b, size)?;
        let root = read_directory(file, &header, header.root)?;
        let meta = read_meta(file, &header);
        let p = Pmtiles {
            header,
            root,
            leaves: Mutex::new(HashMap::new()),
        };
        Ok((p, meta))
    }

    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    /// The stored bytes of tile `z/x/y` and their `Content-Encoding`, or
    /// `None` when the archive has no such tile.
    pub(crate) fn tile(
        &self,
        file: &File,
        z: u8,
        x: u32,
        y: u32,
    ) -> Result<Option<Stored>, Problem> {
        let id = tile_id(z, x, y).ok_or(Problem::BadCoordinates { z, x, y })?;
        let mut found = find(&self.root, id);
        for _ in 0..MAX_DEPTH {
            let Some(e) = found else {
                return Ok(None);
            };
            if e.run_length > 0 {
                return self.read_tile(file, e).map(Some);
            }
            let leaf = self.leaf(file, e)?;
            found = find(&leaf, id);
        }
        Err(Problem::Corrupt(format!(
            "leaf directories nested deeper than {MAX_DEPTH}"
        )))
    }

    fn read_tile(&self, file: &File, e: Entry) -> Result<(Vec<u8>, Option<&'static str>), Problem> {
        let data = self.header.data;
        let end = e.offset.checked_add(u64::from(e.length));
        if end.is_none_or(|end| end > data.length) {
            return Err(Problem::Corrupt(format!(
                "tile {} lies outside the tile data",
                e.tile_id
            )));
        }
        if e.length > MAX_TILE_BYTES {
            return Err(Problem::Corrupt(format!(
                "tile {} has {} bytes",
                e.tile_id, e.length
            )));
        }
        let mut buf = vec![0u8; e.length as usize];
        read_exact_at(file, &mut buf, data.offset + e.offset)
            .map_err(|err| Problem::Unreadable(err.to_string()))?;
        let encoding = match self.header.tiles {
            // Writers that leave it unknown still gzip vector tiles; the
            // magic bytes tell.
            Compression::Unknown if buf.starts_with(&[0x1f, 0x8b]) => Some("gzip"),
            c => c.encoding(),
        };
        Ok((buf, encoding))
    }

    fn leaf(&self, file: &File, e: Entry) -> Result<Arc<[Entry]>, Problem> {
        let lock = || self.leaves.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(l) = lock().get(&e.offset) {
            return Ok(l.clone());
        }
        let leaves = self.header.leaves;
        let inside = e
            .offset
            .checked_add(u64::from(e.length))
            .is_some_and(|end| end <= leaves.length);
        if !inside {
            return Err(Problem::Corrupt(
                "a leaf directory lies outside its section".into(),
            ));
        }
        let at = Section {
            offset: leaves.offset + e.offset,
            length: u64::from(e.length),
        };
        let entries: Arc<[Entry]> = read_directory(file, &self.header, at)?.into();
        let mut cache = lock();
        if cache.len() >= LEAF_CACHE {
            cache.clear();
        }
        cache.insert(e.offset, entries.clone());
        Ok(entries)
    }
}

/// Reads, decompresses and decodes the directory at `at`.
fn read_directory(file: &File, h: &Header, at: Section) -> Result<Vec<Entry>, Problem> {
    if at.length == 0 {
        return Ok(Vec::new());
    }
    if at.length > MAX_DIR_STORED {
        return Err(Problem::Corrupt(format!(
            "a directory of {} bytes",
            at.length
        )));
    }
    let raw = read_section(file, at)?;
    let bytes = decompress(h.internal, raw, MAX_DIR_BYTES)
        .map_err(|e| Problem::Corrupt(format!("a directory does not decompress: {e}")))?;
    decode_directory(&bytes)
}

fn read_section(file: &File, at: Section) -> Result<Vec<u8>, Problem> {
    let len = usize::try_from(at.length)
        .map_err(|_| Problem::Corrupt(format!("a section of {} bytes", at.length)))?;
    let mut raw = vec![0u8; len];
    read_exact_at(file, &mut raw, at.offset).map_err(|e| Problem::Unreadable(e.to_string()))?;
    Ok(raw)
}

/// The metadata's name, attribution and vector layers. Metadata only
/// describes, so metadata that is too big or does not parse is left out
/// rather than refusing tiles that read fine.
fn read_meta(file: &File, h: &Header) -> Meta {
    let m = h.metadata;
    if m.length == 0 || m.length > MAX_METADATA {
        return Meta::default();
    }
    let json = read_section(file, m)
        .ok()
        .and_then(|raw| decompress(h.internal, raw, MAX_METADATA).ok())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
    json.map(|v| crate::meta_from_json(&v)).unwrap_or_default()
}

/// `raw` decompressed, at most `limit` bytes of it.
fn decompress(c: Compression, raw: Vec<u8>, limit: u64) -> Result<Vec<u8>, String> {
    match c {
        Compression::None | Compression::Unknown => Ok(raw),
        Compression::Gzip => {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(raw.as_slice())
                .take(limit + 1)
                .read_to_end(&mut out)
                .map_err(|e| e.to_string())?;
            if out.len() as u64 > limit {
                return Err(format!("more than {limit} bytes"));
            }
            Ok(out)
        }
        other => Err(format!("{other:?} is not read")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_ids_follow_the_spec() {
        // Values from the PMTiles v3 specification's examples.
        assert_eq!(tile_id(0, 0, 0), Some(0));
        assert_eq!(tile_id(1, 0, 0), Some(1));
        assert_eq!(tile_id(1, 0, 1), Some(2));
        assert_eq!(tile_id(1, 1, 1), Some(3));
        assert_eq!(tile_id(1, 1, 0), Some(4));
        assert_eq!(tile_id(2, 0, 0), Some(5));
        assert_eq!(tile_id(1, 2, 0), None);
        assert_eq!(tile_id(32, 0, 0), None);
        assert!(tile_id(MAX_ZOOM, u32::MAX >> 1, u32::MAX >> 1).is_some());
    }

    #[test]
    fn ids_agree_with_an_independent_writer() {
        for (z, x, y) in [
            (3u8, 5u32, 2u32),
            (7, 100, 27),
            (12, 4000, 17),
            (20, 1, 999_999),
        ] {
            let coord = pmtiles::TileCoord::new(z, x, y).expect("valid");
            let theirs = u64::from(pmtiles::TileId::from(coord));
            assert_eq!(tile_id(z, x, y), Some(theirs), "{z}/{x}/{y}");
        }
    }

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    #[test]
    fn directories_decode_and_lies_are_refused() {
        let mut d = Vec::new();
        for v in [3, 0, 1, 5, 1, 2, 0, 10, 20, 30, 1, 0, 40] {
            varint(v, &mut d);
        }
        let e = decode_directory(&d).expect("decodes");
        assert_eq!(e.len(), 3);
        assert_eq!((e[1].tile_id, e[1].offset, e[1].run_length), (1, 10, 2));
        assert_eq!((e[2].tile_id, e[2].offset), (6, 39));
        assert_eq!(find(&e, 2).map(|e| e.tile_id), Some(1));
        assert_eq!(find(&e, 4), None, "past the run of tile 1");
        assert_eq!(
            find(&e, 1000).map(|e| e.tile_id),
            Some(6),
            "a leaf covers the rest"
        );
        let mut lie = Vec::new();
        varint(1 << 40, &mut lie);
        assert!(decode_directory(&lie).is_err());
        assert!(decode_directory(&[0xff; 12]).is_err());
        assert!(decode_directory(&d[..d.len() - 1]).is_err());
    }
}
