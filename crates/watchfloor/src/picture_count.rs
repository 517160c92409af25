//! The demo's picture against its truth, in process: the simulator's
//! messages go straight into the pipeline (no sockets, no clock), and
//! every minute the live tracks are counted against the simulated objects.
//! Everything here is SIMULATION.

use std::collections::HashMap;

use anyhow::{Context, Result};
use sim::{SimConfig, SimOutput, Simulator, TargetKind};

/// One minute's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct CountRow {
    /// Minutes since the start.
    pub(crate) minute: u32,
    /// Live air tracks.
    pub(crate) air_tracks: usize,
    /// Simulated aircraft alive.
    pub(crate) air_objects: usize,
    /// Live ground tracks.
    pub(crate) ground_tracks: usize,
    /// Simulated people and vehicles alive.
    pub(crate) ground_objects: usize,
    /// Track numbers given so far (the highest published id).
    pub(crate) numbers: u64,
}

/// Runs `sim` (seed `seed`) for `minutes` through the demo's pipeline.
pub(crate) fn count(sim: &SimConfig, seed: u64, minutes: u32) -> Result<Vec<CountRow>> {
    let mut simulator = Simulator::new(sim.clone(), seed).context("the simulated scenario")?;
    let mut pipeline = feeds::Pipeline::new(sim::feeds_config(sim)).context("the pipeline")?;
    let start = sim.start_unix_s;
    let at = |t: f64| cot::Time::from_micros((t * 1e6).round() as i64);
    // Last published CoT type of each live track.
    let mut kinds: HashMap<String, String> = HashMap::new();
    let mut rows = Vec::new();
    let mut numbers = 0u64;
    let steps = u64::from(minutes) * 60 * 2;
    for step in 1..=steps {
        let t = step as f64 * 0.5;
        let now = at(start + t);
        for out in simulator.step(t) {
            match &out {
                SimOutput::Asterix { sensor, bytes } => pipeline.ingest_asterix(sensor, bytes, now),
                SimOutput::Sbs { sensor, line } => pipeline.ingest_sbs_line(sensor, line, now),
                SimOutput::Detection { sensor, json } => {
                    pipeline.ingest_detection_json(sensor, json, now)
                }
            }
        }
        pipeline.handle_timeout(now);
        while let Some(e) = pipeline.poll_event() {
            if e.kind == "t-x-d-d" {
                continue;
            }
            if let Some(n) = e.uid.rsplit('-').next().and_then(|n| n.parse::<u64>().ok()) {
                numbers = numbers.max(n);
            }
            kinds.insert(e.uid.clone(), e.kind.clone());
        }
        let live: Vec<String> = pipeline.track_uids();
        kinds.retain(|uid, _| live.contains(uid));
        if step % 120 == 0 {
            let truth = simulator.truth();
            let air = |k: &TargetKind| matches!(k, TargetKind::Aircraft);
            rows.push(CountRow {
                minute: (step / 120) as u32,
                air_tracks: kinds.values().filter(|k| k.ends_with("-A")).count(),
                air_objects: truth.iter().filter(|s| air(&s.kind)).count(),
                ground_tracks: kinds.values().filter(|k| k.ends_with("-G")).count(),
                ground_objects: truth.iter().filter(|s| !air(&s.kind)).count(),
                numbers,
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default demo, ten simulated minutes: one track per object (give
    /// or take one or two being initiated or ended), and track numbers that
    /// do not run away. Before the fuser the demo showed 2.6 air tracks per
    /// aircraft; before height hints, a ground radar's plots of aircraft at
    /// 3 km started 1 to 3 extra air tracks; before a slow radar's new
    /// tracks were spared the covariance bound, aircraft without ADS-B had
    /// none.
    #[test]
    fn the_demo_shows_one_track_per_object() {
        // Seed 1 is the demo's; seed 7 another sky.
        for seed in [1, 7] {
            check(&count(&SimConfig::border_sector(), seed, 10).expect("run"));
        }
    }

    fn check(rows: &[CountRow]) {
        for r in rows {
            println!("{r:?}");
        }
        for r in rows.iter().skip(1) {
            assert!(
                r.air_tracks <= r.air_objects + 1 && r.air_tracks + 2 >= r.air_objects,
                "{r:?}"
            );
            assert!(
                r.ground_tracks <= r.ground_objects + 2 && r.ground_tracks + 3 >= r.ground_objects,
                "{r:?}"
            );
        }
        let last = rows.last().expect("ten rows");
        let objects = (last.air_objects + last.ground_objects) as u64;
        assert!(2 * last.numbers <= 3 * objects, "numbers used: {last:?}");
    }
}
