//! A seeded scenario simulator following the v1 scenario format's model
//! (nearly constant velocity targets, Pd, Poisson clutter, Gaussian noise).
//! Its output is simulation, and every file it writes says so.
//!
//! The random stream is SplitMix64 seeded with [`SimParams::seed`], the
//! same stream since the first published benchmark figures
//! (`bench/tracking/README.md`), so a seed still gives the same files.
//!
//! # Units
//! Metres, seconds, m/s; `q` in m²/s³.

use std::fmt::Write as _;

use fusion::scenario::ScenarioMeta;

use crate::rng::{SimRng, SplitMix64};

/// Simulation parameters, with the v1 format's meanings.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SimParams {
    /// Random seed.
    pub seed: u64,
    /// Expected number of targets alive.
    pub targets: usize,
    /// Number of scans.
    pub scans: usize,
    /// Scan interval (seconds).
    pub dt: f64,
    /// Side of the square region (metres).
    pub region: f64,
    /// Detection probability.
    pub pd: f64,
    /// Mean clutter detections per scan.
    pub clutter: f64,
    /// Measurement noise per axis (metres).
    pub sigma: f64,
    /// Acceleration noise density (m²/s³).
    pub q: f64,
    /// Minimum initial speed (m/s).
    pub v_min: f64,
    /// Maximum initial speed (m/s).
    pub v_max: f64,
    /// Mean target life (scans).
    pub mean_life: f64,
}

impl SimParams {
    /// The benchmark family: the sample's density (20 targets and 10 clutter
    /// points on a 14,142 m square) scaled to `targets`.
    pub fn scaled(targets: usize, scans: usize, seed: u64) -> Self {
        let k = targets as f64 / 20.0;
        SimParams {
            seed,
            targets,
            scans,
            dt: 1.0,
            region: (14_142.0 * k.sqrt()).round(),
            pd: 0.9,
            clutter: 10.0 * k,
            sigma: 10.0,
            q: 0.1,
            v_min: 5.0,
            v_max: 35.0,
            mean_life: 150.0,
        }
    }
}

type Rng = SimRng<SplitMix64>;

/// A simulated scenario as the four CSV/JSON texts of the v1 format.
#[derive(Debug, Clone)]
pub struct SimScenario {
    /// `detections.csv`.
    pub detections_csv: String,
    /// `truth.csv`.
    pub truth_csv: String,
    /// `detection_origin.csv`.
    pub origin_csv: String,
    /// `scenario.json`.
    pub scenario_json: String,
    /// Scan times, for direct use.
    pub meta: ScenarioMeta,
}

struct Target {
    id: u64,
    s: [f64; 4],
}

