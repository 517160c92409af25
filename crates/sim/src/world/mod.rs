//! The ground truth: anonymous targets moving in a local East-North-Up frame
//! centred on the border, advanced in fixed ticks so that the motion does not
//! depend on how often the caller steps.
//!
//! # Units
//! Metres, seconds, metres per second; altitudes above the WGS-84 ellipsoid.

mod motion;

use fusion::geo::{EnuFrame, Geodetic};
use serde::Serialize;

use crate::config::SimConfig;
use crate::rng::{Part, SimRng};
use motion::Target;

/// Truth tick, seconds. Sensors see positions interpolated between ticks; the
/// error of linear interpolation over half a second of a 10 km orbit is 0.1 m.
pub(crate) const TICK_S: f64 = 0.5;

/// What a target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A person on foot.
    Person,
    /// A ground vehicle.
    Vehicle,
    /// An aircraft.
    Aircraft,
}

/// The transponder identity of a simulated aircraft. All of it is invented.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AircraftInfo {
    /// 24-bit ICAO address from the configured fake block.
    pub icao: u32,
    /// Callsign, `SIM` and three digits.
    pub callsign: String,
    /// Mode-3/A code (12 bits; octal `4xxx`).
    pub squawk: u16,
    /// Pressure flight level, hundreds of feet (ISA: equal to altitude here).
    pub flight_level: f64,
    /// Whether it transmits ADS-B.
    pub adsb: bool,
}

/// One target's true state at one time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TruthState {
    /// Anonymous id, never reused within a run.
    pub id: u64,
    /// Person, vehicle or aircraft.
    pub kind: TargetKind,
    /// Simulation time, seconds since the scenario start.
    pub time_s: f64,
    /// Latitude, WGS-84 degrees.
    pub lat_deg: f64,
    /// Longitude, WGS-84 degrees.
    pub lon_deg: f64,
    /// Height above the WGS-84 ellipsoid, metres.
    pub alt_m: f64,
    /// Eastward velocity, metres per second.
    pub east_mps: f64,
    /// Northward velocity, metres per second.
    pub north_mps: f64,
    /// Transponder identity, for aircraft.
    pub aircraft: Option<AircraftInfo>,
}

impl TruthState {
    /// Ground speed, metres per second.
    pub fn speed_mps(&self) -> f64 {
        self.east_mps.hypot(self.north_mps)
    }

    /// Course over ground, degrees clockwise from true north in [0, 360).
    pub fn course_deg(&self) -> f64 {
        self.east_mps
            .atan2(self.north_mps)
            .to_degrees()
            .rem_euclid(360.0)
    }
}

/// A position between two truth ticks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fix {
    pub(crate) lat_deg: f64,
    pub(crate) lon_deg: f64,
    pub(crate) alt_m: f64,
}

impl Fix {
    pub(crate) fn geodetic(&self) -> Geodetic {
        Geodetic {
            lat_deg: self.lat_deg,
            lon_deg: self.lon_deg,
            alt_m: self.alt_m,
        }
    }
}

/// The moving world: targets, the last two truth snapshots and the random stream.
#[derive(Debug)]
pub(crate) struct World {
    frame: EnuFrame,
    config: SimConfig,
    rng: SimRng,
    targets: Vec<Target>,
    next_id: u64,
    next_serial: u32,
    tick: u64,
    prev: Vec<TruthState>,
    cur: Vec<TruthState>,
}

impl World {
    pub(crate) fn new(config: &SimConfig, seed: u64) -> Self {
        let frame = EnuFrame::new(Geodetic {
            lat_deg: config.origin_lat_deg,
            lon_deg: config.origin_lon_deg,
            alt_m: config.terrain_height_m,
        });
        let mut w = World {
            frame,
            config: config.clone(),
            rng: SimRng::new(seed, Part::World, 0),
            targets: Vec::new(),
            next_id: 1,
            next_serial: 0,
            tick: 0,
            prev: Vec::new(),
            cur: Vec::new(),
        };
        let p = config.population.clone();
        let kinds = [
            (p.persons, motion::Spawn::Person),
            (p.vehicles, motion::Spawn::Vehicle),
            (p.transit_aircraft, motion::Spawn::Transit),
            (p.patrol_aircraft, motion::Spawn::Patrol),
        ];
        for (count, spawn) in kinds {
            for _ in 0..count {
                w.spawn(spawn, true);
            }
        }
        w.cur = w.snapshot();
        w.prev = w.cur.clone();
        w
    }

