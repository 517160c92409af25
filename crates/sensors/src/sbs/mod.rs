//! SBS-1 BaseStation text lines, as dump1090 and readsb serve them on TCP port
//! 30003: `MSG,3,1,1,4CA2D6,1,2024/01/01,12:00:00.000,2024/01/01,12:00:00.000,,37000,,,51.45,-1.02,,,0,0,0,0`.
//!
//! Any field may be empty; session, aircraft and flight ids and the four date/time
//! fields are often empty in older feeds. Callsigns are space-padded to 8 characters
//! and come out trimmed. Boolean flags are `0` (false) or `-1`/`1` (true).

mod deframer;

pub use deframer::SbsDeframer;

use crate::validate::{check_lat_lon, finite, Implausible};

/// Why an SBS line was rejected. Each costs one line; the stream goes on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SbsError {
    /// The line is empty or only whitespace.
    #[error("empty line")]
    Empty,
    /// The first field is not MSG, SEL, ID, AIR, STA or CLK.
    #[error("unknown message type {0:?}")]
    UnknownType(String),
    /// MSG with a transmission type outside 1..=8.
    #[error("bad transmission type {0:?}")]
    BadTransmissionType(String),
    /// A field that should be a number, hex ident, flag or date is not.
    #[error("field {field} is malformed: {value:?}")]
    BadField {
        /// Field name.
        field: &'static str,
        /// The text found.
        value: String,
    },
    /// A value that parses but is impossible (e.g. latitude 95).
    #[error("implausible value: {0}")]
    Implausible(#[from] Implausible),
    /// A line longer than the deframer's maximum; it is discarded.
    #[error("line longer than {max} bytes")]
    LineTooLong {
        /// The maximum, bytes.
        max: usize,
    },
    /// A line that is not valid UTF-8.
    #[error("line is not utf-8")]
    NotUtf8,
}

/// The kind of an SBS line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SbsKind {
    /// `MSG` with its transmission type 1..=8 (1 identification, 2 surface
    /// position, 3 airborne position, 4 velocity, 5 surveillance altitude,
    /// 6 surveillance id (squawk), 7 air-to-air, 8 all-call reply).
    Msg(u8),
    /// `SEL` selection change (carries a callsign).
    Sel,
    /// `ID` new id (carries a callsign).
    Id,
    /// `AIR` new aircraft.
    Air,
    /// `STA` status change (status text in [`SbsMessage::status`]).
    Sta,
    /// `CLK` clock tick.
    Clk,
}

/// A date and time field pair (`2010/02/19`, `18:06:07.710`), UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SbsTime {
    /// Calendar year, month (1-12) and day (1-31).
    pub date: (u16, u8, u8),
    /// Milliseconds since midnight.
    pub ms_of_day: u32,
}

/// One parsed SBS line. Absent or empty fields are `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SbsMessage {
    /// Message kind; `None` only in a `Default` value.
    pub kind: Option<SbsKind>,
    /// 24-bit ICAO address (hex ident).
    pub hex_ident: Option<u32>,
    /// When the message was generated.
    pub generated: Option<SbsTime>,
    /// When the message was logged.
    pub logged: Option<SbsTime>,
    /// Callsign, trailing spaces removed.
    pub callsign: Option<String>,
    /// Barometric altitude, feet.
    pub altitude_ft: Option<f64>,
    /// Ground speed, knots.
    pub ground_speed_kt: Option<f64>,
    /// Track over ground, degrees clockwise from true north.
    pub track_deg: Option<f64>,
    /// Latitude, WGS-84 degrees.
    pub lat: Option<f64>,
    /// Longitude, WGS-84 degrees.
    pub lon: Option<f64>,
    /// Vertical rate, feet per minute (positive up).
    pub vertical_rate_ft_min: Option<f64>,
    /// Mode-3/A squawk as four octal digits.
    pub squawk: Option<String>,
    /// Squawk changed flag.
    pub alert: Option<bool>,
    /// Emergency flag.
    pub emergency: Option<bool>,
    /// Ident (SPI) flag.
    pub spi: Option<bool>,
    /// On-ground flag.
    pub on_ground: Option<bool>,
    /// STA status text (e.g. `RM`).
    pub status: Option<String>,
}

