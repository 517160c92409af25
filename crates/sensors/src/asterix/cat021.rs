//! CAT021 ADS-B target reports (editions 2.1 to 2.7 share this UAP; later octets of
//! the variable items were added over the editions, which the FX chain absorbs).

use super::fields::{arr, be, icao_chars, signed};
use super::layout::Layout::{self, Compound, Explicit, Extended, Fixed, Repetitive, Spare};
use super::{AsterixError, DataSource, LatLon, Mode3A};

const I220: &[Option<Layout>] = &[
    Some(Fixed(2)),
    Some(Fixed(2)),
    Some(Fixed(2)),
    Some(Fixed(1)),
];
const I110: &[Option<Layout>] = &[Some(Extended), Some(Repetitive(15))];
const I295: &[Option<Layout>] = &[Some(Fixed(1)); 23];

/// The CAT021 edition 2.x UAP, indexed by FRN - 1.
pub(crate) const UAP: &[Layout] = &[
    Fixed(2),       // 1: I010 data source identification
    Extended,       // 2: I040 target report descriptor
    Fixed(2),       // 3: I161 track number
    Fixed(1),       // 4: I015 service identification
    Fixed(3),       // 5: I071 time of applicability for position
    Fixed(6),       // 6: I130 position, WGS-84
    Fixed(8),       // 7: I131 high-resolution position, WGS-84
    Fixed(3),       // 8: I072 time of applicability for velocity
    Fixed(2),       // 9: I150 air speed
    Fixed(2),       // 10: I151 true airspeed
    Fixed(3),       // 11: I080 target address
    Fixed(3),       // 12: I073 time of message reception for position
    Fixed(4),       // 13: I074 same, high precision
    Fixed(3),       // 14: I075 time of message reception for velocity
    Fixed(4),       // 15: I076 same, high precision
    Fixed(2),       // 16: I140 geometric height
    Extended,       // 17: I090 quality indicators
    Fixed(1),       // 18: I210 MOPS version
    Fixed(2),       // 19: I070 Mode 3/A code
    Fixed(2),       // 20: I230 roll angle
    Fixed(2),       // 21: I145 flight level
    Fixed(2),       // 22: I152 magnetic heading
    Fixed(1),       // 23: I200 target status
    Fixed(2),       // 24: I155 barometric vertical rate
    Fixed(2),       // 25: I157 geometric vertical rate
    Fixed(4),       // 26: I160 airborne ground vector
    Fixed(2),       // 27: I165 track angle rate
    Fixed(3),       // 28: I077 time of report transmission
    Fixed(6),       // 29: I170 target identification
    Fixed(1),       // 30: I020 emitter category
    Compound(I220), // 31: I220 met information
    Fixed(2),       // 32: I146 selected altitude
    Fixed(2),       // 33: I148 final state selected altitude
    Compound(I110), // 34: I110 trajectory intent
    Fixed(1),       // 35: I016 service management
    Fixed(1),       // 36: I008 aircraft operational status
    Extended,       // 37: I271 surface capabilities and characteristics
    Fixed(1),       // 38: I132 message amplitude
    Repetitive(8),  // 39: I250 Mode S MB data
    Fixed(7),       // 40: I260 ACAS resolution advisory report
    Fixed(1),       // 41: I400 receiver ID
    Compound(I295), // 42: I295 data ages
    Spare,          // 43
    Spare,          // 44
    Spare,          // 45
    Spare,          // 46
    Spare,          // 47
    Explicit,       // 48: RE reserved expansion field
    Explicit,       // 49: SP special purpose field
];

const NM_M: f64 = 1852.0;
const FT_PER_MIN_MPS: f64 = 0.3048 / 60.0;

/// One CAT021 ADS-B report. Absent items are `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cat021 {
    /// I010 data source.
    pub source: Option<DataSource>,
    /// I040 first octet: address type (0 ICAO 24-bit, 1 duplicate, 2 surface vehicle,
    /// 3 anonymous, 4-7 reserved).
    pub address_type: Option<u8>,
    /// I040 second octet, GBS: the transponder reports being on the ground.
    pub ground_bit: Option<bool>,
    /// I040 second octet, SIM: simulated target report.
    pub simulated: Option<bool>,
    /// I161 track number (12 bits).
    pub track_number: Option<u16>,
    /// I071 time of applicability for position, seconds since midnight (LSB 1/128 s).
    pub time_of_applicability_position_s: Option<f64>,
    /// I130 position (LSB 180/2^23 degrees).
    pub position: Option<LatLon>,
    /// I131 high-resolution position (LSB 180/2^30 degrees).
    pub position_high_res: Option<LatLon>,
    /// I072 time of applicability for velocity, seconds since midnight.
    pub time_of_applicability_velocity_s: Option<f64>,
    /// I151 true airspeed, knots.
    pub true_airspeed_kt: Option<f64>,
    /// I080 24-bit target address.
    pub target_address: Option<u32>,
    /// I073 time of message reception for position, seconds since midnight.
    pub time_of_reception_position_s: Option<f64>,
    /// I075 time of message reception for velocity, seconds since midnight.
    pub time_of_reception_velocity_s: Option<f64>,
    /// I140 geometric height, feet (LSB 6.25 ft).
    pub geometric_height_ft: Option<f64>,
    /// I070 Mode 3/A code (no validity bits in CAT021).
    pub mode3a: Option<Mode3A>,
    /// I230 roll angle, degrees (LSB 0.01 degree).
    pub roll_angle_deg: Option<f64>,
    /// I145 flight level (LSB 1/4 FL).
    pub flight_level: Option<f64>,
    /// I152 magnetic heading, degrees (LSB 360/2^16 degrees).
    pub magnetic_heading_deg: Option<f64>,
    /// I155 barometric vertical rate, metres per second (LSB 6.25 ft/min).
    pub barometric_vertical_rate_mps: Option<f64>,
    /// I157 geometric vertical rate, metres per second (LSB 6.25 ft/min).
    pub geometric_vertical_rate_mps: Option<f64>,
    /// I160 airborne ground vector.
    pub ground_vector: Option<GroundVector>,
    /// I077 time of ASTERIX report transmission, seconds since midnight.
    pub time_of_report_transmission_s: Option<f64>,
    /// I170 target identification (callsign), trailing spaces removed.
    pub target_id: Option<String>,
    /// I020 emitter category (0 no information ... 24 line obstacle).
    pub emitter_category: Option<u8>,
    /// I146 selected altitude, feet (LSB 25 ft).
    pub selected_altitude_ft: Option<f64>,
}

