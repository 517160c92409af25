//! WGS-84 geometry: geodetic ↔ ECEF ↔ local East-North-Up, and radar polar
//! measurements turned into ENU positions with a converted covariance.
//!
//! # Units
//! Latitudes and longitudes in WGS-84 degrees, heights above the ellipsoid in
//! metres, ECEF and ENU coordinates in metres, azimuths in degrees clockwise
//! from true north.

use crate::linalg::{Mat2, Vec2};

/// WGS-84 semi-major axis (metres).
pub const WGS84_A: f64 = 6_378_137.0;
/// WGS-84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// WGS-84 first eccentricity squared.
pub const WGS84_E2: f64 = WGS84_F * (2.0 - WGS84_F);

/// A geodetic position on the WGS-84 ellipsoid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geodetic {
    /// Latitude (degrees, north positive).
    pub lat_deg: f64,
    /// Longitude (degrees, east positive).
    pub lon_deg: f64,
    /// Height above the ellipsoid (metres).
    pub alt_m: f64,
}

/// An Earth-centred, Earth-fixed position (metres).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ecef {
    /// Towards latitude 0, longitude 0 (metres).
    pub x: f64,
    /// Towards latitude 0, longitude 90° E (metres).
    pub y: f64,
    /// Towards the north pole (metres).
    pub z: f64,
}

/// Prime-vertical radius of curvature at a latitude (radians), in metres.
fn prime_vertical_radius(lat_rad: f64) -> f64 {
    let s = lat_rad.sin();
    WGS84_A / (1.0 - WGS84_E2 * s * s).sqrt()
}

impl Geodetic {
    /// Converts to ECEF (metres).
    pub fn to_ecef(&self) -> Ecef {
        let (lat, lon) = (self.lat_deg.to_radians(), self.lon_deg.to_radians());
        let n = prime_vertical_radius(lat);
        Ecef {
            x: (n + self.alt_m) * lat.cos() * lon.cos(),
            y: (n + self.alt_m) * lat.cos() * lon.sin(),
            z: (n * (1.0 - WGS84_E2) + self.alt_m) * lat.sin(),
        }
    }
}

impl Ecef {
    /// Converts to geodetic coordinates.
    ///
    /// Fixed-point iteration on `lat = atan2(z + e² N sin lat, p)`; it contracts
    /// by about e² per step, so a dozen steps reach machine precision, and the
    /// height formula used stays well conditioned at the poles.
    pub fn to_geodetic(&self) -> Geodetic {
        let p = self.x.hypot(self.y);
        let lon = self.y.atan2(self.x);
        let mut lat = self.z.atan2(p * (1.0 - WGS84_E2));
        for _ in 0..20 {
            let n = prime_vertical_radius(lat);
            let next = (self.z + WGS84_E2 * n * lat.sin()).atan2(p);
            let done = (next - lat).abs() < 1e-15;
            lat = next;
            if done {
                break;
            }
        }
        let n = prime_vertical_radius(lat);
        let alt = p * lat.cos() + (self.z + WGS84_E2 * n * lat.sin()) * lat.sin() - n;
        Geodetic {
            lat_deg: lat.to_degrees(),
            lon_deg: lon.to_degrees(),
            alt_m: alt,
        }
    }
}

/// A local East-North-Up frame tangent to the ellipsoid at an origin.
#[derive(Debug, Clone, Copy)]
pub struct EnuFrame {
    origin: Geodetic,
    origin_ecef: Ecef,
    /// Rows are the east, north and up unit vectors in ECEF.
    rot: [[f64; 3]; 3],
}

impl EnuFrame {
    /// Builds the frame tangent at `origin`.
    pub fn new(origin: Geodetic) -> Self {
        let (lat, lon) = (origin.lat_deg.to_radians(), origin.lon_deg.to_radians());
        let (sl, cl, so, co) = (lat.sin(), lat.cos(), lon.sin(), lon.cos());
        EnuFrame {
            origin,
            origin_ecef: origin.to_ecef(),
            rot: [
                [-so, co, 0.0],
                [-sl * co, -sl * so, cl],
                [cl * co, cl * so, sl],
            ],
        }
    }

    /// The frame's origin.
    pub fn origin(&self) -> Geodetic {
        self.origin
    }

    /// ECEF (metres) to ENU (metres) in this frame.
    pub fn ecef_to_enu(&self, p: &Ecef) -> [f64; 3] {
        let d = [
            p.x - self.origin_ecef.x,
            p.y - self.origin_ecef.y,
            p.z - self.origin_ecef.z,
        ];
        self.rot.map(|r| r[0] * d[0] + r[1] * d[1] + r[2] * d[2])
    }

    /// ENU (metres) in this frame to ECEF (metres).
    pub fn enu_to_ecef(&self, enu: &[f64; 3]) -> Ecef {
        let r = &self.rot;
        let col = |j: usize| r[0][j] * enu[0] + r[1][j] * enu[1] + r[2][j] * enu[2];
        Ecef {
            x: self.origin_ecef.x + col(0),
            y: self.origin_ecef.y + col(1),
            z: self.origin_ecef.z + col(2),
        }
    }

