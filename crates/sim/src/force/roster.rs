//! The default task force. Callsigns, posts and routes are invented; the
//! sector is the sensor simulator's fictional border stretch.

use super::config::{AircraftConfig, ForceConfig, Motion, UnitConfig};
use crate::SimConfig;

fn unit(callsign: &str, cot_type: &str, team: &str, role: &str, motion: Motion) -> UnitConfig {
    UnitConfig {
        callsign: callsign.into(),
        cot_type: cot_type.into(),
        team: team.into(),
        role: role.into(),
        motion,
    }
}

fn patrol(east_m: f64, north_m: f64, length_m: f64, speed_mps: f64) -> Motion {
    Motion::Patrol {
        east_m,
        north_m,
        length_m,
        speed_mps,
    }
}

fn post(east_m: f64, north_m: f64) -> Motion {
    Motion::Post { east_m, north_m }
}

pub(super) fn border_sector() -> ForceConfig {
    let sector = SimConfig::border_sector();
    // Foot patrols at 1.1-1.4 m/s, vehicles at 9-12 m/s: the seed varies
    // each by up to 7 %, which keeps them in 1-1.5 and 8-15 m/s.
    let units = vec![
        unit(
            "ALPHA 1-1",
            "a-f-G-U-C-I",
            "Cyan",
            "Team Lead",
            patrol(-18_000.0, 800.0, 3_000.0, 1.2),
        ),
        unit(
            "ALPHA 1-2",
            "a-f-G-U-C-I",
            "Cyan",
            "Team Member",
            patrol(-14_000.0, 1_200.0, 2_500.0, 1.3),
        ),
        unit(
            "BRAVO 2",
            "a-f-G-E-V",
            "Yellow",
            "Team Lead",
            patrol(-8_000.0, 500.0, 16_000.0, 12.0),
        ),
        unit(
            "BRAVO 2-1",
            "a-f-G-E-V",
            "Yellow",
            "Team Member",
            patrol(10_000.0, 600.0, 14_000.0, 11.0),
        ),
        unit(
            "CHARLIE 3",
            "a-f-G-U-C-R",
            "Green",
            "Team Lead",
            patrol(2_000.0, 1_500.0, 3_000.0, 1.1),
        ),
        unit(
            "K9 3",
            "a-f-G-U-C-I",
            "Green",
            "K9",
            patrol(5_000.0, 900.0, 2_500.0, 1.4),
        ),
        unit(
            "DELTA 4",
            "a-f-G-U-C",
            "Red",
            "Team Lead",
            patrol(18_000.0, 2_500.0, 10_000.0, 9.0),
        ),
        unit(
            "MEDIC 5",
            "a-f-G-U-S-M",
            "Red",
            "Medic",
            patrol(0.0, 5_000.0, 12_000.0, 9.0),
        ),
        unit(
            "OP SAN PEDRO",
            "a-f-G-U-C-R",
            "Orange",
            "Forward Observer",
            post(-4_000.0, 1_800.0),
        ),
        unit(
            "OP COCHISE",
            "a-f-G-U-C-R",
            "Orange",
            "RTO",
            post(14_000.0, 2_200.0),
        ),
        unit("TOC", "a-f-G-U-H", "White", "HQ", post(0.0, 6_000.0)),
        unit(
            "AIR OPS",
            "a-f-G-U-C-V",
            "Blue",
            "HQ",
            post(3_000.0, 5_500.0),
        ),
    ];
    let aircraft = vec![
        AircraftConfig {
            callsign: "RAVEN 21".into(),
            cot_type: "a-f-A-M-H".into(),
            motion: Motion::Racetrack {
                east_m: -10_000.0,
                north_m: 2_500.0,
                length_m: 16_000.0,
                width_m: 2_000.0,
                speed_mps: 50.0,
                height_m: 300.0,
            },
        },
        AircraftConfig {
            callsign: "HAWK 31".into(),
            cot_type: "a-f-A-M-H".into(),
            motion: Motion::Racetrack {
                east_m: 12_000.0,
                north_m: 3_000.0,
                length_m: 12_000.0,
                width_m: 2_000.0,
                speed_mps: 45.0,
                height_m: 250.0,
            },
        },
        AircraftConfig {
            callsign: "SENTRY 05".into(),
            cot_type: "a-f-A-M-F-Q".into(),
            motion: Motion::Orbit {
                east_m: 0.0,
                north_m: 9_000.0,
                radius_m: 5_000.0,
                speed_mps: 55.0,
                height_m: 3_500.0,
            },
        },
    ];
    ForceConfig {
        origin_lat_deg: sector.origin_lat_deg,
        origin_lon_deg: sector.origin_lon_deg,
        terrain_height_m: sector.terrain_height_m,
        half_width_m: 27_000.0,
        min_north_m: 300.0,
        max_north_m: 8_000.0,
        air_max_north_m: 20_000.0,
        sa_period_s: (2.0, 5.0),
        stale_s: 120.0,
        first_chat_s: (5.0, 12.0),
        chat_period_s: (40.0, 90.0),
        first_alert_s: (30.0, 55.0),
        alert_period_s: (180.0, 300.0),
        alert_length_s: (45.0, 90.0),
        air_relay: units.len() - 1,
        units,
        aircraft,
    }
}
