//! Integration tests of the simulator through its public API, checked with the
//! `sensors` decoders, and its tracking tooling. One binary keeps link time down.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod adsb_ground;
mod common;
mod config;
mod determinism;
mod net;
mod radar;
mod tracking;
