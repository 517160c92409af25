//! Counts of flow events in hourly bins, and what they were counted from.
//!
//! The contract:
//! - every event is counted once, in the UTC hour of its `at_s`, under its
//!   sector, direction, track kind and event kind; nothing else about it
//!   (no track key, no position beyond the sector) is kept;
//! - days and months are sums of hours, in UTC, so a series at any
//!   resolution is reproducible from the hourly bins alone, and the store
//!   keeps nothing else;
//! - a series is contiguous and zero-filled from its first bin to its
//!   last: a bin with no events is a zero, and whether anything was
//!   watching in that hour is a separate question that [`Coverage`]
//!   answers (a zero in an hour no sensor reported is not evidence of
//!   quiet);
//! - bins added from the store ([`Counts::add_bin`]) are not changes; what
//!   was recorded since the last [`Counts::take_changes`] is, so the shell
//!   writes each increment exactly once.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::crossing::{Direction, FlowEvent, TrackKind};
use crate::month::Month;

/// Seconds in an hour and a day.
const HOUR_S: i64 = 3_600;
const DAY_S: i64 = 86_400;

/// The longest series one query returns, in bins: ten years of hours.
pub const MAX_BINS: usize = 87_660;

/// The width of a series' bins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// One UTC hour.
    Hour,
    /// One UTC day.
    Day,
    /// One calendar month, UTC.
    Month,
}

impl Resolution {
    /// The start of the bin holding `t_s`.
    pub fn floor(self, t_s: i64) -> i64 {
        match self {
            Resolution::Hour => t_s.div_euclid(HOUR_S) * HOUR_S,
            Resolution::Day => t_s.div_euclid(DAY_S) * DAY_S,
            Resolution::Month => Month::of(t_s).start_s(),
        }
    }

    /// The start of the bin after the one starting at `start_s`.
    pub fn next(self, start_s: i64) -> i64 {
        match self {
            Resolution::Hour => start_s + HOUR_S,
            Resolution::Day => start_s + DAY_S,
            Resolution::Month => Month::of(start_s).next().start_s(),
        }
    }

    /// Its name in the API and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Resolution::Hour => "hour",
            Resolution::Day => "day",
            Resolution::Month => "month",
        }
    }
}

impl FromStr for Resolution {
    type Err = CountsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "hour" | "hourly" | "h" => Ok(Resolution::Hour),
            "day" | "daily" | "d" => Ok(Resolution::Day),
            "month" | "monthly" | "m" => Ok(Resolution::Month),
            _ => Err(CountsError::Resolution(s.to_string())),
        }
    }
}

impl fmt::Display for Resolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which of the detector's events a count is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A confirmed crossing.
    Crossing,
    /// A crossing and return within the window.
    TurnBack,
}

impl EventKind {
    /// Its name in the API and the store.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Crossing => "crossing",
            EventKind::TurnBack => "turn_back",
        }
    }
}

/// What a bad query or a bad stored row is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CountsError {
    /// Not `hour`, `day` or `month`.
    #[error("unknown resolution {0:?}: use hour, day or month")]
    Resolution(String),
    /// The window ends before it starts.
    #[error("the window ends ({to_s}) before it starts ({from_s})")]
    Window {
        /// Its start, seconds.
        from_s: i64,
        /// Its end, seconds.
        to_s: i64,
    },
    /// More bins than [`MAX_BINS`].
    #[error("{bins} bins asked for; at most {MAX_BINS} in one series (use a coarser resolution)")]
    TooLong {
        /// How many the window holds.
        bins: usize,
    },
}

/// What a count is counted under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CountKey {
    /// The sector's code ([`crate::sectors::OUTSIDE`] off every sector).
    pub sector: String,
    /// Which way.
    pub direction: Direction,
    /// The object's kind.
    pub kind: TrackKind,
    /// Crossing or turn-back.
    pub event: EventKind,
}

/// One hourly bin, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bin {
    /// Hours since the epoch (UTC): the bin covers `[hour·3600, hour·3600 + 3600)`.
    pub hour: i64,
    /// What it counts.
    #[serde(flatten)]
    pub key: CountKey,
    /// How many.
    pub n: u64,
}

/// Track updates one source sent in one hour: the coverage the counts
/// rest on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageBin {
    /// Hours since the epoch.
    pub hour: i64,
    /// The sensor or feed, by the name the shell gives it.
    pub source: String,
    /// Track updates it sent in that hour.
    pub updates: u64,
}

/// Which counts a query sums; `None` sums over every value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// One sector's code.
    pub sector: Option<String>,
    /// One direction.
    pub direction: Option<Direction>,
    /// One kind of object.
    pub kind: Option<TrackKind>,
    /// Crossings or turn-backs.
    pub event: Option<EventKind>,
}

impl Filter {
    /// Crossings only, in every sector, direction and kind.
    pub fn crossings() -> Filter {
        Filter {
            event: Some(EventKind::Crossing),
            ..Filter::default()
        }
    }

    /// The same filter for one sector.
    pub fn in_sector(mut self, sector: &str) -> Filter {
        self.sector = Some(sector.to_string());
        self
    }

