//! The 2-D nearly-constant-velocity Kalman filter.
//!
//! State `[x, vx, y, vy]` in metres and metres per second; the measurement is
//! the position `[x, y]` with its own covariance (m²). Process noise is white
//! acceleration with spectral density `q` (m²/s³) on each axis, exactly
//! discretised, which is what Stone Soup's `ConstantVelocity(q)` does.

use crate::linalg::{inv2_spd, mul4, quad2, symmetrise4, transpose4, Mat2, Mat4, Vec2, Vec4};

/// A Gaussian estimate of the state `[x, vx, y, vy]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gaussian {
    /// Mean: position in metres, velocity in m/s.
    pub x: Vec4,
    /// Covariance in the matching squared units.
    pub p: Mat4,
}

impl Gaussian {
    /// Position part of the mean (metres).
    pub fn position(&self) -> Vec2 {
        [self.x[0], self.x[2]]
    }

    /// Position block of the covariance (m²).
    pub fn position_cov(&self) -> Mat2 {
        [[self.p[0][0], self.p[0][2]], [self.p[2][0], self.p[2][2]]]
    }

    /// Trace of the position covariance (m²), the usual "uncertainty size".
    pub fn position_trace(&self) -> f64 {
        self.p[0][0] + self.p[2][2]
    }
}

/// Nearly-constant-velocity motion with white-noise acceleration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CvModel {
    /// Spectral density of the acceleration noise on each axis (m²/s³).
    pub q: f64,
}

impl CvModel {
    /// Transition matrix over `dt` seconds.
    pub fn transition(dt: f64) -> Mat4 {
        [
            [1.0, dt, 0.0, 0.0],
            [0.0, 1.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, dt],
            [0.0, 0.0, 0.0, 1.0],
        ]
    }

    /// Exactly discretised process noise over `dt` seconds.
    pub fn noise(&self, dt: f64) -> Mat4 {
        let dt = dt.abs();
        let a = self.q * dt * dt * dt / 3.0;
        let b = self.q * dt * dt / 2.0;
        let c = self.q * dt;
        [
            [a, b, 0.0, 0.0],
            [b, c, 0.0, 0.0],
            [0.0, 0.0, a, b],
            [0.0, 0.0, b, c],
        ]
    }

    /// Prediction `dt` seconds ahead.
    pub fn predict(&self, g: &Gaussian, dt: f64) -> Gaussian {
        if dt == 0.0 {
            return *g;
        }
        let f = Self::transition(dt);
        let x = [g.x[0] + dt * g.x[1], g.x[1], g.x[2] + dt * g.x[3], g.x[3]];
        let mut p = mul4(&mul4(&f, &g.p), &transpose4(&f));
        let qn = self.noise(dt);
        for (i, row) in p.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell += qn[i][j];
            }
        }
        symmetrise4(&mut p);
        Gaussian { x, p }
    }
}

/// The innovation of a position measurement against a predicted state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Innovation {
    /// Measured minus predicted position (metres).
    pub nu: Vec2,
    /// Innovation covariance `H P H' + R` (m²).
    pub s: Mat2,
    /// Inverse of `s`.
    pub s_inv: Mat2,
}

impl Innovation {
    /// Squared Mahalanobis distance (dimensionless).
    pub fn mahalanobis2(&self) -> f64 {
        quad2(&self.nu, &self.s_inv)
    }

    /// Mahalanobis distance (dimensionless), as Stone Soup's `Mahalanobis` measure.
    pub fn mahalanobis(&self) -> f64 {
        self.mahalanobis2().sqrt()
    }

    /// Log of the Gaussian likelihood of the measurement.
    pub fn log_likelihood(&self) -> f64 {
        let det = crate::linalg::det2(&self.s);
        -0.5 * self.mahalanobis2() - (2.0 * std::f64::consts::PI).ln() - 0.5 * det.ln()
    }
}

/// Innovation covariance without measurement noise, `H P H'` (m²).
pub fn hph(g: &Gaussian) -> Mat2 {
    g.position_cov()
}

/// Innovation of measurement `z` (metres) with noise `r` (m²), or `None` when
/// the innovation covariance is not positive definite (bad `r`).
pub fn innovation(g: &Gaussian, z: &Vec2, r: &Mat2) -> Option<Innovation> {
    let pc = g.position_cov();
    let s = [
        [pc[0][0] + r[0][0], pc[0][1] + r[0][1]],
        [pc[1][0] + r[1][0], pc[1][1] + r[1][1]],
    ];
    let s_inv = inv2_spd(&s)?;
    Some(Innovation {
        nu: [z[0] - g.x[0], z[1] - g.x[2]],
        s,
        s_inv,
    })
}

