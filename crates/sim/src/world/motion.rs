//! How each kind of target moves: walkers and drivers keep a nearly constant
//! velocity with occasional turns toward a goal heading; transit aircraft fly
//! straight legs; patrol aircraft fly exact circles.
//!
//! # Units
//! Metres (ENU from the sector origin), seconds, metres per second, degrees.

use super::{AircraftInfo, TargetKind, TICK_S};
use crate::config::{Population, SimConfig};
use crate::rng::SimRng;

const FT_M: f64 = 0.3048;

/// Which population a target belongs to, so a leaver is replaced in kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Spawn {
    Person,
    Vehicle,
    Transit,
    Patrol,
}

impl Spawn {
    pub(super) fn is_aircraft(self) -> bool {
        matches!(self, Spawn::Transit | Spawn::Patrol)
    }
}

#[derive(Debug, Clone)]
enum Motion {
    /// Nearly constant velocity; turns arrive as a Poisson process.
    Ground {
        goal_heading_deg: f64,
        heading_sd_deg: f64,
        mean_turn_interval_s: f64,
        speed_range: (f64, f64),
    },
    Straight,
    Orbit {
        centre: [f64; 2],
        omega_rad_s: f64,
    },
}

/// The area targets live in, from the configuration.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    half_width: f64,
    north: f64,
    south: f64,
    air_radius: f64,
    terrain: f64,
}

impl Limits {
    pub(super) fn from_config(c: &SimConfig) -> Self {
        Limits {
            half_width: c.sector_half_width_m,
            north: c.sector_north_m,
            south: c.sector_south_m,
            air_radius: c.air_radius_m,
            terrain: c.terrain_height_m,
        }
    }

    pub(super) fn inside(&self, t: &Target) -> bool {
        let [x, y] = t.pos;
        if t.spawn.is_aircraft() {
            x.hypot(y) <= self.air_radius + 1_000.0
        } else {
            x.abs() <= self.half_width && y <= self.north && y >= -self.south - 1_000.0
        }
    }
}

/// One target's private state.
#[derive(Debug, Clone)]
pub(super) struct Target {
    pub(super) id: u64,
    pub(super) spawn: Spawn,
    pub(super) pos: [f64; 2],
    pub(super) vel: [f64; 2],
    pub(super) alt_m: f64,
    pub(super) aircraft: Option<AircraftInfo>,
    motion: Motion,
}

fn heading_vel(speed: f64, heading_deg: f64) -> [f64; 2] {
    let (s, c) = heading_deg.to_radians().sin_cos();
    [speed * s, speed * c]
}

pub(super) fn aircraft_info(serial: u32, p: &Population, rng: &mut SimRng) -> AircraftInfo {
    AircraftInfo {
        icao: p.icao_base.wrapping_add(serial % 0x1_0000) & 0xff_ffff,
        callsign: format!("SIM{:03}", serial % 1000),
        // Octal 4000-4777: clear of the emergency codes 7500, 7600 and 7700.
        squawk: 0o4000 | (serial % 0o1000) as u16,
        flight_level: 0.0,
        adsb: rng.chance(p.adsb_equipage),
    }
}

