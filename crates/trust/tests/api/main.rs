//! Integration tests of the trust crate: one test binary, one module per area.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod ca;
mod enroll;
mod package;
mod support;
mod tls;
mod users;
