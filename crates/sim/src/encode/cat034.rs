//! CAT034 monoradar service message encoder (the items `sensors` decodes).

use sensors::asterix::Cat034;

use super::{be_bytes, lat_lon, scaled, time_of_day, EncodeError, RecordWriter};

/// Encodes one CAT034 record (without the data block header).
///
/// Written items: I010, I000, I030, I020, I041, I070, I110, I120, I090 — every
/// field of [`Cat034`] that is present (`message_counts` when non-empty).
pub fn encode_cat034(r: &Cat034) -> Result<Vec<u8>, EncodeError> {
    let mut w = RecordWriter::default();
    if let Some(s) = r.source {
        w.item(1, &[s.sac, s.sic]);
    }
    if let Some(t) = r.message_type {
        w.item(2, &[t]);
    }
    if let Some(t) = r.time_of_day_s {
        w.item(3, &time_of_day("I034/030", t)?);
    }
    if let Some(az) = r.sector_azimuth_deg {
        let turns = super::finite("I034/020", az)?.rem_euclid(360.0) / 360.0;
        w.item(4, &[((turns * 256.0).round() as i64 & 0xff) as u8]);
    }
    if let Some(p) = r.antenna_rotation_period_s {
        let p = scaled("I034/041", p, 1.0 / 128.0, 0, 0xffff)?;
        w.item(5, &be_bytes::<2>(p));
    }
    if !r.message_counts.is_empty() {
        let n = u8::try_from(r.message_counts.len()).map_err(|_| EncodeError::OutOfRange {
            field: "I034/070 REP",
            value: r.message_counts.len() as f64,
        })?;
        let mut item = vec![n];
        for &(kind, count) in &r.message_counts {
            let kind = scaled("I034/070 TYP", f64::from(kind), 1.0, 0, 31)?;
            let count = scaled("I034/070 COUNT", f64::from(count), 1.0, 0, 0x07ff)?;
            item.extend_from_slice(&be_bytes::<2>((kind << 11) | count));
        }
        w.item(8, &item);
    }
    if let Some(f) = r.data_filter {
        w.item(10, &[f]);
    }
    if let Some(p) = r.source_position {
        let h = scaled("I034/120 height", p.height_m, 1.0, -32_768, 32_767)?;
        let mut item = be_bytes::<2>(h).to_vec();
        item.extend(lat_lon::<3>(
            "I034/120 position",
            p.position.lat_deg,
            p.position.lon_deg,
            23,
        )?);
        w.item(11, &item);
    }
    if let Some((range_nm, az_deg)) = r.collimation_error {
        let r = scaled("I034/090 range", range_nm, 1.0 / 128.0, -128, 127)?;
        let a = scaled("I034/090 azimuth", az_deg, 360.0 / 16_384.0, -128, 127)?;
        w.item(12, &[be_bytes::<1>(r)[0], be_bytes::<1>(a)[0]]);
    }
    Ok(w.finish())
}
