//! ASTERIX (Eurocontrol surveillance data exchange) decoding.
//!
//! A buffer holds data blocks (`CAT`, 16-bit `LEN` including the 3-byte header,
//! records). [`DataBlocks`] splits them; [`decode_block`] walks the records of
//! one block with the category's UAP and yields typed [`Record`]s. A record that
//! cannot be walked ends its block (record boundaries are unknown after it) but
//! never the stream: the next block decodes normally.

mod cat021;
mod cat034;
mod cat048;
mod fields;
mod layout;

pub use cat021::{Cat021, GroundVector};
pub use cat034::{Cat034, SourcePosition};
pub use cat048::{
    CartesianPosition, Cat048, PolarPosition, PolarVelocity, TargetReportDescriptor, TrackStatus,
};

use crate::validate::{check_lat_lon, Implausible};

/// Why an ASTERIX block or record could not be decoded.
///
/// Block-level errors ([`AsterixError::BadBlockLength`]) end a raw stream (it has no
/// other framing to resynchronise on); every other error drops the rest of the
/// current block only. Callers count them by variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AsterixError {
    /// The buffer ended inside a header, FSPEC or item.
    #[error("truncated {what}")]
    Truncated {
        /// Which part was cut short.
        what: &'static str,
    },
    /// A block's LEN is below 3 or runs past the end of the buffer.
    #[error("data block length {len} invalid with {available} bytes available")]
    BadBlockLength {
        /// The LEN field.
        len: usize,
        /// Bytes left in the buffer from the block start.
        available: usize,
    },
    /// An FSPEC keeps its FX bit set beyond what the UAP defines.
    #[error("fspec longer than {max} bytes")]
    FspecTooLong {
        /// Longest FSPEC the UAP allows, bytes.
        max: usize,
    },
    /// The FSPEC sets an FRN the UAP leaves spare or does not have.
    #[error("record sets undefined item frn {frn}")]
    UndefinedItem {
        /// Field reference number.
        frn: usize,
    },
    /// A compound item sets a spare or unknown sub-field.
    #[error("compound item frn {frn} sets undefined sub-field {sub}")]
    UnknownSubfield {
        /// Field reference number of the compound item.
        frn: usize,
        /// Sub-field index, 1-based.
        sub: usize,
    },
    /// An explicit-length item (SP, RE) declares length 0.
    #[error("explicit item frn {frn} has length 0")]
    BadExplicitLength {
        /// Field reference number.
        frn: usize,
    },
    /// A record whose FSPEC sets no item, usually padding or garbage.
    #[error("record with no items")]
    EmptyRecord,
    /// The block's category has no decoder here; the block is skipped whole.
    #[error("unsupported category {0}")]
    UnsupportedCategory(u8),
}

/// I010 data source identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataSource {
    /// System area code.
    pub sac: u8,
    /// System identification code.
    pub sic: u8,
}

impl DataSource {
    fn from_bytes([sac, sic]: [u8; 2]) -> Self {
        Self { sac, sic }
    }
}

/// A Mode-3/A code with its CAT048 validity bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode3A {
    /// The 12-bit code; printed in octal it reads as the squawk (e.g. `0o7700`).
    pub code: u16,
    /// V bit: the code is not validated.
    pub not_validated: bool,
    /// G bit: garbled code.
    pub garbled: bool,
    /// L bit: the code was not extracted during the last scan (smoothed).
    pub not_from_last_scan: bool,
}

impl Mode3A {
    fn from_bytes(b: [u8; 2]) -> Self {
        let raw = u16::from_be_bytes(b);
        Self {
            code: raw & 0x0fff,
            not_validated: raw & 0x8000 != 0,
            garbled: raw & 0x4000 != 0,
            not_from_last_scan: raw & 0x2000 != 0,
        }
    }

    fn without_flags(self) -> Self {
        Self {
            code: self.code,
            not_validated: false,
            garbled: false,
            not_from_last_scan: false,
        }
    }

    /// The code as four octal digits, e.g. `"1000"`.
    pub fn octal(&self) -> String {
        fields::octal4(self.code)
    }
}

/// A flight level with CAT048 validity bits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlightLevel {
    /// Flight level, hundreds of feet (LSB 1/4 FL).
    pub fl: f64,
    /// V bit: not validated.
    pub not_validated: bool,
    /// G bit: garbled.
    pub garbled: bool,
}

impl FlightLevel {
    fn from_bytes(b: [u8; 2]) -> Self {
        let raw = u16::from_be_bytes(b);
        Self {
            fl: fields::signed(u64::from(raw), 14) as f64 / 4.0,
            not_validated: raw & 0x8000 != 0,
            garbled: raw & 0x4000 != 0,
        }
    }
}

