//! [`BasemapError`]: why an archive cannot be opened or read, as one line
//! that names the file.

use std::path::{Path, PathBuf};

/// An archive that cannot be opened or read: the file, and what is wrong
/// with it. Its text is one line, `FILE: what is wrong`, fit for a start-up
/// error or a log line.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", .path.display())]
pub struct BasemapError {
    /// The archive as it was given.
    pub path: PathBuf,
    /// What is wrong with it.
    pub problem: Problem,
}

impl BasemapError {
    pub(crate) fn new(path: &Path, problem: Problem) -> BasemapError {
        BasemapError {
            path: path.to_path_buf(),
            problem,
        }
    }
}

/// What is wrong with an archive. At open every variant but the last two
/// refuses the file; a server answers `BadCoordinates` and `BadRange` with
/// a client error and the rest with a server error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The operating system refused to open or read it.
    #[error("cannot read it ({0})")]
    Unreadable(String),
    /// A folder or a device, not a regular file.
    #[error("not a file")]
    NotAFile,
    /// Neither the PMTiles magic nor the SQLite header.
    #[error("not a PMTiles or MBTiles archive ({0})")]
    NotAnArchive(String),
    /// A PMTiles archive cut short: its header or a section ends past the
    /// end of the file (an interrupted copy).
    #[error("truncated PMTiles archive ({0})")]
    Truncated(String),
    /// A PMTiles archive whose header or directories do not decode.
    #[error("corrupt PMTiles archive ({0})")]
    Corrupt(String),
    /// A PMTiles archive of a version or compression this reader lacks.
    #[error("unsupported PMTiles archive ({0})")]
    Unsupported(String),
    /// An SQLite file with no `tiles` table or view.
    #[error("MBTiles without a tiles table")]
    NoTilesTable,
    /// An SQLite file that SQLite cannot query as MBTiles.
    #[error("unreadable MBTiles ({0})")]
    Sqlite(String),
    /// Tiles of a format neither MapLibre nor ATAK draws, or none said.
    #[error("unknown tile format ({0})")]
    UnknownFormat(String),
    /// A tile address that no tile pyramid has (x or y beyond `2^z - 1`).
    #[error("no tile {z}/{x}/{y} can exist")]
    BadCoordinates {
        /// Zoom level.
        z: u8,
        /// Column.
        x: u32,
        /// Row, counted from the north (XYZ).
        y: u32,
    },
    /// A byte range outside the archive, or longer than one read may be.
    #[error("bytes {offset}+{len} are not a readable range of the {size}-byte archive")]
    BadRange {
        /// First byte asked for.
        offset: u64,
        /// Bytes asked for.
        len: u64,
        /// The archive's length, bytes.
        size: u64,
    },
}
