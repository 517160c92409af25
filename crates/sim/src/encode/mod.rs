//! ASTERIX encoders: the inverse of `sensors::asterix`, written for the
//! simulator. Each category encoder takes the decoder's own record type, so a
//! round trip `decode(encode(r))` can be compared field by field.
//!
//! A record is an FSPEC (one bit per field reference number, FRN, seven per
//! octet, bit 1 of each octet the FX "another octet follows" flag) followed by
//! the present items in FRN order, big-endian. A data block is `CAT`, a 16-bit
//! `LEN` counting the 3-byte header, then records.
//!
//! Values are rounded to the nearest LSB; a value the item cannot hold is an
//! [`EncodeError`], never silently wrapped.

mod cat021;
mod cat034;
mod cat048;

pub use cat021::encode_cat021;
pub use cat034::encode_cat034;
pub use cat048::encode_cat048;

/// Why a value could not be encoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EncodeError {
    /// A number outside what its item can represent.
    #[error("{field} = {value} cannot be encoded")]
    OutOfRange {
        /// Item and field, e.g. `I048/040 rho`.
        field: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A callsign with a character outside the ICAO 6-bit set (A-Z, 0-9, space)
    /// or longer than 8 characters.
    #[error("{field} {text:?} is not 1-8 ICAO characters")]
    BadCharacters {
        /// Item name.
        field: &'static str,
        /// The text.
        text: String,
    },
    /// A single record larger than a data block can carry.
    #[error("record of {len} bytes does not fit a data block")]
    RecordTooLong {
        /// Record length, bytes.
        len: usize,
    },
}

/// Builds one record: items must be added in increasing FRN order.
#[derive(Debug, Default)]
pub(crate) struct RecordWriter {
    frns: Vec<usize>,
    body: Vec<u8>,
}

impl RecordWriter {
    /// Appends the item for `frn` (1-based).
    pub(crate) fn item(&mut self, frn: usize, bytes: &[u8]) {
        debug_assert!(self.frns.last().is_none_or(|last| *last < frn));
        self.frns.push(frn);
        self.body.extend_from_slice(bytes);
    }

    /// FSPEC followed by the items.
    pub(crate) fn finish(self) -> Vec<u8> {
        let octets = self.frns.last().map_or(1, |max| max.div_ceil(7));
        let mut fspec = vec![0u8; octets];
        for frn in &self.frns {
            let (octet, bit) = ((frn - 1) / 7, (frn - 1) % 7);
            if let Some(b) = fspec.get_mut(octet) {
                *b |= 0x80 >> bit;
            }
        }
        let last = octets - 1;
        for b in fspec.iter_mut().take(last) {
            *b |= 1;
        }
        fspec.extend_from_slice(&self.body);
        fspec
    }
}

/// Packs records of one category into data blocks of at most `max_len` bytes
/// (header included; at least the largest record plus 3, at most 65,535), so
/// each block fits one datagram.
pub fn data_blocks(
    category: u8,
    records: &[Vec<u8>],
    max_len: usize,
) -> Result<Vec<Vec<u8>>, EncodeError> {
    let max_len = max_len.min(usize::from(u16::MAX));
    let mut blocks = Vec::new();
    let mut block: Vec<u8> = Vec::new();
    for r in records {
        if r.len() + 3 > max_len {
            return Err(EncodeError::RecordTooLong { len: r.len() });
        }
        if !block.is_empty() && block.len() + r.len() > max_len {
            blocks.push(seal(std::mem::take(&mut block)));
        }
        if block.is_empty() {
            block.extend_from_slice(&[category, 0, 0]);
        }
        block.extend_from_slice(r);
    }
    if !block.is_empty() {
        blocks.push(seal(block));
    }
    Ok(blocks)
}

fn seal(mut block: Vec<u8>) -> Vec<u8> {
    // data_blocks keeps every block within u16::MAX bytes.
    let len = u16::try_from(block.len()).unwrap_or(u16::MAX).to_be_bytes();
    if let Some(h) = block.get_mut(1..3) {
        h.copy_from_slice(&len);
    }
    block
}

/// `value / lsb` rounded, required to lie in `[min, max]`.
pub(crate) fn scaled(
    field: &'static str,
    value: f64,
    lsb: f64,
    min: i64,
    max: i64,
) -> Result<i64, EncodeError> {
    let raw = (value / lsb).round();
    if !raw.is_finite() || raw < min as f64 || raw > max as f64 {
        return Err(EncodeError::OutOfRange { field, value });
    }
    Ok(raw as i64)
}

/// Low `n` bytes of `v`, big-endian (two's complement for negatives).
pub(crate) fn be_bytes<const N: usize>(v: i64) -> [u8; N] {
    let all = v.to_be_bytes();
    let mut out = [0u8; N];
    out.copy_from_slice(&all[8 - N..]);
    out
}

/// Time of day, seconds since midnight (taken modulo one day), LSB 1/128 s.
pub(crate) fn time_of_day(field: &'static str, s: f64) -> Result<[u8; 3], EncodeError> {
    let s = finite(field, s)?.rem_euclid(86_400.0);
    // 86,400 s * 128 fits 24 bits; rounding up to midnight wraps to zero.
    let raw = (s * 128.0).round() as i64 % (86_400 * 128);
    Ok(be_bytes(raw))
}

/// An angle in degrees as a 16-bit fraction of a circle (LSB 360/2^16 degrees).
pub(crate) fn angle16(field: &'static str, deg: f64) -> Result<[u8; 2], EncodeError> {
    let turns = finite(field, deg)?.rem_euclid(360.0) / 360.0;
    Ok(be_bytes(((turns * 65_536.0).round() as i64) & 0xffff))
}

pub(crate) fn finite(field: &'static str, value: f64) -> Result<f64, EncodeError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(EncodeError::OutOfRange { field, value })
    }
}

/// A callsign as 8 ICAO 6-bit characters (48 bits), space padded.
pub(crate) fn icao_chars(field: &'static str, text: &str) -> Result<[u8; 6], EncodeError> {
    let bad = || EncodeError::BadCharacters {
        field,
        text: text.chars().take(16).collect(),
    };
    if text.chars().count() > 8 {
        return Err(bad());
    }
    let mut raw: u64 = 0;
    let mut chars = text.chars();
    for _ in 0..8 {
        let code = match chars.next().unwrap_or(' ') {
            c @ 'A'..='Z' => c as u64 - 'A' as u64 + 1,
            c @ '0'..='9' => c as u64,
            ' ' => 32,
            _ => return Err(bad()),
        };
        raw = (raw << 6) | code;
    }
    Ok(be_bytes(raw as i64))
}

/// Latitude/longitude pair as two signed fields of `N` bytes, LSB 180/2^bits degrees.
pub(crate) fn lat_lon<const N: usize>(
    field: &'static str,
    lat: f64,
    lon: f64,
    lsb_bits: u32,
) -> Result<Vec<u8>, EncodeError> {
    let lsb = 180.0 / f64::from(1u32 << lsb_bits);
    let max = (1i64 << (N * 8 - 1)) - 1;
    let mut out = Vec::with_capacity(2 * N);
    out.extend_from_slice(&be_bytes::<N>(scaled(field, lat, lsb, -max - 1, max)?));
    // 180 degrees east wraps to -180: same meridian, and +180 is not encodable.
    let lon = if lon >= 180.0 { lon - 360.0 } else { lon };
    out.extend_from_slice(&be_bytes::<N>(scaled(field, lon, lsb, -max - 1, max)?));
    Ok(out)
}

#[cfg(test)]
mod tests;
