//! The sensor-to-picture pipeline: sensor messages in, fused tracks out as CoT.
//!
//! Sans-IO and deterministic, like the crates it joins: [`Pipeline`] takes
//! ASTERIX datagrams, SBS-1 lines and detection JSON lines with the time they
//! arrived, turns each into a position and covariance in one local ENU frame
//! (radar polar plots through their site, WGS-84 positions with a configured
//! or stated σ), checks it, feeds the `fusion` tracker, and publishes every
//! confirmed track as a CoT event at a fixed interval. The server owns the
//! sockets and the clock and calls:
//!
//! ```text
//! ingest_asterix(sensor, datagram, now)   // UDP
//! ingest_sbs_line(sensor, line, now)      // TCP, after its line deframer
//! ingest_detection_json(sensor, line, now)// UDP datagram or TCP line
//! handle_timeout(now)                     // at poll_timeout(), and after input
//! poll_event() -> Option<cot::Event>      // route each to the picture
//! mark(uid, affiliation, remarks)         // operator command
//! stats()                                 // counters for metrics
//! ```
//!
//! Bad input never reaches the tracker: truncated or corrupt ASTERIX, wrong
//! lengths, impossible values (NaN, latitude beyond 90°, negative range),
//! detections far from `now`, unknown sensors and floods (a token bucket per
//! sensor) are dropped and counted in [`Stats`] by [`Reject`] reason.
//!
//! Tracks are anonymous objects. The only identity published is an aircraft's
//! transponder address and flight callsign, when ADS-B or Mode S gives them.
//!
//! # Units
//! Every `now` and [`Pipeline::poll_timeout`] is a [`cot::Time`]; inside, and
//! in the configuration, times are Unix seconds as the tracker counts them.
//! Metres, m/s, degrees (WGS-84, courses clockwise from true north)
//! everywhere else.

#![cfg_attr(test, allow(clippy::unwrap_used))] // a failed unwrap is a failed test

mod aircraft;
mod config;
mod convert;
mod cycle;
mod error;
mod ingest;
mod knobs;
mod mark;
mod pipeline;
mod publish;
mod stats;
pub mod status;
mod timebase;
mod tracks;

pub use config::{
    Coverage, Detects, FeedsConfig, Noise, SensorConfig, SensorKind, Site, TrackerKnobs,
};
pub use error::FeedsError;
pub use mark::{Affiliation, Mark, MAX_REMARKS};
pub use pipeline::Pipeline;
pub use stats::{Reject, SensorStats, Stats};
pub use timebase::time_of_day_to_unix;
