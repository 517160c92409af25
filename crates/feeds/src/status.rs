//! Whether each configured sensor is talking: reporting, late or silent,
//! when it last sent a message and how fast it sends them. Pure: the caller
//! hands in the pipeline's per-sensor counters ([`crate::SensorStats`]) and
//! `now`, and gets back what changed, so the shell can log each change once
//! and show the state.
//!
//! # The rules
//! With `p` the sensor's period ([`SensorConfig::period`]) and `q` the
//! seconds since its last message:
//! - **reporting** when `q <= 2 p`: at most one look went by without a word,
//!   which jitter and an empty sky explain;
//! - **late** when `q <= max(5 p, silent_min_s)` (30 s by default): a few
//!   looks missed. The floor is there because five periods of a fast sensor
//!   (an ADS-B receiver at 1 s) are a gap a network hiccup or a quiet minute
//!   of traffic makes; raising an alarm after 5 s would train the watch
//!   officer to ignore it. For a slow sensor (a 12 s radar) five periods, a
//!   minute, is already longer than the floor, and four missed rotations in
//!   a row is a fault worth an alert;
//! - **silent** beyond that, or when it never sent anything.
//!
//! # Units
//! Times are Unix seconds (`f64`, the pipeline's clock), rates messages per
//! second.

use crate::config::SensorConfig;
use crate::stats::SensorStats;

/// The default floor of the silent threshold, seconds.
pub const SILENT_MIN_S: f64 = 30.0;
/// Periods without a message a sensor may go and still be reporting.
const REPORTING_PERIODS: f64 = 2.0;
/// Periods without a message before a sensor counts as silent (or the floor).
const LATE_PERIODS: f64 = 5.0;
/// Seconds of history the message rate is averaged over.
pub const RATE_WINDOW_S: usize = 60;

/// How a sensor is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// A message within two periods.
    Reporting,
    /// Quiet for longer, but not yet silent.
    Late,
    /// Quiet past the silent threshold, or never heard from.
    Silent,
}

impl Status {
    /// The status in lower-case words, as metrics labels and the page use it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Reporting => "reporting",
            Status::Late => "late",
            Status::Silent => "silent",
        }
    }

    /// Every status, in the order metrics list them.
    pub const ALL: [Status; 3] = [Status::Reporting, Status::Late, Status::Silent];
}

/// Messages per whole second over the last [`RATE_WINDOW_S`] seconds: a
/// fixed ring of counts, so its size never depends on the traffic.
#[derive(Debug, Clone, PartialEq)]
pub struct RateWindow {
    /// Counts by second, indexed by the second modulo the window.
    counts: [u32; RATE_WINDOW_S],
    /// The whole second the newest count belongs to.
    newest: Option<i64>,
    /// The first second counted, so a window not yet full is not diluted.
    first: Option<i64>,
}

impl Default for RateWindow {
    fn default() -> Self {
        RateWindow {
            counts: [0; RATE_WINDOW_S],
            newest: None,
            first: None,
        }
    }
}

impl RateWindow {
    /// Adds `n` messages received in the second of `now`. A `now` behind
    /// the newest second counts in the newest (a clock that steps back must
    /// not erase history); a non-finite `now` is ignored.
    pub fn add(&mut self, n: u64, now: f64) {
        if !now.is_finite() {
            return;
        }
        let sec = self.advance(now.floor() as i64);
        let slot = sec.rem_euclid(RATE_WINDOW_S as i64) as usize;
        let add = u32::try_from(n).unwrap_or(u32::MAX);
        if let Some(c) = self.counts.get_mut(slot) {
            *c = c.saturating_add(add);
        }
    }

