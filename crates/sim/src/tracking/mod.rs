//! Tooling of the tracking benchmark: simulated scenarios in the v1
//! scenario format ([`simulate`]) and in the multi-sensor v2 format
//! ([`simulate_v2`]), and the files around the `fusion`
//! tracker: scenario folders read and written, a `detections.csv` (v1 or
//! v2) tracked into a tracks CSV with the tracker timed ([`track_file`],
//! [`run_offline`]), a tracks CSV scored against `truth.csv` ([`score`],
//! and [`score_files`] with every measure of `fusion::score`). `watchfloor track`,
//! `watchfloor track-gen`,
//! `watchfloor track-score` and this crate's `gen`, `track` and `score`
//! examples are thin shells over it. **Generated scenarios are simulation.**
//!
//! `fusion` keeps the pure halves (text parsing, scan batching, GOSPA);
//! the file IO and the wall-clock timing live here.

mod files;
mod gen;
mod gen_v2;

pub use files::{
    fuse_scans_with, read_text, run_offline, run_scans, run_scans_with, score, score_files,
    track_file, write_scenario, RunStats, ToolError, TrackOptions, TrackRun,
};
pub use gen::{simulate, SimParams, SimScenario};
pub use gen_v2::{simulate_v2, GenError, SensorKind, SensorSpec, V2Params};
