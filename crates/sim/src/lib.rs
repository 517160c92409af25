//! The watchfloor sensor simulator. **Everything it produces is simulation.**
//!
//! A deterministic model of a fictional 60 km stretch of the US southern border
//! (around 31.33° N, 109.5° W to 108.9° W): people walking toward the border,
//! vehicles driving along and across it, aircraft on straight transit legs and
//! patrol orbits. Simulated sensors observe it with noise, misses and clutter:
//!
//! - radar sites ([`RadarConfig`]) send ASTERIX CAT048 target reports and CAT034
//!   north-marker / sector-crossing messages;
//! - ADS-B receivers ([`AdsbConfig`]) send ASTERIX CAT021 and/or SBS-1 lines like
//!   readsb on port 30003;
//! - ground sensors and cameras ([`GroundSensorConfig`]) send JSON detection lines
//!   in the format of `sensors::detection`.
//!
//! [`Simulator`] is a pure state machine: it reads no clock, owns no socket, and
//! the same [`SimConfig`], seed and sequence of [`Simulator::step`] times give the
//! same bytes. [`net`] is the thin tokio sender used by `watchfloor sim`.
//!
//! [`sources`] lists the simulated sensors in the simulator's terms and
//! [`feeds_config`] is the `feeds` configuration of a server tracking them
//! (site, coverage, period, what each detects, noise), the one used by
//! `watchfloor sim --print-config`, `watchfloor demo` and the tests.
//!
//! [`tracking`] is the tracking benchmark's tooling: simulated scenarios in the
//! v1 scenario format and the files around offline runs of the `fusion` tracker.
//!
//! # Labelling
//! JSON detections carry `"simulated": true`. ASTERIX records set the SIM bit
//! (CAT048 I020, CAT021 I040 second octet). SBS-1 has no field for it, so the
//! sender logs `SIMULATION` when it starts and the demo labels the picture.
//! Targets are anonymous numbered objects: no names, faces or biometrics.
//!
//! # Units
//! Metres, seconds, metres per second, WGS-84 degrees; flight levels in hundreds
//! of feet; simulation time `now_s` in seconds since the scenario start, mapped to
//! wall time by [`SimConfig::start_unix_s`].

#![cfg_attr(test, allow(clippy::unwrap_used))] // a failed unwrap is a failed test

mod adsb;
mod config;
pub mod crossers;
pub mod encode;
mod feeds_config;
/// A simulated task force (units, aircraft, chat, alerts) as TAK clients, labelled simulation.
pub mod force;
mod ground;
pub mod net;
pub mod ops_demo;
mod radar;
mod rng;
mod sbs;
mod simulator;
mod sources;
pub mod tracking;
mod world;

pub use config::{
    AdsbConfig, GroundSensorConfig, GroundSensorKind, Population, RadarConfig, SimConfig,
};
pub use feeds_config::feeds_config;
pub use simulator::{SensorStats, SimOutput, Simulator};
pub use sources::{sources, SimSource, SourceKind, SourceSite, GROUND_FEED_ID};
pub use world::{AircraftInfo, TargetKind, TruthState};

/// Why a simulation could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// A configuration value is outside its allowed range; the simulator refuses
    /// to start rather than produce output a decoder would reject.
    #[error("invalid configuration: {field} = {value} ({reason})")]
    Config {
        /// Which setting, e.g. `radars[0].rotation_period_s`.
        field: String,
        /// The offending value, as text.
        value: String,
        /// What the allowed range is.
        reason: &'static str,
    },
}