    /// Moves the window to `sec`, zeroing the seconds skipped; returns the
    /// second counts now go to.
    fn advance(&mut self, sec: i64) -> i64 {
        let newest = match self.newest {
            Some(n) if sec <= n => return n,
            Some(n) => n,
            None => {
                self.newest = Some(sec);
                self.first = Some(sec);
                return sec;
            }
        };
        let gap = (sec - newest).min(RATE_WINDOW_S as i64);
        for k in 1..=gap {
            let slot = (newest + k).rem_euclid(RATE_WINDOW_S as i64) as usize;
            if let Some(c) = self.counts.get_mut(slot) {
                *c = 0;
            }
        }
        self.newest = Some(sec);
        sec
    }

    /// Messages per second over the window ending at `now`: the counts of
    /// the last [`RATE_WINDOW_S`] whole seconds divided by that span, or by
    /// the time since the first count when that is shorter (at least 1 s).
    pub fn rate(&mut self, now: f64) -> f64 {
        if !now.is_finite() {
            return 0.0;
        }
        let (Some(_), Some(first)) = (self.newest, self.first) else {
            return 0.0;
        };
        // Seconds that passed without a message count as zeros.
        self.advance(now.floor() as i64);
        let total: u64 = self.counts.iter().map(|&c| u64::from(c)).sum();
        let span = (now - first as f64).clamp(1.0, RATE_WINDOW_S as f64);
        total as f64 / span
    }
}

/// One sensor's health at the last [`StatusBoard::update`].
#[derive(Debug, Clone, PartialEq)]
pub struct SensorHealth {
    /// The sensor's id from the config.
    pub id: String,
    /// Its status.
    pub status: Status,
    /// When it last sent a message (Unix seconds); `None` if never.
    pub last_message: Option<f64>,
    /// Messages per second over the last minute.
    pub rate_per_s: f64,
    /// Messages from it so far.
    pub messages: u64,
    /// Of those, records or lines that did not decode.
    pub decode_errors: u64,
}

/// A change worth one log line (and, for the first two, a notice on the
/// screen).
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    /// It had been reporting or late and went silent; `last` is its last
    /// message (Unix seconds).
    WentSilent {
        /// The sensor's id.
        id: String,
        /// Its last message, Unix seconds.
        last: f64,
    },
    /// It was silent after having reported, and a message came.
    Back {
        /// The sensor's id.
        id: String,
        /// How long it had been quiet, seconds.
        quiet_s: f64,
    },
    /// It has not sent anything since the board started, for as long as
    /// makes any other sensor silent. Said once.
    NeverHeard {
        /// The sensor's id.
        id: String,
    },
    /// Its first message ever.
    FirstHeard {
        /// The sensor's id.
        id: String,
    },
    /// Reporting to late or late to reporting: shown, not alerted.
    Changed {
        /// The sensor's id.
        id: String,
        /// The new status.
        status: Status,
    },
}

#[derive(Debug, Clone)]
struct Entry {
    health: SensorHealth,
    period_s: f64,
    rate: RateWindow,
    never_heard_said: bool,
}

/// Every configured sensor's status, updated from the pipeline's counters
/// at times passed in.
#[derive(Debug, Clone)]
pub struct StatusBoard {
    entries: Vec<Entry>,
    silent_min_s: f64,
    started: f64,
}

impl StatusBoard {
    /// A board for `sensors` (in config order), started at `now` (Unix
    /// seconds), with `silent_min_s` as the floor of the silent threshold
    /// ([`SILENT_MIN_S`] unless a test or a site wants it shorter; a value
    /// that is not a positive number takes the default).
    pub fn new(sensors: &[SensorConfig], silent_min_s: f64, now: f64) -> Self {
        let silent_min_s = if silent_min_s.is_finite() && silent_min_s > 0.0 {
            silent_min_s
        } else {
            SILENT_MIN_S
        };
        StatusBoard {
            entries: sensors
                .iter()
                .map(|s| Entry {
                    health: SensorHealth {
                        id: s.id.clone(),
                        status: Status::Silent,
                        last_message: None,
                        rate_per_s: 0.0,
                        messages: 0,
                        decode_errors: 0,
                    },
                    period_s: s.period(),
                    rate: RateWindow::default(),
                    never_heard_said: false,
                })
                .collect(),
            silent_min_s,
            started: now,
        }
    }

