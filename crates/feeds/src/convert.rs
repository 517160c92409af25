//! Decoded sensor messages to positions in the tracker's ENU frame, with the
//! measurement covariance and what they say about the target (identity,
//! altitude, airborne or not).
//!
//! # Units
//! ENU metres, covariances m², Unix seconds, heights metres.

use fusion::geo::{EnuFrame, Geodetic, PolarMeasurement, SensorSite};
use fusion::linalg::Mat2;
use sensors::asterix::{Cat021, Cat048};
use sensors::detection::{Detection as JsonDetection, DetectionKind, Uncertainty};
use sensors::sbs::SbsMessage;
use sensors::validate::{check_lat_lon, check_rho_nm, finite, Implausible};

use crate::aircraft::AircraftInfo;
use crate::stats::Reject;
use crate::timebase::time_of_day_to_unix;

/// Feet in metres.
pub(crate) const FT_M: f64 = 0.3048;
const NM_M: f64 = 1852.0;

/// What a report says about its target besides the position. Aircraft only:
/// ground detections carry nothing that identifies anyone.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Evidence {
    /// 24-bit ICAO aircraft address.
    pub(crate) icao: Option<u32>,
    /// Flight callsign.
    pub(crate) callsign: Option<String>,
    /// Height above the WGS-84 ellipsoid, metres.
    pub(crate) hae_m: Option<f64>,
    /// Pressure altitude (flight level), metres.
    pub(crate) pressure_alt_m: Option<f64>,
    /// The source says the target is airborne (`Some(true)`) or on the ground.
    pub(crate) airborne: Option<bool>,
}

/// A position measurement ready for the tracker.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measurement {
    /// Unix seconds.
    pub(crate) time: f64,
    /// East, metres.
    pub(crate) x: f64,
    /// North, metres.
    pub(crate) y: f64,
    /// Covariance, m².
    pub(crate) r: Mat2,
    /// Identity and altitude, when the source gives them.
    pub(crate) evidence: Evidence,
}

/// What a decoded message turned into.
pub(crate) type Converted = Result<Option<Measurement>, Reject>;

fn implausible(_: Implausible) -> Reject {
    Reject::Implausible
}

fn sigma_cov(s: f64) -> Mat2 {
    [[s * s, 0.0], [0.0, s * s]]
}

/// A WGS-84 position on the ellipsoid to ENU metres. Heights are dropped on
/// purpose: radar plots are projected at their site's height, and mixing in
/// 10 km of aircraft altitude would shift far positions by up to h/R.
fn horizontal(frame: &EnuFrame, lat: f64, lon: f64) -> (f64, f64) {
    let [x, y, _] = frame.geodetic_to_enu(&Geodetic {
        lat_deg: lat,
        lon_deg: lon,
        alt_m: 0.0,
    });
    (x, y)
}

/// A CAT048 plot. Test targets and field monitors are ignored, as are
/// reports without a measured polar position (tracks only). `height_hint`
/// (metres above the ellipsoid) stands in for a missing Mode C height: the
/// height of the aircraft track the plot most likely belongs to (see
/// `Pipeline::height_hint`), so that its slant range is brought down too.
pub(crate) fn cat048(
    r: &Cat048,
    site: &SensorSite,
    site_alt_m: f64,
    noise: (f64, f64),
    now: f64,
    height_hint: Option<f64>,
) -> Converted {
    if r.descriptor.is_some_and(|d| d.test || d.fixed_transponder) {
        return Ok(None);
    }
    let Some(polar) = r.polar else {
        return Ok(None);
    };
    let tod = r.time_of_day_s.ok_or(Reject::Decode)?;
    let time = time_of_day_to_unix(tod, now).ok_or(Reject::Implausible)?;
    check_rho_nm(polar.rho_nm).map_err(implausible)?;
    let rho = polar.rho_nm;
    let theta = finite("theta_deg", polar.theta_deg).map_err(implausible)?;
    if !(0.0..=360.0).contains(&theta) {
        return Err(Reject::Implausible);
    }
    let slant = rho * NM_M;
    let fl = r
        .flight_level
        .filter(|f| !f.garbled && f.fl.is_finite())
        .map(|f| f.fl * 100.0 * FT_M);
    // With Mode C the slant range is brought down to ground range; the
    // pressure altitude stands in for the geometric height (a few hundred
    // metres off at most, which moves a 30 km ground range by tens of metres).
    let ground = match fl.or(height_hint) {
        Some(h) if (h - site_alt_m).abs() < slant => {
            (slant.powi(2) - (h - site_alt_m).powi(2)).sqrt()
        }
        _ => slant,
    };
    let m = PolarMeasurement {
        range_m: ground,
        azimuth_deg: theta,
        sigma_range_m: noise.0,
        sigma_azimuth_deg: noise.1,
    };
    let (p, cov) = site.polar_to_frame(&m);
    Ok(Some(Measurement {
        time,
        x: p[0],
        y: p[1],
        r: cov,
        evidence: Evidence {
            icao: r.aircraft_address,
            callsign: r.aircraft_id.clone().filter(|c| !c.is_empty()),
            hae_m: r.height_3d_ft.map(|h| h * FT_M),
            pressure_alt_m: fl,
            airborne: fl.map(|_| true),
        },
    }))
}

