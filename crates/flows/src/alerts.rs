//! Alerts: what an analyst is told when a detector finds a count series
//! unusual, and the rule that keeps one excursion one alert.
//!
//! The contract of [`AlertBook`]:
//! - an anomaly ([`Anomaly`]) of a series becomes an [`Alert`] once: for
//!   one sector, method and direction there is at most one alert whose
//!   window overlaps (or touches) any other, so re-running the detectors
//!   every minute on a growing series extends the open alert instead of
//!   raising a new one;
//! - an alert is never withdrawn or re-raised: an extension keeps its id
//!   and its raising time, widens its window and takes the newer evidence;
//! - the id is derived from the data alone (sector, method, direction and
//!   the window's first bin), so the same counts at the same time give the
//!   same alerts on any machine, and a restart that reloads the book raises
//!   nothing it raised before.
//!
//! Pure: time is passed in.

use serde::{Deserialize, Serialize};

use crate::counts::{Counts, Filter, Resolution};
use crate::crossing::Direction;
use crate::detect::{detect, Anomaly, DetectConfig, DetectError, Method, Shift};

/// One alert and the evidence it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Stable id: `sector.method.shift.first-bin-seconds`.
    pub id: String,
    /// The sector's code.
    pub sector: String,
    /// What was counted, in words ("northbound crossings").
    pub series: String,
    /// The series' bin width.
    pub resolution: Resolution,
    /// The method that raised it.
    pub method: Method,
    /// Which way the counts departed.
    pub shift: Shift,
    /// The evidence window, `[from_s, to_s)` seconds.
    pub from_s: i64,
    /// Its end, exclusive.
    pub to_s: i64,
    /// Mean count per bin over the window (the level after a change
    /// point).
    pub observed: f64,
    /// Mean expectation per bin over the window (the level before a
    /// change point).
    pub expected: f64,
    /// The method's score (see [`Anomaly::score`]).
    pub score: f64,
    /// The smallest tail probability (seasonal only).
    pub p_value: Option<f64>,
    /// What the score or p-value was compared with.
    pub threshold: f64,
    /// When it was first raised, seconds.
    pub raised_s: i64,
    /// When its evidence last changed, seconds.
    pub updated_s: i64,
}

impl Alert {
    /// The alert in one line, as the intelligence cell reads it in
    /// GeoChat: sector, what, which way, the numbers and the window.
    pub fn text(&self) -> String {
        let way = match self.shift {
            Shift::Up => "ABOVE",
            Shift::Down => "BELOW",
        };
        let per = match self.resolution {
            Resolution::Hour => "h",
            Resolution::Day => "day",
            Resolution::Month => "month",
        };
        let test = match self.p_value {
            Some(p) => format!("p={p:.1e} < {:.0e}", self.threshold),
            None => format!("score {:.3} > {}", self.score, self.threshold),
        };
        let (what_obs, what_exp) = match self.method {
            Method::ChangePoint => ("level now", "before"),
            _ => ("observed", "expected"),
        };
        format!(
            "FLOWS ALERT {sector}: {series} {way} baseline, {what_obs} {obs:.1}/{per} vs {what_exp} {exp:.1}/{per} ({method}, {test}), {from} to {to}",
            sector = self.sector,
            series = self.series,
            obs = self.observed,
            exp = self.expected,
            method = self.method.name(),
            from = stamp(self.from_s),
            to = stamp(self.to_s),
        )
    }

    /// Whether `[from_s, to_s)` overlaps or touches this alert's window.
    fn meets(&self, from_s: i64, to_s: i64) -> bool {
        from_s <= self.to_s && self.from_s <= to_s
    }
}

/// A time as `YYYY-MM-DDTHH:MMZ`, UTC: what an alert's reader needs.
fn stamp(t_s: i64) -> String {
    let c = cot::Time::from_millis(t_s.saturating_mul(1_000)).civil();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute
    )
}

/// What [`AlertBook::offer`] did with an anomaly.
#[derive(Debug, Clone, PartialEq)]
pub enum Offered {
    /// A new alert: tell the analysts.
    Raised(Alert),
    /// An open alert's window or evidence grew: store it, tell nobody.
    Extended(Alert),
    /// Nothing new.
    Known,
}

