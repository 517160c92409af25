//! Ground sensors and cameras: every `period_s` each one reports the people and
//! vehicles within `range_m` that it detects (probability `pd`), with Gaussian
//! position noise, a classification (cameras only) and a confidence, plus
//! Poisson false detections. Output is one JSON line per detection in the
//! `sensors::detection` format, with `"simulated": true`.
//!
//! # Units
//! Metres, seconds, WGS-84 degrees; `time` in Unix seconds.

use fusion::geo::{EnuFrame, Geodetic};
use serde::Serialize;

use crate::config::{GroundSensorConfig, GroundSensorKind};
use crate::rng::{Part, SimRng};
use crate::simulator::{SensorStats, SimOutput};
use crate::world::{TargetKind, World};

/// One detection line on the wire.
#[derive(Serialize)]
struct Wire<'a> {
    sensor: &'a str,
    time: f64,
    lat: f64,
    lon: f64,
    sigma_m: f64,
    kind: &'static str,
    confidence: f64,
    simulated: bool,
}

fn round_to(v: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    (v * k).round() / k
}

/// Whether a ground sensor set up as `cfg` can see a person or vehicle at
/// `enu` (metres from the sensor, in its own ENU frame).
pub(crate) fn covers(cfg: &GroundSensorConfig, enu: [f64; 3]) -> bool {
    enu[0].hypot(enu[1]) <= cfg.range_m
}

/// One ground sensor.
#[derive(Debug)]
pub(crate) struct GroundSensor {
    cfg: GroundSensorConfig,
    rng: SimRng,
    frame: EnuFrame,
    phase_s: f64,
    start_unix_s: f64,
    pub(crate) stats: SensorStats,
}

impl GroundSensor {
    pub(crate) fn new(
        cfg: &GroundSensorConfig,
        index: usize,
        seed: u64,
        terrain_m: f64,
        start_unix_s: f64,
    ) -> Self {
        let site = Geodetic {
            lat_deg: cfg.lat_deg,
            lon_deg: cfg.lon_deg,
            alt_m: terrain_m,
        };
        GroundSensor {
            cfg: cfg.clone(),
            rng: SimRng::new(seed, Part::Ground, index),
            frame: EnuFrame::new(site),
            // Sensors report out of step with each other, as real ones do.
            phase_s: (index as f64 * 0.618_033_988_75).fract() * cfg.period_s,
            start_unix_s,
            stats: SensorStats::named(&cfg.name),
        }
    }

    /// Reports due between the world's previous tick and its current one.
    pub(crate) fn poll(&mut self, world: &World, out: &mut Vec<SimOutput>) {
        let (t0, t1) = (world.prev_time_s(), world.time_s());
        let period = self.cfg.period_s;
        let mut n = ((t0 - self.phase_s) / period).floor() as i64 + 1;
        while self.phase_s + n as f64 * period <= t1 {
            self.report(world, self.phase_s + n as f64 * period, out);
            n += 1;
        }
    }

    fn report(&mut self, world: &World, t: f64, out: &mut Vec<SimOutput>) {
        self.stats.scans += 1;
        let mut hits: Vec<([f64; 3], &'static str, f64)> = Vec::new();
        for target in world.current() {
            let truth_kind = match target.kind {
                TargetKind::Person => "person",
                TargetKind::Vehicle => "vehicle",
                TargetKind::Aircraft => continue,
            };
            let enu = self
                .frame
                .geodetic_to_enu(&world.fix_at(target, t).geodetic());
            if !covers(&self.cfg, enu) {
                continue;
            }
            self.stats.opportunities += 1;
            if !self.rng.chance(self.cfg.pd) {
                continue;
            }
            self.stats.detections += 1;
            let (kind, confidence) = match self.cfg.kind {
                GroundSensorKind::Camera if self.rng.chance(self.cfg.p_classify) => {
                    (truth_kind, self.rng.uniform(0.6, 0.95))
                }
                GroundSensorKind::Camera => ("unknown", self.rng.uniform(0.3, 0.6)),
                GroundSensorKind::Unattended => ("unknown", self.rng.uniform(0.4, 0.8)),
            };
            let noisy = [
                enu[0] + self.cfg.sigma_m * self.rng.normal(),
                enu[1] + self.cfg.sigma_m * self.rng.normal(),
                enu[2],
            ];
            hits.push((noisy, kind, confidence));
        }
        let false_alarms = self.rng.poisson(self.cfg.false_alarms_per_period);
        for _ in 0..false_alarms {
            let r = self.cfg.range_m * self.rng.unit().sqrt();
            let (s, c) = self.rng.uniform(0.0, std::f64::consts::TAU).sin_cos();
            hits.push(([r * s, r * c, 0.0], "unknown", self.rng.uniform(0.1, 0.4)));
        }
        self.stats.false_alarms += false_alarms as u64;
        for (enu, kind, confidence) in hits {
            let g = self.frame.enu_to_geodetic(&enu);
            let wire = Wire {
                sensor: &self.cfg.name,
                time: round_to(self.start_unix_s + t, 3),
                lat: round_to(g.lat_deg, 7),
                lon: round_to(g.lon_deg, 7),
                sigma_m: self.cfg.sigma_m,
                kind,
                confidence: round_to(confidence, 2),
                simulated: true,
            };
            if let Some(json) = self.stats.count(serde_json::to_string(&wire)) {
                self.stats.messages += 1;
                out.push(SimOutput::Detection {
                    sensor: self.cfg.name.clone(),
                    json,
                });
            }
        }
    }
}