    /// Seconds of quiet after which a sensor with this period is silent.
    pub fn silent_after(&self, period_s: f64) -> f64 {
        (LATE_PERIODS * period_s).max(self.silent_min_s)
    }

    /// The status of a sensor with period `period_s` whose last message is
    /// `last`, at `now`.
    pub fn status_of(&self, period_s: f64, last: Option<f64>, now: f64) -> Status {
        status(period_s, self.silent_after(period_s), last, now)
    }

    /// Takes in the pipeline's counters (matched to sensors by id; a sensor
    /// without counters keeps its old ones) at `now`, and returns what
    /// changed since the last update.
    pub fn update<'a>(
        &mut self,
        stats: impl IntoIterator<Item = &'a SensorStats>,
        now: f64,
    ) -> Vec<Transition> {
        let mut out = Vec::new();
        let stats: Vec<&SensorStats> = stats.into_iter().collect();
        let silent_after: Vec<f64> = self
            .entries
            .iter()
            .map(|e| self.silent_after(e.period_s))
            .collect();
        for (i, e) in self.entries.iter_mut().enumerate() {
            let h = &mut e.health;
            let before = (h.status, h.last_message);
            if let Some(s) = stats.iter().find(|s| s.id == h.id) {
                let new = s.messages.saturating_sub(h.messages);
                if new > 0 {
                    e.rate.add(new, now);
                }
                h.messages = s.messages;
                h.decode_errors = s.decode_errors;
                h.last_message = s.last_seen.or(h.last_message);
            }
            h.rate_per_s = e.rate.rate(now);
            let limit = silent_after.get(i).copied().unwrap_or(SILENT_MIN_S);
            h.status = status(e.period_s, limit, h.last_message, now);
            let id = || h.id.clone();
            match (before, h.status) {
                ((_, None), _) if h.last_message.is_some() => {
                    out.push(Transition::FirstHeard { id: id() });
                }
                ((Status::Reporting | Status::Late, Some(last)), Status::Silent) => {
                    out.push(Transition::WentSilent { id: id(), last });
                }
                ((Status::Silent, Some(last)), Status::Reporting | Status::Late) => {
                    out.push(Transition::Back {
                        id: id(),
                        quiet_s: h.last_message.unwrap_or(now) - last,
                    });
                }
                ((old, _), new) if old != new => {
                    out.push(Transition::Changed {
                        id: id(),
                        status: new,
                    });
                }
                _ => {}
            }
            if h.last_message.is_none() && !e.never_heard_said && now - self.started > limit {
                e.never_heard_said = true;
                out.push(Transition::NeverHeard { id: id() });
            }
        }
        out
    }

    /// Every sensor's health as of the last update, in config order.
    pub fn sensors(&self) -> impl Iterator<Item = &SensorHealth> {
        self.entries.iter().map(|e| &e.health)
    }
}

