//! Field helpers shared by the category decoders: big-endian integers, two's
//! complement, octal Mode-3/A codes and the ICAO 6-bit character set.

use super::AsterixError;

/// The first `N` bytes of an item, or a truncation error.
///
/// The record walker already checked every fixed length, so the error only guards
/// against a table that disagrees with its decoder.
pub(crate) fn arr<const N: usize>(item: &[u8]) -> Result<[u8; N], AsterixError> {
    item.first_chunk::<N>()
        .copied()
        .ok_or(AsterixError::Truncated { what: "data item" })
}

/// Big-endian unsigned value of up to 8 bytes.
pub(crate) fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |acc, b| (acc << 8) | u64::from(*b))
}

/// Interprets the low `bits` bits of `raw` as a two's complement number.
pub(crate) fn signed(raw: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    // Arithmetic shift right after moving the sign bit to bit 63 sign-extends.
    ((raw << shift) as i64) >> shift
}

/// A 12-bit Mode-3/A code (bits A4..D1) as its four octal digits, e.g. `"7700"`.
pub(crate) fn octal4(code: u16) -> String {
    format!("{:04o}", code & 0x0fff)
}

/// Decodes 48 bits of ICAO 6-bit characters (8 characters).
///
/// Trailing spaces are removed; a code outside the ICAO set becomes `'?'` so a
/// malformed callsign is visible rather than silently dropped.
pub(crate) fn icao_chars(bytes: [u8; 6]) -> String {
    let raw = be(&bytes);
    let text: String = (0..8)
        .rev()
        .map(|i| {
            let code = ((raw >> (i * 6)) & 0x3f) as u8;
            match code {
                1..=26 => char::from(b'A' + code - 1),
                32 => ' ',
                48..=57 => char::from(code),
                _ => '?',
            }
        })
        .collect();
    text.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twos_complement() {
        assert_eq!(signed(0xffffff, 24), -1);
        assert_eq!(signed(0x7fffff, 24), 0x7fffff);
        assert_eq!(signed(0x800000, 24), -0x800000);
        assert_eq!(signed(0x2000, 14), -0x2000);
    }

    #[test]
    fn icao_callsign() {
        // "DLH65A  " as packed in the CroatiaControl cat048 sample.
        assert_eq!(icao_chars([0x10, 0xc2, 0x36, 0xd4, 0x18, 0x20]), "DLH65A");
        assert_eq!(icao_chars([0xff; 6]), "????????");
    }

    #[test]
    fn mode3a_octal() {
        assert_eq!(octal4(0o7700), "7700");
        assert_eq!(octal4(0o0112), "0112");
        assert_eq!(octal4(0xffff), "7777");
    }
}