/// The alerts raised so far, and the rule for the next one.
#[derive(Debug, Clone, Default)]
pub struct AlertBook {
    alerts: Vec<Alert>,
}

/// Where an anomaly sits: its sector and series, and the time of the
/// series' first bin.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The sector's code.
    pub sector: &'a str,
    /// What was counted, in words.
    pub series: &'a str,
    /// The series' bin width.
    pub resolution: Resolution,
    /// The start of its first bin, seconds.
    pub start_s: i64,
}

impl AlertBook {
    /// A book holding `alerts` (read back from the store).
    pub fn new(mut alerts: Vec<Alert>) -> AlertBook {
        alerts.sort_by_key(|a| (a.raised_s, a.from_s));
        AlertBook { alerts }
    }

    /// Every alert, oldest first.
    pub fn alerts(&self) -> &[Alert] {
        &self.alerts
    }

    /// Takes one anomaly of the series at `origin`, found at `now_s`.
    pub fn offer(&mut self, origin: Origin<'_>, anomaly: &Anomaly, now_s: i64) -> Offered {
        let (from_s, to_s) = anomaly.span_s(origin.start_s, origin.resolution);
        let open = self.alerts.iter_mut().rev().find(|a| {
            a.sector == origin.sector
                && a.series == origin.series
                && a.method == anomaly.method
                && a.shift == anomaly.shift
                && a.meets(from_s, to_s)
        });
        if let Some(a) = open {
            let grew = from_s < a.from_s || to_s > a.to_s || anomaly.score > a.score;
            if !grew {
                return Offered::Known;
            }
            a.from_s = a.from_s.min(from_s);
            a.to_s = a.to_s.max(to_s);
            if anomaly.score >= a.score {
                a.observed = anomaly.observed;
                a.expected = anomaly.expected;
                a.score = anomaly.score;
                a.p_value = anomaly.p_value;
                a.threshold = anomaly.threshold;
            }
            a.updated_s = now_s;
            return Offered::Extended(a.clone());
        }
        let alert = Alert {
            id: format!(
                "{}.{}.{}.{}",
                origin.sector,
                anomaly.method.name(),
                match anomaly.shift {
                    Shift::Up => "up",
                    Shift::Down => "down",
                },
                from_s
            ),
            sector: origin.sector.to_string(),
            series: origin.series.to_string(),
            resolution: origin.resolution,
            method: anomaly.method,
            shift: anomaly.shift,
            from_s,
            to_s,
            observed: anomaly.observed,
            expected: anomaly.expected,
            score: anomaly.score,
            p_value: anomaly.p_value,
            threshold: anomaly.threshold,
            raised_s: now_s,
            updated_s: now_s,
        };
        self.alerts.push(alert.clone());
        Offered::Raised(alert)
    }
}

/// What the server's periodic watch runs the detectors on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WatchConfig {
    /// Weeks of hourly counts before now each run analyses. Default 10:
    /// the eight weeks of history the seasonal expectation averages, and
    /// two to judge.
    pub weeks: u32,
    /// Only anomalies whose window ends within this many hours of now are
    /// alerts; older ones are history the analyst can chart, not news.
    /// Default 24.
    pub recent_h: u32,
    /// The detectors' tuning (hourly).
    pub detect: DetectConfig,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            weeks: 10,
            recent_h: 24,
            detect: DetectConfig::for_resolution(Resolution::Hour),
        }
    }
}

/// What the watch counts in each sector: northbound crossings of every
/// kind, the flow the intelligence cell is asked about.
pub const WATCHED_SERIES: &str = "northbound crossings";

