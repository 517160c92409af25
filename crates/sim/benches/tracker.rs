//! Throughput of the `fusion` tracker on simulated scenes (100 and 1,000
//! targets); here beside the scenario generator, which `fusion` does not
//! depend on.
#![allow(missing_docs)] // criterion macros generate undocumented items

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use fusion::scenario::parse_detections;
use fusion::{Config, Detection, Tracker};
use sim::tracking::{simulate, SimParams};

/// Detections grouped by scan, after a warm-up so tracks exist.
fn scene(targets: usize) -> (Tracker, Vec<(f64, Vec<Detection>)>) {
    let sim = simulate(&SimParams::scaled(targets, 40, 1));
    let dets = parse_detections(&sim.detections_csv).expect("simulated csv parses");
    let mut scans: Vec<(f64, Vec<Detection>)> = Vec::new();
    for d in dets {
        match scans.last_mut() {
            Some((t, v)) if *t == d.time => v.push(d),
            _ => scans.push((d.time, vec![d])),
        }
    }
    let mut tracker = Tracker::new(Config::default()).expect("default config is valid");
    let rest = scans.split_off(20);
    for (t, d) in &scans {
        tracker.process(*t, d).expect("scans in order");
    }
    (tracker, rest)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("tracker_scan");
    g.sample_size(10);
    for n in [100usize, 1000] {
        let (warm, scans) = scene(n);
        g.bench_function(format!("{n}_targets_20_scans"), |b| {
            b.iter_batched(
                || warm.clone(),
                |mut t| {
                    for (time, d) in &scans {
                        t.process(*time, d).expect("scans in order");
                    }
                    t
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
