//! Detections from ground sensors and cameras as JSON lines, one object a line:
//!
//! ```json
//! {"sensor":"cam-north-3","time":1718000000.25,"lat":31.3345,"lon":-110.9431,
//!  "alt":1250.0,"sigma_m":8.0,"kind":"person","confidence":0.82}
//! ```
//!
//! | key | required | meaning |
//! |---|---|---|
//! | `sensor` | yes | sensor identifier, non-empty string |
//! | `time` | yes | Unix seconds (number) or ISO 8601 UTC text `2024-06-10T06:13:20.25Z` (an offset such as `+02:00` is applied) |
//! | `lat`, `lon` | yes | WGS-84 degrees |
//! | `alt` | no | metres above the WGS-84 ellipsoid |
//! | `sigma_m` | no | horizontal 1-sigma position error, metres, per axis |
//! | `cov` | no | 2x2 east/north covariance, square metres, `[[ee,en],[ne,nn]]`; not together with `sigma_m` |
//! | `kind` | no | `person`, `vehicle`, `aircraft` or `unknown` (default) |
//! | `confidence` | no | detection confidence in [0, 1] |
//!
//! Other keys are ignored so producers can add fields. A detection describes an
//! anonymous object: no names, faces or other personal data belong in it.

mod time;

use serde::Deserialize;
use serde_json::Value;

use crate::validate::{check_cov2, check_lat_lon, finite, Implausible};

pub use time::parse_iso8601;

/// Why a detection line was rejected. Each costs one line; the stream goes on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DetectionError {
    /// Not JSON, or a required key is missing or has the wrong type.
    #[error("malformed detection: {0}")]
    Json(String),
    /// `time` is neither a number nor ISO 8601 text.
    #[error("bad time {0:?}")]
    Time(String),
    /// `kind` is not one of the four known kinds.
    #[error("unknown kind {0:?}")]
    Kind(String),
    /// `sensor` is empty.
    #[error("empty sensor id")]
    EmptySensor,
    /// Both `sigma_m` and `cov` were given.
    #[error("both sigma_m and cov given")]
    AmbiguousUncertainty,
    /// A value that parses but is impossible.
    #[error("implausible value: {0}")]
    Implausible(#[from] Implausible),
}

/// What a detected object is believed to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DetectionKind {
    /// A person on foot.
    Person,
    /// A ground vehicle.
    Vehicle,
    /// An aircraft, drone included.
    Aircraft,
    /// Not classified.
    #[default]
    Unknown,
}

/// Horizontal position uncertainty of a detection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Uncertainty {
    /// 1-sigma error per axis, metres.
    Sigma(f64),
    /// East/north covariance, square metres, symmetric positive definite.
    Covariance([[f64; 2]; 2]),
}

/// One validated detection.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// Sensor identifier.
    pub sensor: String,
    /// Detection time, seconds since the Unix epoch (UTC).
    pub time_unix_s: f64,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// Altitude above the WGS-84 ellipsoid, metres.
    pub alt_m: Option<f64>,
    /// Horizontal uncertainty, if the sensor states one.
    pub uncertainty: Option<Uncertainty>,
    /// Classification.
    pub kind: DetectionKind,
    /// Confidence in [0, 1].
    pub confidence: Option<f64>,
}

#[derive(Deserialize)]
struct Wire {
    sensor: String,
    time: Value,
    lat: f64,
    lon: f64,
    alt: Option<f64>,
    sigma_m: Option<f64>,
    cov: Option<[[f64; 2]; 2]>,
    kind: Option<String>,
    confidence: Option<f64>,
}

/// Parses and validates one JSON line.
pub fn parse_detection(line: &str) -> Result<Detection, DetectionError> {
    let w: Wire = serde_json::from_str(line).map_err(|e| DetectionError::Json(e.to_string()))?;
    if w.sensor.trim().is_empty() {
        return Err(DetectionError::EmptySensor);
    }
    let time_unix_s = match &w.time {
        Value::Number(n) => n.as_f64().ok_or(DetectionError::Time(n.to_string()))?,
        Value::String(s) => parse_iso8601(s).ok_or(DetectionError::Time(s.clone()))?,
        other => return Err(DetectionError::Time(other.to_string())),
    };
    finite("time", time_unix_s)?;
    check_lat_lon(w.lat, w.lon)?;
    if let Some(alt) = w.alt {
        finite("alt", alt)?;
    }
    let uncertainty = match (w.sigma_m, w.cov) {
        (Some(_), Some(_)) => return Err(DetectionError::AmbiguousUncertainty),
        (Some(s), None) => {
            if finite("sigma_m", s)? <= 0.0 {
                return Err(Implausible::Negative {
                    field: "sigma_m",
                    value: s,
                }
                .into());
            }
            Some(Uncertainty::Sigma(s))
        }
        (None, Some(c)) => {
            check_cov2(c[0][0], c[0][1], c[1][0], c[1][1])?;
            Some(Uncertainty::Covariance(c))
        }
        (None, None) => None,
    };
    let kind = match w.kind.as_deref() {
        None | Some("unknown") => DetectionKind::Unknown,
        Some("person") => DetectionKind::Person,
        Some("vehicle") => DetectionKind::Vehicle,
        Some("aircraft") => DetectionKind::Aircraft,
        Some(other) => return Err(DetectionError::Kind(other.chars().take(32).collect())),
    };
    if let Some(c) = w.confidence {
        if !(0.0..=1.0).contains(&finite("confidence", c)?) {
            return Err(Implausible::OutOfInterval {
                field: "confidence",
                value: c,
            }
            .into());
        }
    }
    Ok(Detection {
        sensor: w.sensor,
        time_unix_s,
        lat: w.lat,
        lon: w.lon,
        alt_m: w.alt,
        uncertainty,
        kind,
        confidence: w.confidence,
    })
}

#[cfg(test)]
mod tests;