    fn matches(&self, k: &CountKey) -> bool {
        self.sector.as_ref().is_none_or(|s| *s == k.sector)
            && self.direction.is_none_or(|d| d == k.direction)
            && self.kind.is_none_or(|x| x == k.kind)
            && self.event.is_none_or(|e| e == k.event)
    }
}

/// A contiguous, zero-filled count series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// The width of its bins.
    pub resolution: Resolution,
    /// The start of its first bin, seconds (UTC).
    pub start_s: i64,
    /// One count per bin.
    pub values: Vec<u64>,
}

impl Series {
    /// The start of each bin, seconds.
    pub fn starts(&self) -> Vec<i64> {
        let mut t = self.start_s;
        let mut out = Vec::with_capacity(self.values.len());
        for _ in 0..self.values.len() {
            out.push(t);
            t = self.resolution.next(t);
        }
        out
    }

    /// The sum of its bins.
    pub fn total(&self) -> u64 {
        self.values.iter().sum()
    }
}

/// A sector's totals over a window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Confirmed crossings to the north (into the US).
    pub northbound: u64,
    /// Confirmed crossings to the south.
    pub southbound: u64,
    /// Turn-backs, either way.
    pub turn_backs: u64,
}

/// One source's part in a window's coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCoverage {
    /// The sensor or feed.
    pub source: String,
    /// Track updates it sent in the window.
    pub updates: u64,
    /// Hours in which it sent any.
    pub hours: u64,
    /// The start of its first such hour, seconds.
    pub first_s: i64,
    /// The end of its last such hour, seconds.
    pub last_s: i64,
}

/// What the counts of a window rest on: who reported, and when nobody did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// The window's start, seconds (floored to the hour).
    pub from_s: i64,
    /// Its end, seconds (exclusive).
    pub to_s: i64,
    /// Hours in the window.
    pub hours: u64,
    /// Hours in which some source sent track updates.
    pub covered_hours: u64,
    /// Runs of hours with no updates from anyone, `[from_s, to_s)`.
    pub gaps: Vec<(i64, i64)>,
    /// Every source that reported, by name.
    pub sources: Vec<SourceCoverage>,
}

/// The counts. See the module documentation for the contract.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    bins: BTreeMap<CountKey, BTreeMap<i64, u64>>,
    coverage: BTreeMap<i64, BTreeMap<String, u64>>,
    changed_bins: BTreeMap<(i64, CountKey), u64>,
    changed_coverage: BTreeMap<(i64, String), u64>,
}

impl Counts {
    /// No counts.
    pub fn new() -> Counts {
        Counts::default()
    }

    /// Counts `event` under `sector`.
    pub fn record(&mut self, event: &FlowEvent, sector: &str) {
        let (direction, kind, at_s, what) = match *event {
            FlowEvent::Crossing {
                direction,
                kind,
                at_s,
                ..
            } => (direction, kind, at_s, EventKind::Crossing),
            FlowEvent::TurnBack {
                direction,
                kind,
                at_s,
                ..
            } => (direction, kind, at_s, EventKind::TurnBack),
        };
        let key = CountKey {
            sector: sector.to_string(),
            direction,
            kind,
            event: what,
        };
        let hour = at_s.div_euclid(HOUR_S);
        *self.changed_bins.entry((hour, key.clone())).or_default() += 1;
        *self.bins.entry(key).or_default().entry(hour).or_default() += 1;
    }

    /// Notes one track update from `source` at `t_s`.
    pub fn observe(&mut self, t_s: i64, source: &str) {
        let hour = t_s.div_euclid(HOUR_S);
        let per_source = self.coverage.entry(hour).or_default();
        match per_source.get_mut(source) {
            Some(n) => *n += 1,
            None => {
                per_source.insert(source.to_string(), 1);
            }
        }
        match self.changed_coverage.get_mut(&(hour, source.to_string())) {
            Some(n) => *n += 1,
            None => {
                self.changed_coverage.insert((hour, source.to_string()), 1);
            }
        }
    }

    /// Adds a bin read back from the store (not a change).
    pub fn add_bin(&mut self, bin: &Bin) {
        *self
            .bins
            .entry(bin.key.clone())
            .or_default()
            .entry(bin.hour)
            .or_default() += bin.n;
    }

    /// Adds coverage read back from the store (not a change).
    pub fn add_coverage(&mut self, c: &CoverageBin) {
        *self
            .coverage
            .entry(c.hour)
            .or_default()
            .entry(c.source.clone())
            .or_default() += c.updates;
    }

    /// What was recorded and observed since the last call: increments to
    /// add to the stored bins.
    pub fn take_changes(&mut self) -> (Vec<Bin>, Vec<CoverageBin>) {
        let bins = std::mem::take(&mut self.changed_bins)
            .into_iter()
            .map(|((hour, key), n)| Bin { hour, key, n })
            .collect();
        let coverage = std::mem::take(&mut self.changed_coverage)
            .into_iter()
            .map(|((hour, source), updates)| CoverageBin {
                hour,
                source,
                updates,
            })
            .collect();
        (bins, coverage)
    }

