//! SIMULATION, for tests only: a radar at a known site and targets moving in
//! straight lines, with tiny test-only encoders for CAT048 (I010, I140, I040,
//! I090, I220, I240), CAT021 (I010, I080, I130, I145, I073) and SBS-1 lines.
//! Nothing here is real sensor data.

use feeds::{FeedsConfig, Noise, Pipeline, SensorConfig, SensorKind, Site};
use fusion::geo::{EnuFrame, Geodetic};

/// 2024-06-10T06:13:20Z, the simulated start.
pub(crate) const T0: f64 = 1_718_000_000.0;
pub(crate) const ORIGIN: Site = Site {
    lat: 31.5,
    lon: -110.9,
    alt: 0.0,
};
/// The radar's position in the common ENU frame, metres.
pub(crate) const RADAR_ENU: [f64; 2] = [5000.0, 0.0];
pub(crate) const RADAR_ALT: f64 = 1200.0;
pub(crate) const SAC: u8 = 25;
pub(crate) const SIC: u8 = 201;
/// Radar rotation period, seconds.
pub(crate) const ROTATION_S: f64 = 4.0;
const EARTH_R: f64 = 6_371_000.0;
const FT: f64 = 0.3048;

pub(crate) fn frame() -> EnuFrame {
    EnuFrame::new(Geodetic {
        lat_deg: ORIGIN.lat,
        lon_deg: ORIGIN.lon,
        alt_m: ORIGIN.alt,
    })
}

/// ENU (common frame) to WGS-84 lat/lon on the ellipsoid.
pub(crate) fn to_latlon(x: f64, y: f64) -> (f64, f64) {
    let g = frame().enu_to_geodetic(&[x, y, -(x * x + y * y) / (2.0 * EARTH_R)]);
    (g.lat_deg, g.lon_deg)
}

pub(crate) fn radar_site() -> Site {
    let (lat, lon) = to_latlon(RADAR_ENU[0], RADAR_ENU[1]);
    Site {
        lat,
        lon,
        alt: RADAR_ALT,
    }
}

/// The test configuration: radar-1 (ASTERIX, with site and SAC/SIC), adsb-1
/// (SBS), cams (detections) and adsb-gs (ASTERIX CAT021, no site).
pub(crate) fn config() -> FeedsConfig {
    let mut c = FeedsConfig::new(ORIGIN);
    let sensor = SensorConfig::new;
    c.sensors = vec![
        SensorConfig {
            site: Some(radar_site()),
            sac: Some(SAC),
            sic: Some(SIC),
            noise: Noise {
                range_sigma_m: Some(30.0),
                azimuth_sigma_deg: Some(0.08),
                position_sigma_m: None,
            },
            ..sensor("radar-1", SensorKind::Asterix)
        },
        sensor("adsb-1", SensorKind::Sbs),
        sensor("cams", SensorKind::Detections),
        sensor("adsb-gs", SensorKind::Asterix),
    ];
    c.track_timeout_s = 10.0;
    c
}

pub(crate) fn pipeline() -> Pipeline {
    Pipeline::new(config()).unwrap()
}

/// A target moving in a straight line.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) start: [f64; 2],
    pub(crate) vel: [f64; 2],
    /// Flight level and transponder identity (aircraft only).
    pub(crate) air: Option<(f64, u32, &'static str)>,
    /// Seen by the radar while `t` (seconds from T0) is below this.
    pub(crate) until: f64,
}

impl Target {
    pub(crate) fn at(&self, t: f64) -> [f64; 2] {
        [
            self.start[0] + self.vel[0] * t,
            self.start[1] + self.vel[1] * t,
        ]
    }
}

/// Deterministic Gaussian noise (xorshift + Box-Muller).
pub(crate) struct Noise1(u64);

