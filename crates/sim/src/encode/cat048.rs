//! CAT048 monoradar target report encoder (the items `sensors` decodes).

use sensors::asterix::{Cat048, FlightLevel, Mode3A, TargetReportDescriptor, TrackStatus};

use super::{angle16, be_bytes, icao_chars, scaled, time_of_day, EncodeError, RecordWriter};

/// Encodes one CAT048 record (without the data block header).
///
/// Written items: I010, I140, I020, I040, I070, I090, I220, I240, I161, I042,
/// I200, I170, I110 — every field of [`Cat048`] that is `Some`.
pub fn encode_cat048(r: &Cat048) -> Result<Vec<u8>, EncodeError> {
    let mut w = RecordWriter::default();
    if let Some(s) = r.source {
        w.item(1, &[s.sac, s.sic]);
    }
    if let Some(t) = r.time_of_day_s {
        w.item(2, &time_of_day("I048/140", t)?);
    }
    if let Some(d) = r.descriptor {
        w.item(3, &descriptor(d)?);
    }
    if let Some(p) = r.polar {
        let rho = scaled("I048/040 rho", p.rho_nm, 1.0 / 256.0, 0, 0xffff)?;
        let mut item = be_bytes::<2>(rho).to_vec();
        item.extend_from_slice(&angle16("I048/040 theta", p.theta_deg)?);
        w.item(4, &item);
    }
    if let Some(m) = r.mode3a {
        w.item(5, &mode3a(m)?);
    }
    if let Some(fl) = r.flight_level {
        w.item(6, &flight_level(fl)?);
    }
    if let Some(a) = r.aircraft_address {
        let a = scaled("I048/220", f64::from(a), 1.0, 0, 0xff_ffff)?;
        w.item(8, &be_bytes::<3>(a));
    }
    if let Some(id) = &r.aircraft_id {
        w.item(9, &icao_chars("I048/240", id)?);
    }
    if let Some(n) = r.track_number {
        let n = scaled("I048/161", f64::from(n), 1.0, 0, 0x0fff)?;
        w.item(11, &be_bytes::<2>(n));
    }
    if let Some(c) = r.cartesian {
        let x = scaled("I048/042 x", c.x_nm, 1.0 / 128.0, -32_768, 32_767)?;
        let y = scaled("I048/042 y", c.y_nm, 1.0 / 128.0, -32_768, 32_767)?;
        let mut item = be_bytes::<2>(x).to_vec();
        item.extend_from_slice(&be_bytes::<2>(y));
        w.item(12, &item);
    }
    if let Some(v) = r.velocity {
        let lsb = 1852.0 / 16_384.0;
        let gs = scaled("I048/200 speed", v.ground_speed_mps, lsb, 0, 0xffff)?;
        let mut item = be_bytes::<2>(gs).to_vec();
        item.extend_from_slice(&angle16("I048/200 heading", v.heading_deg)?);
        w.item(13, &item);
    }
    if let Some(s) = r.track_status {
        w.item(14, &track_status(s)?);
    }
    if let Some(h) = r.height_3d_ft {
        let h = scaled("I048/110", h, 25.0, -8192, 8191)?;
        w.item(19, &be_bytes::<2>(h & 0x3fff));
    }
    Ok(w.finish())
}

fn descriptor(d: TargetReportDescriptor) -> Result<Vec<u8>, EncodeError> {
    if d.detection_type > 7 {
        return Err(EncodeError::OutOfRange {
            field: "I048/020 TYP",
            value: f64::from(d.detection_type),
        });
    }
    let mut first = d.detection_type << 5;
    first |= u8::from(d.simulated) << 4;
    first |= u8::from(d.spi) << 2;
    first |= u8::from(d.fixed_transponder) << 1;
    Ok(if d.test {
        vec![first | 1, 0x80]
    } else {
        vec![first]
    })
}

pub(super) fn mode3a(m: Mode3A) -> Result<[u8; 2], EncodeError> {
    let code = scaled("I048/070", f64::from(m.code), 1.0, 0, 0x0fff)?;
    let flags = (i64::from(m.not_validated) << 15)
        | (i64::from(m.garbled) << 14)
        | (i64::from(m.not_from_last_scan) << 13);
    Ok(be_bytes(code | flags))
}

fn flight_level(fl: FlightLevel) -> Result<[u8; 2], EncodeError> {
    let raw = scaled("I048/090", fl.fl, 0.25, -8192, 8191)? & 0x3fff;
    let flags = (i64::from(fl.not_validated) << 15) | (i64::from(fl.garbled) << 14);
    Ok(be_bytes(raw | flags))
}

fn track_status(s: TrackStatus) -> Result<Vec<u8>, EncodeError> {
    if s.sensor > 3 {
        return Err(EncodeError::OutOfRange {
            field: "I048/170 RAD",
            value: f64::from(s.sensor),
        });
    }
    let first = (u8::from(!s.confirmed) << 7) | (s.sensor << 5);
    Ok(if s.end_of_track || s.ghost {
        vec![
            first | 1,
            (u8::from(s.end_of_track) << 7) | (u8::from(s.ghost) << 6),
        ]
    } else {
        vec![first]
    })
}
