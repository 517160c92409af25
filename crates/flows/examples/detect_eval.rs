//! Precision and recall of the anomaly detectors on SIMULATED hourly
//! crossings: nine sectors, one year each, a daily and weekly rhythm with
//! negative-binomial noise (people cross in groups), and injected surges
//! and level shifts of several sizes. Deterministic: a fixed seed.
//!
//! `cargo run --release -p flows --example detect_eval`
//!
//! Scoring, per method and event size (one simulated year of all nine
//! sectors per size, each sector with its own events):
//! - an event is **found** when an alert's window shares a bin with it;
//! - an alert is **explained** when its window shares a bin with an event
//!   or with the period (one week) after it, while the baseline still
//!   remembers the event (the expectation of the week after a two-week
//!   shift is raised, so a "drop" there is the shift ending, not a false
//!   alarm); an alert that is explained by nothing is a false positive;
//! - precision = explained alerts / alerts; recall = found events / events.

#[path = "common/sim.rs"]
mod sim;

use flows::detect::{detect, Anomaly, DetectConfig, Method};
use flows::Resolution;
use sim::{rhythm, Rng};

const HOURS: usize = 8_760;
const WEEK: usize = 168;

/// SIMULATED sectors: (code, mean crossings per hour, negative-binomial
/// size r). The means are FY2016 Border Patrol apprehensions per hour of
/// each Southwest sector (a real scale: from 0.7 an hour in Big Bend to
/// 21 in the Rio Grande Valley); the sizes are invented.
const SECTORS: [(&str, f64, f64); 9] = [
    ("SDC", 3.6, 6.0),
    ("ELC", 2.2, 6.0),
    ("YUM", 1.6, 5.0),
    ("TCA", 7.3, 8.0),
    ("EPT", 2.9, 6.0),
    ("BBT", 0.7, 4.0),
    ("DRT", 2.6, 6.0),
    ("LRT", 4.1, 6.0),
    ("RGV", 21.3, 10.0),
];

/// What is injected.
#[derive(Clone, Copy)]
enum Kind {
    /// Multiplies the rate for six hours.
    Surge(f64),
    /// Raises the rate by this fraction for two weeks.
    Shift(f64),
}

impl Kind {
    fn label(self) -> String {
        match self {
            Kind::Surge(m) => format!("surge ×{m} 6 h"),
            Kind::Shift(s) => format!("shift +{:.0} % 2 wk", s * 100.0),
        }
    }

    fn length(self) -> usize {
        match self {
            Kind::Surge(_) => 6,
            Kind::Shift(_) => 2 * WEEK,
        }
    }

    fn factor(self) -> f64 {
        match self {
            Kind::Surge(m) => m,
            Kind::Shift(s) => 1.0 + s,
        }
    }

    /// Events a sector-year holds, spaced so that no event's memory
    /// reaches the next.
    fn spacing(self) -> usize {
        match self {
            Kind::Surge(_) => 3 * WEEK,
            Kind::Shift(_) => 5 * WEEK,
        }
    }
}

/// `hours` of one sector: the counts and its events as `first..=last`
/// bins.
fn simulate(
    seed: u64,
    mean: f64,
    r: f64,
    kind: Option<Kind>,
    hours: usize,
) -> (Vec<u64>, Vec<(usize, usize)>) {
    let mut rng = Rng(seed);
    let mut events = Vec::new();
    let mut factor = vec![1.0; hours];
    if let Some(kind) = kind {
        // After a four-week warm-up, one event per spacing at a random
        // offset inside its slot.
        let mut slot = 4 * WEEK;
        while slot + kind.spacing() <= hours {
            let room = kind.spacing() - kind.length() - WEEK;
            let start = slot + (rng.next() as usize) % room;
            let end = start + kind.length() - 1;
            for f in &mut factor[start..=end] {
                *f = kind.factor();
            }
            events.push((start, end));
            slot += kind.spacing();
        }
    }
    let counts = (0..hours)
        .map(|t| rng.neg_binomial(mean * rhythm(t) * factor[t], r))
        .collect();
    (counts, events)
}

