//! Errors: [`MartiError`] for opening the API; every HTTP rejection is an [`ApiError`].

use std::path::PathBuf;

/// Why [`crate::Marti::open`] failed.
#[derive(Debug, thiserror::Error)]
pub enum MartiError {
    /// A directory or file under the data directory could not be created or read.
    #[error("data directory {path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A setting is unusable.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// Every HTTP rejection, in the one JSON shape of every watchfloor API (see [`api::ApiError`]).
pub use api::ApiError;
