//! Integration tests of the store against real SQLite files in temp folders.
//! One binary with many modules keeps link time down.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod errors;
mod queries;
mod roundtrip;
mod writer;
