//! Integration tests of the public API, one binary with many modules.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;
mod golden;
mod props;
mod shared_text;
