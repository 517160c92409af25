//! What the simulated task force is made of and how often it talks.
//!
//! # Units
//! Positions in metres in the sector's East-North-Up frame (east along the
//! border, north into the US), speeds in metres per second, heights above the
//! terrain in metres, times in seconds since the scenario start.

use serde::{Deserialize, Serialize};

/// How one unit or aircraft moves. Routes are closed loops flown or walked at
/// constant speed; the seed shifts where on the loop each one starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum Motion {
    /// Stays put: an observation post or a command post.
    Post {
        /// East of the sector origin, metres.
        east_m: f64,
        /// North of the border, metres.
        north_m: f64,
    },
    /// Out and back along a line parallel to the border, with a dog-leg north
    /// in the middle (a patrol checking a wash or a sensor line).
    Patrol {
        /// East of the sector origin of the route's centre, metres.
        east_m: f64,
        /// North of the border of the route's straight legs, metres.
        north_m: f64,
        /// East-west extent of the route, metres.
        length_m: f64,
        /// Walking or driving speed, metres per second.
        speed_mps: f64,
    },
    /// A racetrack: two legs parallel to the border joined by half circles.
    Racetrack {
        /// East of the sector origin of the centre, metres.
        east_m: f64,
        /// North of the border of the centre, metres.
        north_m: f64,
        /// Length of each straight leg, metres.
        length_m: f64,
        /// Distance between the two legs (turn diameter), metres.
        width_m: f64,
        /// Airspeed, metres per second.
        speed_mps: f64,
        /// Height above the terrain, metres.
        height_m: f64,
    },
    /// A circular orbit, flown clockwise.
    Orbit {
        /// East of the sector origin of the centre, metres.
        east_m: f64,
        /// North of the border of the centre, metres.
        north_m: f64,
        /// Orbit radius, metres.
        radius_m: f64,
        /// Airspeed, metres per second.
        speed_mps: f64,
        /// Height above the terrain, metres.
        height_m: f64,
    },
}

impl Motion {
    /// Height above the terrain, metres (0 for ground units).
    pub fn height_m(&self) -> f64 {
        match self {
            Motion::Racetrack { height_m, .. } | Motion::Orbit { height_m, .. } => *height_m,
            Motion::Post { .. } | Motion::Patrol { .. } => 0.0,
        }
    }

    /// Nominal speed before the seed's variation, metres per second.
    pub fn speed_mps(&self) -> f64 {
        match self {
            Motion::Post { .. } => 0.0,
            Motion::Patrol { speed_mps, .. }
            | Motion::Racetrack { speed_mps, .. }
            | Motion::Orbit { speed_mps, .. } => *speed_mps,
        }
    }
}

/// One unit of the task force: one TAK client connection of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitConfig {
    /// Unit callsign, e.g. `ALPHA 1-1` (units only, never a person's name).
    pub callsign: String,
    /// CoT type of its SA, e.g. `a-f-G-U-C-I`.
    pub cot_type: String,
    /// Team colour (`__group@name`), e.g. `Cyan`.
    pub team: String,
    /// Team role (`__group@role`), e.g. `Team Lead`.
    pub role: String,
    /// How it moves.
    pub motion: Motion,
}

/// One aircraft, reported by the air-operations unit (see
/// [`ForceConfig::air_relay`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AircraftConfig {
    /// Aircraft callsign, e.g. `RAVEN 21`.
    pub callsign: String,
    /// CoT type, e.g. `a-f-A-M-H` (helicopter) or `a-f-A-M-F-Q` (UAS).
    pub cot_type: String,
    /// Its patrol route ([`Motion::Racetrack`] or [`Motion::Orbit`]).
    pub motion: Motion,
}

/// The whole simulated task force. Values out of range are clamped by
/// [`super::ForceScenario::new`] rather than refused: this is a demo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ForceConfig {
    /// Sector centre on the border, latitude in degrees.
    pub origin_lat_deg: f64,
    /// Sector centre on the border, longitude in degrees.
    pub origin_lon_deg: f64,
    /// Ground height above the WGS-84 ellipsoid, metres (flat terrain).
    pub terrain_height_m: f64,
    /// Units and aircraft stay within this distance east or west of the
    /// origin, metres.
    pub half_width_m: f64,
    /// Ground units stay at least this far north of the border, metres.
    pub min_north_m: f64,
    /// Ground units stay at most this far north of the border, metres.
    pub max_north_m: f64,
    /// Aircraft stay between `min_north_m` and this far north of the border,
    /// metres (they never cross into the neighbour's airspace).
    pub air_max_north_m: f64,
    /// Range of the interval between two SA reports of one unit, seconds.
    pub sa_period_s: (f64, f64),
    /// SA stale time after the report, seconds.
    pub stale_s: f64,
    /// When the first chat message comes, seconds after the start (range).
    pub first_chat_s: (f64, f64),
    /// Interval between chat messages, seconds (range).
    pub chat_period_s: (f64, f64),
    /// When the first alert comes, seconds after the start (range).
    pub first_alert_s: (f64, f64),
    /// Interval between two alerts, seconds (range).
    pub alert_period_s: (f64, f64),
    /// How long an alert lasts before its cancel, seconds (range).
    pub alert_length_s: (f64, f64),
    /// The ground units, each with its own connection.
    pub units: Vec<UnitConfig>,
    /// The aircraft.
    pub aircraft: Vec<AircraftConfig>,
    /// Index into `units` of the air-operations unit whose connection relays
    /// the aircraft reports.
    pub air_relay: usize,
}

impl Default for ForceConfig {
    fn default() -> Self {
        Self::border_sector()
    }
}

impl ForceConfig {
    /// The demo task force on the sensor simulator's sector
    /// ([`crate::SimConfig::border_sector`]): 12 units (patrols on foot and in
    /// vehicles, two observation posts, a TOC, an air-operations cell) and 3
    /// aircraft. Every callsign is invented.
    pub fn border_sector() -> Self {
        super::roster::border_sector()
    }
}
