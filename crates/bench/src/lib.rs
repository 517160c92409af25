//! Routing load generator for watchfloor.
//!
//! `wf-loadgen` opens many streaming CoT clients (plain TCP or mutual TLS,
//! see [`tls`]) against a running server,
//! has each send its own SA (self position report) at a fixed rate with its
//! send time embedded in the event, and measures how many of the forwarded
//! copies come back to the other clients and how late. It also samples the
//! server's CPU time and resident memory from `/proc` so that one run gives
//! the numbers the README table needs.
//!
//! The pieces are kept apart so that the parts with logic in them are tested
//! without a socket: [`sa`] writes events, [`scan`] splits the received
//! stream and reads the benchmark mark back, [`hist`] keeps latencies,
//! [`procstat`] reads `/proc`, [`report`] shapes the result. [`client`] and
//! [`run`] are the thin tokio layer that drives real connections;
//! [`handshake`] measures connection (TLS handshake) rate instead.
//!
//! `wf-loadgen objects` ([`objects`]) is a separate mode for the web COP
//! benchmark: a few connections relay thousands of moving objects.

// Tests unwrap freely: a panic there is a failed assertion.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod client;
pub mod config;
pub mod handshake;
pub mod hist;
pub mod objects;
pub mod procstat;
pub mod report;
pub mod run;
pub mod sa;
pub mod scan;
pub mod tls;

pub use config::{Args, Config, ConfigError};
pub use handshake::{run_handshakes, HandshakeReport};
pub use hist::LatencyHistogram;
pub use objects::{run_objects, ObjectsArgs, ObjectsConfig, ObjectsReport};
pub use report::Report;
pub use run::run;
pub use tls::{TlsFiles, TlsSetupError, Transport};
