//! The Marti API through its router, with real temporary directories and real SQLite.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod errors;
mod info;
mod limits;
mod packages;
mod tcp;
mod util;
mod visibility;