impl Noise1 {
    pub(crate) fn new(seed: u64) -> Self {
        Noise1(seed | 1)
    }
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    pub(crate) fn gauss(&mut self, sigma: f64) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        sigma * (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// One radar plot: time (seconds from T0), slant range (NM), azimuth (deg).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plot {
    pub(crate) t: f64,
    pub rho_nm: f64,
    pub theta_deg: f64,
    pub(crate) fl: Option<f64>,
    pub(crate) address: Option<u32>,
    pub(crate) ident: Option<&'static str>,
}

/// Where the radar sees `target` during the rotation starting at `scan_start`
/// (seconds from T0): the beam passes its azimuth at a time within the rotation.
pub(crate) fn observe(target: &Target, scan_start: f64, noise: &mut Noise1) -> Option<Plot> {
    if scan_start >= target.until {
        return None;
    }
    let site = EnuFrame::new(Geodetic {
        lat_deg: radar_site().lat,
        lon_deg: radar_site().lon,
        alt_m: RADAR_ALT,
    });
    let look = |t: f64| {
        let p = target.at(t);
        let (lat, lon) = to_latlon(p[0], p[1]);
        let [e, n, _] = site.geodetic_to_enu(&Geodetic {
            lat_deg: lat,
            lon_deg: lon,
            alt_m: RADAR_ALT,
        });
        (e.hypot(n), e.atan2(n).to_degrees().rem_euclid(360.0))
    };
    let (_, az0) = look(scan_start);
    let t = scan_start + az0 / 360.0 * ROTATION_S;
    let (ground, az) = look(t);
    let ground = ground + noise.gauss(20.0);
    let az = (az + noise.gauss(0.05)).rem_euclid(360.0);
    let slant = match target.air {
        Some((fl, _, _)) => ground.hypot(fl * 100.0 * FT - RADAR_ALT),
        None => ground,
    };
    Some(Plot {
        t,
        rho_nm: slant / 1852.0,
        theta_deg: az,
        fl: target.air.map(|a| a.0),
        address: target.air.map(|a| a.1),
        ident: target.air.map(|a| a.2),
    })
}

/// The pipeline's time of `unix_s` seconds since the epoch (to the
/// microsecond, as a server's clock gives it).
pub(crate) fn at(unix_s: f64) -> cot::Time {
    cot::Time::from_micros((unix_s * 1e6).round() as i64)
}

/// Seconds since midnight UTC of `t` seconds after T0.
pub(crate) fn tod(t: f64) -> f64 {
    (T0 + t).rem_euclid(86_400.0)
}

fn icao6(text: &str) -> [u8; 6] {
    let mut bits: u64 = 0;
    for i in 0..8 {
        let c = text.as_bytes().get(i).copied().unwrap_or(b' ');
        let v = match c {
            b'A'..=b'Z' => u64::from(c - b'A' + 1),
            b'0'..=b'9' => u64::from(c),
            _ => 32,
        };
        bits = (bits << 6) | v;
    }
    let b = bits.to_be_bytes();
    [b[2], b[3], b[4], b[5], b[6], b[7]]
}

/// One CAT048 record.
pub(crate) fn cat048_record(p: &Plot, sac: u8, sic: u8) -> Vec<u8> {
    let mut fspec = [0xd0u8, 0x00]; // I010, I140, I040
    let mut body = vec![sac, sic];
    let tod = (tod(p.t) * 128.0).round() as u32;
    body.extend_from_slice(&tod.to_be_bytes()[1..]);
    let rho = (p.rho_nm * 256.0).round() as u16;
    let theta = (p.theta_deg * 65_536.0 / 360.0).round() as u32 as u16;
    body.extend_from_slice(&rho.to_be_bytes());
    body.extend_from_slice(&theta.to_be_bytes());
    if let Some(fl) = p.fl {
        fspec[0] |= 0x04;
        body.extend_from_slice(&(((fl * 4.0).round() as u16) & 0x3fff).to_be_bytes());
    }
    if let Some(a) = p.address {
        fspec[0] |= 0x01;
        fspec[1] |= 0x80;
        body.extend_from_slice(&a.to_be_bytes()[1..]);
    }
    if let Some(id) = p.ident {
        fspec[0] |= 0x01;
        fspec[1] |= 0x40;
        body.extend_from_slice(&icao6(id));
    }
    let mut rec = if fspec[0] & 1 != 0 {
        fspec.to_vec()
    } else {
        vec![fspec[0]]
    };
    rec.extend(body);
    rec
}

/// One data block of category `cat` around `records`.
pub(crate) fn block(cat: u8, records: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = records.concat();
    let len = (body.len() + 3) as u16;
    let mut b = vec![cat];
    b.extend_from_slice(&len.to_be_bytes());
    b.extend(body);
    b
}

/// One CAT021 record: I010, I073 (reception time), I080, I130, I145.
pub(crate) fn cat021_record(t: f64, lat: f64, lon: f64, address: u32, fl: f64) -> Vec<u8> {
    // FRN1 I010, FRN6 I130, FRN11 I080, FRN12 I073, FRN21 I145.
    let fspec = [0x85u8, 0x19, 0x02, 0x00];
    let fspec = &fspec[..3];
    let mut r = fspec.to_vec();
    r.extend_from_slice(&[SAC, 7]);
    let lsb = 180.0 / f64::from(1u32 << 23);
    let s24 = |v: f64| ((v / lsb).round() as i32 as u32 & 0x00ff_ffff).to_be_bytes();
    r.extend_from_slice(&s24(lat)[1..]);
    r.extend_from_slice(&s24(lon)[1..]);
    r.extend_from_slice(&address.to_be_bytes()[1..]);
    let tod = (tod(t) * 128.0).round() as u32;
    r.extend_from_slice(&tod.to_be_bytes()[1..]);
    r.extend_from_slice(&((fl * 4.0).round() as i16).to_be_bytes());
    r
}

/// An SBS MSG,3 airborne position line.
pub(crate) fn sbs_position(icao: u32, alt_ft: f64, lat: f64, lon: f64) -> String {
    format!("MSG,3,1,1,{icao:06X},1,,,,,,{alt_ft:.0},,,{lat:.5},{lon:.5},,,0,0,0,0")
}

/// An SBS MSG,1 identification line.
pub(crate) fn sbs_ident(icao: u32, callsign: &str) -> String {
    format!("MSG,1,1,1,{icao:06X},1,,,,,{callsign:<8},,,,,,,,0,0,0,0")
}
