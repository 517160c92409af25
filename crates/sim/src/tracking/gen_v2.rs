//! A seeded scenario simulator following the **v2** scenario format's model
//! (`shared/data/tracking/README.md`, "Model used to generate v2 data"):
//! several sensors (radars measuring range and azimuth, ADS-B receivers
//! reporting cooperative targets' positions and identities), each scanning
//! at `scan_phase + n * scan_period` over its own coverage annulus, and
//! nearly-constant-velocity targets born and dying on the 1 s grid. Its
//! output is simulation, and every `scenario.json` it writes says so.
//!
//! Randomness comes from independent ChaCha8 streams: one for the targets
//! (motion, births, deaths, identities) and one per sensor (detections,
//! noise, clutter, shuffling), so a sensor's Pd does not move the targets.
//! The same parameters give byte-identical files.
//!
//! # Units
//! Metres, seconds, m/s; `q` in m²/s³; azimuths in degrees clockwise from
//! north in the files and in [`SensorKind::Radar`], radians inside.

use std::collections::{BTreeMap, HashSet};
use std::f64::consts::TAU;
use std::fmt::Write as _;

use fusion::scenario::ScenarioMeta;
use sha2::{Digest, Sha256};

use super::SimScenario;
use crate::rng::{Part, SimRng};

/// At most this many sensor scans in one scenario: a bound on the work a
/// bad period (1 µs) could ask for.
const MAX_SCANS: usize = 10_000_000;

/// Clutter density of the generated layouts (false plots per m² per
/// scan): about that of `sample-v2`'s radars (15 on 452 km², 10 on 380 km²).
const CLUTTER_PER_M2: f64 = 3.0e-8;

/// Why a v2 scenario could not be made from its parameters.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GenError {
    /// A parameter is out of its range; the text names it.
    #[error("invalid scenario parameter: {0}")]
    Invalid(String),
}

/// What a sensor measures, with its noise.
#[derive(Debug, Clone, PartialEq)]
pub enum SensorKind {
    /// Measures range and azimuth of every covered target, with clutter.
    Radar {
        /// Standard deviation of the range noise (m).
        sigma_range: f64,
        /// Standard deviation of the azimuth noise (degrees).
        sigma_azimuth_deg: f64,
    },
    /// Reports covered cooperative targets' positions and identities.
    Adsb {
        /// Standard deviation of the east position noise (m).
        sigma_x: f64,
        /// Standard deviation of the north position noise (m).
        sigma_y: f64,
    },
}

/// One sensor of a v2 scenario, with the `sensors` entry's meanings.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorSpec {
    /// The id written in the `sensor_id` column.
    pub sensor_id: u32,
    /// A label, e.g. `radar-A`.
    pub name: String,
    /// What it measures.
    pub kind: SensorKind,
    /// Its site `(x, y)` (m, ENU).
    pub site: [f64; 2],
    /// Seconds between scans.
    pub scan_period: f64,
    /// Time of the first scan (s).
    pub scan_phase: f64,
    /// Inner edge of the coverage (m from the site).
    pub min_range: f64,
    /// Outer edge of the coverage (m from the site).
    pub max_range: f64,
    /// Probability of detecting a covered target at a scan.
    pub pd: f64,
    /// Mean false detections per scan (radar; ignored for ADS-B).
    pub clutter_per_scan: f64,
}

impl SensorSpec {
    fn is_radar(&self) -> bool {
        matches!(self.kind, SensorKind::Radar { .. })
    }

    /// Whether a target at `p`, cooperative or not, is in this sensor's coverage.
    fn covers(&self, p: [f64; 2], cooperative: bool) -> bool {
        if !self.is_radar() && !cooperative {
            return false;
        }
        let r = (p[0] - self.site[0]).hypot(p[1] - self.site[1]);
        r >= self.min_range && r <= self.max_range
    }

    fn json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "sensor_id": self.sensor_id,
            "name": self.name,
            "kind": if self.is_radar() { "radar" } else { "adsb" },
            "site": {"x": self.site[0], "y": self.site[1]},
            "scan_period": self.scan_period,
            "scan_phase": self.scan_phase,
            "min_range": self.min_range,
            "max_range": self.max_range,
            "pd": self.pd,
            "detects": if self.is_radar() { "all" } else { "cooperative" },
            "clutter_per_scan": if self.is_radar() { self.clutter_per_scan } else { 0.0 },
        });
        match self.kind {
            SensorKind::Radar {
                sigma_range,
                sigma_azimuth_deg,
            } => {
                v["sigma_range"] = sigma_range.into();
                v["sigma_azimuth_deg"] = sigma_azimuth_deg.into();
            }
            SensorKind::Adsb { sigma_x, sigma_y } => {
                v["sigma_x"] = sigma_x.into();
                v["sigma_y"] = sigma_y.into();
            }
        }
        v
    }
}

