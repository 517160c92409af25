//! Crossing detection throughput against the shipped US–Mexico border
//! (966 vertices) with SIMULATED tracks: 10,000 ground tracks random-walking
//! within a few kilometres of the line, one fix each every 5 s, 1,000,000
//! updates in all. `cargo run --release -p flows --example crossing_bench`.

use std::time::Instant;

use flows::{Border, CrossingConfig, CrossingDetector, FlowEvent, TrackKind};

/// A small deterministic generator, so every run walks the same tracks.
struct Lcg(u64);

impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() {
    let border = Border::us_mexico().expect("the shipped border");
    let vertices: Vec<(f64, f64)> =
        serde_json::from_str::<serde_json::Value>(include_str!("../data/us-mx-border.json"))
            .ok()
            .and_then(|v| serde_json::from_value(v["vertices"].clone()).ok())
            .expect("vertices");
    const TRACKS: usize = 10_000;
    const UPDATES: usize = 1_000_000;
    let mut rng = Lcg(7);
    let mut pos: Vec<(f64, f64)> = (0..TRACKS)
        .map(|_| {
            let v = vertices[(rng.unit() * vertices.len() as f64) as usize % vertices.len()];
            (
                v.0 + (rng.unit() - 0.5) * 0.05,
                v.1 + (rng.unit() - 0.5) * 0.05,
            )
        })
        .collect();
    // The fixes first, so only the detector is timed.
    let mut fixes = Vec::with_capacity(UPDATES);
    for n in 0..UPDATES {
        let k = n % TRACKS;
        let p = &mut pos[k];
        p.0 += (rng.unit() - 0.5) * 0.002;
        p.1 += (rng.unit() - 0.5) * 0.002;
        fixes.push((k as u64, p.0, p.1, (n / TRACKS) as i64 * 5));
    }
    let mut best = f64::INFINITY;
    let mut events = (0, 0);
    for _ in 0..5 {
        let mut d = CrossingDetector::new(border.clone(), CrossingConfig::default());
        let mut out = Vec::new();
        let t = Instant::now();
        for &(k, lon, lat, ts) in &fixes {
            d.update(k, TrackKind::Ground, lon, lat, ts, &mut out);
        }
        d.handle_timeout(1_000_000, &mut out);
        best = best.min(t.elapsed().as_secs_f64());
        let c = out
            .iter()
            .filter(|e| matches!(e, FlowEvent::Crossing { .. }))
            .count();
        events = (c, out.len() - c);
    }
    println!(
        "crossing detection: {UPDATES} updates of {TRACKS} SIMULATED tracks against {} border vertices: best of 5 {:.0} ms, {:.2} M updates/s on one core; {} crossings, {} turn-backs",
        border.vertex_count(),
        best * 1e3,
        UPDATES as f64 / best / 1e6,
        events.0,
        events.1
    );
}