/// A CAT021 ADS-B report; one without a position is ignored.
pub(crate) fn cat021(r: &Cat021, frame: &EnuFrame, sigma_m: f64, now: f64) -> Converted {
    let Some(pos) = r.best_position() else {
        return Ok(None);
    };
    check_lat_lon(pos.lat_deg, pos.lon_deg).map_err(implausible)?;
    let tod = r.time_of_day_s().ok_or(Reject::Decode)?;
    let time = time_of_day_to_unix(tod, now).ok_or(Reject::Implausible)?;
    let (x, y) = horizontal(frame, pos.lat_deg, pos.lon_deg);
    let pressure_alt_m = r
        .flight_level
        .filter(|f| f.is_finite())
        .map(|f| f * 100.0 * FT_M);
    let hae_m = r
        .geometric_height_ft
        .filter(|h| h.is_finite())
        .map(|h| h * FT_M);
    let airborne = match r.ground_bit {
        Some(on_ground) => Some(!on_ground),
        None => (pressure_alt_m.is_some() || hae_m.is_some()).then_some(true),
    };
    Ok(Some(Measurement {
        time,
        x,
        y,
        r: sigma_cov(sigma_m),
        evidence: Evidence {
            icao: r.target_address,
            callsign: r.target_id.clone().filter(|c| !c.is_empty()),
            hae_m,
            pressure_alt_m,
            airborne,
        },
    }))
}

/// An SBS line with a position, stamped with its arrival time `now`: the
/// line's own date/time fields are empty in older feeds and in local time in
/// some, and a port-30003 relay adds well under a second.
pub(crate) fn sbs(
    m: &SbsMessage,
    info: Option<&AircraftInfo>,
    frame: &EnuFrame,
    sigma_m: f64,
    now: f64,
) -> Converted {
    let (Some(lat), Some(lon)) = (m.lat, m.lon) else {
        return Ok(None);
    };
    check_lat_lon(lat, lon).map_err(implausible)?;
    let (x, y) = horizontal(frame, lat, lon);
    let info = info.cloned().unwrap_or_default();
    let airborne = match info.on_ground {
        Some(g) => Some(!g),
        None => info.pressure_alt_m.map(|_| true),
    };
    Ok(Some(Measurement {
        time: now,
        x,
        y,
        r: sigma_cov(sigma_m),
        evidence: Evidence {
            icao: m.hex_ident,
            callsign: info.callsign,
            hae_m: None,
            pressure_alt_m: info.pressure_alt_m,
            airborne,
        },
    }))
}

/// A detection line (already validated by the sensors crate). Its own
/// uncertainty wins over the configured default.
pub(crate) fn detection(d: &JsonDetection, frame: &EnuFrame, sigma_m: f64) -> Converted {
    check_lat_lon(d.lat, d.lon).map_err(implausible)?;
    finite("time", d.time_unix_s).map_err(implausible)?;
    let (x, y) = horizontal(frame, d.lat, d.lon);
    let r = match d.uncertainty {
        Some(Uncertainty::Sigma(s)) => sigma_cov(s),
        Some(Uncertainty::Covariance(c)) => c,
        None => sigma_cov(sigma_m),
    };
    let airborne = match d.kind {
        DetectionKind::Aircraft => Some(true),
        DetectionKind::Person | DetectionKind::Vehicle => Some(false),
        DetectionKind::Unknown => None,
    };
    Ok(Some(Measurement {
        time: d.time_unix_s,
        x,
        y,
        r,
        evidence: Evidence {
            hae_m: d.alt_m.filter(|a| a.is_finite()),
            airborne,
            ..Evidence::default()
        },
    }))
}
