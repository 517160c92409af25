//! The measures a staff is judged by (ETMS2, AUTHORITIES.md §2.1): how
//! many are open and due within a week, how many are late and by how many
//! days, and how long a suspense takes to complete; per owner and overall.

use std::collections::BTreeMap;

use cot::Time;
use serde::Serialize;

use super::{plus_days, Suspense, SuspenseStatus};

/// The measures over a set of suspenses at an instant.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Not met and not waived (open, extended or late).
    pub open: usize,
    /// Open and due within the next seven days.
    pub due_7d: usize,
    /// Past due and not met.
    pub late: usize,
    /// Met.
    pub met: usize,
    /// Met after they were due.
    pub met_late: usize,
    /// Waived.
    pub waived: usize,
    /// Whole days late, summed over those late now and those met late.
    pub days_late: i64,
    /// The most days late of any one.
    pub days_late_max: i64,
    /// Hours from set to met, mean over those met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours_to_complete_mean: Option<f64>,
    /// Hours from set to met, median over those met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours_to_complete_median: Option<f64>,
}

/// The measures overall and per owner.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MetricsReport {
    /// Over every suspense given.
    pub overall: Metrics,
    /// Per owner, by owner.
    pub by_owner: BTreeMap<String, Metrics>,
}

#[derive(Default)]
struct Tally {
    m: Metrics,
    hours: Vec<f64>,
}

impl Tally {
    fn add(&mut self, s: &Suspense, now: Time) {
        let m = &mut self.m;
        match s.status(now) {
            SuspenseStatus::Met => {
                m.met += 1;
                if let Some(at) = s.met_at {
                    let h = (at.micros() - s.opened.micros()) as f64 / 3.6e9;
                    self.hours.push(h.max(0.0));
                }
                m.met_late += usize::from(s.is_late(now));
            }
            SuspenseStatus::Waived => m.waived += 1,
            SuspenseStatus::Late => {
                m.open += 1;
                m.late += 1;
            }
            SuspenseStatus::Open | SuspenseStatus::Extended => {
                m.open += 1;
                m.due_7d += usize::from(s.current_due() <= plus_days(now, 7));
            }
        }
        let d = s.days_late(now);
        m.days_late += d;
        m.days_late_max = m.days_late_max.max(d);
    }

    fn finish(mut self) -> Metrics {
        if !self.hours.is_empty() {
            let n = self.hours.len();
            let round = |h: f64| (h * 10.0).round() / 10.0;
            self.m.hours_to_complete_mean = Some(round(self.hours.iter().sum::<f64>() / n as f64));
            self.hours.sort_by(f64::total_cmp);
            let median = if n % 2 == 1 {
                self.hours[n / 2]
            } else {
                (self.hours[n / 2 - 1] + self.hours[n / 2]) / 2.0
            };
            self.m.hours_to_complete_median = Some(round(median));
        }
        self.m
    }
}

/// The measures of `items` at `now`.
pub fn metrics<'a>(items: impl IntoIterator<Item = &'a Suspense>, now: Time) -> MetricsReport {
    let mut overall = Tally::default();
    let mut by_owner: BTreeMap<String, Tally> = BTreeMap::new();
    for s in items {
        overall.add(s, now);
        by_owner.entry(s.owner.clone()).or_default().add(s, now);
    }
    MetricsReport {
        overall: overall.finish(),
        by_owner: by_owner.into_iter().map(|(k, t)| (k, t.finish())).collect(),
    }
}
