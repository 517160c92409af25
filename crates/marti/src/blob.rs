//! Content-addressed file storage: `packages/<sha256>` plus `packages/tmp/` for uploads in
//! flight.
//!
//! An upload is written to a temporary file while it is hashed and counted; only a complete,
//! fsynced file is renamed to its hash, so a reader never sees a partial file, and a crash or a
//! dropped connection leaves at most a temporary file, removed by [`TempBlob`]'s `Drop` or by
//! [`Blobs::open`] on the next start.

use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::{ApiError, MartiError};

/// The package directory.
pub(crate) struct Blobs {
    dir: PathBuf,
    tmp: PathBuf,
}

impl Blobs {
    /// Creates `dir` and `dir/tmp` if missing and empties `dir/tmp`.
    pub(crate) fn open(dir: &Path) -> Result<Blobs, MartiError> {
        let tmp = dir.join("tmp");
        let io_err = |path: &Path| {
            let path = path.to_owned();
            move |source| MartiError::Io { path, source }
        };
        std::fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
        let mut removed = 0usize;
        for entry in std::fs::read_dir(&tmp).map_err(io_err(&tmp))? {
            let path = entry.map_err(io_err(&tmp))?.path();
            if path.is_file() {
                std::fs::remove_file(&path).map_err(io_err(&path))?;
                removed += 1;
            }
        }
        if removed > 0 {
            tracing::info!(removed, "removed unfinished uploads left by a previous run");
        }
        Ok(Blobs {
            dir: dir.to_owned(),
            tmp,
        })
    }

    /// Where the file with this (validated, lower-case hex) hash lives.
    pub(crate) fn path_of(&self, hash: &str) -> PathBuf {
        self.dir.join(hash)
    }

    /// Whether the file for `hash` is present.
    pub(crate) fn exists(&self, hash: &str) -> bool {
        self.path_of(hash).is_file()
    }

    /// Starts an upload of at most `limit` bytes.
    pub(crate) async fn begin(&self, limit: u64) -> Result<TempBlob, ApiError> {
        let path = self.tmp.join(format!("{}.part", uuid::Uuid::new_v4()));
        let file = tokio::fs::File::create(&path).await?;
        Ok(TempBlob {
            path: Some(path),
            file: Some(file),
            hasher: Sha256::new(),
            size: 0,
            limit,
        })
    }

    /// Moves a finished upload into place under its hash. If the same bytes are already
    /// stored, the existing file is kept and the temporary one dropped.
    pub(crate) fn commit(&self, blob: FinishedBlob) -> io::Result<()> {
        let mut blob = blob;
        let target = self.path_of(&blob.hash);
        let Some(tmp) = blob.temp.path.take() else {
            return Err(io::Error::other("upload already committed"));
        };
        if target.is_file() {
            return std::fs::remove_file(&tmp);
        }
        let moved = std::fs::rename(&tmp, &target);
        if moved.is_err() {
            // Best effort: the next start empties tmp/ anyway.
            let _ = std::fs::remove_file(&tmp);
        }
        moved?;
        // The rename is only durable once the directory entry is on disk.
        std::fs::File::open(&self.dir)?.sync_all()
    }
}

/// An upload being written; removed on drop unless committed.
pub(crate) struct TempBlob {
    path: Option<PathBuf>,
    file: Option<tokio::fs::File>,
    hasher: Sha256,
    size: u64,
    limit: u64,
}

impl TempBlob {
    /// Appends a chunk; 413 `too_large` once the total passes the limit.
    pub(crate) async fn write(&mut self, chunk: &[u8]) -> Result<(), ApiError> {
        self.size = self.size.saturating_add(chunk.len() as u64);
        if self.size > self.limit {
            return Err(ApiError::too_large(
                "too_large",
                format!("upload exceeds the limit of {} bytes", self.limit),
            ));
        }
        self.hasher.update(chunk);
        match self.file.as_mut() {
            Some(f) => Ok(f.write_all(chunk).await?),
            None => Err(ApiError::internal("write after finish")),
        }
    }

    /// Flushes and fsyncs the file and returns its hash and size.
    pub(crate) async fn finish(mut self) -> Result<FinishedBlob, ApiError> {
        let Some(mut file) = self.file.take() else {
            return Err(ApiError::internal("upload finished twice"));
        };
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let hash = hex::encode(std::mem::take(&mut self.hasher).finalize());
        Ok(FinishedBlob {
            hash,
            size: self.size,
            temp: self,
        })
    }
}

impl Drop for TempBlob {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            if let Err(e) = std::fs::remove_file(&path) {
                if e.kind() != io::ErrorKind::NotFound {
                    tracing::warn!(path = %path.display(), error = %e, "cannot remove unfinished upload");
                }
            }
        }
    }
}

/// A complete upload not yet moved into place.
pub(crate) struct FinishedBlob {
    /// SHA-256 of the content, lower-case hex.
    pub(crate) hash: String,
    /// Size in bytes.
    pub(crate) size: u64,
    temp: TempBlob,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[tokio::test]
    async fn write_commit_dedupe_and_cleanup() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path()).unwrap();
        let mut t = blobs.begin(10).await.unwrap();
        t.write(b"hello").await.unwrap();
        let f = t.finish().await.unwrap();
        assert_eq!(
            f.hash,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        let hash = f.hash.clone();
        blobs.commit(f).unwrap();
        assert_eq!(std::fs::read(blobs.path_of(&hash)).unwrap(), b"hello");

        let mut t = blobs.begin(10).await.unwrap();
        t.write(b"hello").await.unwrap();
        blobs.commit(t.finish().await.unwrap()).unwrap();
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );

        let mut t = blobs.begin(4).await.unwrap();
        assert_eq!(t.write(b"hello").await.unwrap_err().code, "too_large");
        drop(t);
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );

        std::fs::write(dir.path().join("tmp/left.part"), b"x").unwrap();
        let _ = Blobs::open(dir.path()).unwrap();
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );
    }
}
