//! A simulated joint task force for the demo. **Everything it sends is
//! simulation**, and says so.
//!
//! Twelve units on the sensor simulator's border sector (foot and vehicle
//! patrols along the border on the US side, observation posts, a TOC and an
//! air-operations cell) report their position as ATAK does, every 2-5 s with
//! jitter; three aircraft fly patrol racetracks and an orbit; now and then a
//! unit sends a GeoChat message to All Chat Rooms, and every few minutes one
//! raises an emergency that is cancelled a minute or so later.
//!
//! [`ForceScenario`] is a pure state machine like [`crate::Simulator`]: it
//! reads no clock and owns no socket; the same [`ForceConfig`], seed and
//! sequence of [`ForceScenario::step`] times give the same events. [`run`] is
//! the thin tokio shell that gives each unit its own TCP connection.
//!
//! # Aircraft
//! Aircraft are not TAK clients of their own: the air-operations unit
//! ([`ForceConfig::air_relay`]) relays their tracks on its connection, each
//! linked to it (`link relation="p-p"`). That is how an air picture reaches a
//! TAK server from an air-ops cell, and it keeps aircraft out of the contact
//! list while they stay on the map.
//!
//! # Labelling
//! SA and aircraft tracks carry `<remarks>SIMULATION</remarks>` and units
//! carry `takv platform="watchfloor-sim"`; chat texts and alert remarks start
//! with `[SIM] `. Uids start with `sim-force-`. Callsigns are unit callsigns,
//! never people's names.

mod chatter;
mod config;
mod events;
mod net;
mod roster;
mod route;
mod scenario;
#[cfg(test)]
mod tests;

pub use config::{AircraftConfig, ForceConfig, Motion, UnitConfig};
pub use net::{run, ForceNetError, ForceStats};
pub use scenario::ForceScenario;

/// One event and the unit whose connection sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct ForceOutput {
    /// Index of the sending unit in [`ForceConfig::units`].
    pub unit: usize,
    /// The event, labelled as simulation.
    pub event: cot::Event,
}