/// Parses one line (without its line ending).
pub fn parse_line(line: &str) -> Result<SbsMessage, SbsError> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() {
        return Err(SbsError::Empty);
    }
    let f: Vec<&str> = line.split(',').collect();
    let field = |i: usize| f.get(i - 1).map(|s| s.trim()).filter(|s| !s.is_empty());
    let kind = match f.first().copied().unwrap_or_default() {
        "MSG" => {
            let t = field(2).unwrap_or_default();
            match t.parse::<u8>() {
                Ok(n @ 1..=8) => SbsKind::Msg(n),
                _ => return Err(SbsError::BadTransmissionType(t.to_owned())),
            }
        }
        "SEL" => SbsKind::Sel,
        "ID" => SbsKind::Id,
        "AIR" => SbsKind::Air,
        "STA" => SbsKind::Sta,
        "CLK" => SbsKind::Clk,
        other => return Err(SbsError::UnknownType(other.chars().take(16).collect())),
    };
    let mut m = SbsMessage {
        kind: Some(kind),
        hex_ident: field(5).map(hex).transpose()?,
        generated: time(field(7), field(8))?,
        logged: time(field(9), field(10))?,
        ..SbsMessage::default()
    };
    match kind {
        SbsKind::Msg(_) => {
            m.callsign = field(11).map(str::to_owned);
            m.altitude_ft = num("altitude", field(12))?;
            m.ground_speed_kt = num("ground_speed", field(13))?;
            m.track_deg = num("track", field(14))?;
            m.lat = num("lat", field(15))?;
            m.lon = num("lon", field(16))?;
            m.vertical_rate_ft_min = num("vertical_rate", field(17))?;
            m.squawk = field(18).map(squawk).transpose()?;
            m.alert = field(19).map(|v| flag("alert", v)).transpose()?;
            m.emergency = field(20).map(|v| flag("emergency", v)).transpose()?;
            m.spi = field(21).map(|v| flag("spi", v)).transpose()?;
            m.on_ground = field(22).map(|v| flag("on_ground", v)).transpose()?;
        }
        SbsKind::Sel | SbsKind::Id => m.callsign = field(11).map(str::to_owned),
        SbsKind::Sta => m.status = field(11).map(str::to_owned),
        SbsKind::Air | SbsKind::Clk => {}
    }
    match (m.lat, m.lon) {
        (Some(lat), Some(lon)) => check_lat_lon(lat, lon)?,
        (Some(lat), None) => check_lat_lon(lat, 0.0)?,
        (None, Some(lon)) => check_lat_lon(0.0, lon)?,
        (None, None) => {}
    }
    if let Some(gs) = m.ground_speed_kt.filter(|v| *v < 0.0) {
        return Err(Implausible::Negative {
            field: "ground_speed",
            value: gs,
        }
        .into());
    }
    Ok(m)
}

fn bad(field: &'static str, value: &str) -> SbsError {
    SbsError::BadField {
        field,
        value: value.chars().take(32).collect(),
    }
}

fn hex(v: &str) -> Result<u32, SbsError> {
    // Some feeds mark TIS-B/anonymous addresses with a leading '~'.
    let digits = v.trim_start_matches('~');
    match u32::from_str_radix(digits, 16) {
        Ok(a) if digits.len() <= 6 => Ok(a),
        _ => Err(bad("hex_ident", v)),
    }
}

fn num(name: &'static str, v: Option<&str>) -> Result<Option<f64>, SbsError> {
    v.map(|s| {
        let n: f64 = s.parse().map_err(|_| bad(name, s))?;
        Ok(finite(name, n)?)
    })
    .transpose()
}

fn flag(name: &'static str, v: &str) -> Result<bool, SbsError> {
    match v {
        "0" => Ok(false),
        "-1" | "1" => Ok(true),
        _ => Err(bad(name, v)),
    }
}

fn squawk(v: &str) -> Result<String, SbsError> {
    if v.len() == 4 && v.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        Ok(v.to_owned())
    } else {
        Err(bad("squawk", v))
    }
}

fn time(date: Option<&str>, clock: Option<&str>) -> Result<Option<SbsTime>, SbsError> {
    let (Some(date), Some(clock)) = (date, clock) else {
        return Ok(None);
    };
    let d: Vec<&str> = date.split('/').collect();
    let (Some(y), Some(mo), Some(da), 3) = (d.first(), d.get(1), d.get(2), d.len()) else {
        return Err(bad("date", date));
    };
    let y: u16 = y.parse().map_err(|_| bad("date", date))?;
    let mo: u8 = mo
        .parse()
        .ok()
        .filter(|m| (1..=12).contains(m))
        .ok_or(bad("date", date))?;
    let da: u8 = da
        .parse()
        .ok()
        .filter(|d| (1..=31).contains(d))
        .ok_or(bad("date", date))?;
    let t: Vec<&str> = clock.split(':').collect();
    let (Some(h), Some(mi), Some(s), 3) = (t.first(), t.get(1), t.get(2), t.len()) else {
        return Err(bad("time", clock));
    };
    let h: u32 = h
        .parse()
        .ok()
        .filter(|h| *h < 24)
        .ok_or(bad("time", clock))?;
    let mi: u32 = mi
        .parse()
        .ok()
        .filter(|m| *m < 60)
        .ok_or(bad("time", clock))?;
    let s: f64 = s
        .parse()
        .ok()
        .filter(|s| (0.0..61.0).contains(s))
        .ok_or(bad("time", clock))?;
    let ms = (h * 3600 + mi * 60) * 1000 + (s * 1000.0).round() as u32;
    Ok(Some(SbsTime {
        date: (y, mo, da),
        ms_of_day: ms,
    }))
}

#[cfg(test)]
mod tests;
