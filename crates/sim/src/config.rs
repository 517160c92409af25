//! Scenario and sensor settings, with a default fictional border sector.
//!
//! # Units
//! WGS-84 degrees, metres, seconds; probabilities in [0, 1].

use serde::{Deserialize, Serialize};

use crate::SimError;

/// The whole scenario: where, who moves, and which sensors watch.
///
/// The border is the east-west line through the origin (the ENU x axis): north
/// of it is the US side, south the Mexican side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Sector centre on the border, latitude in degrees.
    pub origin_lat_deg: f64,
    /// Sector centre on the border, longitude in degrees.
    pub origin_lon_deg: f64,
    /// Ground height above the WGS-84 ellipsoid, metres (flat terrain).
    pub terrain_height_m: f64,
    /// Wall time of simulation time 0, seconds since the Unix epoch (UTC).
    pub start_unix_s: f64,
    /// Half the east-west extent of the ground sector, metres.
    pub sector_half_width_m: f64,
    /// How far north of the border ground movers roam, metres.
    pub sector_north_m: f64,
    /// How far south of the border ground movers start, metres.
    pub sector_south_m: f64,
    /// Radius around the origin that aircraft fly in, metres.
    pub air_radius_m: f64,
    /// How many targets of each kind are alive at any time.
    pub population: Population,
    /// Radar sites.
    pub radars: Vec<RadarConfig>,
    /// ADS-B receivers.
    pub adsb: Vec<AdsbConfig>,
    /// Ground sensors and cameras.
    pub ground_sensors: Vec<GroundSensorConfig>,
}

/// Target counts; a target that leaves the area is replaced by a new one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// People on foot (1-2 m/s), starting south of the border and heading north.
    pub persons: usize,
    /// Ground vehicles (5-30 m/s), along the border or crossing it.
    pub vehicles: usize,
    /// Aircraft on straight legs (180-250 m/s, FL180-FL350).
    pub transit_aircraft: usize,
    /// Aircraft flying circular patrol orbits (100-150 m/s, FL50-FL150).
    pub patrol_aircraft: usize,
    /// First ICAO 24-bit address handed out. The default 0xFE0000 lies in a block
    /// no state is allocated (leading bits 1111 1110), so it cannot be a real
    /// aircraft.
    pub icao_base: u32,
    /// Share of aircraft that transmit ADS-B, in [0, 1].
    pub adsb_equipage: f64,
}

/// A rotating radar producing CAT048 plots and CAT034 service messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RadarConfig {
    /// Sensor name used in [`crate::SimOutput`].
    pub name: String,
    /// System area code (I010 SAC).
    pub sac: u8,
    /// System identification code (I010 SIC).
    pub sic: u8,
    /// Site latitude, degrees.
    pub lat_deg: f64,
    /// Site longitude, degrees.
    pub lon_deg: f64,
    /// Antenna height above the terrain, metres (sets the radar horizon).
    pub antenna_height_m: f64,
    /// Antenna rotation period, seconds (typically 4-12).
    pub rotation_period_s: f64,
    /// Sectors per revolution; each ends with a CAT048 block and a CAT034 message.
    pub sectors: u8,
    /// Slant-range noise, 1 sigma, metres.
    pub range_sigma_m: f64,
    /// Azimuth noise, 1 sigma, degrees.
    pub azimuth_sigma_deg: f64,
    /// Probability of detecting a target in coverage on one scan.
    pub pd: f64,
    /// Mean number of false plots per revolution (Poisson, uniform in area).
    pub clutter_per_scan: f64,
    /// Instrumented range, metres (at most 256 NM, the CAT048 limit).
    pub max_range_m: f64,
    /// Highest target altitude above the terrain the beam covers, metres.
    pub max_altitude_m: Option<f64>,
    /// Slowest target reported, metres per second: the moving-target filter of
    /// an air surveillance radar hides people and cars (0 reports everything).
    pub min_speed_mps: f64,
    /// Secondary radar: aircraft plots carry Mode-3/A and flight level.
    pub ssr: bool,
    /// Mode S: aircraft plots also carry address (I220) and callsign (I240).
    pub mode_s: bool,
    /// Report a stable I161 track number per target (as a plot-to-track radar would).
    pub track_numbers: bool,
}

/// An ADS-B ground station producing CAT021 and/or SBS-1 lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdsbConfig {
    /// Sensor name used in [`crate::SimOutput`].
    pub name: String,
    /// System area code (I010 SAC).
    pub sac: u8,
    /// System identification code (I010 SIC).
    pub sic: u8,
    /// Antenna latitude, degrees.
    pub lat_deg: f64,
    /// Antenna longitude, degrees.
    pub lon_deg: f64,
    /// Reception range, metres.
    pub max_range_m: f64,
    /// Interval between reports of one aircraft, seconds.
    pub update_period_s: f64,
    /// Probability that a report in range is received.
    pub p_receive: f64,
    /// Position error of the transmitted position, 1 sigma per axis, metres.
    pub position_sigma_m: f64,
    /// Interval between identification messages (SBS `MSG,1`), seconds.
    pub ident_period_s: f64,
    /// Produce ASTERIX CAT021.
    pub asterix: bool,
    /// Produce SBS-1 lines.
    pub sbs: bool,
}

/// What kind of ground sensor it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroundSensorKind {
    /// A camera with automatic classification (person / vehicle).
    Camera,
    /// An unattended ground sensor (seismic, magnetic): detects, does not classify.
    Unattended,
}

/// A ground sensor or camera producing JSON detection lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroundSensorConfig {
    /// Sensor id, the `sensor` key of each detection.
    pub name: String,
    /// Camera or unattended sensor.
    pub kind: GroundSensorKind,
    /// Latitude, degrees.
    pub lat_deg: f64,
    /// Longitude, degrees.
    pub lon_deg: f64,
    /// Detection range, metres.
    pub range_m: f64,
    /// Interval between reports, seconds.
    pub period_s: f64,
    /// Probability of detecting a ground mover in range per report.
    pub pd: f64,
    /// Horizontal position error, 1 sigma per axis, metres.
    pub sigma_m: f64,
    /// Mean false detections per report (Poisson).
    pub false_alarms_per_period: f64,
    /// Probability a camera classifies a detected mover correctly.
    pub p_classify: f64,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self::border_sector()
    }
}

impl SimConfig {
    /// The demo scenario: a fictional 57 km sector of the Arizona/New Mexico
    /// border around 31.33° N, 109.2° W, with a ground surveillance radar, a
    /// long-range air radar, two ADS-B receivers, four tower cameras and two
    /// unattended ground sensors, placed so that their coverage overlaps as a
    /// real sector's does: most ground movers are seen by two sensors or more
    /// and every ADS-B aircraft by both receivers and the air radar (the
    /// reasons are in `config/defaults.rs`). Names are invented and marked `sim-`.
    pub fn border_sector() -> Self {
        crate::config::defaults::border_sector()
    }

    /// Sets the wall time of simulation time 0 ([`Self::start_unix_s`])
    /// from the caller's clock.
    pub fn set_start(&mut self, start: cot::Time) {
        self.start_unix_s = start.micros() as f64 / 1e6;
    }

    /// Checks every setting once, before a simulator is built.
    pub fn validate(&self) -> Result<(), SimError> {
        crate::config::validate::validate(self)
    }
}

mod defaults;
#[cfg(test)]
mod layout;
mod validate;
