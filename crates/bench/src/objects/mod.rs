//! `wf-loadgen objects`: a picture-load generator for the web COP benchmark.
//!
//! Where the routing benchmark measures many clients each sending its own SA,
//! this mode measures a large picture: a few TCP connections, each identified
//! by an SA, relay `N` distinct objects (units, hostiles, aircraft; see
//! [`event`]) that move and are each updated at `rate` hertz, the updates of
//! one period spread evenly over it. It reads and discards whatever the
//! server routes back, so that the server never sees a slow client.
//!
//! The server's per-connection rate limit (`serve --client-rate`, 200 events
//! a second by default) must allow `objects * rate / connections`: start it
//! with `--client-rate 0` for a 10 000-object run.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;

pub mod event;
pub mod run;

pub use event::{write_identify, write_object, Object};
pub use run::{run_objects, ObjectsReport};

/// Most objects one run may simulate.
pub const MAX_OBJECTS: u32 = 100_000;
/// Most connections one run may open.
pub const MAX_CONNECTIONS: u32 = 64;
/// Highest update rate of one object, hertz.
pub const MAX_OBJECT_RATE_HZ: f64 = 10.0;
/// Longest run, seconds.
pub const MAX_OBJECTS_DURATION_S: f64 = 600.0;

/// Command line of `wf-loadgen objects`.
#[derive(Debug, Clone, Parser, PartialEq)]
pub struct ObjectsArgs {
    /// Server's streaming CoT TCP address; must be loopback.
    #[arg(long, default_value = "127.0.0.1:8087")]
    pub addr: SocketAddr,
    /// Number of distinct objects (uids `LOADOBJ-0` ..).
    #[arg(long, default_value_t = 10_000)]
    pub objects: u32,
    /// Updates of each object per second, hertz.
    #[arg(long, default_value_t = 1.0)]
    pub rate_hz: f64,
    /// How long to send, seconds.
    #[arg(long, default_value_t = 60.0)]
    pub duration_s: f64,
    /// TCP connections the objects are shared out over.
    #[arg(long, default_value_t = 4)]
    pub connections: u32,
    /// Print one JSON object instead of the human-readable block.
    #[arg(long)]
    pub json: bool,
}

/// Why an `objects` command line was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ObjectsError {
    /// The target is not loopback.
    #[error("--addr {0} is not a loopback address; wf-loadgen only loads this machine")]
    NotLoopback(SocketAddr),
    /// A numeric flag is outside its allowed range.
    #[error("--{flag} must be in {range}, got {value}")]
    OutOfRange {
        /// Flag name without dashes.
        flag: &'static str,
        /// Allowed range, human readable.
        range: &'static str,
        /// Value given.
        value: String,
    },
}

/// A validated `objects` run.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectsConfig {
    /// Loopback address of the server's streaming CoT port.
    pub addr: SocketAddr,
    /// Objects, 1 ..= [`MAX_OBJECTS`].
    pub objects: u32,
    /// Update rate of each object, hertz.
    pub rate_hz: f64,
    /// Interval between two updates of one object.
    pub period: Duration,
    /// How long to send.
    pub duration: Duration,
    /// Connections, 1 ..= [`MAX_CONNECTIONS`] and at most one per object.
    pub connections: u32,
    /// Emit JSON.
    pub json: bool,
}

fn out_of_range(flag: &'static str, range: &'static str, value: impl ToString) -> ObjectsError {
    ObjectsError::OutOfRange {
        flag,
        range,
        value: value.to_string(),
    }
}

impl TryFrom<ObjectsArgs> for ObjectsConfig {
    type Error = ObjectsError;

    fn try_from(a: ObjectsArgs) -> Result<Self, Self::Error> {
        if !a.addr.ip().is_loopback() {
            return Err(ObjectsError::NotLoopback(a.addr));
        }
        if !(1..=MAX_OBJECTS).contains(&a.objects) {
            return Err(out_of_range("objects", "1..=100000", a.objects));
        }
        if !(a.rate_hz.is_finite() && (0.01..=MAX_OBJECT_RATE_HZ).contains(&a.rate_hz)) {
            return Err(out_of_range("rate-hz", "0.01..=10 Hz", a.rate_hz));
        }
        if !(a.duration_s.is_finite() && (1.0..=MAX_OBJECTS_DURATION_S).contains(&a.duration_s)) {
            return Err(out_of_range("duration-s", "1..=600 s", a.duration_s));
        }
        if !(1..=MAX_CONNECTIONS).contains(&a.connections) {
            return Err(out_of_range("connections", "1..=64", a.connections));
        }
        Ok(ObjectsConfig {
            addr: a.addr,
            objects: a.objects,
            rate_hz: a.rate_hz,
            period: Duration::from_secs_f64(1.0 / a.rate_hz),
            duration: Duration::from_secs_f64(a.duration_s),
            connections: a.connections.min(a.objects),
            json: a.json,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(extra: &[&str]) -> ObjectsArgs {
        let mut v = vec!["objects"];
        v.extend_from_slice(extra);
        ObjectsArgs::parse_from(v)
    }

    #[test]
    fn defaults_are_the_benchmark_run() {
        let c = ObjectsConfig::try_from(args(&[])).unwrap();
        assert_eq!((c.objects, c.connections), (10_000, 4));
        assert_eq!(c.period, Duration::from_secs(1));
        assert_eq!(c.duration, Duration::from_secs(60));
    }

    #[test]
    fn bounds_and_loopback_enforced() {
        for bad in [
            &["--objects", "0"][..],
            &["--objects", "100001"],
            &["--rate-hz", "0"],
            &["--rate-hz", "11"],
            &["--rate-hz", "NaN"],
            &["--duration-s", "0.5"],
            &["--duration-s", "601"],
            &["--connections", "0"],
            &["--connections", "65"],
        ] {
            let e = ObjectsConfig::try_from(args(bad)).unwrap_err();
            assert!(
                matches!(e, ObjectsError::OutOfRange { .. }),
                "{bad:?}: {e:?}"
            );
        }
        let e = ObjectsConfig::try_from(args(&["--addr", "192.0.2.1:8087"])).unwrap_err();
        assert_eq!(
            e,
            ObjectsError::NotLoopback("192.0.2.1:8087".parse().unwrap())
        );
        let e = ObjectsConfig::try_from(args(&["--objects", "0"])).unwrap_err();
        assert_eq!(e.to_string(), "--objects must be in 1..=100000, got 0");
    }

    #[test]
    fn never_more_connections_than_objects() {
        let c = ObjectsConfig::try_from(args(&["--objects", "2", "--connections", "8"])).unwrap();
        assert_eq!(c.connections, 2);
    }
}