/// A WGS-84 position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLon {
    /// Latitude, degrees north.
    pub lat_deg: f64,
    /// Longitude, degrees east.
    pub lon_deg: f64,
}

/// A decoded record of a supported category.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// CAT048 monoradar target report.
    Cat048(Cat048),
    /// CAT021 ADS-B target report.
    Cat021(Box<Cat021>),
    /// CAT034 monoradar service message.
    Cat034(Cat034),
}

impl Record {
    /// The ASTERIX category number.
    pub fn category(&self) -> u8 {
        match self {
            Record::Cat048(_) => 48,
            Record::Cat021(_) => 21,
            Record::Cat034(_) => 34,
        }
    }

    /// The data source (I010) if present.
    pub fn source(&self) -> Option<DataSource> {
        match self {
            Record::Cat048(r) => r.source,
            Record::Cat021(r) => r.source,
            Record::Cat034(r) => r.source,
        }
    }

    /// Checks values that decode but cannot be physical (a latitude beyond 90
    /// degrees, a non-finite number). Fields the wire format bounds (rho below
    /// 256 NM, unsigned ranges) cannot fail.
    pub fn check(&self) -> Result<(), Implausible> {
        match self {
            Record::Cat021(r) => {
                for p in [r.position, r.position_high_res].into_iter().flatten() {
                    check_lat_lon(p.lat_deg, p.lon_deg)?;
                }
                Ok(())
            }
            Record::Cat034(r) => match r.source_position {
                Some(p) => check_lat_lon(p.position.lat_deg, p.position.lon_deg),
                None => Ok(()),
            },
            Record::Cat048(_) => Ok(()),
        }
    }
}

/// One ASTERIX data block: category and the bytes of its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataBlock<'a> {
    /// Category number (CAT).
    pub category: u8,
    /// The records, header removed.
    pub records: &'a [u8],
}

/// Iterator over the data blocks of a raw ASTERIX buffer; see [`data_blocks`].
#[derive(Debug, Clone)]
pub struct DataBlocks<'a> {
    rest: &'a [u8],
}

/// Splits a buffer of back-to-back data blocks. After a length error the iterator
/// ends, because a raw stream has no other way to find the next block.
pub fn data_blocks(buf: &[u8]) -> DataBlocks<'_> {
    DataBlocks { rest: buf }
}

impl<'a> Iterator for DataBlocks<'a> {
    type Item = Result<DataBlock<'a>, AsterixError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let Some(&[category, hi, lo]) = self.rest.first_chunk::<3>() else {
            self.rest = &[];
            return Some(Err(AsterixError::Truncated {
                what: "data block header",
            }));
        };
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        let available = self.rest.len();
        if len < 3 || len > available {
            self.rest = &[];
            return Some(Err(AsterixError::BadBlockLength { len, available }));
        }
        let (block, rest) = self.rest.split_at(len);
        self.rest = rest;
        Some(Ok(DataBlock {
            category,
            records: block.get(3..).unwrap_or_default(),
        }))
    }
}

/// Iterator over the records of one block; see [`decode_block`].
#[derive(Debug, Clone)]
pub struct BlockRecords<'a> {
    category: u8,
    rest: &'a [u8],
    done: bool,
}

/// Decodes the records of one block. An unsupported category yields a single
/// [`AsterixError::UnsupportedCategory`]; a record error is yielded once and ends
/// the block.
pub fn decode_block(block: DataBlock<'_>) -> BlockRecords<'_> {
    BlockRecords {
        category: block.category,
        rest: block.records,
        done: false,
    }
}

impl Iterator for BlockRecords<'_> {
    type Item = Result<Record, AsterixError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.rest.is_empty() {
            return None;
        }
        let uap = match self.category {
            48 => cat048::UAP,
            21 => cat021::UAP,
            34 => cat034::UAP,
            other => {
                self.done = true;
                return Some(Err(AsterixError::UnsupportedCategory(other)));
            }
        };
        let result = layout::walk_record(uap, self.rest).and_then(|(items, len)| {
            if items.is_empty() {
                return Err(AsterixError::EmptyRecord);
            }
            self.rest = self.rest.get(len..).unwrap_or_default();
            match self.category {
                48 => cat048::decode(&items).map(Record::Cat048),
                21 => cat021::decode(&items).map(|r| Record::Cat021(Box::new(r))),
                _ => cat034::decode(&items).map(Record::Cat034),
            }
        });
        if result.is_err() {
            self.done = true;
        }
        Some(result)
    }
}

#[cfg(test)]
mod tests;
