//! Cursor-on-Target vocabulary and sans-IO codecs.
//!
//! Bytes in, [`Event`]s out, and back: no sockets, no clocks, no panics on
//! any input. The XML and TAK protocol v1 codecs both produce the same
//! [`Event`] model, so the routing core never sees an encoding.
//!
//! - [`XmlDeframer`] cuts a streaming-CoT TCP connection into [`Frame`]s;
//!   [`parse_event`] reads one, [`to_xml`] / [`write_event`] write one.
//! - [`proto::ProtoDeframer`] cuts a TAK protocol v1 stream into payloads;
//!   [`proto::decode_event`], [`proto::event_to_proto`] and
//!   [`proto::proto_to_event`] convert; [`proto::encode_event_stream`] and
//!   [`proto::encode_event_mesh`] write.

mod accessors;
mod deframe;
mod detail;
mod event;
pub mod proto;
mod time;
pub mod xml;

pub use accessors::{parse_f64, Chat, Contact, Dest, Emergency, Link, Status, Takv, Team, Track};
pub use deframe::{DeframeError, Frame, XmlDeframer};
pub use detail::{Detail, Element, Node};
pub use event::{type_matches, Event, Point, UNKNOWN};
pub use time::{Civil, Clock, FixedClock, Time, TimeError};
pub use xml::{parse_event, to_xml, write_event, XmlError, DEFAULT_STALE_SECS, MAX_DEPTH};
