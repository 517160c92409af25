//! Persistence for the picture server: CoT history and the last known SA of
//! every client, in one embedded SQLite file.
//!
//! [`Store`] is the synchronous handle that owns the connection; [`Writer`]
//! runs a `Store` on its own thread behind a bounded queue so that the
//! routing path never waits on the disk. Storage failures (a full disk, a
//! file locked by someone else) come back as a typed [`StoreError`], are
//! counted in [`WriterStats`] and logged with `tracing::warn!`; they never
//! panic.
//!
//! This crate knows nothing of CoT parsing: the server converts each event
//! into a [`Record`] before handing it over.
//!
//! ```no_run
//! use store::{Config, Store, Writer};
//! # fn main() -> Result<(), store::StoreError> {
//! let config = Config::new("/var/lib/watchfloor/store.sqlite");
//! let store = Store::open(&config)?;
//! let picture_at_start = store.last_sa(1_700_000_000_000)?;
//! let writer = Writer::spawn(store, &config);
//! # drop((picture_at_start, writer));
//! # Ok(())
//! # }
//! ```

mod config;
mod error;
mod query;
mod record;
mod schema;
mod sqlite;
mod writer;

pub use config::Config;
pub use error::StoreError;
pub use query::{HistoryQuery, TimeBasis, MAX_HISTORY_LIMIT};
pub use record::Record;
pub use sqlite::Store;
pub use writer::{Writer, WriterStats};