/// Parameters of a v2 scenario, with the `params` keys' meanings.
#[derive(Debug, Clone, PartialEq)]
pub struct V2Params {
    /// Random seed.
    pub seed: u64,
    /// The scenario's name (`params.name`).
    pub name: String,
    /// Expected number of targets alive.
    pub targets: usize,
    /// Length (s): grid times are `0 .. duration - 1`, scans happen before it.
    pub duration: u32,
    /// Side of the square region centred on the origin (m).
    pub region: f64,
    /// Process noise of nearly-constant-velocity targets (m²/s³).
    pub q: f64,
    /// Process noise of manoeuvring targets (m²/s³).
    pub q_manoeuvre: f64,
    /// Probability that a target is born manoeuvring.
    pub manoeuvre_share: f64,
    /// Probability that a target is born cooperative (seen by ADS-B).
    pub cooperative_share: f64,
    /// Minimum initial speed (m/s).
    pub v_min: f64,
    /// Maximum initial speed (m/s).
    pub v_max: f64,
    /// Mean target life (s).
    pub mean_life: f64,
    /// The sensors.
    pub sensors: Vec<SensorSpec>,
}

impl V2Params {
    /// A benchmark layout: `sample-v2`'s target model and density (20
    /// targets on a 20 km square) scaled to `targets`, and `sensors`
    /// sensors, `sensors - sensors / 2` radars and `sensors / 2` ADS-B
    /// receivers, placed so that most of the region is covered by two or
    /// more: radars on a circle of 0.28 of the side around the centre with a
    /// reach of 0.65 of the side (2 km short of `sample-v2`'s proportions),
    /// ADS-B receivers between them, each reaching 0.8 of the side. Every
    /// period is a whole number of seconds and every phase has its own
    /// fraction of a second, so no two sensors ever scan at the same time.
    pub fn layout(targets: usize, sensors: usize, duration: u32, seed: u64) -> Self {
        let side = (20_000.0 * (targets as f64 / 20.0).sqrt()).round().max(1.0);
        let n_adsb = sensors / 2;
        let n_radar = sensors - n_adsb;
        let ring = |i: usize, n: usize, offset: f64, radius: f64| {
            if n <= 1 && offset == 0.0 {
                return [0.0, 0.0];
            }
            // Azimuth clockwise from north, starting south-west (225°).
            let a = (225.0 + offset + 360.0 * i as f64 / n as f64).to_radians();
            [
                (radius * side * a.sin()).round(),
                (radius * side * a.cos()).round(),
            ]
        };
        let mut specs = Vec::with_capacity(sensors);
        for k in 0..sensors {
            // The fraction of a second that keeps this sensor's scans apart.
            let frac = (1000.0 * k as f64 / sensors as f64).round() / 1000.0;
            let spec = if k < n_radar {
                let i = k;
                let period = [4.0, 5.0, 6.0][i % 3];
                let (min_range, max_range) = ((0.025 * side).round(), (0.65 * side).round());
                let area = std::f64::consts::PI * (max_range * max_range - min_range * min_range);
                SensorSpec {
                    sensor_id: k as u32,
                    name: format!("radar-{}", letter(i)),
                    kind: SensorKind::Radar {
                        sigma_range: [20.0, 30.0, 25.0][i % 3],
                        sigma_azimuth_deg: [0.10, 0.15, 0.12][i % 3],
                    },
                    site: ring(i, n_radar, 0.0, 0.28),
                    scan_period: period,
                    scan_phase: frac + (i as f64 % period),
                    min_range,
                    max_range,
                    pd: [0.90, 0.85, 0.88][i % 3],
                    clutter_per_scan: (CLUTTER_PER_M2 * area * 10.0).round() / 10.0,
                }
            } else {
                let i = k - n_radar;
                let period = [1.0, 2.0][i % 2];
                SensorSpec {
                    sensor_id: k as u32,
                    name: format!("adsb-{}", letter(i)),
                    kind: SensorKind::Adsb {
                        sigma_x: 5.0,
                        sigma_y: 5.0,
                    },
                    site: ring(i, n_adsb, 180.0 / n_adsb.max(1) as f64, 0.25),
                    scan_period: period,
                    scan_phase: frac + (i as f64 % period),
                    min_range: 0.0,
                    max_range: (0.8 * side).round(),
                    pd: 0.95,
                    clutter_per_scan: 0.0,
                }
            };
            specs.push(spec);
        }
        V2Params {
            seed,
            name: format!("sim-v2-t{targets}-s{sensors}-d{duration}-seed{seed}"),
            targets,
            duration,
            region: side,
            q: 0.1,
            q_manoeuvre: 2.0,
            manoeuvre_share: 0.3,
            cooperative_share: 0.4,
            v_min: 5.0,
            v_max: 35.0,
            mean_life: 150.0,
            sensors: specs,
        }
    }