/// Tallies of one method over one size.
#[derive(Default, Clone, Copy)]
struct Tally {
    alerts: usize,
    explained: usize,
    events: usize,
    found: usize,
}

fn score(alerts: &[Anomaly], events: &[(usize, usize)], method: Method, tally: &mut Tally) {
    let mine: Vec<&Anomaly> = alerts.iter().filter(|a| a.method == method).collect();
    tally.alerts += mine.len();
    tally.explained += mine
        .iter()
        .filter(|a| events.iter().any(|&(s, e)| a.overlaps(s, e + WEEK)))
        .count();
    tally.events += events.len();
    tally.found += events
        .iter()
        .filter(|&&(s, e)| mine.iter().any(|a| a.overlaps(s, e)))
        .count();
}

fn pct(num: usize, den: usize) -> String {
    if den == 0 {
        "—".to_string()
    } else {
        format!("{:.0} %", 100.0 * num as f64 / den as f64)
    }
}

fn main() {
    let cfg = DetectConfig::default();
    let kinds = [
        Kind::Surge(1.5),
        Kind::Surge(2.0),
        Kind::Surge(3.0),
        Kind::Shift(0.25),
        Kind::Shift(0.5),
        Kind::Shift(1.0),
    ];
    println!("# Detector evaluation: SIMULATED hourly crossings");
    println!();
    println!(
        "SIMULATED data: nine sectors × {HOURS} hours, daily and weekly rhythm, negative-binomial \
         noise, fixed seed. Default configuration. Found = an alert window overlaps the event; \
         precision counts an alert as explained if it overlaps an event or the week after it."
    );
    println!();
    println!("| event (SIMULATED) | events | method | alerts | precision | recall |");
    println!("|---|---:|---|---:|---:|---:|");
    for (k, kind) in kinds.iter().enumerate() {
        let mut tallies = [Tally::default(); 4];
        for (s, &(_, mean, r)) in SECTORS.iter().enumerate() {
            let seed = 1_000 * (k as u64 + 1) + s as u64;
            let (x, events) = simulate(seed, mean, r, Some(*kind), HOURS);
            let alerts = detect(&x, Resolution::Hour, &cfg).expect("valid configuration");
            for (m, method) in Method::ALL.iter().enumerate() {
                score(&alerts, &events, *method, &mut tallies[m]);
            }
        }
        for (m, method) in Method::ALL.iter().enumerate() {
            let t = tallies[m];
            println!(
                "| {} | {} | {} | {} | {} | {} |",
                kind.label(),
                t.events,
                method.name(),
                t.alerts,
                pct(t.explained, t.alerts),
                pct(t.found, t.events)
            );
        }
    }
    println!();
    println!("## Alerts on pure rhythm (SIMULATED, no event injected, ten years per sector)");
    println!();
    println!("| sector | mean / h | seasonal | cusum | ewma | changepoint |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut totals = [0usize; 4];
    for (s, &(code, mean, r)) in SECTORS.iter().enumerate() {
        let (x, _) = simulate(99_000 + s as u64, mean, r, None, 10 * HOURS);
        let alerts = detect(&x, Resolution::Hour, &cfg).expect("valid configuration");
        let counts: Vec<usize> = Method::ALL
            .iter()
            .map(|m| alerts.iter().filter(|a| a.method == *m).count())
            .collect();
        for (t, c) in totals.iter_mut().zip(&counts) {
            *t += c;
        }
        println!(
            "| {code} | {mean} | {} | {} | {} | {} |",
            counts[0], counts[1], counts[2], counts[3]
        );
    }
    println!(
        "| all nine (90 sector-years) | | {} | {} | {} | {} |",
        totals[0], totals[1], totals[2], totals[3]
    );
    println!();
    println!(
        "Chance alerts per sector-decade at the defaults (SIMULATED): seasonal {:.1}, cusum {:.1}, \
         ewma {:.1}, changepoint {:.1}.",
        totals[0] as f64 / 9.0,
        totals[1] as f64 / 9.0,
        totals[2] as f64 / 9.0,
        totals[3] as f64 / 9.0
    );
}