    /// Geodetic position to ENU (metres).
    pub fn geodetic_to_enu(&self, g: &Geodetic) -> [f64; 3] {
        self.ecef_to_enu(&g.to_ecef())
    }

    /// ENU (metres) to geodetic position.
    pub fn enu_to_geodetic(&self, enu: &[f64; 3]) -> Geodetic {
        self.enu_to_ecef(enu).to_geodetic()
    }
}

/// A 2-D radar plot: ground range and azimuth from the site, with their noise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolarMeasurement {
    /// Ground range from the site (metres).
    pub range_m: f64,
    /// Azimuth clockwise from true north at the site (degrees).
    pub azimuth_deg: f64,
    /// Standard deviation of the range (metres).
    pub sigma_range_m: f64,
    /// Standard deviation of the azimuth (degrees).
    pub sigma_azimuth_deg: f64,
}

impl PolarMeasurement {
    /// Position (east, north in metres, in the site's own ENU frame) and its
    /// covariance (m²) by first-order (Jacobian) linearisation.
    ///
    /// No debiasing is applied: the conversion bias is of order `r σ_az²`
    /// (σ_az in radians), which for a 1 mrad azimuth error at 100 km is 0.1 m,
    /// far below σ_r. The linearised covariance is consistent while
    /// `r σ_az² / σ_r < 0.4` (Lerro and Bar-Shalom's criterion); beyond that an
    /// unscented or debiased conversion should be used instead.
    pub fn to_local(&self) -> (Vec2, Mat2) {
        let az = self.azimuth_deg.to_radians();
        let (s, c) = az.sin_cos();
        let r = self.range_m;
        let pos = [r * s, r * c];
        // d(east, north) / d(range, azimuth)
        let j = [[s, r * c], [c, -r * s]];
        let vr = self.sigma_range_m * self.sigma_range_m;
        let sa = self.sigma_azimuth_deg.to_radians();
        let va = sa * sa;
        let cov = [
            [
                j[0][0] * j[0][0] * vr + j[0][1] * j[0][1] * va,
                j[0][0] * j[1][0] * vr + j[0][1] * j[1][1] * va,
            ],
            [
                j[1][0] * j[0][0] * vr + j[1][1] * j[0][1] * va,
                j[1][0] * j[1][0] * vr + j[1][1] * j[1][1] * va,
            ],
        ];
        (pos, cov)
    }

    /// Whether the linearised conversion is consistent (see [`Self::to_local`]).
    pub fn linearisation_ok(&self) -> bool {
        let sa = self.sigma_azimuth_deg.to_radians();
        self.range_m * sa * sa / self.sigma_range_m.max(f64::MIN_POSITIVE) < 0.4
    }
}

/// A sensor site, used to bring its polar plots into a common ENU frame.
#[derive(Debug, Clone, Copy)]
pub struct SensorSite {
    site: EnuFrame,
    /// Site origin in the common frame (metres).
    offset: [f64; 3],
    /// Horizontal rotation from site east/north to frame east/north.
    rot: Mat2,
}

impl SensorSite {
    /// A site at `position`, reporting into the common `frame`.
    pub fn new(position: Geodetic, frame: &EnuFrame) -> Self {
        let site = EnuFrame::new(position);
        let offset = frame.geodetic_to_enu(&position);
        // Columns of the site's east and north axes expressed in the frame;
        // for sites within a few hundred km this is a near-rotation.
        let e = frame.ecef_to_enu(&site.enu_to_ecef(&[1.0, 0.0, 0.0]));
        let n = frame.ecef_to_enu(&site.enu_to_ecef(&[0.0, 1.0, 0.0]));
        let rot = [
            [e[0] - offset[0], n[0] - offset[0]],
            [e[1] - offset[1], n[1] - offset[1]],
        ];
        SensorSite { site, offset, rot }
    }

    /// The site's own ENU frame.
    pub fn frame(&self) -> &EnuFrame {
        &self.site
    }

    /// A polar plot as a position (metres) and covariance (m²) in the common
    /// frame. The plot is assumed at the site's height (2-D tracking).
    pub fn polar_to_frame(&self, m: &PolarMeasurement) -> (Vec2, Mat2) {
        let (p, c) = m.to_local();
        let r = &self.rot;
        let pos = [
            self.offset[0] + r[0][0] * p[0] + r[0][1] * p[1],
            self.offset[1] + r[1][0] * p[0] + r[1][1] * p[1],
        ];
        // R C R'
        let rc = [
            [
                r[0][0] * c[0][0] + r[0][1] * c[1][0],
                r[0][0] * c[0][1] + r[0][1] * c[1][1],
            ],
            [
                r[1][0] * c[0][0] + r[1][1] * c[1][0],
                r[1][0] * c[0][1] + r[1][1] * c[1][1],
            ],
        ];
        let a = rc[0][0] * r[0][0] + rc[0][1] * r[0][1];
        let b = rc[0][0] * r[1][0] + rc[0][1] * r[1][1];
        let d = rc[1][0] * r[1][0] + rc[1][1] * r[1][1];
        (pos, [[a, b], [b, d]])
    }
}

#[cfg(test)]
mod tests;