    /// Every bin, in key then hour order.
    pub fn bins(&self) -> Vec<Bin> {
        self.bins
            .iter()
            .flat_map(|(key, hours)| {
                hours.iter().map(|(&hour, &n)| Bin {
                    hour,
                    key: key.clone(),
                    n,
                })
            })
            .collect()
    }

    /// The series of what `filter` picks, in bins of `resolution` from the
    /// bin holding `from_s` up to (not including) `to_s`.
    ///
    /// # Errors
    /// A window that ends before it starts, or holds more than
    /// [`MAX_BINS`] bins.
    pub fn series(
        &self,
        filter: &Filter,
        resolution: Resolution,
        from_s: i64,
        to_s: i64,
    ) -> Result<Series, CountsError> {
        if to_s < from_s {
            return Err(CountsError::Window { from_s, to_s });
        }
        let start_s = resolution.floor(from_s);
        let hours = (to_s - start_s).div_euclid(HOUR_S) as u64;
        let bins = match resolution {
            Resolution::Hour => hours,
            Resolution::Day => hours / 24 + 1,
            Resolution::Month => hours / (24 * 28) + 1,
        };
        if bins > MAX_BINS as u64 {
            return Err(CountsError::TooLong {
                bins: usize::try_from(bins).unwrap_or(usize::MAX),
            });
        }
        let mut starts = Vec::new();
        let mut t = start_s;
        while t < to_s {
            starts.push(t);
            t = resolution.next(t);
        }
        let mut values = vec![0u64; starts.len()];
        let (lo, hi) = hours_of(start_s, to_s);
        for (key, per_hour) in &self.bins {
            if !filter.matches(key) {
                continue;
            }
            for (&hour, &n) in per_hour.range(lo..hi) {
                let at = hour * HOUR_S;
                // Bins are sorted: the last start at or before `at`.
                let i = starts.partition_point(|&s| s <= at);
                if let Some(v) = i.checked_sub(1).and_then(|i| values.get_mut(i)) {
                    *v += n;
                }
            }
        }
        Ok(Series {
            resolution,
            start_s,
            values,
        })
    }

    /// Each sector's totals in `[from_s, to_s)` for what `filter` picks
    /// (its sector and event parts are ignored: totals are per sector and
    /// split by event).
    pub fn totals(&self, filter: &Filter, from_s: i64, to_s: i64) -> BTreeMap<String, Totals> {
        let f = Filter {
            sector: None,
            event: None,
            ..filter.clone()
        };
        let (lo, hi) = hours_of(from_s, to_s);
        let mut out: BTreeMap<String, Totals> = BTreeMap::new();
        for (key, per_hour) in &self.bins {
            if !f.matches(key) {
                continue;
            }
            let n: u64 = per_hour.range(lo..hi).map(|(_, &n)| n).sum();
            let t = out.entry(key.sector.clone()).or_default();
            match (key.event, key.direction) {
                (EventKind::Crossing, Direction::Northbound) => t.northbound += n,
                (EventKind::Crossing, Direction::Southbound) => t.southbound += n,
                (EventKind::TurnBack, _) => t.turn_backs += n,
            }
        }
        out
    }

    /// What the hours of `[from_s, to_s)` were counted from.
    pub fn coverage(&self, from_s: i64, to_s: i64) -> Coverage {
        let (lo, hi) = hours_of(from_s, to_s);
        let mut sources: BTreeMap<&str, SourceCoverage> = BTreeMap::new();
        let mut gaps = Vec::new();
        let mut covered = 0u64;
        let mut gap_from: Option<i64> = None;
        let mut next = lo;
        for (&hour, per_source) in self.coverage.range(lo..hi) {
            if per_source.is_empty() {
                continue;
            }
            if hour > next {
                gaps.push((gap_from.unwrap_or(next) * HOUR_S, hour * HOUR_S));
            }
            gap_from = None;
            next = hour + 1;
            covered += 1;
            for (source, &updates) in per_source {
                let s = sources.entry(source).or_insert_with(|| SourceCoverage {
                    source: source.clone(),
                    updates: 0,
                    hours: 0,
                    first_s: hour * HOUR_S,
                    last_s: (hour + 1) * HOUR_S,
                });
                s.updates += updates;
                s.hours += 1;
                s.last_s = (hour + 1) * HOUR_S;
            }
        }
        if next < hi {
            gaps.push((next * HOUR_S, hi * HOUR_S));
        }
        Coverage {
            from_s: lo * HOUR_S,
            to_s: hi * HOUR_S,
            hours: u64::try_from(hi - lo).unwrap_or(0),
            covered_hours: covered,
            gaps,
            sources: sources.into_values().collect(),
        }
    }
}

/// The hours (since the epoch) whose bins a window holds: from the hour of
/// `from_s` to the last hour starting before `to_s`, as a half-open range.
fn hours_of(from_s: i64, to_s: i64) -> (i64, i64) {
    let lo = from_s.div_euclid(HOUR_S);
    let hi = to_s.div_euclid(HOUR_S) + i64::from(to_s.rem_euclid(HOUR_S) != 0);
    (lo, hi.max(lo))
}

#[cfg(test)]
mod tests;
