//! Counters of what the pipeline accepted, refused and published.

/// Why one input was dropped before reaching the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
    /// Bytes or text that do not decode (truncated or corrupt ASTERIX, a wrong
    /// block length, malformed SBS or JSON, a record without its time).
    Decode,
    /// Decoded values that cannot be physical (NaN, latitude beyond 90,
    /// negative range, a time of day beyond 24 h, a bad covariance), and a
    /// non-finite `now` from the caller.
    Implausible,
    /// A sensor id that is not configured, a message of the wrong kind for its
    /// sensor, a SAC/SIC other than the configured one, or a radar plot from a
    /// sensor without a site.
    UnknownSensor,
    /// A detection older than `now - max_age_s`.
    TooOld,
    /// A detection newer than `now + max_future_s`.
    Future,
    /// Over the sensor's token bucket.
    RateLimited,
    /// Refused by the tracker: behind times it has already processed.
    Late,
    /// Refused by the tracker: its pending buffer is full.
    TrackerFull,
}

/// What one configured sensor sent, so an operator can tell which one
/// went silent.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SensorStats {
    /// The sensor's id from the config.
    pub id: String,
    /// Messages attributed to this sensor, whatever became of them
    /// (service messages and refused ones included: a radar sending them is
    /// not silent).
    pub messages: u64,
    /// Detections from it handed to the tracker.
    pub accepted: u64,
    /// Its records or lines that did not decode ([`Reject::Decode`]).
    pub decode_errors: u64,
    /// When it last sent a message, on the pipeline's clock (Unix seconds);
    /// `None` if it never did.
    pub last_seen: Option<f64>,
}

/// Pipeline counters. Every input unit (a datagram's record, a line) lands in
/// exactly one of `accepted`, `ignored` or a rejection counter, except that a
/// datagram that fails before its first record counts once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Detections handed to the tracker.
    pub accepted: u64,
    /// Valid messages that carry no position to track (CAT034 service
    /// messages, velocity- or identity-only ADS-B, radar test targets).
    pub ignored: u64,
    /// Dropped: [`Reject::Decode`].
    pub decode_error: u64,
    /// Dropped: [`Reject::Implausible`].
    pub implausible: u64,
    /// Dropped: [`Reject::UnknownSensor`].
    pub unknown_sensor: u64,
    /// Dropped: [`Reject::TooOld`].
    pub too_old: u64,
    /// Dropped: [`Reject::Future`].
    pub future: u64,
    /// Dropped: [`Reject::RateLimited`].
    pub rate_limited: u64,
    /// Dropped: [`Reject::Late`].
    pub late: u64,
    /// Dropped: [`Reject::TrackerFull`].
    pub tracker_full: u64,
    /// Track events published (one per track per publication, marks included).
    pub tracks_published: u64,
    /// Tracks announced deleted (`t-x-d-d`), merged ones included.
    pub tracks_deleted: u64,
    /// Tracks found to be another track's object and merged into it.
    pub tracks_merged: u64,
    /// Aircraft addresses reported far from the track that held them (the
    /// track lost the address; no second track claims it).
    pub ident_jumps: u64,
    /// Queued CoT events dropped because nobody polled them in time.
    pub events_dropped: u64,
}

impl Stats {
    /// Adds one to the counter of `reason`.
    pub fn reject(&mut self, reason: Reject) {
        let c = match reason {
            Reject::Decode => &mut self.decode_error,
            Reject::Implausible => &mut self.implausible,
            Reject::UnknownSensor => &mut self.unknown_sensor,
            Reject::TooOld => &mut self.too_old,
            Reject::Future => &mut self.future,
            Reject::RateLimited => &mut self.rate_limited,
            Reject::Late => &mut self.late,
            Reject::TrackerFull => &mut self.tracker_full,
        };
        *c = c.saturating_add(1);
    }

    /// Sum of every rejection counter.
    pub fn rejected(&self) -> u64 {
        self.decode_error
            + self.implausible
            + self.unknown_sensor
            + self.too_old
            + self.future
            + self.rate_limited
            + self.late
            + self.tracker_full
    }
}