/// Kalman update in Joseph form, `(I-KH) P (I-KH)' + K R K'`, which keeps the
/// covariance symmetric and positive even with an imperfect gain.
pub fn update(g: &Gaussian, inn: &Innovation, r: &Mat2) -> Gaussian {
    // P H' is columns 0 and 2 of P.
    let mut k = [[0.0; 2]; 4];
    for (i, row) in k.iter_mut().enumerate() {
        let ph = [g.p[i][0], g.p[i][2]];
        row[0] = ph[0] * inn.s_inv[0][0] + ph[1] * inn.s_inv[1][0];
        row[1] = ph[0] * inn.s_inv[0][1] + ph[1] * inn.s_inv[1][1];
    }
    let mut x = g.x;
    for (i, xi) in x.iter_mut().enumerate() {
        *xi += k[i][0] * inn.nu[0] + k[i][1] * inn.nu[1];
    }
    // A = I - K H
    let mut a = [[0.0; 4]; 4];
    for (i, row) in a.iter_mut().enumerate() {
        row[i] = 1.0;
        row[0] -= k[i][0];
        row[2] -= k[i][1];
    }
    let mut p = mul4(&mul4(&a, &g.p), &transpose4(&a));
    for i in 0..4 {
        for j in 0..4 {
            let kr0 = k[i][0] * r[0][0] + k[i][1] * r[1][0];
            let kr1 = k[i][0] * r[0][1] + k[i][1] * r[1][1];
            p[i][j] += kr0 * k[j][0] + kr1 * k[j][1];
        }
    }
    symmetrise4(&mut p);
    Gaussian { x, p }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prior() -> Gaussian {
        let mut p = [[0.0; 4]; 4];
        p[0][0] = 100.0;
        p[1][1] = 25.0;
        p[2][2] = 100.0;
        p[3][3] = 25.0;
        Gaussian {
            x: [0.0, 10.0, 0.0, -5.0],
            p,
        }
    }

    #[test]
    fn noise_matches_exact_discretisation() {
        let q = CvModel { q: 0.1 }.noise(2.0);
        assert!((q[0][0] - 0.1 * 8.0 / 3.0).abs() < 1e-12);
        assert!((q[0][1] - 0.2).abs() < 1e-12);
        assert!((q[1][1] - 0.2).abs() < 1e-12);
        assert_eq!(q[0][2], 0.0);
    }

    #[test]
    fn prediction_moves_mean_and_grows_covariance() {
        let m = CvModel { q: 0.1 };
        let g = m.predict(&prior(), 1.0);
        assert_eq!(g.x, [10.0, 10.0, -5.0, -5.0]);
        // 100 + 25 dt² + q dt³/3
        assert!((g.p[0][0] - (125.0 + 0.1 / 3.0)).abs() < 1e-9);
        assert!((g.p[0][1] - (25.0 + 0.05)).abs() < 1e-9);
        // Two steps equal one double step (exact discretisation composes).
        let two = m.predict(&m.predict(&prior(), 1.0), 1.0);
        let once = m.predict(&prior(), 2.0);
        for i in 0..4 {
            for j in 0..4 {
                assert!((two.p[i][j] - once.p[i][j]).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn update_pulls_towards_measurement_and_shrinks() {
        let g = prior();
        let r = [[100.0, 0.0], [0.0, 100.0]];
        let inn = innovation(&g, &[20.0, 0.0], &r).unwrap();
        assert!((inn.mahalanobis2() - 2.0).abs() < 1e-12);
        assert!((inn.mahalanobis() - 2.0_f64.sqrt()).abs() < 1e-12);
        let u = update(&g, &inn, &r);
        // Equal prior and measurement variance: halfway.
        assert!((u.x[0] - 10.0).abs() < 1e-9);
        assert!((u.p[0][0] - 50.0).abs() < 1e-9);
        assert!((u.p[1][1] - 25.0).abs() < 1e-9);
        // Joseph form agrees with the textbook P - K S K'.
        let kss = 0.5 * 0.5 * 200.0;
        assert!((u.p[2][2] - (100.0 - kss)).abs() < 1e-9);
    }

    #[test]
    fn bad_measurement_covariance_is_rejected() {
        let g = Gaussian {
            p: [[0.0; 4]; 4],
            ..prior()
        };
        assert!(innovation(&g, &[0.0, 0.0], &[[0.0, 0.0], [0.0, 0.0]]).is_none());
        assert!(innovation(&g, &[0.0, 0.0], &[[-1.0, 0.0], [0.0, 1.0]]).is_none());
    }

    #[test]
    fn likelihood_peaks_at_prediction() {
        let g = prior();
        let r = [[100.0, 0.0], [0.0, 100.0]];
        let at = innovation(&g, &[0.0, 0.0], &r).unwrap().log_likelihood();
        let off = innovation(&g, &[30.0, 0.0], &r).unwrap().log_likelihood();
        assert!(at > off);
        let expect = -(2.0 * std::f64::consts::PI).ln() - 0.5 * (200.0_f64 * 200.0).ln();
        assert!((at - expect).abs() < 1e-12);
    }
}
