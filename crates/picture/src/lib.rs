//! The routing core of watchfloor: which connected client receives which
//! event, what late joiners are replayed, what is stored.
//!
//! A pure state machine in the shape of quinn-proto: no sockets, no tokio,
//! no clock reads. The server feeds it decoded events with
//! [`Picture::ingest`] and connection changes, calls
//! [`Picture::handle_timeout`] when [`Picture::poll_timeout`] says, and
//! drains [`Picture::poll`] for [`Output`]s to act on, in order.
//!
//! The rules mirror TAK Server: a receiver hears a sender when the sender's
//! "IN" groups meet the receiver's "OUT" groups; `marti/dest` narrows a
//! delivery to its addressees; GeoChat rooms route by team or uid; the
//! newest broadcast item per uid is cached until stale and replayed to
//! clients when they identify; emergencies repeat until cancelled.

mod cache;
mod clients;
mod config;
mod control;
mod emergency;
mod identity;
mod ids;
mod message;
mod picture;
mod route;

#[cfg(test)]
mod tests;

pub use clients::ClientInfo;
pub use config::{Config, Stats};
pub use identity::{shared_with, Identity};
pub use ids::{ClientId, Encoding, GroupId, GroupSet, Groups};
pub use message::{Message, Output};
pub use picture::{Picture, Restored, ANON_GROUP};