impl AlertBook {
    /// Runs the detectors on each sector's hourly northbound crossings over
    /// the configured weeks up to `now_s` (the hour under way included) and
    /// offers what they find. A drop is not judged on the hour under way:
    /// a part-counted hour is always low.
    ///
    /// # Errors
    /// An invalid detector configuration.
    pub fn watch(
        &mut self,
        counts: &Counts,
        sectors: &[String],
        now_s: i64,
        cfg: &WatchConfig,
    ) -> Result<Vec<Offered>, DetectError> {
        cfg.detect.validate()?;
        let hour = Resolution::Hour;
        let to_s = hour.next(hour.floor(now_s));
        let from_s = to_s - i64::from(cfg.weeks.max(1)) * 7 * 86_400;
        let recent_from = now_s - i64::from(cfg.recent_h) * 3_600;
        let mut out = Vec::new();
        for sector in sectors {
            let filter = Filter {
                direction: Some(Direction::Northbound),
                ..Filter::crossings().in_sector(sector)
            };
            let Ok(series) = counts.series(&filter, hour, from_s, to_s) else {
                continue;
            };
            if series.values.iter().all(|&v| v == 0) {
                continue;
            }
            let anomalies = detect(&series.values, hour, &cfg.detect)?;
            let last = series.values.len().saturating_sub(1);
            let origin = Origin {
                sector,
                series: WATCHED_SERIES,
                resolution: hour,
                start_s: series.start_s,
            };
            for a in anomalies {
                let (_, end_s) = a.span_s(series.start_s, hour);
                if end_s <= recent_from || (a.shift == Shift::Down && a.window.1 == last) {
                    continue;
                }
                match self.offer(origin, &a, now_s) {
                    Offered::Known => {}
                    o => out.push(o),
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anomaly(method: Method, shift: Shift, window: (usize, usize), score: f64) -> Anomaly {
        Anomaly {
            method,
            shift,
            index: window.1,
            window,
            observed: 12.0,
            expected: 4.0,
            score,
            p_value: (method == Method::Seasonal).then_some(1e-8),
            threshold: if method == Method::Seasonal {
                1e-6
            } else {
                0.99
            },
        }
    }

    const ORIGIN: Origin<'static> = Origin {
        sector: "TCA",
        series: "northbound crossings",
        resolution: Resolution::Hour,
        start_s: 1_764_547_200, // 2025-12-01T00:00Z
    };

    #[test]
    fn one_excursion_is_one_alert_however_often_it_is_seen() {
        let mut book = AlertBook::default();
        let first = anomaly(Method::Seasonal, Shift::Up, (10, 10), 8.0);
        let Offered::Raised(a) = book.offer(ORIGIN, &first, 100) else {
            panic!("first sight raises");
        };
        assert_eq!(a.id, format!("TCA.seasonal.up.{}", ORIGIN.start_s + 36_000));
        assert_eq!(book.offer(ORIGIN, &first, 160), Offered::Known);
        let wider = anomaly(Method::Seasonal, Shift::Up, (10, 12), 9.0);
        let Offered::Extended(b) = book.offer(ORIGIN, &wider, 220) else {
            panic!("a wider window extends");
        };
        assert_eq!(
            (b.id.as_str(), b.raised_s, b.updated_s),
            (a.id.as_str(), 100, 220)
        );
        assert_eq!(b.to_s, ORIGIN.start_s + 13 * 3_600);
        assert_eq!(book.alerts().len(), 1);
    }

    #[test]
    fn other_methods_directions_sectors_and_windows_are_other_alerts() {
        let mut book = AlertBook::default();
        let up = anomaly(Method::Seasonal, Shift::Up, (10, 12), 8.0);
        assert!(matches!(book.offer(ORIGIN, &up, 1), Offered::Raised(_)));
        let cusum = anomaly(Method::Cusum, Shift::Up, (10, 12), 20.0);
        assert!(matches!(book.offer(ORIGIN, &cusum, 1), Offered::Raised(_)));
        let down = anomaly(Method::Seasonal, Shift::Down, (10, 12), 8.0);
        assert!(matches!(book.offer(ORIGIN, &down, 1), Offered::Raised(_)));
        let elsewhere = Origin {
            sector: "RGV",
            ..ORIGIN
        };
        assert!(matches!(book.offer(elsewhere, &up, 1), Offered::Raised(_)));
        let later = anomaly(Method::Seasonal, Shift::Up, (40, 41), 8.0);
        assert!(matches!(book.offer(ORIGIN, &later, 1), Offered::Raised(_)));
        assert_eq!(book.alerts().len(), 5);
        let ids: std::collections::HashSet<_> = book.alerts().iter().map(|a| &a.id).collect();
        assert_eq!(ids.len(), 5, "ids are unique");
    }

    #[test]
    fn a_reloaded_book_raises_nothing_again() {
        let mut book = AlertBook::default();
        let up = anomaly(Method::Ewma, Shift::Up, (3, 9), 6.0);
        book.offer(ORIGIN, &up, 50);
        let mut again = AlertBook::new(book.alerts().to_vec());
        assert_eq!(again.offer(ORIGIN, &up, 999), Offered::Known);
    }

    #[test]
    fn the_text_carries_the_evidence() {
        let mut book = AlertBook::default();
        let Offered::Raised(a) = book.offer(
            ORIGIN,
            &anomaly(Method::Seasonal, Shift::Up, (10, 12), 8.0),
            5,
        ) else {
            panic!("raised");
        };
        let text = a.text();
        for part in [
            "FLOWS ALERT TCA",
            "northbound crossings ABOVE",
            "observed 12.0/h vs expected 4.0/h",
            "seasonal, p=1.0e-8 < 1e-6",
            "2025-12-01T10:00Z to 2025-12-01T13:00Z",
        ] {
            assert!(text.contains(part), "{part:?} in {text}");
        }
        let cp = anomaly(Method::ChangePoint, Shift::Down, (20, 30), 0.995);
        let Offered::Raised(c) = book.offer(ORIGIN, &cp, 5) else {
            panic!("raised");
        };
        assert!(c.text().contains("level now 12.0/h vs before 4.0/h"));
        assert!(
            c.text().contains("(changepoint, score 0.995 > 0.99)"),
            "{}",
            c.text()
        );
    }

    /// SIMULATED: ten weeks of hourly northbound crossings in TCA with a
    /// daily rhythm, deterministic (no noise: the detectors' noise
    /// handling is tested in `detect`), then a tripled last six hours.
    fn simulated(surge: bool, now_s: i64) -> Counts {
        use crate::counts::{Bin, CountKey, EventKind};
        use crate::crossing::TrackKind;
        let mut counts = Counts::default();
        let end_h = now_s.div_euclid(3_600);
        for h in end_h - 70 * 24..=end_h {
            let hour_of_day = h.rem_euclid(24);
            let mut n =
                if (2..8).contains(&hour_of_day) { 6 } else { 2 } + (h.rem_euclid(3) as u64);
            if surge && h > end_h - 6 {
                n *= 3;
            }
            counts.add_bin(&Bin {
                hour: h,
                key: CountKey {
                    sector: "TCA".into(),
                    direction: Direction::Northbound,
                    kind: TrackKind::Ground,
                    event: EventKind::Crossing,
                },
                n,
            });
        }
        counts
    }

    #[test]
    fn the_watch_raises_a_surge_once_and_a_rhythm_never() {
        let now_s = 1_764_547_200 + 30 * 60;
        let sectors = vec!["TCA".to_string(), "RGV".to_string()];
        let cfg = WatchConfig::default();
        let mut book = AlertBook::default();
        let quiet = book
            .watch(&simulated(false, now_s), &sectors, now_s, &cfg)
            .expect("valid");
        assert!(quiet.is_empty(), "{quiet:#?}");
        let surging = simulated(true, now_s);
        let raised = book.watch(&surging, &sectors, now_s, &cfg).expect("valid");
        assert!(
            raised.iter().any(|o| matches!(o, Offered::Raised(a)
                if a.sector == "TCA" && a.method == Method::Seasonal && a.shift == Shift::Up
                    && a.to_s > now_s - 6 * 3_600)),
            "{raised:#?}"
        );
        assert!(raised
            .iter()
            .all(|o| matches!(o, Offered::Raised(a) if a.shift == Shift::Up)));
        let again = book
            .watch(&surging, &sectors, now_s + 60, &cfg)
            .expect("valid");
        assert!(again.is_empty(), "nothing new a minute later: {again:#?}");
    }

    #[test]
    fn stamps_are_utc_minutes() {
        assert_eq!(
            stamp(1_764_547_200 + 3_600 * 13 + 60 * 7),
            "2025-12-01T13:07Z"
        );
        assert_eq!(stamp(951_782_400), "2000-02-29T00:00Z");
    }
}
