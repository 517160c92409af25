//! CAT034 monoradar service messages (editions 1.27 to 1.29 share this UAP).

use super::fields::{arr, be, signed};
use super::layout::Layout::{self, Compound, Explicit, Fixed, Repetitive};
use super::{AsterixError, DataSource, LatLon};

const I050: &[Option<Layout>] = &[
    Some(Fixed(1)),
    None,
    None,
    Some(Fixed(1)),
    Some(Fixed(1)),
    Some(Fixed(2)),
];
const I060: &[Option<Layout>] = &[
    Some(Fixed(1)),
    None,
    None,
    Some(Fixed(1)),
    Some(Fixed(1)),
    Some(Fixed(1)),
];

/// The CAT034 UAP, indexed by FRN - 1.
pub(crate) const UAP: &[Layout] = &[
    Fixed(2),       // 1: I010 data source identifier
    Fixed(1),       // 2: I000 message type
    Fixed(3),       // 3: I030 time of day
    Fixed(1),       // 4: I020 sector number
    Fixed(2),       // 5: I041 antenna rotation period
    Compound(I050), // 6: I050 system configuration and status
    Compound(I060), // 7: I060 system processing mode
    Repetitive(2),  // 8: I070 message count values
    Fixed(8),       // 9: I100 generic polar window
    Fixed(1),       // 10: I110 data filter
    Fixed(8),       // 11: I120 3D position of data source
    Fixed(2),       // 12: I090 collimation error
    Explicit,       // 13: RE reserved expansion field
    Explicit,       // 14: SP special purpose field
];

/// One CAT034 service message. Absent items are `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cat034 {
    /// I010 data source.
    pub source: Option<DataSource>,
    /// I000 message type: 1 north marker, 2 sector crossing, 3 geographical
    /// filtering, 4 jamming strobe, 5 solar storm, 6 SSR jamming, 7 Mode S jamming.
    pub message_type: Option<u8>,
    /// I030 time of day, seconds since midnight UTC (LSB 1/128 s).
    pub time_of_day_s: Option<f64>,
    /// I020 sector azimuth, degrees (LSB 360/2^8 degrees).
    pub sector_azimuth_deg: Option<f64>,
    /// I041 antenna rotation period, seconds (LSB 1/128 s).
    pub antenna_rotation_period_s: Option<f64>,
    /// I070 message counters as (counter type, count) pairs.
    pub message_counts: Vec<(u8, u16)>,
    /// I110 data filter type.
    pub data_filter: Option<u8>,
    /// I120 position of the data source.
    pub source_position: Option<SourcePosition>,
    /// I090 collimation error as (range nautical miles, azimuth degrees).
    pub collimation_error: Option<(f64, f64)>,
}

/// I034/120 3D position of the data source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourcePosition {
    /// Height above WGS-84 ellipsoid, metres (LSB 1 m).
    pub height_m: f64,
    /// Horizontal position (LSB 180/2^23 degrees).
    pub position: LatLon,
}

/// Builds a [`Cat034`] from the items the record walker sliced.
pub(crate) fn decode(items: &[(usize, &[u8])]) -> Result<Cat034, AsterixError> {
    let mut r = Cat034::default();
    for &(frn, item) in items {
        match frn {
            1 => r.source = Some(DataSource::from_bytes(arr(item)?)),
            2 => r.message_type = Some(arr::<1>(item)?[0]),
            3 => r.time_of_day_s = Some(be(&arr::<3>(item)?) as f64 / 128.0),
            4 => r.sector_azimuth_deg = Some(f64::from(arr::<1>(item)?[0]) * 360.0 / 256.0),
            5 => r.antenna_rotation_period_s = Some(be(&arr::<2>(item)?) as f64 / 128.0),
            8 => {
                r.message_counts = item
                    .get(1..)
                    .unwrap_or_default()
                    .chunks_exact(2)
                    .map(|c| {
                        let v = be(c) as u16;
                        ((v >> 11) as u8, v & 0x07ff)
                    })
                    .collect();
            }
            10 => r.data_filter = Some(arr::<1>(item)?[0]),
            11 => {
                let b = arr::<8>(item)?;
                let lsb = 180.0 / f64::from(1u32 << 23);
                r.source_position = Some(SourcePosition {
                    height_m: signed(be(&b[..2]), 16) as f64,
                    position: LatLon {
                        lat_deg: signed(be(&b[2..5]), 24) as f64 * lsb,
                        lon_deg: signed(be(&b[5..]), 24) as f64 * lsb,
                    },
                });
            }
            12 => {
                let b = arr::<2>(item)?;
                r.collimation_error = Some((
                    signed(u64::from(b[0]), 8) as f64 / 128.0,
                    signed(u64::from(b[1]), 8) as f64 * 360.0 / 16384.0,
                ));
            }
            // Everything else was already skipped by its length; nothing to keep.
            _ => {}
        }
    }
    Ok(r)
}