    /// Simulation time of the current snapshot, seconds.
    pub(crate) fn time_s(&self) -> f64 {
        self.tick as f64 * TICK_S
    }

    /// Moves every target one tick on; a target that leaves its area is replaced.
    pub(crate) fn advance(&mut self) {
        self.tick += 1;
        let limits = motion::Limits::from_config(&self.config);
        let mut replace = Vec::new();
        let mut kept = Vec::with_capacity(self.targets.len());
        for mut t in std::mem::take(&mut self.targets) {
            t.step(&mut self.rng);
            if limits.inside(&t) {
                kept.push(t);
            } else {
                replace.push(t.spawn);
            }
        }
        self.targets = kept;
        for spawn in replace {
            self.spawn(spawn, false);
        }
        self.prev = std::mem::take(&mut self.cur);
        self.cur = self.snapshot();
    }

    /// Truth at the current tick, sorted by id.
    pub(crate) fn current(&self) -> &[TruthState] {
        &self.cur
    }

    /// Time of the previous snapshot, seconds.
    pub(crate) fn prev_time_s(&self) -> f64 {
        self.tick.saturating_sub(1) as f64 * TICK_S
    }

    /// Where `target` (from [`Self::current`]) was at `t`, between the previous
    /// tick and the current one; a target born this tick stays where it was born.
    pub(crate) fn fix_at(&self, target: &TruthState, t: f64) -> Fix {
        let now = Fix {
            lat_deg: target.lat_deg,
            lon_deg: target.lon_deg,
            alt_m: target.alt_m,
        };
        let Ok(i) = self.prev.binary_search_by_key(&target.id, |p| p.id) else {
            return now;
        };
        let Some(p) = self.prev.get(i) else {
            return now;
        };
        let span = self.time_s() - self.prev_time_s();
        let u = if span > 0.0 {
            ((t - self.prev_time_s()) / span).clamp(0.0, 1.0)
        } else {
            1.0
        };
        Fix {
            lat_deg: p.lat_deg + u * (now.lat_deg - p.lat_deg),
            lon_deg: p.lon_deg + u * (now.lon_deg - p.lon_deg),
            alt_m: p.alt_m + u * (now.alt_m - p.alt_m),
        }
    }

    fn spawn(&mut self, spawn: motion::Spawn, initial: bool) {
        let limits = motion::Limits::from_config(&self.config);
        let aircraft = spawn.is_aircraft().then(|| {
            let serial = self.next_serial;
            self.next_serial = self.next_serial.wrapping_add(1);
            motion::aircraft_info(serial, &self.config.population, &mut self.rng)
        });
        let t = Target::spawn(
            spawn,
            self.next_id,
            aircraft,
            &limits,
            &mut self.rng,
            initial,
        );
        self.next_id += 1;
        self.targets.push(t);
    }

    fn snapshot(&self) -> Vec<TruthState> {
        let time_s = self.time_s();
        // Targets are pushed with increasing ids and only ever removed, so the
        // vector stays sorted by id.
        self.targets
            .iter()
            .map(|t| {
                let g = self.frame.enu_to_geodetic(&[t.pos[0], t.pos[1], 0.0]);
                TruthState {
                    id: t.id,
                    kind: t.kind(),
                    time_s,
                    lat_deg: g.lat_deg,
                    lon_deg: g.lon_deg,
                    alt_m: t.alt_m,
                    east_mps: t.vel[0],
                    north_mps: t.vel[1],
                    aircraft: t.aircraft.clone(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