    fn validate(&self) -> Result<(), GenError> {
        let bad = |what: &str| Err(GenError::Invalid(what.to_owned()));
        let prob = |p: f64| (0.0..=1.0).contains(&p);
        let pos = |x: f64| x.is_finite() && x > 0.0;
        let nonneg = |x: f64| x.is_finite() && x >= 0.0;
        if self.duration == 0 {
            return bad("duration must be at least 1 s");
        }
        if !pos(self.region) || !pos(self.mean_life) {
            return bad("region and mean_life must be positive");
        }
        if !nonneg(self.q) || !nonneg(self.q_manoeuvre) {
            return bad("q and q_manoeuvre must be finite and non-negative");
        }
        if !prob(self.manoeuvre_share) || !prob(self.cooperative_share) {
            return bad("manoeuvre_share and cooperative_share must be in [0, 1]");
        }
        if !(nonneg(self.v_min) && self.v_max.is_finite() && self.v_max >= self.v_min) {
            return bad("speeds must satisfy 0 <= v_min <= v_max");
        }
        if self.sensors.is_empty() {
            return bad("at least one sensor is needed");
        }
        let mut ids = HashSet::new();
        let mut scans = 0.0;
        for s in &self.sensors {
            if !ids.insert(s.sensor_id) {
                return Err(GenError::Invalid(format!(
                    "sensor_id {} is used twice",
                    s.sensor_id
                )));
            }
            let noise_ok = match s.kind {
                SensorKind::Radar {
                    sigma_range,
                    sigma_azimuth_deg,
                } => pos(sigma_range) && pos(sigma_azimuth_deg),
                SensorKind::Adsb { sigma_x, sigma_y } => pos(sigma_x) && pos(sigma_y),
            };
            if !(pos(s.scan_period)
                && nonneg(s.scan_phase)
                && nonneg(s.min_range)
                && s.max_range.is_finite()
                && s.max_range > s.min_range
                && prob(s.pd)
                && nonneg(s.clutter_per_scan)
                && s.site.iter().all(|c| c.is_finite())
                && noise_ok)
            {
                return Err(GenError::Invalid(format!(
                    "sensor {}: period and noise must be positive, phase, ranges and clutter \
                     non-negative with min_range < max_range, pd in [0, 1]",
                    s.sensor_id
                )));
            }
            scans += f64::from(self.duration) / s.scan_period;
        }
        if scans > MAX_SCANS as f64 {
            return bad("more than 10 million sensor scans");
        }
        Ok(())
    }
}

/// `A`, `B`, ... `Z`, `AA`, ...: sensor labels as in `sample-v2`.
fn letter(i: usize) -> String {
    let c = char::from(b'A' + (i % 26) as u8);
    if i < 26 {
        c.to_string()
    } else {
        format!("{}{c}", letter(i / 26 - 1))
    }
}

struct Target {
    id: u64,
    /// `[x, vx, y, vy]` at `t`.
    s: [f64; 4],
    t: f64,
    q: f64,
    ident: Option<u32>,
    manoeuvring: bool,
}

/// What happens at one event time, in the order events at one time run:
/// the grid step first (births and deaths), then each sensor in list order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Grid(u32),
    Scan(usize),
}

/// The random state of the targets and the things born with them.
struct World<'a> {
    p: &'a V2Params,
    rng: SimRng,
    next_id: u64,
    idents: HashSet<u32>,
    cooperative: u64,
    manoeuvring: u64,
}

