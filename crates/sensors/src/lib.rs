//! Sans-IO decoders for watchfloor's sensor feeds: bytes in, typed values out,
//! never a panic, every rejection a typed error the caller can count.
//!
//! - [`asterix`]: ASTERIX data blocks with the CAT048 (monoradar target reports),
//!   CAT021 (ADS-B, edition 2.x) and CAT034 (radar service messages) UAPs; other
//!   categories are reported as unsupported per block and decoding goes on.
//! - [`pcap`] and [`recording`]: classic libpcap captures (both byte orders,
//!   Ethernet or raw IP) and auto-detection of raw ASTERIX vs pcap recordings,
//!   including ORADIS-style 6-byte block framing inside UDP.
//! - [`json`]: [`decode_to_json_lines`], the output of `watchfloor decode FILE`.
//! - [`sbs`]: SBS-1 BaseStation lines (dump1090/readsb port 30003) and a bounded
//!   streaming deframer.
//! - [`detection`]: the detection JSON-lines format for ground sensors and cameras
//!   (documented in that module).
//! - [`validate`]: shared plausibility checks ([`Implausible`]).
//!
//! # Units
//! Times of day are seconds since midnight UTC; ranges nautical miles (NM) where
//! the source uses them, otherwise metres; angles degrees; flight levels in
//! hundreds of feet; speeds metres per second unless a field name says otherwise
//! (`_kt`, `_ft_min`).

#![cfg_attr(test, allow(clippy::unwrap_used))] // a failed unwrap is a failed test

pub mod asterix;
pub mod detection;
pub mod json;
pub mod lines;
pub mod pcap;
pub mod recording;
pub mod sbs;
pub mod validate;

pub use json::decode_to_json_lines;
pub use validate::Implausible;