/// I021/160 airborne ground vector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroundVector {
    /// Ground speed, metres per second (LSB 2^-14 NM/s).
    pub ground_speed_mps: f64,
    /// Track angle, degrees clockwise from true north (LSB 360/2^16 degrees).
    pub track_deg: f64,
    /// Range exceeded: the speed is at least the largest encodable value.
    pub range_exceeded: bool,
}

impl Cat021 {
    /// The best available time of day: reception of position, then applicability of
    /// position, then report transmission; seconds since midnight UTC.
    pub fn time_of_day_s(&self) -> Option<f64> {
        self.time_of_reception_position_s
            .or(self.time_of_applicability_position_s)
            .or(self.time_of_report_transmission_s)
    }

    /// The most precise position present (I131 before I130).
    pub fn best_position(&self) -> Option<LatLon> {
        self.position_high_res.or(self.position)
    }
}

fn tod(item: &[u8]) -> Result<f64, AsterixError> {
    Ok(be(&arr::<3>(item)?) as f64 / 128.0)
}

fn s16(item: &[u8]) -> Result<i64, AsterixError> {
    Ok(signed(be(&arr::<2>(item)?), 16))
}

/// Builds a [`Cat021`] from the items the record walker sliced.
pub(crate) fn decode(items: &[(usize, &[u8])]) -> Result<Cat021, AsterixError> {
    let mut r = Cat021::default();
    for &(frn, item) in items {
        match frn {
            1 => r.source = Some(DataSource::from_bytes(arr(item)?)),
            2 => {
                let first = item.first().copied().unwrap_or(0);
                r.address_type = Some(first >> 5);
                if first & 1 != 0 {
                    let second = item.get(1).copied().unwrap_or(0);
                    r.ground_bit = Some(second & 0x40 != 0);
                    r.simulated = Some(second & 0x20 != 0);
                }
            }
            3 => r.track_number = Some((be(&arr::<2>(item)?) & 0x0fff) as u16),
            5 => r.time_of_applicability_position_s = Some(tod(item)?),
            6 => {
                let b = arr::<6>(item)?;
                let lsb = 180.0 / f64::from(1u32 << 23);
                r.position = Some(LatLon {
                    lat_deg: signed(be(&b[..3]), 24) as f64 * lsb,
                    lon_deg: signed(be(&b[3..]), 24) as f64 * lsb,
                });
            }
            7 => {
                let b = arr::<8>(item)?;
                let lsb = 180.0 / f64::from(1u32 << 30);
                r.position_high_res = Some(LatLon {
                    lat_deg: signed(be(&b[..4]), 32) as f64 * lsb,
                    lon_deg: signed(be(&b[4..]), 32) as f64 * lsb,
                });
            }
            8 => r.time_of_applicability_velocity_s = Some(tod(item)?),
            10 => r.true_airspeed_kt = Some((be(&arr::<2>(item)?) & 0x7fff) as f64),
            11 => r.target_address = Some(be(&arr::<3>(item)?) as u32),
            12 => r.time_of_reception_position_s = Some(tod(item)?),
            14 => r.time_of_reception_velocity_s = Some(tod(item)?),
            16 => r.geometric_height_ft = Some(s16(item)? as f64 * 6.25),
            19 => r.mode3a = Some(Mode3A::from_bytes(arr(item)?).without_flags()),
            20 => r.roll_angle_deg = Some(s16(item)? as f64 / 100.0),
            21 => r.flight_level = Some(s16(item)? as f64 / 4.0),
            22 => r.magnetic_heading_deg = Some(be(&arr::<2>(item)?) as f64 * 360.0 / 65536.0),
            24 => r.barometric_vertical_rate_mps = Some(vertical_rate(item)?),
            25 => r.geometric_vertical_rate_mps = Some(vertical_rate(item)?),
            26 => {
                let b = arr::<4>(item)?;
                let gs = be(&b[..2]);
                r.ground_vector = Some(GroundVector {
                    ground_speed_mps: (gs & 0x7fff) as f64 / 16384.0 * NM_M,
                    track_deg: be(&b[2..]) as f64 * 360.0 / 65536.0,
                    range_exceeded: gs & 0x8000 != 0,
                });
            }
            28 => r.time_of_report_transmission_s = Some(tod(item)?),
            29 => r.target_id = Some(icao_chars(arr(item)?)),
            30 => r.emitter_category = Some(arr::<1>(item)?[0]),
            32 => {
                r.selected_altitude_ft = Some(signed(be(&arr::<2>(item)?), 13) as f64 * 25.0);
            }
            // Everything else was already skipped by its length; nothing to keep.
            _ => {}
        }
    }
    Ok(r)
}

fn vertical_rate(item: &[u8]) -> Result<f64, AsterixError> {
    let raw = signed(be(&arr::<2>(item)?), 15);
    Ok(raw as f64 * 6.25 * FT_PER_MIN_MPS)
}
