//! Cursor-on-Target vocabulary and sans-IO codecs.
//!
//! Bytes in, [`Event`]s out, and back: no sockets, no clocks, no panics on
//! any input. The XML and TAK protocol v1 codecs both produce the same
//! [`Event`] model, so the routing core never sees an encoding.

mod accessors;
mod detail;
mod event;
mod time;

pub use accessors::{parse_f64, Chat, Contact, Dest, Emergency, Link, Status, Takv, Team, Track};
pub use detail::{Detail, Element, Node};
pub use event::{type_matches, Event, Point, UNKNOWN};
pub use time::{Time, TimeError};
