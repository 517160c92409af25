//! A track as CoT: type by affiliation and dimension, point from ENU to
//! WGS-84, `ce` from the covariance, and the track, contact, remarks and
//! watchfloor detail; an aircraft's flight and ICAO address in its callsign,
//! its `_aircot_` detail and its remarks.
//!
//! # The rules
//! - **Dimension**: air (`A`) when the latest report associated with the track
//!   says airborne (ADS-B without its ground bit, a Mode C or ADS-B altitude,
//!   a detection of kind `aircraft`); ground (`G`) when one says on the ground
//!   (ADS-B ground bit, SBS on-ground flag, a `person` or `vehicle` detection);
//!   otherwise air when faster than `air_speed_mps`, else ground.
//! - **`ce`**: 2.45 times the square root of the largest eigenvalue of the
//!   position covariance extrapolated to the publish time; 2.45 σ is the 95 %
//!   radius of a circular 2-D Gaussian, and the largest axis makes it a bound.
//! - **`hae`**: the reported geometric height; else the pressure altitude
//!   (flight level), which is within a few hundred metres of it; else unknown.

use cot::{Element, Event, Node, Point, UNKNOWN};
use fusion::geo::EnuFrame;

use crate::mark::Affiliation;
use crate::timebase::cot_time;
use crate::tracks::TrackState;

/// Mean Earth radius, metres; only used to put ENU points back on the ellipsoid.
const EARTH_R_M: f64 = 6_371_000.0;
/// CoT `how` of a fused machine track.
const HOW_FUSED: &str = "m-f";

/// Everything publishing needs besides the track.
#[derive(Debug, Clone)]
pub(crate) struct PublishCtx {
    pub(crate) frame: EnuFrame,
    pub(crate) uid_prefix: String,
    /// A label for every track (e.g. `SIMULATION`).
    pub(crate) label: Option<String>,
    /// Sensor ids by index.
    pub(crate) sensor_ids: Vec<String>,
    pub(crate) stale_s: f64,
    pub(crate) air_speed_mps: f64,
    /// Longest extrapolation from the last estimate, seconds.
    pub(crate) max_extrapolation_s: f64,
}

/// The uid a track is published under.
pub(crate) fn uid(prefix: &str, id: u64) -> String {
    format!("{prefix}-{id}")
}

/// The CoT type of a track: `a-<affiliation>-<A|G>`.
pub(crate) fn cot_type(t: &TrackState, air_speed_mps: f64) -> String {
    let aff = t
        .mark
        .as_ref()
        .map_or(Affiliation::Unknown, |m| m.affiliation);
    let speed = t.report.vx.hypot(t.report.vy);
    let air = match t.evidence.airborne {
        Some(a) => a,
        None => speed > air_speed_mps,
    };
    format!("a-{}-{}", aff.letter(), if air { 'A' } else { 'G' })
}

fn largest_eigenvalue(a: f64, b: f64, d: f64) -> f64 {
    let mean = (a + d) / 2.0;
    mean + (((a - d) / 2.0).powi(2) + b * b).sqrt()
}

