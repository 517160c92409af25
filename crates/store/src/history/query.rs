//! Filters for reading history back.

/// Most rows one [`HistoryQuery`] returns, whatever its `limit` says; larger
/// reads page by moving `from_ms`.
pub const MAX_HISTORY_LIMIT: usize = 10_000;

/// Which clock a time range in a [`HistoryQuery`] refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeBasis {
    /// When the server received the event (`server_time_ms`); indexed.
    #[default]
    Server,
    /// The event's own `time` (`time_ms`), as the sender's clock put it.
    Event,
}

/// What to read from history. Results are ordered by server time, oldest
/// first (ties in arrival order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQuery {
    /// Only this uid.
    pub uid: Option<String>,
    /// Start of the time range, inclusive, ms since the epoch.
    pub from_ms: Option<i64>,
    /// End of the time range, exclusive, ms since the epoch.
    pub to_ms: Option<i64>,
    /// Which clock `from_ms` and `to_ms` refer to.
    pub basis: TimeBasis,
    /// Only types starting with this text (`a-f` matches `a-f-G-U-C`).
    pub type_prefix: Option<String>,
    /// Most rows to return (default 1000, capped at [`MAX_HISTORY_LIMIT`]).
    pub limit: usize,
}

impl Default for HistoryQuery {
    fn default() -> Self {
        HistoryQuery {
            uid: None,
            from_ms: None,
            to_ms: None,
            basis: TimeBasis::Server,
            type_prefix: None,
            limit: 1000,
        }
    }
}
