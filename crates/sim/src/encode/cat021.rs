//! CAT021 (edition 2.x) ADS-B target report encoder (the items `sensors` decodes).

use sensors::asterix::Cat021;

use super::{
    angle16, be_bytes, icao_chars, lat_lon, scaled, time_of_day, EncodeError, RecordWriter,
};

/// I155/I157 vertical rate LSB, metres per second (6.25 ft/min).
const VR_LSB_MPS: f64 = 6.25 * 0.3048 / 60.0;

/// Encodes one CAT021 record (without the data block header).
///
/// Written items: I010, I040 (ATP; a second octet with GBS and SIM when either
/// is `Some`), I161, I071, I130, I131, I072, I151, I080, I073, I075, I140,
/// I070, I230, I145, I152, I155, I157, I160, I077, I170, I020, I146 — every
/// field of [`Cat021`] that is `Some`. I146's source bits are written as zero.
pub fn encode_cat021(r: &Cat021) -> Result<Vec<u8>, EncodeError> {
    let mut w = RecordWriter::default();
    if let Some(s) = r.source {
        w.item(1, &[s.sac, s.sic]);
    }
    if r.address_type.is_some() || r.ground_bit.is_some() || r.simulated.is_some() {
        let atp = r.address_type.unwrap_or(0);
        if atp > 7 {
            return Err(EncodeError::OutOfRange {
                field: "I021/040 ATP",
                value: f64::from(atp),
            });
        }
        let first = atp << 5;
        if r.ground_bit.is_some() || r.simulated.is_some() {
            let second = (u8::from(r.ground_bit == Some(true)) << 6)
                | (u8::from(r.simulated == Some(true)) << 5);
            w.item(2, &[first | 1, second]);
        } else {
            w.item(2, &[first]);
        }
    }
    if let Some(n) = r.track_number {
        w.item(
            3,
            &be_bytes::<2>(scaled("I021/161", f64::from(n), 1.0, 0, 0x0fff)?),
        );
    }
    if let Some(t) = r.time_of_applicability_position_s {
        w.item(5, &time_of_day("I021/071", t)?);
    }
    if let Some(p) = r.position {
        w.item(6, &lat_lon::<3>("I021/130", p.lat_deg, p.lon_deg, 23)?);
    }
    if let Some(p) = r.position_high_res {
        w.item(7, &lat_lon::<4>("I021/131", p.lat_deg, p.lon_deg, 30)?);
    }
    if let Some(t) = r.time_of_applicability_velocity_s {
        w.item(8, &time_of_day("I021/072", t)?);
    }
    if let Some(tas) = r.true_airspeed_kt {
        w.item(10, &be_bytes::<2>(scaled("I021/151", tas, 1.0, 0, 0x7fff)?));
    }
    if let Some(a) = r.target_address {
        w.item(
            11,
            &be_bytes::<3>(scaled("I021/080", f64::from(a), 1.0, 0, 0xff_ffff)?),
        );
    }
    if let Some(t) = r.time_of_reception_position_s {
        w.item(12, &time_of_day("I021/073", t)?);
    }
    if let Some(t) = r.time_of_reception_velocity_s {
        w.item(14, &time_of_day("I021/075", t)?);
    }
    if let Some(h) = r.geometric_height_ft {
        w.item(
            16,
            &be_bytes::<2>(scaled("I021/140", h, 6.25, -32_768, 32_767)?),
        );
    }
    if let Some(m) = r.mode3a {
        let code = scaled("I021/070", f64::from(m.code), 1.0, 0, 0x0fff)?;
        w.item(19, &be_bytes::<2>(code));
    }
    if let Some(roll) = r.roll_angle_deg {
        w.item(
            20,
            &be_bytes::<2>(scaled("I021/230", roll, 0.01, -18_000, 18_000)?),
        );
    }
    if let Some(fl) = r.flight_level {
        w.item(
            21,
            &be_bytes::<2>(scaled("I021/145", fl, 0.25, -6000, 6000)?),
        );
    }
    if let Some(h) = r.magnetic_heading_deg {
        w.item(22, &angle16("I021/152", h)?);
    }
    if let Some(vr) = r.barometric_vertical_rate_mps {
        w.item(24, &vertical_rate("I021/155", vr)?);
    }
    if let Some(vr) = r.geometric_vertical_rate_mps {
        w.item(25, &vertical_rate("I021/157", vr)?);
    }
    if let Some(g) = r.ground_vector {
        let lsb = 1852.0 / 16_384.0;
        let gs = scaled("I021/160 speed", g.ground_speed_mps, lsb, 0, 0x7fff)?;
        let mut item = be_bytes::<2>(gs | (i64::from(g.range_exceeded) << 15)).to_vec();
        item.extend_from_slice(&angle16("I021/160 track", g.track_deg)?);
        w.item(26, &item);
    }
    if let Some(t) = r.time_of_report_transmission_s {
        w.item(28, &time_of_day("I021/077", t)?);
    }
    if let Some(id) = &r.target_id {
        w.item(29, &icao_chars("I021/170", id)?);
    }
    if let Some(c) = r.emitter_category {
        w.item(30, &[c]);
    }
    if let Some(alt) = r.selected_altitude_ft {
        let raw = scaled("I021/146", alt, 25.0, -4096, 4095)? & 0x1fff;
        w.item(32, &be_bytes::<2>(raw));
    }
    Ok(w.finish())
}

fn vertical_rate(field: &'static str, mps: f64) -> Result<[u8; 2], EncodeError> {
    // 15-bit two's complement under a range-exceeded bit left clear.
    Ok(be_bytes(
        scaled(field, mps, VR_LSB_MPS, -16_384, 16_383)? & 0x7fff,
    ))
}
