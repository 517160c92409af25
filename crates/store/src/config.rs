//! Settings of the store and its writer thread.

use std::path::PathBuf;

/// Seven days in milliseconds, the default history retention.
const SEVEN_DAYS_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Where the store lives and how the writer batches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Path of the SQLite file; missing parent folders are created.
    pub path: PathBuf,
    /// How long history rows are kept, in milliseconds of server time
    /// (default seven days). Zero or negative keeps nothing older than "now".
    pub retention_ms: i64,
    /// Most records written in one transaction (default 1000).
    pub batch_max: usize,
    /// Longest time a queued record waits before its batch is written, in
    /// milliseconds (default 200).
    pub flush_interval_ms: u64,
    /// Capacity of the writer's queue in records (default 100 000); beyond it
    /// records are refused, not buffered.
    pub queue_capacity: usize,
}

impl Config {
    /// The defaults, storing at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Config {
            path: path.into(),
            retention_ms: SEVEN_DAYS_MS,
            batch_max: 1000,
            flush_interval_ms: 200,
            queue_capacity: 100_000,
        }
    }
}

impl Default for Config {
    /// The defaults, storing at `watchfloor.sqlite` in the working folder.
    fn default() -> Self {
        Config::new("watchfloor.sqlite")
    }
}
