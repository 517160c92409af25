//! CAT048 monoradar target reports (editions 1.27 to 1.32 share this UAP).

use super::fields::{arr, be, icao_chars, signed};
use super::layout::Layout::{self, Compound, Explicit, Extended, Fixed, Repetitive, RepetitiveFx};
use super::{AsterixError, DataSource, FlightLevel, Mode3A};

const I130: &[Option<Layout>] = &[Some(Fixed(1)); 7];
const I120: &[Option<Layout>] = &[Some(Fixed(2)), Some(Repetitive(6))];

/// The CAT048 UAP, indexed by FRN - 1.
pub(crate) const UAP: &[Layout] = &[
    Fixed(2),       // 1: I010 data source identifier
    Fixed(3),       // 2: I140 time of day
    Extended,       // 3: I020 target report descriptor
    Fixed(4),       // 4: I040 measured position, polar
    Fixed(2),       // 5: I070 Mode-3/A code
    Fixed(2),       // 6: I090 flight level
    Compound(I130), // 7: I130 radar plot characteristics
    Fixed(3),       // 8: I220 aircraft address
    Fixed(6),       // 9: I240 aircraft identification
    Repetitive(8),  // 10: I250 BDS register data
    Fixed(2),       // 11: I161 track number
    Fixed(4),       // 12: I042 calculated position, cartesian
    Fixed(4),       // 13: I200 calculated track velocity, polar
    Extended,       // 14: I170 track status
    Fixed(4),       // 15: I210 track quality
    RepetitiveFx,   // 16: I030 warning/error conditions
    Fixed(2),       // 17: I080 Mode-3/A confidence
    Fixed(4),       // 18: I100 Mode-C code and confidence
    Fixed(2),       // 19: I110 height measured by 3D radar
    Compound(I120), // 20: I120 radial Doppler speed
    Fixed(2),       // 21: I230 communications/ACAS capability
    Fixed(7),       // 22: I260 ACAS resolution advisory
    Fixed(1),       // 23: I055 Mode-1 code
    Fixed(2),       // 24: I050 Mode-2 code
    Fixed(1),       // 25: I065 Mode-1 confidence
    Fixed(2),       // 26: I060 Mode-2 confidence
    Explicit,       // 27: SP special purpose field
    Explicit,       // 28: RE reserved expansion field
];

/// Nautical mile in metres, for speeds reported in NM/s.
const NM_M: f64 = 1852.0;

/// One CAT048 target report. Absent items are `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cat048 {
    /// I010 data source.
    pub source: Option<DataSource>,
    /// I140 time of day, seconds since midnight UTC (LSB 1/128 s).
    pub time_of_day_s: Option<f64>,
    /// I020 target report descriptor, first two octets.
    pub descriptor: Option<TargetReportDescriptor>,
    /// I040 measured position in polar co-ordinates.
    pub polar: Option<PolarPosition>,
    /// I070 Mode-3/A code.
    pub mode3a: Option<Mode3A>,
    /// I090 flight level.
    pub flight_level: Option<FlightLevel>,
    /// I220 24-bit ICAO aircraft address.
    pub aircraft_address: Option<u32>,
    /// I240 aircraft identification, trailing spaces removed.
    pub aircraft_id: Option<String>,
    /// I161 track number (12 bits).
    pub track_number: Option<u16>,
    /// I042 calculated position in cartesian co-ordinates.
    pub cartesian: Option<CartesianPosition>,
    /// I200 calculated track velocity in polar co-ordinates.
    pub velocity: Option<PolarVelocity>,
    /// I170 track status, first two octets.
    pub track_status: Option<TrackStatus>,
    /// I110 height measured by a 3D radar, feet (LSB 25 ft).
    pub height_3d_ft: Option<f64>,
}

/// I048/020 target report descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetReportDescriptor {
    /// Detection type, 0 (none) to 7 (Mode S roll-call + PSR).
    pub detection_type: u8,
    /// Simulated target report.
    pub simulated: bool,
    /// Special position identification present.
    pub spi: bool,
    /// Report from a field monitor (fixed transponder).
    pub fixed_transponder: bool,
    /// Test target report (second octet, absent means false).
    pub test: bool,
}