/// The track's event at `now` (Unix seconds).
pub(crate) fn track_event(t: &TrackState, ctx: &PublishCtx, now: f64) -> Event {
    let r = &t.report;
    let dt = (now - r.time).clamp(0.0, ctx.max_extrapolation_s);
    let (x, y) = (r.x + r.vx * dt, r.y + r.vy * dt);
    let p = &r.cov;
    let xx = p[0][0] + 2.0 * dt * p[0][1] + dt * dt * p[1][1];
    let yy = p[2][2] + 2.0 * dt * p[2][3] + dt * dt * p[3][3];
    let xy = p[0][2] + dt * (p[0][3] + p[1][2]) + dt * dt * p[1][3];
    let ce = 2.45 * largest_eigenvalue(xx, xy, yy).max(0.0).sqrt();
    // Put the tangent-plane point back down onto the ellipsoid, as the
    // inputs were projected from it.
    let up = -(x * x + y * y) / (2.0 * EARTH_R_M);
    let g = ctx.frame.enu_to_geodetic(&[x, y, up]);
    let hae = t
        .evidence
        .hae_m
        .or(t.evidence.pressure_alt_m)
        .filter(|h| h.is_finite())
        .unwrap_or(UNKNOWN);

    let time = cot_time(now);
    let stale = cot_time(now + ctx.stale_s);
    let mut e = Event::new(
        uid(&ctx.uid_prefix, r.id),
        cot_type(t, ctx.air_speed_mps),
        HOW_FUSED,
        time,
        stale,
    );
    e.point = Point {
        lat: g.lat_deg,
        lon: g.lon_deg,
        hae,
        ce: if ce.is_finite() { ce } else { UNKNOWN },
        le: UNKNOWN,
    };
    let speed = r.vx.hypot(r.vy);
    let course = r.vx.atan2(r.vy).to_degrees().rem_euclid(360.0);
    e.detail.push_element(Element::with_attrs(
        "track",
        [
            ("course", format!("{course:.1}").as_str()),
            ("speed", format!("{speed:.2}").as_str()),
        ],
    ));
    // An aircraft is known by its flight, else its ICAO address; a track
    // without a transponder by its number.
    let icao = t.evidence.icao.map(|a| format!("{a:06X}"));
    let flight = t
        .evidence
        .callsign
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let name = flight
        .map(str::to_string)
        .or_else(|| icao.clone())
        .unwrap_or_else(|| format!("TRK-{}", r.id));
    let callsign = match &ctx.label {
        Some(label) => format!("{label} {name}"),
        None => name,
    };
    e.detail.push_element(Element::with_attrs(
        "contact",
        [("callsign", callsign.as_str())],
    ));
    if icao.is_some() || flight.is_some() {
        // Where TAK clients and ADS-B tools look for an aircraft's identity.
        let mut air = Element::new("_aircot_");
        if let Some(f) = flight {
            air.set_attr("flight", f);
        }
        if let Some(a) = &icao {
            air.set_attr("icao", a.as_str());
        }
        e.detail.push_element(air);
    }
    let ident = [
        icao.as_ref().map(|a| format!("ICAO {a}")),
        flight.map(|f| format!("flight {f}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let mark = t.mark.as_ref().and_then(|m| m.remarks.as_deref());
    let own = [
        Some(ident).filter(|i| !i.is_empty()),
        mark.map(str::to_string),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("; ");
    let remarks = match (&ctx.label, own.is_empty()) {
        (Some(label), false) => Some(format!("{label}: {own}")),
        (Some(label), true) => Some(label.clone()),
        (None, false) => Some(own),
        (None, true) => None,
    };
    if let Some(text) = remarks {
        let mut el = Element::new("remarks");
        el.children.push(Node::Text(text));
        e.detail.push_element(el);
    }
    e.detail.push_element(watchfloor_detail(t, ctx));
    e
}

/// `<__watchfloor_track id=".." sensors="radar-1,adsb-1" updates=".."
/// icao="3C6444" flight="DLH65A"/>`: provenance and, for aircraft only, the
/// transponder identity.
fn watchfloor_detail(t: &TrackState, ctx: &PublishCtx) -> Element {
    let sensors: Vec<&str> = t
        .sensors
        .iter()
        .filter_map(|&i| ctx.sensor_ids.get(i as usize).map(String::as_str))
        .collect();
    let mut el = Element::new("__watchfloor_track");
    el.set_attr("id", t.report.id.to_string());
    el.set_attr("sensors", sensors.join(","));
    el.set_attr("updates", t.updates.to_string());
    if let Some(icao) = t.evidence.icao {
        el.set_attr("icao", format!("{icao:06X}"));
    }
    if let Some(c) = &t.evidence.callsign {
        el.set_attr("flight", c.clone());
    }
    el
}

/// The `t-x-d-d` announcing that a published track ended.
pub(crate) fn delete_event(t: &TrackState, ctx: &PublishCtx, now: f64) -> Event {
    let gone = uid(&ctx.uid_prefix, t.report.id);
    Event::delete_announcement(
        format!("{gone}-delete"),
        &gone,
        &cot_type(t, ctx.air_speed_mps),
        cot_time(now),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigenvalue_of_diagonal_and_rotated() {
        assert!((largest_eigenvalue(4.0, 0.0, 1.0) - 4.0).abs() < 1e-12);
        // [[2,1],[1,2]] has eigenvalues 1 and 3.
        assert!((largest_eigenvalue(2.0, 1.0, 2.0) - 3.0).abs() < 1e-12);
    }
}