/// Runs the simulation.
pub fn simulate(p: &SimParams) -> SimScenario {
    let mut rng = Rng::splitmix(p.seed);
    let half = p.region / 2.0;
    let mut next_id = 0u64;
    let mut spawn = |rng: &mut Rng| {
        let (x, y) = (rng.uniform(-half, half), rng.uniform(-half, half));
        let h = rng.uniform(0.0, 2.0 * std::f64::consts::PI);
        let v = rng.uniform(p.v_min, p.v_max);
        next_id += 1;
        Target {
            id: next_id - 1,
            s: [x, v * h.sin(), y, v * h.cos()],
        }
    };
    let mut alive: Vec<Target> = (0..p.targets).map(|_| spawn(&mut rng)).collect();
    let (dt, sq) = (p.dt, p.q.max(0.0).sqrt());
    // Cholesky factor of the exact NCV noise block q [[dt³/3, dt²/2], [dt²/2, dt]].
    let l = [
        sq * (dt * dt * dt / 3.0).sqrt(),
        sq * (3.0 * dt).sqrt() / 2.0,
        sq * (dt / 4.0).sqrt(),
    ];
    let (mut det_csv, mut truth_csv, mut origin_csv) = (
        String::from("time,det_id,sensor_id,x,y,r_xx,r_xy,r_yy\n"),
        String::from("time,truth_id,x,y,vx,vy\n"),
        String::from("det_id,truth_id\n"),
    );
    let (mut n_det, mut n_target_det, mut n_truth, mut replace) = (0u64, 0u64, 0u64, 0usize);
    let (mut alive_sum, mut alive_max) = (0usize, 0usize);
    let var = p.sigma * p.sigma;
    for k in 0..p.scans {
        let t = k as f64 * dt;
        if k > 0 {
            for tg in alive.iter_mut() {
                for axis in [0, 2] {
                    let (a, b) = (rng.normal(), rng.normal());
                    tg.s[axis] += dt * tg.s[axis + 1] + l[0] * a;
                    tg.s[axis + 1] += l[1] * a + l[2] * b;
                }
            }
            let before = alive.len();
            alive.retain(|tg| tg.s[0].abs() <= half && tg.s[2].abs() <= half);
            let left = before - alive.len();
            alive.retain(|_| rng.unit() >= 1.0 / p.mean_life);
            let born = rng.poisson(p.targets as f64 / p.mean_life) + replace;
            replace = left;
            for _ in 0..born {
                alive.push(spawn(&mut rng));
            }
        }
        alive_sum += alive.len();
        alive_max = alive_max.max(alive.len());
        let mut scan: Vec<([f64; 2], i64)> = Vec::new();
        for tg in &alive {
            let _ = writeln!(
                truth_csv,
                "{t:.3},{},{:.3},{:.3},{:.4},{:.4}",
                tg.id, tg.s[0], tg.s[2], tg.s[1], tg.s[3]
            );
            n_truth += 1;
            if rng.unit() < p.pd {
                scan.push((
                    [
                        tg.s[0] + p.sigma * rng.normal(),
                        tg.s[2] + p.sigma * rng.normal(),
                    ],
                    tg.id as i64,
                ));
            }
        }
        for _ in 0..rng.poisson(p.clutter) {
            scan.push(([rng.uniform(-half, half), rng.uniform(-half, half)], -1));
        }
        for i in (1..scan.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            scan.swap(i, j);
        }
        for (z, origin) in scan {
            let _ = writeln!(
                det_csv,
                "{t:.3},{n_det},0,{:.3},{:.3},{var:.3},0.000,{var:.3}",
                z[0], z[1]
            );
            let _ = writeln!(origin_csv, "{n_det},{origin}");
            n_target_det += u64::from(origin >= 0);
            n_det += 1;
        }
    }
    let last = (p.scans.max(1) - 1) as f64 * dt;
    let json = serde_json::json!({
        "format_version": 1,
        "generator": "watchfloor sim::tracking (SIMULATED DATA)",
        "frame": "local ENU, metres; origin at region centre; time in seconds from scenario start",
        "params": p,
        "region": {"x_min": -half, "x_max": half, "y_min": -half, "y_max": half},
        "sensors": [{"sensor_id": 0, "kind": "position (cartesian x,y)", "pd": p.pd,
            "sigma_x": p.sigma, "sigma_y": p.sigma, "clutter_per_scan": p.clutter}],
        "scan_times": {"first": 0.0, "last": last, "interval": dt, "count": p.scans},
        "counts": {"detections": n_det, "target_detections": n_target_det,
            "clutter_detections": n_det - n_target_det, "truth_states": n_truth,
            "truth_ids": next_id, "mean_alive": alive_sum as f64 / p.scans.max(1) as f64,
            "max_alive": alive_max},
    });
    SimScenario {
        detections_csv: det_csv,
        truth_csv,
        origin_csv,
        scenario_json: format!("{json:#}\n"),
        meta: ScenarioMeta {
            first: 0.0,
            last,
            interval: dt,
            q: Some(p.q),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fusion::scenario::{parse_detections, parse_meta, parse_positions};

    #[test]
    fn simulation_is_seeded_and_well_formed() {
        let p = SimParams::scaled(20, 30, 7);
        let a = simulate(&p);
        let b = simulate(&p);
        assert_eq!(a.detections_csv, b.detections_csv);
        assert_ne!(
            a.detections_csv,
            simulate(&SimParams {
                seed: 8,
                ..p.clone()
            })
            .detections_csv
        );
        let dets = parse_detections(&a.detections_csv).unwrap();
        let truth = parse_positions(&a.truth_csv).unwrap();
        // About (0.9 * 20 + 10) detections per scan.
        let per_scan = dets.len() as f64 / 30.0;
        assert!((20.0..36.0).contains(&per_scan), "{per_scan}");
        assert!(truth.len() > 400);
        let meta = parse_meta(&a.scenario_json).unwrap();
        assert_eq!(meta.scan_times().len(), 30);
        assert!(a.scenario_json.contains("SIMULATED"));
    }
}