impl Target {
    /// A new target; `initial` targets are spread over the area rather than
    /// entering at its edge.
    pub(super) fn spawn(
        spawn: Spawn,
        id: u64,
        aircraft: Option<AircraftInfo>,
        l: &Limits,
        rng: &mut SimRng,
        initial: bool,
    ) -> Self {
        let mut t = Target {
            id,
            spawn,
            pos: [0.0; 2],
            vel: [0.0; 2],
            alt_m: l.terrain,
            aircraft,
            motion: Motion::Straight,
        };
        match spawn {
            Spawn::Person => {
                let y = if initial {
                    rng.uniform(-l.south, l.north * 0.5)
                } else {
                    -l.south
                };
                t.pos = [rng.uniform(-l.half_width, l.half_width), y];
                t.alt_m = l.terrain + 1.7;
                t.ground(rng, 0.0, 25.0, 60.0, (1.0, 2.0));
            }
            Spawn::Vehicle if rng.chance(0.7) => {
                // Along the border on the north side, east- or westbound.
                let east = rng.chance(0.5);
                let x = if initial {
                    rng.uniform(-l.half_width, l.half_width)
                } else if east {
                    -l.half_width
                } else {
                    l.half_width
                };
                t.pos = [x, rng.uniform(300.0, (l.north * 0.4).max(400.0))];
                t.alt_m = l.terrain + 2.0;
                let goal = if east { 90.0 } else { 270.0 };
                t.ground(rng, goal, 8.0, 120.0, (8.0, 30.0));
            }
            Spawn::Vehicle => {
                let y = if initial {
                    rng.uniform(-l.south, 0.0)
                } else {
                    -l.south
                };
                t.pos = [rng.uniform(-l.half_width, l.half_width), y];
                t.alt_m = l.terrain + 2.0;
                t.ground(rng, 0.0, 20.0, 90.0, (5.0, 15.0));
            }
            Spawn::Transit => {
                let (heading, speed) = if initial {
                    let r = l.air_radius * rng.unit().sqrt() * 0.9;
                    t.pos = heading_vel(r, rng.uniform(0.0, 360.0));
                    (rng.uniform(0.0, 360.0), rng.uniform(180.0, 250.0))
                } else {
                    let bearing = rng.uniform(0.0, 360.0);
                    t.pos = heading_vel(l.air_radius, bearing);
                    (
                        bearing + 180.0 + rng.uniform(-40.0, 40.0),
                        rng.uniform(180.0, 250.0),
                    )
                };
                t.vel = heading_vel(speed, heading);
                t.set_flight_level((rng.uniform(18.0, 35.0)).round() * 10.0);
            }
            Spawn::Patrol => {
                let centre = [rng.uniform(-15_000.0, 15_000.0), rng.uniform(0.0, 15_000.0)];
                let radius = rng.uniform(5_000.0, 12_000.0);
                let speed = rng.uniform(100.0, 150.0);
                let phase = rng.uniform(0.0, 360.0);
                let r = heading_vel(radius, phase);
                t.pos = [centre[0] + r[0], centre[1] + r[1]];
                let clockwise = rng.chance(0.5);
                t.vel = heading_vel(
                    speed,
                    if clockwise {
                        phase + 90.0
                    } else {
                        phase - 90.0
                    },
                );
                let omega = speed / radius * if clockwise { -1.0 } else { 1.0 };
                t.motion = Motion::Orbit {
                    centre,
                    omega_rad_s: omega,
                };
                t.set_flight_level((rng.uniform(8.0, 15.0)).round() * 10.0);
            }
        }
        t
    }

    fn ground(&mut self, rng: &mut SimRng, goal: f64, sd: f64, interval: f64, speeds: (f64, f64)) {
        let speed = rng.uniform(speeds.0, speeds.1);
        self.vel = heading_vel(speed, goal + sd * rng.normal());
        self.motion = Motion::Ground {
            goal_heading_deg: goal,
            heading_sd_deg: sd,
            mean_turn_interval_s: interval,
            speed_range: speeds,
        };
    }

    fn set_flight_level(&mut self, fl: f64) {
        self.alt_m = fl * 100.0 * FT_M;
        if let Some(a) = &mut self.aircraft {
            a.flight_level = fl;
        }
    }

    pub(super) fn kind(&self) -> TargetKind {
        match self.spawn {
            Spawn::Person => TargetKind::Person,
            Spawn::Vehicle => TargetKind::Vehicle,
            Spawn::Transit | Spawn::Patrol => TargetKind::Aircraft,
        }
    }

    /// Moves one tick.
    pub(super) fn step(&mut self, rng: &mut SimRng) {
        match self.motion {
            Motion::Ground {
                goal_heading_deg,
                heading_sd_deg,
                mean_turn_interval_s,
                speed_range: (lo, hi),
            } => {
                let mut speed = self.vel[0].hypot(self.vel[1]);
                let mut heading = self.vel[0].atan2(self.vel[1]).to_degrees();
                if rng.chance(TICK_S / mean_turn_interval_s) {
                    heading = goal_heading_deg + heading_sd_deg * rng.normal();
                }
                speed = (speed * (1.0 + 0.01 * rng.normal())).clamp(lo, hi);
                self.vel = heading_vel(speed, heading);
                self.pos = [
                    self.pos[0] + self.vel[0] * TICK_S,
                    self.pos[1] + self.vel[1] * TICK_S,
                ];
            }
            Motion::Straight => {
                self.pos = [
                    self.pos[0] + self.vel[0] * TICK_S,
                    self.pos[1] + self.vel[1] * TICK_S,
                ];
            }
            Motion::Orbit {
                centre,
                omega_rad_s,
            } => {
                // Exact rotation about the centre: the orbit never drifts.
                let (s, c) = (omega_rad_s * TICK_S).sin_cos();
                let rot = |v: [f64; 2]| [c * v[0] - s * v[1], s * v[0] + c * v[1]];
                let r = rot([self.pos[0] - centre[0], self.pos[1] - centre[1]]);
                self.pos = [centre[0] + r[0], centre[1] + r[1]];
                self.vel = rot(self.vel);
            }
        }
    }
}
