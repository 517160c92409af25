//! Cost of the anomaly detectors: `detect` (all four methods) and
//! `baseline` for nine sectors × one year of hourly bins (8,760 × 9) of
//! SIMULATED crossings, the work of one refresh of the anomaly panel.
//! Prints the median of up to 21 runs (fewer if they pass ten seconds in
//! all). The target is under 100 ms for the whole.
//!
//! `cargo run --release -p flows --example detect_bench`

use std::time::{Duration, Instant};

#[path = "common/sim.rs"]
mod sim;

use flows::detect::{analyse, baseline, detect, DetectConfig, Method};
use flows::Resolution;
use sim::Rng;

const HOURS: usize = 8_760;
const SECTORS: usize = 9;
const RUNS: usize = 21;
const BUDGET: Duration = Duration::from_secs(10);

fn median_ms(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // SIMULATED: the nine Southwest sectors' FY2016 hourly means, with a
    // daily and weekly rhythm.
    let means = [3.6, 2.2, 1.6, 7.3, 2.9, 0.7, 2.6, 4.1, 21.3];
    let mut rng = Rng(2016);
    let series: Vec<Vec<u64>> = means
        .iter()
        .map(|&m| {
            (0..HOURS)
                .map(|t| {
                    let hour = (t % 24) as f64;
                    let weekend = if (t / 24) % 7 >= 5 { 1.25 } else { 1.0 };
                    let daily = 1.0 + 0.6 * (std::f64::consts::TAU * (hour - 3.0) / 24.0).cos();
                    rng.neg_binomial(m * daily * weekend, 6.0)
                })
                .collect()
        })
        .collect();
    assert_eq!(series.len(), SECTORS);
    let cfg = DetectConfig::default();

    let mut separate = Vec::new();
    let mut together = Vec::new();
    let mut alerts = 0;
    let started = Instant::now();
    for _ in 0..RUNS {
        let t = Instant::now();
        alerts = 0;
        for x in &series {
            let band = baseline(x, Resolution::Hour, &cfg).expect("valid");
            alerts += detect(x, Resolution::Hour, &cfg).expect("valid").len();
            std::hint::black_box(band);
        }
        separate.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        for x in &series {
            std::hint::black_box(analyse(x, Resolution::Hour, &cfg).expect("valid"));
        }
        together.push(t.elapsed().as_secs_f64() * 1e3);
        if started.elapsed() > BUDGET {
            break;
        }
    }
    let mut per_method = Vec::new();
    for method in Method::ALL {
        let one = DetectConfig {
            methods: vec![method],
            ..DetectConfig::default()
        };
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            for x in &series {
                std::hint::black_box(detect(x, Resolution::Hour, &one).expect("valid"));
            }
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        per_method.push((method, median_ms(times)));
    }
    let mut scoring = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        for x in &series {
            std::hint::black_box(detect(x, Resolution::Hour, &cfg).expect("valid"));
        }
        scoring.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let runs = separate.len();
    println!(
        "SIMULATED {SECTORS} sectors × {HOURS} hourly bins, all four methods, median of {runs} runs:"
    );
    println!(
        "  detect + baseline: {:.1} ms per run ({alerts} alerts)",
        median_ms(separate)
    );
    println!(
        "  analyse (baseline fitted once): {:.1} ms per run",
        median_ms(together)
    );
    println!(
        "  detect alone (anomaly scoring, no band): {:.1} ms per run",
        median_ms(scoring)
    );
    for (method, ms) in per_method {
        println!("  detect with {} alone: {ms:.1} ms per run", method.name());
    }
}