impl World<'_> {
    fn spawn(&mut self, t: f64) -> Target {
        let half = self.p.region / 2.0;
        let (x, y) = (self.rng.uniform(-half, half), self.rng.uniform(-half, half));
        let h = self.rng.uniform(0.0, TAU);
        let v = self.rng.uniform(self.p.v_min, self.p.v_max);
        let manoeuvring = self.rng.chance(self.p.manoeuvre_share);
        let ident = self.rng.chance(self.p.cooperative_share).then(|| loop {
            // 24-bit addresses, unique within the scenario (16.7 million of
            // them: this ends quickly at any size the format is used for).
            let a = (self.rng.next_u64() >> 40) as u32;
            if self.idents.insert(a) {
                break a;
            }
        });
        self.cooperative += u64::from(ident.is_some());
        self.manoeuvring += u64::from(manoeuvring);
        self.next_id += 1;
        Target {
            id: self.next_id - 1,
            s: [x, v * h.sin(), y, v * h.cos()],
            t,
            q: if manoeuvring {
                self.p.q_manoeuvre
            } else {
                self.p.q
            },
            ident,
            manoeuvring,
        }
    }

    /// Moves `tg` on to `t` with the exact NCV transition for that interval.
    fn propagate(&mut self, tg: &mut Target, t: f64) {
        let dt = t - tg.t;
        if dt <= 0.0 {
            return;
        }
        let sq = tg.q.sqrt();
        // Cholesky factor of q [[dt³/3, dt²/2], [dt²/2, dt]].
        let l = [
            sq * (dt * dt * dt / 3.0).sqrt(),
            sq * (3.0 * dt).sqrt() / 2.0,
            sq * (dt / 4.0).sqrt(),
        ];
        for axis in [0, 2] {
            let (a, b) = (self.rng.normal(), self.rng.normal());
            tg.s[axis] += dt * tg.s[axis + 1] + l[0] * a;
            tg.s[axis + 1] += l[1] * a + l[2] * b;
        }
        tg.t = t;
    }
}

#[derive(Default, Clone, Copy)]
struct SensorCounts {
    scans: u64,
    detections: u64,
    target_detections: u64,
}

