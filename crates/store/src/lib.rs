//! Persistence for watchfloor, one module per aggregate, each behind narrow
//! traits so a caller depends only on what it uses and another database can
//! implement them:
//!
//! - CoT history and the last known SA of every client: [`HistoryWrite`]
//!   for the [`Writer`] thread, [`HistoryRead`] for a restart, the Marti
//!   API and the web replay;
//! - data package metadata: [`PackageCatalog`], for the Marti API;
//! - flow intelligence (hourly crossing counts, their coverage): [`FlowStore`].
//!
//! [`SqliteHistory`], [`SqlitePackages`] and [`SqliteFlows`] implement them
//! on embedded SQLite files, one file each (`watchfloor.sqlite`,
//! `packages.sqlite` and `flows.sqlite` in the data dir).
//! [`Writer`] runs a `HistoryWrite` on its own thread behind a bounded
//! queue so that the routing path never waits on the disk. Storage failures
//! (a full disk, a file locked by someone else) come back as a typed
//! [`StoreError`], are counted in [`WriterStats`] and logged with
//! `tracing::warn!`; they never panic.
//!
//! This crate knows nothing of CoT parsing: the server converts each event
//! into a [`Record`] before handing it over.
//!
//! ```no_run
//! use store::{Config, HistoryRead, SqliteHistory, Writer};
//! # fn main() -> Result<(), store::StoreError> {
//! let config = Config::new("/var/lib/watchfloor/store.sqlite");
//! let history = SqliteHistory::open(&config)?;
//! let picture_at_start = history.last_known(cot::Time::from_millis(1_700_000_000_000))?;
//! // The server passes its wall clock; the writer prunes by it.
//! let clock = std::sync::Arc::new(cot::FixedClock(cot::Time::from_millis(1_700_000_000_000)));
//! let writer = Writer::spawn(history, &config, clock);
//! # drop((picture_at_start, writer));
//! # Ok(())
//! # }
//! ```

mod config;
mod error;
mod flows;
mod history;
mod packages;
mod sqlite;
mod writer;

pub use config::Config;
pub use error::StoreError;
pub use flows::FlowStore;
pub use history::{HistoryQuery, HistoryRead, HistoryWrite, Record, TimeBasis, MAX_HISTORY_LIMIT};
pub use packages::{Package, PackageCatalog, PackageError, PackageFilter, PlaceFile};
pub use sqlite::{SqliteFlows, SqliteHistory, SqlitePackages};
pub use writer::{Writer, WriterStats};
