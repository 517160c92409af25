//! The flow-intelligence aggregate: hourly counts of border crossings by
//! sector, direction and kind, the coverage they rest on, the official
//! monthly series imported beside them, and the alerts raised on them.
//!
//! Only aggregates are kept: no track, uid or position. Counts are stored
//! as increments added to their bins ([`FlowStore::add_counts`]), so a
//! crash between two flushes loses at most the unflushed increments and
//! never counts one twice; [`FlowStore::replace_counts`] swaps a window's
//! bins for a rebuild from history in one transaction.
//!
//! Methods are synchronous: call them from a blocking thread.

use flows::counts::{Bin, CoverageBin};
use flows::official::Series;
use flows::Alert;

use crate::StoreError;

/// What the flows engine keeps.
pub trait FlowStore: Send + Sync {
    /// Adds each bin's `n` and each coverage bin's `updates` to what is
    /// stored, atomically.
    ///
    /// # Errors
    /// Any failure of the backend; on error nothing is added.
    fn add_counts(&self, bins: &[Bin], coverage: &[CoverageBin]) -> Result<(), StoreError>;

    /// Every stored bin and coverage bin from hour `from_hour` on (hours
    /// since the epoch), in hour order.
    ///
    /// # Errors
    /// Any failure of the backend, or a stored row this build cannot read.
    fn counts(&self, from_hour: i64) -> Result<(Vec<Bin>, Vec<CoverageBin>), StoreError>;

    /// Replaces the bins and coverage of hours `[from_hour, to_hour)` with
    /// these, atomically: a rebuild.
    ///
    /// # Errors
    /// Any failure of the backend; on error nothing changes.
    fn replace_counts(
        &self,
        from_hour: i64,
        to_hour: i64,
        bins: &[Bin],
        coverage: &[CoverageBin],
    ) -> Result<(), StoreError>;

    /// Stores official monthly series: each point replaces what was
    /// stored for its key and month, atomically, with `source` (the file's
    /// name) kept beside it.
    ///
    /// # Errors
    /// Any failure of the backend; on error nothing is stored.
    fn put_official(&self, source: &str, series: &[Series]) -> Result<(), StoreError>;

    /// Every stored official series, in key order.
    ///
    /// # Errors
    /// Any failure of the backend, or a stored row this build cannot read.
    fn official(&self) -> Result<Vec<Series>, StoreError>;

    /// Stores alerts, each replacing the one with its id.
    ///
    /// # Errors
    /// Any failure of the backend; on error nothing is stored.
    fn put_alerts(&self, alerts: &[Alert]) -> Result<(), StoreError>;

    /// Every stored alert raised at or after `from_s`, oldest first.
    ///
    /// # Errors
    /// Any failure of the backend, or a stored row this build cannot read.
    fn alerts(&self, from_s: i64) -> Result<Vec<Alert>, StoreError>;
}