/// [`StatusBoard::status_of`] with the silent threshold worked out.
fn status(period_s: f64, silent_after: f64, last: Option<f64>, now: f64) -> Status {
    let Some(last) = last else {
        return Status::Silent;
    };
    // A message stamped ahead of `now` (a clock stepping back) is fresh.
    let quiet = (now - last).max(0.0);
    if quiet <= REPORTING_PERIODS * period_s {
        Status::Reporting
    } else if quiet <= silent_after {
        Status::Late
    } else {
        Status::Silent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SensorKind;

    fn radar(id: &str, period: f64) -> SensorConfig {
        let mut s = SensorConfig::new(id, SensorKind::Asterix);
        s.period_s = Some(period);
        s
    }

    fn stats(id: &str, messages: u64, last: Option<f64>) -> SensorStats {
        SensorStats {
            id: id.into(),
            messages,
            last_seen: last,
            ..SensorStats::default()
        }
    }

    #[test]
    fn thresholds_are_two_and_five_periods_with_a_floor() {
        let b = StatusBoard::new(&[], SILENT_MIN_S, 0.0);
        // A 12 s radar: reporting to 24 s, late to 60 s (five periods beat the floor).
        assert_eq!(b.status_of(12.0, Some(100.0), 124.0), Status::Reporting);
        assert_eq!(b.status_of(12.0, Some(100.0), 124.1), Status::Late);
        assert_eq!(b.status_of(12.0, Some(100.0), 160.0), Status::Late);
        assert_eq!(b.status_of(12.0, Some(100.0), 160.1), Status::Silent);
        // A 1 s ADS-B receiver: reporting to 2 s, late to the 30 s floor.
        assert_eq!(b.status_of(1.0, Some(100.0), 102.0), Status::Reporting);
        assert_eq!(b.status_of(1.0, Some(100.0), 105.5), Status::Late);
        assert_eq!(b.status_of(1.0, Some(100.0), 130.0), Status::Late);
        assert_eq!(b.status_of(1.0, Some(100.0), 130.5), Status::Silent);
        // Never heard is silent; a message from the future is fresh.
        assert_eq!(b.status_of(1.0, None, 100.0), Status::Silent);
        assert_eq!(b.status_of(1.0, Some(200.0), 100.0), Status::Reporting);
        // A floor set lower (tests, a site with fast sensors) is used.
        let fast = StatusBoard::new(&[], 1.0, 0.0);
        assert_eq!(fast.status_of(0.1, Some(100.0), 100.9), Status::Late);
        assert_eq!(fast.status_of(0.1, Some(100.0), 101.1), Status::Silent);
        // A nonsense floor takes the default.
        assert_eq!(StatusBoard::new(&[], f64::NAN, 0.0).silent_after(1.0), 30.0);
    }

    #[test]
    fn a_sensor_that_stops_goes_late_then_silent_once_and_comes_back() {
        let mut b = StatusBoard::new(&[radar("r1", 5.0)], SILENT_MIN_S, 1000.0);
        assert!(b.update([&stats("r1", 0, None)], 1000.0).is_empty());
        assert_eq!(b.sensors().next().map(|h| h.status), Some(Status::Silent));
        let t = b.update([&stats("r1", 3, Some(1001.0))], 1001.0);
        assert_eq!(t, vec![Transition::FirstHeard { id: "r1".into() }]);
        assert_eq!(
            b.sensors().next().map(|h| h.status),
            Some(Status::Reporting)
        );
        // Quiet past two periods: late, shown but no alert.
        let t = b.update([&stats("r1", 3, Some(1001.0))], 1012.0);
        assert_eq!(
            t,
            vec![Transition::Changed {
                id: "r1".into(),
                status: Status::Late
            }]
        );
        // Past the 30 s floor: silent, said once however often it is checked.
        let t = b.update([&stats("r1", 3, Some(1001.0))], 1031.5);
        assert_eq!(
            t,
            vec![Transition::WentSilent {
                id: "r1".into(),
                last: 1001.0
            }]
        );
        for k in 0..10 {
            let now = 1032.0 + f64::from(k);
            assert!(b.update([&stats("r1", 3, Some(1001.0))], now).is_empty());
        }
        // A message: back, after 49 s of quiet.
        let t = b.update([&stats("r1", 4, Some(1050.0))], 1050.0);
        assert_eq!(
            t,
            vec![Transition::Back {
                id: "r1".into(),
                quiet_s: 49.0
            }]
        );
        let h = b.sensors().next().cloned();
        assert_eq!(
            h.map(|h| (h.status, h.last_message, h.messages)),
            Some((Status::Reporting, Some(1050.0), 4))
        );
    }

    #[test]
    fn a_sensor_never_heard_from_is_said_once_and_never_alerted() {
        let mut b = StatusBoard::new(&[radar("r1", 5.0), radar("r2", 5.0)], 30.0, 0.0);
        let mut said = Vec::new();
        for k in 0..100 {
            let now = f64::from(k);
            said.extend(b.update([&stats("r1", k as u64, Some(now))], now));
        }
        let about_r2: Vec<&Transition> = said
            .iter()
            .filter(|t| !matches!(t, Transition::FirstHeard { id } if id == "r1"))
            .collect();
        assert_eq!(about_r2, vec![&Transition::NeverHeard { id: "r2".into() }]);
        let r2 = b.sensors().nth(1).cloned();
        assert_eq!(
            r2.map(|h| (h.status, h.last_message)),
            Some((Status::Silent, None))
        );
    }

    #[test]
    fn the_rate_is_messages_over_the_last_minute() {
        let mut b = StatusBoard::new(&[radar("r1", 1.0)], SILENT_MIN_S, 0.0);
        // Ten messages a second for two minutes.
        for k in 1..=120u32 {
            let now = f64::from(k);
            b.update([&stats("r1", u64::from(k) * 10, Some(now))], now);
        }
        let rate = b.sensors().next().map_or(0.0, |h| h.rate_per_s);
        assert!((rate - 10.0).abs() < 0.5, "{rate}");
        // Then nothing: the rate falls to zero within the window.
        b.update([&stats("r1", 1200, Some(120.0))], 150.0);
        let half = b.sensors().next().map_or(0.0, |h| h.rate_per_s);
        assert!((half - 5.0).abs() < 0.5, "{half}");
        b.update([&stats("r1", 1200, Some(120.0))], 181.0);
        assert_eq!(b.sensors().next().map(|h| h.rate_per_s), Some(0.0));
    }

    #[test]
    fn decode_errors_are_counted_per_sensor() {
        let mut cfg = crate::FeedsConfig::new(crate::Site {
            lat: 31.3,
            lon: -109.2,
            alt: 0.0,
        });
        cfg.sensors = vec![
            SensorConfig::new("adsb-1", SensorKind::Sbs),
            SensorConfig::new("cam-1", SensorKind::Detections),
            SensorConfig::new("radar-1", SensorKind::Asterix),
        ];
        let mut p = crate::Pipeline::new(cfg).unwrap();
        let now = cot::Time::from_millis(1_750_000_000_000);
        p.ingest_sbs_line("adsb-1", "NOT,SBS,AT,ALL", now);
        p.ingest_detection_json("cam-1", "{not json", now);
        p.ingest_detection_json("cam-1", "[]", now);
        p.ingest_asterix("radar-1", &[48, 0], now);
        // Unknown sensors count in the total only.
        p.ingest_detection_json("nobody", "{not json", now);
        let per: Vec<(String, u64)> = p
            .sensors()
            .map(|s| (s.id.clone(), s.decode_errors))
            .collect();
        assert_eq!(
            per,
            vec![
                ("adsb-1".into(), 1),
                ("cam-1".into(), 2),
                ("radar-1".into(), 1)
            ]
        );
        assert_eq!(p.stats().decode_error, 4);
    }

    #[test]
    fn the_rate_window_is_bounded_and_survives_odd_clocks() {
        let mut w = RateWindow::default();
        assert_eq!(w.rate(10.0), 0.0);
        w.add(5, 10.2);
        // Young window: five messages in the first second.
        assert!((w.rate(10.5) - 5.0).abs() < 1e-9);
        // A clock stepping back counts in the newest second.
        w.add(5, 3.0);
        assert!((w.rate(11.0) - 10.0).abs() < 1e-9);
        // NaN is ignored; a jump of a day zeroes everything.
        w.add(7, f64::NAN);
        assert_eq!(w.rate(f64::NAN), 0.0);
        assert_eq!(w.rate(86_400.0), 0.0);
        w.add(u64::MAX, 86_400.0);
        assert!(w.rate(86_400.5).is_finite());
    }
}
