//! The default demo scenario. Every name, code and position is invented.
//!
//! # Why the sensors stand where they do
//! A real sector is watched by overlapping sensors, and a fusing tracker is
//! only tested by one: each object should be one track whatever sees it. So
//! the layout makes overlap the normal case (the layout test in
//! `config/layout.rs` measures it from this configuration and the world's
//! motion):
//! - the ground surveillance radar stands at the sector's centre, 2 km north
//!   of the border, on a 50 m mast: its radar horizon for a person (about
//!   34 km) reaches every corner of the 57 km x 23 km ground sector, so every
//!   ground mover has one sensor everywhere;
//! - four long-range tower cameras (9 km) sit on one line 3.5 km north of the
//!   border, 14.25 km apart, closer than twice their range: most of the
//!   sector, and every stretch of the border road, is also in one camera's
//!   view, and between two towers in both;
//! - the two unattended ground sensors lie on the border inside camera
//!   coverage, where walkers cross, as a third sensor there;
//! - the air radar and both ADS-B receivers reach past the 120 km the
//!   aircraft fly in, so every equipped aircraft is seen by all three.

use super::{AdsbConfig, GroundSensorConfig, GroundSensorKind, Population, RadarConfig, SimConfig};

/// System area code used by every simulated source; not a real assignment.
const SIM_SAC: u8 = 250;

/// Start of the default scenario: 2026-01-01T00:00:00Z.
const DEFAULT_START_UNIX_S: f64 = 1_767_225_600.0;

pub(super) fn border_sector() -> SimConfig {
    let (lat0, lon0) = (31.33, -109.2);
    SimConfig {
        origin_lat_deg: lat0,
        origin_lon_deg: lon0,
        terrain_height_m: 1250.0,
        start_unix_s: DEFAULT_START_UNIX_S,
        sector_half_width_m: 28_500.0,
        sector_north_m: 15_000.0,
        sector_south_m: 8_000.0,
        air_radius_m: 120_000.0,
        population: Population {
            persons: 24,
            vehicles: 10,
            transit_aircraft: 6,
            patrol_aircraft: 2,
            icao_base: 0xFE_0000,
            adsb_equipage: 0.8,
        },
        radars: vec![
            RadarConfig {
                name: "sim-radar-ground".into(),
                sac: SIM_SAC,
                sic: 1,
                // The sector's centre, 2 km north of the border.
                lat_deg: 31.348,
                lon_deg: -109.2,
                antenna_height_m: 50.0,
                rotation_period_s: 6.0,
                sectors: 8,
                range_sigma_m: 15.0,
                azimuth_sigma_deg: 0.2,
                pd: 0.85,
                clutter_per_scan: 20.0,
                max_range_m: 40_000.0,
                max_altitude_m: Some(3_000.0),
                min_speed_mps: 0.3,
                ssr: false,
                mode_s: false,
                track_numbers: false,
            },
            RadarConfig {
                name: "sim-radar-air".into(),
                sac: SIM_SAC,
                sic: 2,
                lat_deg: 31.45,
                lon_deg: -108.95,
                antenna_height_m: 20.0,
                rotation_period_s: 10.0,
                sectors: 8,
                range_sigma_m: 60.0,
                azimuth_sigma_deg: 0.08,
                pd: 0.9,
                clutter_per_scan: 10.0,
                max_range_m: 250_000.0,
                max_altitude_m: None,
                min_speed_mps: 30.0,
                ssr: true,
                mode_s: true,
                track_numbers: false,
            },
        ],
        adsb: vec![
            AdsbConfig {
                name: "sim-adsb-east".into(),
                sac: SIM_SAC,
                sic: 10,
                lat_deg: 31.40,
                lon_deg: -109.0,
                max_range_m: 250_000.0,
                update_period_s: 1.0,
                p_receive: 0.95,
                position_sigma_m: 8.0,
                ident_period_s: 5.0,
                asterix: true,
                sbs: false,
            },
            AdsbConfig {
                name: "sim-readsb-west".into(),
                sac: SIM_SAC,
                sic: 11,
                lat_deg: 31.42,
                lon_deg: -109.40,
                max_range_m: 250_000.0,
                update_period_s: 1.0,
                p_receive: 0.9,
                position_sigma_m: 8.0,
                ident_period_s: 5.0,
                asterix: false,
                sbs: true,
            },
        ],
        ground_sensors: ground_sensors(lat0, lon0),
    }
}

/// Detection range of a tower camera, metres: a long-range thermal camera on
/// a tower picks out a person at this distance.
const CAMERA_RANGE_M: f64 = 9_000.0;

/// How far north of the border the camera towers stand, metres: the middle of
/// the band ground movers cross (8 km south to 15 km north).
const CAMERA_LINE_M: f64 = 3_500.0;

/// Rounds to 1e-5 degrees (about a metre) so the file form stays readable.
fn round5(deg: f64) -> f64 {
    (deg * 1e5).round() / 1e5
}

fn ground_sensors(lat0: f64, lon0: f64) -> Vec<GroundSensorConfig> {
    // Degrees per metre near the origin, good enough to place sensors.
    let dlat = 1.0 / 111_000.0;
    let dlon = dlat / lat0.to_radians().cos();
    let camera = |i: usize, x: f64| GroundSensorConfig {
        name: format!("sim-cam-{i}"),
        kind: GroundSensorKind::Camera,
        lat_deg: round5(lat0 + CAMERA_LINE_M * dlat),
        lon_deg: round5(lon0 + x * dlon),
        range_m: CAMERA_RANGE_M,
        period_s: 2.0,
        pd: 0.8,
        sigma_m: 15.0,
        false_alarms_per_period: 0.05,
        p_classify: 0.9,
    };
    let ugs = |i: usize, x: f64| GroundSensorConfig {
        name: format!("sim-ugs-{i}"),
        kind: GroundSensorKind::Unattended,
        lat_deg: round5(lat0 + 200.0 * dlat),
        lon_deg: round5(lon0 + x * dlon),
        range_m: 1_000.0,
        period_s: 5.0,
        pd: 0.7,
        sigma_m: 50.0,
        false_alarms_per_period: 0.01,
        p_classify: 0.0,
    };
    // Four towers share the 57 km evenly: 14.25 km apart, each 7.125 km in
    // from its end of the sector, so neighbours overlap by 3.75 km.
    vec![
        camera(1, -21_375.0),
        camera(2, -7_125.0),
        camera(3, 7_125.0),
        camera(4, 21_375.0),
        ugs(1, -13_000.0),
        ugs(2, 13_000.0),
    ]
}
