//! One pass over a [`SimConfig`], so a bad value is refused at start with the
//! setting's name rather than producing output a decoder would reject.

use std::collections::HashSet;

use super::SimConfig;
use crate::SimError;

/// CAT048 I040 cannot carry a slant range beyond 256 NM.
const MAX_RADAR_RANGE_M: f64 = 256.0 * 1852.0;

fn check(
    field: impl Fn() -> String,
    value: f64,
    ok: bool,
    reason: &'static str,
) -> Result<(), SimError> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(SimError::Config {
            field: field(),
            value: value.to_string(),
            reason,
        })
    }
}

fn in_range(
    field: impl Fn() -> String,
    v: f64,
    lo: f64,
    hi: f64,
    reason: &'static str,
) -> Result<(), SimError> {
    check(field, v, (lo..=hi).contains(&v), reason)
}

fn position(prefix: &str, lat: f64, lon: f64) -> Result<(), SimError> {
    in_range(
        || format!("{prefix}.lat_deg"),
        lat,
        -85.0,
        85.0,
        "latitude within [-85, 85] degrees",
    )?;
    in_range(
        || format!("{prefix}.lon_deg"),
        lon,
        -180.0,
        180.0,
        "longitude within [-180, 180] degrees",
    )
}

pub(super) fn validate(c: &SimConfig) -> Result<(), SimError> {
    position("origin", c.origin_lat_deg, c.origin_lon_deg)?;
    let s = |name: &'static str| move || name.to_owned();
    in_range(
        s("terrain_height_m"),
        c.terrain_height_m,
        -500.0,
        6_000.0,
        "metres within [-500, 6000]",
    )?;
    in_range(
        s("start_unix_s"),
        c.start_unix_s,
        0.0,
        1e11,
        "unix seconds, not negative",
    )?;
    in_range(
        s("sector_half_width_m"),
        c.sector_half_width_m,
        100.0,
        500_000.0,
        "metres within [100, 500000]",
    )?;
    in_range(
        s("sector_north_m"),
        c.sector_north_m,
        100.0,
        500_000.0,
        "metres within [100, 500000]",
    )?;
    in_range(
        s("sector_south_m"),
        c.sector_south_m,
        100.0,
        500_000.0,
        "metres within [100, 500000]",
    )?;
    in_range(
        s("air_radius_m"),
        c.air_radius_m,
        1_000.0,
        500_000.0,
        "metres within [1000, 500000]",
    )?;
    let p = &c.population;
    let total = p.persons + p.vehicles + p.transit_aircraft + p.patrol_aircraft;
    in_range(
        s("population"),
        total as f64,
        0.0,
        10_000.0,
        "at most 10000 targets",
    )?;
    in_range(
        s("population.adsb_equipage"),
        p.adsb_equipage,
        0.0,
        1.0,
        "a probability",
    )?;
    in_range(
        s("population.icao_base"),
        f64::from(p.icao_base),
        1.0,
        f64::from(0xff_ffff - 0xffff),
        "24-bit address leaving room for 65536 aircraft",
    )?;

    let mut names = HashSet::new();
    let mut unique = |field: String, name: &str| -> Result<(), SimError> {
        if name.trim().is_empty() || !names.insert(name.to_owned()) {
            return Err(SimError::Config {
                field,
                value: name.to_owned(),
                reason: "sensor names must be non-empty and unique",
            });
        }
        Ok(())
    };
    for (i, r) in c.radars.iter().enumerate() {
        let f = |k: &str| format!("radars[{i}].{k}");
        unique(f("name"), &r.name)?;
        position(&format!("radars[{i}]"), r.lat_deg, r.lon_deg)?;
        in_range(
            || f("antenna_height_m"),
            r.antenna_height_m,
            0.0,
            1_000.0,
            "metres within [0, 1000]",
        )?;
        in_range(
            || f("rotation_period_s"),
            r.rotation_period_s,
            1.0,
            60.0,
            "seconds within [1, 60]",
        )?;
        in_range(
            || f("sectors"),
            f64::from(r.sectors),
            1.0,
            64.0,
            "1 to 64 sectors",
        )?;
        in_range(
            || f("range_sigma_m"),
            r.range_sigma_m,
            0.0,
            10_000.0,
            "metres within [0, 10000]",
        )?;
        in_range(
            || f("azimuth_sigma_deg"),
            r.azimuth_sigma_deg,
            0.0,
            10.0,
            "degrees within [0, 10]",
        )?;
        in_range(|| f("pd"), r.pd, 0.0, 1.0, "a probability")?;
        in_range(
            || f("clutter_per_scan"),
            r.clutter_per_scan,
            0.0,
            10_000.0,
            "within [0, 10000]",
        )?;
        in_range(
            || f("max_range_m"),
            r.max_range_m,
            1.0,
            MAX_RADAR_RANGE_M - 1_000.0,
            "metres, below 256 NM (CAT048 limit) with margin for noise",
        )?;
        in_range(
            || f("min_speed_mps"),
            r.min_speed_mps,
            0.0,
            1_000.0,
            "metres per second within [0, 1000]",
        )?;
        if let Some(h) = r.max_altitude_m {
            in_range(
                || f("max_altitude_m"),
                h,
                1.0,
                30_000.0,
                "metres within [1, 30000]",
            )?;
        }
    }
    for (i, a) in c.adsb.iter().enumerate() {
        let f = |k: &str| format!("adsb[{i}].{k}");
        unique(f("name"), &a.name)?;
        position(&format!("adsb[{i}]"), a.lat_deg, a.lon_deg)?;
        in_range(
            || f("max_range_m"),
            a.max_range_m,
            1.0,
            1_000_000.0,
            "metres within [1, 1000000]",
        )?;
        in_range(
            || f("update_period_s"),
            a.update_period_s,
            0.1,
            60.0,
            "seconds within [0.1, 60]",
        )?;
        in_range(|| f("p_receive"), a.p_receive, 0.0, 1.0, "a probability")?;
        in_range(
            || f("position_sigma_m"),
            a.position_sigma_m,
            0.0,
            1_000.0,
            "metres within [0, 1000]",
        )?;
        in_range(
            || f("ident_period_s"),
            a.ident_period_s,
            0.1,
            3_600.0,
            "seconds within [0.1, 3600]",
        )?;
    }
    for (i, g) in c.ground_sensors.iter().enumerate() {
        let f = |k: &str| format!("ground_sensors[{i}].{k}");
        unique(f("name"), &g.name)?;
        position(&format!("ground_sensors[{i}]"), g.lat_deg, g.lon_deg)?;
        in_range(
            || f("range_m"),
            g.range_m,
            1.0,
            100_000.0,
            "metres within [1, 100000]",
        )?;
        in_range(
            || f("period_s"),
            g.period_s,
            0.1,
            3_600.0,
            "seconds within [0.1, 3600]",
        )?;
        in_range(|| f("pd"), g.pd, 0.0, 1.0, "a probability")?;
        // The detection format requires sigma_m > 0.
        check(
            || f("sigma_m"),
            g.sigma_m,
            g.sigma_m > 0.0 && g.sigma_m <= 10_000.0,
            "metres within (0, 10000]",
        )?;
        in_range(
            || f("false_alarms_per_period"),
            g.false_alarms_per_period,
            0.0,
            1_000.0,
            "within [0, 1000]",
        )?;
        in_range(|| f("p_classify"), g.p_classify, 0.0, 1.0, "a probability")?;
    }
    Ok(())
}
