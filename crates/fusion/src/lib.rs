//! The watchfloor multi-target trackers.
//!
//! Sans-IO and deterministic: detections and time go in, track reports come
//! out. [`Fuser`] is the watch floor's tracker: several asynchronous sensors
//! with their coverage and periods, one track set (see [`fuser`]'s
//! contract). [`Tracker`] is the single-sensor reference: its default configuration reproduces the reference Stone Soup method
//! (NCV Kalman filter, Mahalanobis gate at 3, GNN by linear assignment,
//! M-of-N initiation, deletion after 3 missed scans) so that scores can be
//! compared on the same files; see [`tracker::Config`].

#![cfg_attr(test, allow(clippy::unwrap_used))] // a failed unwrap is a failed test

pub mod assign;
mod associate;
pub mod detections;
pub mod fuser;
pub mod geo;
pub mod gospa;
pub mod grid;
pub mod imm;
pub mod kalman;
pub mod linalg;
pub mod offline;
pub mod scenario;
pub mod score;
mod track;
pub mod tracker;

pub use fuser::{FuseConfig, Fuser, SensorSpec};
pub use tracker::{Config, Detection, ScanOutput, TrackReport, Tracker};
