//! The layout of a log directory, shared by the log, the verifier and the exporter.
//!
//! ```text
//! dir/audit.jsonl                    one canonical record per line, append-only
//! dir/checkpoints/<size, 20 digits>  one signed checkpoint note per file
//! dir/verifier.keys                  the verifier key(s) that sign checkpoints, one a line
//! ```
//!
//! A checkpoint is written to `<name>.tmp`, synced, then renamed, so a crash leaves
//! either the whole note or none: there is no torn checkpoint to repair. The zero-padded
//! size makes the files sort by size.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use crate::keys::VerifierKey;
use crate::note::MAX_NOTE;

/// The records file in a log directory.
pub const RECORDS_FILE: &str = "audit.jsonl";
/// The directory of signed checkpoints in a log directory.
pub const CHECKPOINTS_DIR: &str = "checkpoints";
/// The verifier keys file in a log directory.
pub const KEYS_FILE: &str = "verifier.keys";

/// One checkpoint file as found on disk.
pub(crate) struct StoredCheckpoint {
    /// The size its file name gives.
    pub(crate) size: u64,
    /// `checkpoints/<name>`, for messages.
    pub(crate) label: String,
    /// The note, or why it could not be read as text.
    pub(crate) note: Result<String, String>,
}

/// The file name of the checkpoint of `size` records.
pub(crate) fn checkpoint_name(size: u64) -> String {
    format!("{size:020}")
}

/// Reads every checkpoint file, sorted by size; other names are returned apart.
pub(crate) fn read_checkpoints(dir: &Path) -> io::Result<(Vec<StoredCheckpoint>, Vec<String>)> {
    let cdir = dir.join(CHECKPOINTS_DIR);
    let mut found = Vec::new();
    let mut strays = Vec::new();
    let entries = match fs::read_dir(&cdir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((found, strays)),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".tmp") {
            continue;
        }
        let size = (name.len() == 20 && name.bytes().all(|b| b.is_ascii_digit()))
            .then(|| name.parse::<u64>().ok())
            .flatten();
        let Some(size) = size else {
            strays.push(format!("{CHECKPOINTS_DIR}/{name}"));
            continue;
        };
        let mut bytes = Vec::new();
        File::open(entry.path())?
            .take(MAX_NOTE as u64 + 1)
            .read_to_end(&mut bytes)?;
        let note = String::from_utf8(bytes).map_err(|_| "note is not UTF-8".to_owned());
        found.push(StoredCheckpoint {
            size,
            label: format!("{CHECKPOINTS_DIR}/{name}"),
            note,
        });
    }
    found.sort_by_key(|c| c.size);
    Ok((found, strays))
}

/// Writes a checkpoint note durably: temp file, fsync, rename, fsync of the directory.
pub(crate) fn write_checkpoint(dir: &Path, size: u64, note: &str) -> io::Result<PathBuf> {
    let cdir = dir.join(CHECKPOINTS_DIR);
    let path = cdir.join(checkpoint_name(size));
    let tmp = cdir.join(format!("{}.tmp", checkpoint_name(size)));
    let mut f = File::create(&tmp)?;
    f.write_all(note.as_bytes())?;
    f.sync_all()?;
    drop(f);
    fs::rename(&tmp, &path)?;
    sync_dir(&cdir)?;
    Ok(path)
}

/// Makes a rename or a new file in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Removes temp files a crash left behind in `checkpoints/`.
pub(crate) fn remove_temps(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir.join(CHECKPOINTS_DIR))? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().ends_with(".tmp") {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// The key texts in `verifier.keys` (empty when the file is missing).
pub(crate) fn read_keys(dir: &Path) -> io::Result<Vec<String>> {
    let mut text = String::new();
    match File::open(dir.join(KEYS_FILE)) {
        Ok(f) => {
            f.take(MAX_NOTE as u64).read_to_string(&mut text)?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Adds `key` to `verifier.keys` unless it is there; returns true when it was added
/// while other keys were already listed (the signing key changed).
pub(crate) fn ensure_key(dir: &Path, key: &VerifierKey) -> io::Result<bool> {
    let keys = read_keys(dir)?;
    let text = key.to_text();
    if keys.contains(&text) {
        return Ok(false);
    }
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(KEYS_FILE))?;
    f.write_all(format!("{text}\n").as_bytes())?;
    f.sync_all()?;
    sync_dir(dir)?;
    Ok(!keys.is_empty())
}
