//! Item layouts of a User Application Profile and the record walker that slices a
//! record into its items.
//!
//! Every category module describes its UAP as a table of [`Layout`]s indexed by
//! field reference number (FRN). The walker only needs lengths, so one generic
//! routine skips any item correctly, which keeps later records of a block decodable
//! even when an item is not interpreted.

use super::AsterixError;

/// How the length of one data item is determined on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// A fixed number of bytes.
    Fixed(usize),
    /// Variable length: one-byte parts chained by the FX bit (bit 1 of each byte).
    Extended,
    /// A one-byte repetition factor followed by that many parts of the given size.
    Repetitive(usize),
    /// One-byte parts each ending with an FX bit (CAT048 I030 style).
    RepetitiveFx,
    /// A compound item: its own FSPEC followed by the present sub-items; `None` marks
    /// a spare sub-field bit that must not be set.
    Compound(&'static [Option<Layout>]),
    /// Explicit length: the first byte gives the total length including itself (SP, RE).
    Explicit,
    /// An FRN with no item defined in this edition; a record that sets it is rejected.
    Spare,
}

/// Reads an FSPEC (FX-chained bytes) at the start of `data`.
///
/// Returns the FSPEC bytes; at most `max_bytes` bytes are accepted.
pub(crate) fn read_fspec(data: &[u8], max_bytes: usize) -> Result<&[u8], AsterixError> {
    for (i, byte) in data.iter().enumerate() {
        if i >= max_bytes {
            return Err(AsterixError::FspecTooLong { max: max_bytes });
        }
        if byte & 1 == 0 {
            return Ok(&data[..=i]);
        }
    }
    Err(AsterixError::Truncated { what: "fspec" })
}

/// The FRNs (1-based) set in an FSPEC, in wire order.
pub(crate) fn fspec_frns(fspec: &[u8]) -> impl Iterator<Item = usize> + '_ {
    fspec.iter().enumerate().flat_map(|(octet, byte)| {
        (0..7).filter_map(move |bit| {
            let set = byte & (0x80 >> bit) != 0;
            set.then_some(octet * 7 + bit + 1)
        })
    })
}

/// The length in bytes of an item with `layout` at the start of `data`.
pub(crate) fn item_len(layout: Layout, data: &[u8], frn: usize) -> Result<usize, AsterixError> {
    let truncated = AsterixError::Truncated { what: "data item" };
    let len = match layout {
        Layout::Fixed(n) => n,
        Layout::Extended | Layout::RepetitiveFx => {
            let end = data
                .iter()
                .position(|b| b & 1 == 0)
                .ok_or(truncated.clone())?;
            end + 1
        }
        Layout::Repetitive(part) => {
            let rep = usize::from(*data.first().ok_or(truncated.clone())?);
            1 + rep * part
        }
        Layout::Explicit => {
            let len = usize::from(*data.first().ok_or(truncated.clone())?);
            if len == 0 {
                return Err(AsterixError::BadExplicitLength { frn });
            }
            len
        }
        Layout::Compound(subs) => {
            let fspec = read_fspec(data, subs.len().div_ceil(7).max(1))?;
            let mut len = fspec.len();
            for sub in fspec_frns(fspec) {
                let sub_layout = subs
                    .get(sub - 1)
                    .copied()
                    .flatten()
                    .ok_or(AsterixError::UnknownSubfield { frn, sub })?;
                let rest = data.get(len..).ok_or(truncated.clone())?;
                len += item_len(sub_layout, rest, frn)?;
            }
            len
        }
        Layout::Spare => return Err(AsterixError::UndefinedItem { frn }),
    };
    if len > data.len() {
        return Err(truncated);
    }
    Ok(len)
}

/// The items of one record as `(frn, item bytes)` pairs, in wire order.
pub(crate) type Items<'a> = Vec<(usize, &'a [u8])>;

/// Splits one record at the start of `data` into `(frn, item bytes)` pairs.
///
/// Returns the items and the record length, so the caller can go on with the next
/// record of the block.
pub(crate) fn walk_record<'a>(
    uap: &[Layout],
    data: &'a [u8],
) -> Result<(Items<'a>, usize), AsterixError> {
    let fspec = read_fspec(data, uap.len().div_ceil(7))?;
    let mut pos = fspec.len();
    let mut items = Vec::with_capacity(12);
    for frn in fspec_frns(fspec) {
        let layout = *uap
            .get(frn - 1)
            .ok_or(AsterixError::UndefinedItem { frn })?;
        let rest = data.get(pos..).unwrap_or_default();
        let len = item_len(layout, rest, frn)?;
        items.push((frn, &rest[..len]));
        pos += len;
    }
    Ok((items, pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fspec_bits_map_to_frns_across_octets() {
        let frns: Vec<_> = fspec_frns(&[0b1000_0011, 0b0100_0000]).collect();
        assert_eq!(frns, vec![1, 7, 9]);
    }

    #[test]
    fn fspec_must_terminate() {
        assert!(read_fspec(&[0x01, 0x01], 4).is_err());
        assert!(read_fspec(&[0x01, 0x01, 0x01, 0x01, 0x00], 4).is_err());
        assert_eq!(read_fspec(&[0x03, 0x80, 0xff], 4).map(<[u8]>::len), Ok(2));
    }

    #[test]
    fn lengths_of_every_layout() {
        assert_eq!(item_len(Layout::Fixed(2), &[1, 2, 3], 1), Ok(2));
        assert_eq!(item_len(Layout::Extended, &[0x01, 0x01, 0x00, 9], 1), Ok(3));
        assert_eq!(item_len(Layout::Repetitive(8), &[2; 17], 1), Ok(17));
        assert_eq!(item_len(Layout::Explicit, &[3, 0, 0, 7], 1), Ok(3));
        const SUBS: &[Option<Layout>] = &[Some(Layout::Fixed(1)), None, Some(Layout::Fixed(2))];
        assert_eq!(item_len(Layout::Compound(SUBS), &[0xa0, 1, 2, 3], 1), Ok(4));
        assert!(item_len(Layout::Compound(SUBS), &[0x40, 1, 2, 3], 1).is_err());
        assert!(item_len(Layout::Repetitive(8), &[2; 16], 1).is_err());
        assert!(item_len(Layout::Explicit, &[0], 1).is_err());
        assert!(item_len(Layout::Spare, &[0], 1).is_err());
    }
}