/// Makes a v2 scenario: the four files' texts.
pub fn simulate_v2(p: &V2Params) -> Result<SimScenario, GenError> {
    p.validate()?;
    let half = p.region / 2.0;
    let duration = f64::from(p.duration);

    let mut events: Vec<(f64, Event)> = (0..p.duration)
        .map(|g| (f64::from(g), Event::Grid(g)))
        .collect();
    for (k, s) in p.sensors.iter().enumerate() {
        let mut n = 0u32;
        loop {
            // Times are written with 3 decimals; the targets are moved to
            // the written time, so a file's time is exactly the scan's.
            let t = ((s.scan_phase + f64::from(n) * s.scan_period) * 1000.0).round() / 1000.0;
            if t >= duration {
                break;
            }
            events.push((t, Event::Scan(k)));
            n += 1;
        }
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

    let mut world = World {
        p,
        rng: SimRng::new(p.seed, Part::World, 0),
        next_id: 0,
        idents: HashSet::new(),
        cooperative: 0,
        manoeuvring: 0,
    };
    let mut sensor_rngs: Vec<SimRng> = p
        .sensors
        .iter()
        .map(|s| {
            let part = if s.is_radar() {
                Part::Radar
            } else {
                Part::Adsb
            };
            SimRng::new(p.seed, part, s.sensor_id as usize)
        })
        .collect();

    let (mut det_csv, mut truth_csv, mut origin_csv) = (
        String::from("time,det_id,sensor_id,x,y,r_xx,r_xy,r_yy,ident,range,azimuth\n"),
        String::from("time,truth_id,x,y,vx,vy,ident,manoeuvring,covered_by\n"),
        String::from("det_id,truth_id\n"),
    );
    let mut alive: Vec<Target> = Vec::new();
    // Grid index -> replacements due then for targets that left the region.
    let mut replacements: BTreeMap<u32, usize> = BTreeMap::new();
    let mut per_sensor = vec![SensorCounts::default(); p.sensors.len()];
    let mut by_cover: BTreeMap<usize, u64> = BTreeMap::new();
    let (mut n_det, mut n_truth, mut alive_sum, mut alive_max) = (0u64, 0u64, 0usize, 0usize);
    let mut max_speed = 0.0f64;
    let mut scan: Vec<Row> = Vec::new();

    for &(t, ev) in &events {
        for tg in alive.iter_mut() {
            world.propagate(tg, t);
        }
        // A target outside the region dies here and is replaced one grid
        // step after the first grid time at or after now.
        let before = alive.len();
        alive.retain(|tg| tg.s[0].abs() <= half && tg.s[2].abs() <= half);
        let left = before - alive.len();
        if left > 0 {
            let due = (t - 1e-9).ceil() as u32 + 1;
            *replacements.entry(due).or_default() += left;
        }
        match ev {
            Event::Grid(g) => {
                if g == 0 {
                    for _ in 0..p.targets {
                        let tg = world.spawn(t);
                        alive.push(tg);
                    }
                } else {
                    let die = 1.0 / p.mean_life;
                    alive.retain(|_| !world.rng.chance(die));
                    let born = world.rng.poisson(p.targets as f64 / p.mean_life)
                        + replacements.remove(&g).unwrap_or(0);
                    for _ in 0..born {
                        let tg = world.spawn(t);
                        alive.push(tg);
                    }
                }
                alive_sum += alive.len();
                alive_max = alive_max.max(alive.len());
                for tg in &alive {
                    let pos = [tg.s[0], tg.s[2]];
                    let mut covered = String::new();
                    let mut n_cover = 0;
                    for s in &p.sensors {
                        if s.covers(pos, tg.ident.is_some()) {
                            if n_cover > 0 {
                                covered.push(';');
                            }
                            let _ = write!(covered, "{}", s.sensor_id);
                            n_cover += 1;
                        }
                    }
                    *by_cover.entry(n_cover).or_default() += 1;
                    max_speed = max_speed.max(tg.s[1].hypot(tg.s[3]));
                    let _ = writeln!(
                        truth_csv,
                        "{t:.3},{},{:.3},{:.3},{:.4},{:.4},{},{},{covered}",
                        tg.id,
                        tg.s[0],
                        tg.s[2],
                        tg.s[1],
                        tg.s[3],
                        ident_text(tg.ident),
                        u8::from(tg.manoeuvring),
                    );
                    n_truth += 1;
                }
            }
            Event::Scan(k) => {
                let s = &p.sensors[k];
                let rng = &mut sensor_rngs[k];
                scan.clear();
                for tg in &alive {
                    let pos = [tg.s[0], tg.s[2]];
                    if s.covers(pos, tg.ident.is_some()) && rng.chance(s.pd) {
                        scan.push(measure(s, pos, tg.ident, tg.id as i64, rng));
                    }
                }
                if s.is_radar() {
                    for _ in 0..rng.poisson(s.clutter_per_scan) {
                        // Uniform in area over the annulus: r² uniform.
                        let r2 = rng.uniform(s.min_range * s.min_range, s.max_range * s.max_range);
                        let az = rng.uniform(0.0, TAU);
                        scan.push(radar_row(s, r2.sqrt(), az, -1));
                    }
                }
                for i in (1..scan.len()).rev() {
                    let j = (rng.next_u64() % (i as u64 + 1)) as usize;
                    scan.swap(i, j);
                }
                let c = &mut per_sensor[k];
                c.scans += 1;
                for row in &scan {
                    let _ = writeln!(
                        det_csv,
                        "{t:.3},{n_det},{},{:.3},{:.3},{:.3},{:.3},{:.3},{}",
                        s.sensor_id, row.x, row.y, row.r[0], row.r[1], row.r[2], row.tail
                    );
                    let _ = writeln!(origin_csv, "{n_det},{}", row.origin);
                    n_det += 1;
                    c.detections += 1;
                    c.target_detections += u64::from(row.origin >= 0);
                }
            }
        }
    }

    let n_target: u64 = per_sensor.iter().map(|c| c.target_detections).sum();
    let last = duration - 1.0;
    let hex = |text: &str| {
        Sha256::digest(text.as_bytes())
            .iter()
            .fold(String::with_capacity(64), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    };
    let json = serde_json::json!({
        "format_version": 2,
        "generator": "watchfloor sim::tracking::simulate_v2 (SIMULATED DATA)",
        "frame": "SIMULATED; local ENU, metres; origin at region centre; time in seconds from scenario start",
        "params": {
            "seed": p.seed, "name": p.name, "targets": p.targets, "duration": p.duration,
            "grid_dt": 1.0, "region": p.region, "q": p.q, "q_manoeuvre": p.q_manoeuvre,
            "manoeuvre_share": p.manoeuvre_share, "cooperative_share": p.cooperative_share,
            "v_min": p.v_min, "v_max": p.v_max, "mean_life": p.mean_life,
        },
        "region": {"x_min": -half, "x_max": half, "y_min": -half, "y_max": half},
        "sensors": p.sensors.iter().map(SensorSpec::json).collect::<Vec<_>>(),
        "scan_times": {"first": 0.0, "last": last, "interval": 1.0, "count": p.duration,
            "meaning": "the common scoring grid; each sensor scans at its own times"},
        "counts": {
            "detections": n_det, "target_detections": n_target,
            "clutter_detections": n_det - n_target,
            "per_sensor": p.sensors.iter().zip(&per_sensor).map(|(s, c)| serde_json::json!({
                "sensor_id": s.sensor_id, "scans": c.scans, "detections": c.detections,
                "target_detections": c.target_detections,
                "clutter_detections": c.detections - c.target_detections,
            })).collect::<Vec<_>>(),
            "truth_states": n_truth, "truth_ids": world.next_id,
            "cooperative_truth_ids": world.cooperative,
            "manoeuvring_truth_ids": world.manoeuvring,
            "mean_alive": alive_sum as f64 / duration,
            "max_alive": alive_max,
            "max_speed": (max_speed * 1000.0).round() / 1000.0,
            "truth_states_by_covering_sensors": by_cover.iter()
                .map(|(k, n)| (k.to_string(), serde_json::Value::from(*n)))
                .collect::<serde_json::Map<_, _>>(),
        },
        "sha256": {
            "detections.csv": hex(&det_csv),
            "truth.csv": hex(&truth_csv),
            "detection_origin.csv": hex(&origin_csv),
        },
    });
    Ok(SimScenario {
        detections_csv: det_csv,
        truth_csv,
        origin_csv,
        scenario_json: format!("{json:#}\n"),
        meta: ScenarioMeta {
            first: 0.0,
            last,
            interval: 1.0,
            q: Some(p.q),
        },
    })
}

/// A detection before it is numbered: position, covariance `[r_xx, r_xy,
/// r_yy]`, the trailing `ident,range,azimuth` text and its origin.
struct Row {
    x: f64,
    y: f64,
    r: [f64; 3],
    tail: String,
    origin: i64,
}

fn ident_text(ident: Option<u32>) -> String {
    ident.map(|a| format!("{a:06x}")).unwrap_or_default()
}

/// A target at `pos` as sensor `s` measures it.
fn measure(
    s: &SensorSpec,
    pos: [f64; 2],
    ident: Option<u32>,
    origin: i64,
    rng: &mut SimRng,
) -> Row {
    match s.kind {
        SensorKind::Radar {
            sigma_range,
            sigma_azimuth_deg,
        } => {
            let (dx, dy) = (pos[0] - s.site[0], pos[1] - s.site[1]);
            let range = dx.hypot(dy) + sigma_range * rng.normal();
            let az = dx.atan2(dy) + sigma_azimuth_deg.to_radians() * rng.normal();
            radar_row(s, range, az, origin)
        }
        SensorKind::Adsb { sigma_x, sigma_y } => Row {
            x: pos[0] + sigma_x * rng.normal(),
            y: pos[1] + sigma_y * rng.normal(),
            r: [sigma_x * sigma_x, 0.0, sigma_y * sigma_y],
            tail: format!("{},,", ident_text(ident)),
            origin,
        },
    }
}

/// A radar plot at measured `range` (m) and azimuth `az` (radians,
/// clockwise from north), converted to x,y with the covariance
/// `J diag(sigma_range², sigma_azimuth²) Jᵀ` at the measured values.
fn radar_row(s: &SensorSpec, range: f64, az: f64, origin: i64) -> Row {
    let (sr, sa) = match s.kind {
        SensorKind::Radar {
            sigma_range,
            sigma_azimuth_deg,
        } => (sigma_range, sigma_azimuth_deg.to_radians()),
        SensorKind::Adsb { .. } => (0.0, 0.0),
    };
    let az = az.rem_euclid(TAU);
    let (sin, cos) = az.sin_cos();
    // J = [[sin, r cos], [cos, -r sin]] for x = r sin(az), y = r cos(az).
    let (vr, va) = (sr * sr, (range * sa).powi(2));
    let r = [
        vr * sin * sin + va * cos * cos,
        (vr - va) * sin * cos,
        vr * cos * cos + va * sin * sin,
    ];
    // Printed with 5 decimals, an azimuth a hair under 360° would read 360.
    let mut deg = (az.to_degrees() * 1e5).round() / 1e5;
    if deg >= 360.0 {
        deg -= 360.0;
    }
    Row {
        x: s.site[0] + range * sin,
        y: s.site[1] + range * cos,
        r,
        tail: format!(",{range:.3},{deg:.5}"),
        origin,
    }
}

#[cfg(test)]
mod tests;
