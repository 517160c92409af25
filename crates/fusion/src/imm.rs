//! Interacting multiple model (IMM) filter over two nearly-constant-velocity
//! modes with different process noise: a quiet mode for steady motion and a
//! noisy one that absorbs manoeuvres.
//!
//! Mixing, mode-matched prediction and update, and moment matching follow
//! Blom and Bar-Shalom's IMM; the mode switch probability is given per second
//! so that asynchronous updates at any interval stay consistent.

use crate::kalman::{innovation, update, CvModel, Gaussian};
use crate::linalg::{add4, outer4, scale4, Mat2, Vec2};

/// Parameters of the two-mode IMM.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ImmConfig {
    /// Acceleration noise density of the quiet mode (m²/s³).
    pub q_low: f64,
    /// Acceleration noise density of the manoeuvre mode (m²/s³).
    pub q_high: f64,
    /// Probability of switching mode within one second.
    pub switch_per_s: f64,
    /// Initial probability of the quiet mode.
    pub initial_low: f64,
}

impl Default for ImmConfig {
    fn default() -> Self {
        ImmConfig {
            q_low: 0.1,
            q_high: 5.0,
            switch_per_s: 0.05,
            initial_low: 0.8,
        }
    }
}

/// An IMM estimate: one Gaussian per mode and the mode probabilities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImmState {
    /// Mode-conditioned estimates: quiet, manoeuvre.
    pub modes: [Gaussian; 2],
    /// Mode probabilities, summing to 1.
    pub mu: [f64; 2],
}

impl ImmState {
    /// Starts both modes from the same estimate.
    pub fn new(g: Gaussian, cfg: &ImmConfig) -> Self {
        let low = cfg.initial_low.clamp(0.0, 1.0);
        ImmState {
            modes: [g, g],
            mu: [low, 1.0 - low],
        }
    }

    /// Mixes the modes and predicts each with its own model `dt` seconds ahead.
    pub fn predict(&self, cfg: &ImmConfig, dt: f64) -> Self {
        if dt == 0.0 {
            return *self;
        }
        let stay = (1.0 - cfg.switch_per_s.clamp(0.0, 1.0)).powf(dt.abs());
        let pi = [[stay, 1.0 - stay], [1.0 - stay, stay]];
        let mut c = [0.0; 2];
        for (j, cj) in c.iter_mut().enumerate() {
            *cj = (0..2).map(|i| pi[i][j] * self.mu[i]).sum::<f64>();
        }
        let models = [CvModel { q: cfg.q_low }, CvModel { q: cfg.q_high }];
        let mut modes = self.modes;
        for j in 0..2 {
            let w = |i: usize| {
                if c[j] > 0.0 {
                    pi[i][j] * self.mu[i] / c[j]
                } else {
                    0.5
                }
            };
            let mixed = combine(&self.modes, &[w(0), w(1)]);
            modes[j] = models[j].predict(&mixed, dt);
        }
        ImmState {
            modes,
            mu: normalise(c),
        }
    }

    /// The moment-matched single Gaussian.
    pub fn combined(&self) -> Gaussian {
        combine(&self.modes, &self.mu)
    }

    /// Updates every mode with position `z` (metres, covariance `r` in m²) and
    /// reweights the modes by their likelihoods. `None` when `r` is unusable.
    pub fn update(&self, z: &Vec2, r: &Mat2) -> Option<Self> {
        let mut modes = self.modes;
        let mut log_w = [0.0; 2];
        for j in 0..2 {
            let inn = innovation(&self.modes[j], z, r)?;
            log_w[j] = inn.log_likelihood() + self.mu[j].max(1e-300).ln();
            modes[j] = update(&self.modes[j], &inn, r);
        }
        // Subtract the maximum before exponentiating so far-off measurements
        // do not underflow both weights to zero.
        let m = log_w[0].max(log_w[1]);
        let mu = normalise([(log_w[0] - m).exp(), (log_w[1] - m).exp()]);
        Some(ImmState { modes, mu })
    }
}

fn normalise(w: [f64; 2]) -> [f64; 2] {
    let s = w[0] + w[1];
    if s > 0.0 && s.is_finite() {
        [w[0] / s, w[1] / s]
    } else {
        [0.5, 0.5]
    }
}

fn combine(modes: &[Gaussian; 2], w: &[f64; 2]) -> Gaussian {
    let mut x = [0.0; 4];
    for (g, wi) in modes.iter().zip(w) {
        for (k, xk) in x.iter_mut().enumerate() {
            *xk += wi * g.x[k];
        }
    }
    let mut p = [[0.0; 4]; 4];
    for (g, wi) in modes.iter().zip(w) {
        let d = [g.x[0] - x[0], g.x[1] - x[1], g.x[2] - x[2], g.x[3] - x[3]];
        p = add4(&p, &scale4(&add4(&g.p, &outer4(&d, &d)), *wi));
    }
    Gaussian { x, p }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> Gaussian {
        let mut p = [[0.0; 4]; 4];
        for (i, row) in p.iter_mut().enumerate() {
            row[i] = if i % 2 == 0 { 100.0 } else { 4.0 };
        }
        Gaussian {
            x: [0.0, 10.0, 0.0, 0.0],
            p,
        }
    }

    #[test]
    fn equal_modes_reduce_to_a_kalman_filter() {
        let cfg = ImmConfig {
            q_low: 0.1,
            q_high: 0.1,
            ..ImmConfig::default()
        };
        let kf = CvModel { q: 0.1 };
        let r = [[100.0, 0.0], [0.0, 100.0]];
        let mut imm = ImmState::new(start(), &cfg);
        let mut g = start();
        for k in 1..6 {
            imm = imm.predict(&cfg, 1.0);
            g = kf.predict(&g, 1.0);
            let z = [10.0 * k as f64 + 3.0, -2.0];
            imm = imm.update(&z, &r).unwrap();
            g = update(&g, &innovation(&g, &z, &r).unwrap(), &r);
        }
        let c = imm.combined();
        for i in 0..4 {
            assert!((c.x[i] - g.x[i]).abs() < 1e-9);
            assert!((c.p[i][i] - g.p[i][i]).abs() < 1e-9);
        }
    }

    #[test]
    fn a_turn_shifts_weight_to_the_manoeuvre_mode() {
        let cfg = ImmConfig::default();
        let r = [[100.0, 0.0], [0.0, 100.0]];
        let mut imm = ImmState::new(start(), &cfg);
        for k in 1..10 {
            imm = imm.predict(&cfg, 1.0);
            imm = imm.update(&[10.0 * k as f64, 0.0], &r).unwrap();
        }
        let steady = imm.mu[0];
        assert!(steady > 0.6, "{steady}");
        // Sudden hard turn north at 10 m/s².
        for k in 1..6 {
            let t = k as f64;
            imm = imm.predict(&cfg, 1.0);
            imm = imm.update(&[90.0 + 10.0 * t, 5.0 * t * t], &r).unwrap();
        }
        assert!(imm.mu[1] > 0.5, "{:?}", imm.mu);
        assert!((imm.mu[0] + imm.mu[1] - 1.0).abs() < 1e-12);
    }
}