/// I048/040 measured position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolarPosition {
    /// Slant range, nautical miles (LSB 1/256 NM).
    pub rho_nm: f64,
    /// Azimuth from north, degrees clockwise (LSB 360/2^16 degrees).
    pub theta_deg: f64,
}

/// I048/042 calculated position relative to the radar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CartesianPosition {
    /// East offset, nautical miles (LSB 1/128 NM).
    pub x_nm: f64,
    /// North offset, nautical miles (LSB 1/128 NM).
    pub y_nm: f64,
}

/// I048/200 calculated track velocity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolarVelocity {
    /// Ground speed, metres per second (LSB 2^-14 NM/s).
    pub ground_speed_mps: f64,
    /// Heading, degrees clockwise from north (LSB 360/2^16 degrees).
    pub heading_deg: f64,
}

/// I048/170 track status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackStatus {
    /// Confirmed track (CNF bit clear) rather than tentative.
    pub confirmed: bool,
    /// Sensor maintaining the track: 0 combined, 1 PSR, 2 SSR/Mode S, 3 invalid.
    pub sensor: u8,
    /// Last report for this track (TRE, second octet).
    pub end_of_track: bool,
    /// Ghost track (GHO, second octet).
    pub ghost: bool,
}

/// Builds a [`Cat048`] from the items the record walker sliced.
pub(crate) fn decode(items: &[(usize, &[u8])]) -> Result<Cat048, AsterixError> {
    let mut r = Cat048::default();
    for &(frn, item) in items {
        match frn {
            1 => r.source = Some(DataSource::from_bytes(arr(item)?)),
            2 => r.time_of_day_s = Some(be(&arr::<3>(item)?) as f64 / 128.0),
            3 => r.descriptor = Some(descriptor(item)),
            4 => {
                let b = arr::<4>(item)?;
                r.polar = Some(PolarPosition {
                    rho_nm: be(&b[..2]) as f64 / 256.0,
                    theta_deg: be(&b[2..]) as f64 * 360.0 / 65536.0,
                });
            }
            5 => r.mode3a = Some(Mode3A::from_bytes(arr(item)?)),
            6 => r.flight_level = Some(FlightLevel::from_bytes(arr(item)?)),
            8 => r.aircraft_address = Some(be(&arr::<3>(item)?) as u32),
            9 => r.aircraft_id = Some(icao_chars(arr(item)?)),
            11 => r.track_number = Some((be(&arr::<2>(item)?) & 0x0fff) as u16),
            12 => {
                let b = arr::<4>(item)?;
                r.cartesian = Some(CartesianPosition {
                    x_nm: signed(be(&b[..2]), 16) as f64 / 128.0,
                    y_nm: signed(be(&b[2..]), 16) as f64 / 128.0,
                });
            }
            13 => {
                let b = arr::<4>(item)?;
                r.velocity = Some(PolarVelocity {
                    ground_speed_mps: be(&b[..2]) as f64 / 16384.0 * NM_M,
                    heading_deg: be(&b[2..]) as f64 * 360.0 / 65536.0,
                });
            }
            14 => r.track_status = Some(track_status(item)),
            19 => r.height_3d_ft = Some(signed(be(&arr::<2>(item)?), 14) as f64 * 25.0),
            // Everything else was already skipped by its length; nothing to keep.
            _ => {}
        }
    }
    Ok(r)
}

fn descriptor(item: &[u8]) -> TargetReportDescriptor {
    let first = item.first().copied().unwrap_or(0);
    let second = item.get(1).copied().unwrap_or(0);
    TargetReportDescriptor {
        detection_type: first >> 5,
        simulated: first & 0x10 != 0,
        spi: first & 0x04 != 0,
        fixed_transponder: first & 0x02 != 0,
        test: first & 1 != 0 && second & 0x80 != 0,
    }
}

fn track_status(item: &[u8]) -> TrackStatus {
    let first = item.first().copied().unwrap_or(0);
    let second = if first & 1 != 0 {
        item.get(1).copied().unwrap_or(0)
    } else {
        0
    };
    TrackStatus {
        confirmed: first & 0x80 == 0,
        sensor: (first >> 5) & 0x03,
        end_of_track: second & 0x80 != 0,
        ghost: second & 0x40 != 0,
    }
}
