//! CUSUM for counts (Lucas), in units that mean the same at every scale.
//!
//! Lucas's Poisson CUSUM adds `x_t − k` with `k = (μ1 − μ0)/(ln μ1 − ln μ0)`.
//! Multiplied by `ln(μ1/μ0)` that increment is exactly the Poisson
//! log-likelihood ratio of "shifted by δ" against "as expected", so a
//! threshold `h` in those units (nats) bounds the in-control run length
//! below by about `e^h` bins whatever the mean is — which a threshold in
//! counts cannot do across a handful per hour and 100,000 a month.
//! Real counts are overdispersed, so each increment is further divided by
//! the bin's variance-to-mean ratio φ (the quasi-likelihood of the
//! negative binomial baseline): for monthly totals φ is in the thousands,
//! and without it every month would look like a shift.
//!
//! Per bin, with μ0 the seasonal expectation and δ the relative shift:
//! - up:   `S⁺ = max(0, S⁺ + (x·ln(1+δ) − μ0·δ)/φ)`, i.e. μ1 = μ0(1+δ);
//! - down: `S⁻ = max(0, S⁻ + (μ0·δ/(1+δ) − x·ln(1+δ))/φ)`, i.e. μ1 = μ0/(1+δ),
//!   the same shift on a log scale.
//!
//! An alarm fires when S > h; S restarts from zero, and the evidence
//! window runs from the bin after S last stood at zero (the classic CUSUM
//! estimate of when the shift began) to the alarm.

use super::seasonal::Fit;
use super::{Flag, Shift};

/// Flags every alarm of both one-sided CUSUMs.
pub(crate) fn detect(x: &[u64], fit: &Fit, delta: f64, h: f64, out: &mut Vec<Flag>) {
    let log_step = delta.ln_1p();
    let mut up = Side::default();
    let mut down = Side::default();
    for (t, (&count, d)) in x.iter().zip(&fit.model).enumerate() {
        if !fit.main[t] {
            continue;
        }
        let xf = count as f64;
        let phi = d.phi();
        let inc_up = (xf * log_step - d.mu * delta) / phi;
        // The floor on the expectation is there to judge surges in quiet
        // bins; it is no evidence of a drop.
        let mu_down = fit.raw[t].min(d.mu);
        let inc_down = (mu_down * delta / (1.0 + delta) - xf * log_step) / phi;
        if let Some(f) = up.step(t, inc_up, h, Shift::Up) {
            out.push(f);
        }
        if let Some(f) = down.step(t, inc_down, h, Shift::Down) {
            out.push(f);
        }
    }
}

/// One direction's statistic and where its current accumulation began.
#[derive(Debug, Default)]
struct Side {
    s: f64,
    start: usize,
}

impl Side {
    fn step(&mut self, t: usize, inc: f64, h: f64, shift: Shift) -> Option<Flag> {
        if self.s <= 0.0 {
            self.start = t;
        }
        // Huge counts may give an infinite step; the statistic stays a
        // number so the alert's score serializes.
        self.s = (self.s + inc).clamp(0.0, f64::MAX);
        if self.s > h {
            let f = Flag {
                start: self.start,
                at: t,
                shift,
                score: self.s,
                p: None,
            };
            self.s = 0.0;
            Some(f)
        } else {
            None
        }
    }
}
