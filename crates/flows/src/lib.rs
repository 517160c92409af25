//! Flow intelligence: how many anonymous tracks cross the border, where
//! and which way, counted and compared with what is usual. Everything
//! here is aggregate: a track is an object with an opaque key, never a
//! person, and nothing is kept per track once its crossing is decided.
//!
//! Pure: time is passed in; nothing reads a clock, a file or a socket.
//! This first part holds the border as a line ([`Border`]) and finds the
//! crossings of track steps ([`CrossingDetector`]); counts, baselines and
//! anomalies build on its events.

pub mod alerts;
pub mod border;
pub mod counts;
pub mod crossing;
pub mod detect;
pub mod engine;
pub mod month;
pub mod official;
pub mod sectors;

pub use alerts::{Alert, AlertBook, Offered, Origin, WatchConfig};
pub use border::{Border, BorderError, Hit, Side};
pub use counts::{Counts, Filter, Resolution, Series};
pub use crossing::{CrossingConfig, CrossingDetector, Direction, FlowEvent, TrackKind};
pub use engine::{classify, FlowEngine, Placed, TrackUpdate};
pub use month::Month;
pub use sectors::{Sector, SectorError, SectorView, Sectors};
