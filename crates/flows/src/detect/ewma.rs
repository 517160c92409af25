//! EWMA chart of the counts against the EWMA of their expectations.
//!
//! `z_t = λ·x_t + (1−λ)·z_{t−1}` smooths the counts; the same smoothing of
//! the seasonal expectation gives the in-control centre `m_t`, and the
//! variance of `z_t − m_t` follows the same recursion with weights
//! squared, `w_t = λ²·v_t + (1−λ)²·w_{t−1}`, from each bin's predictive
//! variance `v_t`. With a constant mean and variance this is exactly the
//! textbook chart, limits `μ0 ± L·σ·√(λ/(2−λ))`; with a rhythm it weighs
//! each hour by its own noise. Smoothing the counts, rather than their
//! standardized residuals, matters for sparse bins: one crossing in an
//! hour that expects 0.05 is a residual of four standard deviations, but
//! a small change in a sum of several hours.
//!
//! Counts of a few per hour are skewed, and so is their EWMA (a third of
//! a Poisson's skewness at λ = 0.2): a symmetric 4.5σ limit on a chart of
//! hours averaging one crossing is crossed several times a year by chance.
//! The chart's third cumulant follows the recursion with weights cubed,
//! `κ_t = λ³·κ3(x_t) + (1−λ)³·κ_{t−1}`, and the distance from the centre
//! is converted to a normal-equivalent score by inverting the
//! Cornish–Fisher expansion `s = z + (z² − 1)·γ/6`: the limit L then means
//! the same tail probability for sparse and busy bins.
//!
//! The chart starts at the first ready bin with `z = m` and `w` at its
//! steady state, so the first bins are not judged on a variance of zero.
//! An alarm is a run of bins beyond a limit: one flag per bin, which the
//! caller merges into one alert per excursion; its evidence starts where
//! `z − m` last changed sign before the crossing.

use super::seasonal::Fit;
use super::{Flag, Shift};

/// Flags every bin at which the chart stands beyond its limits.
pub(crate) fn detect(x: &[u64], fit: &Fit, lambda: f64, l: f64, out: &mut Vec<Flag>) {
    let keep = 1.0 - lambda;
    let mut state: Option<(f64, f64, f64, f64)> = None;
    let cube = lambda * lambda * lambda;
    let keep3 = keep * keep * keep;
    // Where the current run of z − m on one side of zero began.
    let mut side_start = 0usize;
    let mut side_up = true;
    for (t, (&count, d)) in x.iter().zip(&fit.model).enumerate() {
        if !fit.main[t] {
            continue;
        }
        let xf = count as f64;
        let first = state.is_none();
        let k3 = d.var() * (1.0 + 2.0 * d.mu * d.inv_r);
        let (z, m, w, k) = match state {
            None => (
                d.mu,
                d.mu,
                d.var() * lambda / (2.0 - lambda),
                k3 * cube / (1.0 - keep3),
            ),
            Some(s) => s,
        };
        let z = lambda * xf + keep * z;
        let m = lambda * d.mu + keep * m;
        let w = lambda * lambda * d.var() + keep * keep * w;
        let k = cube * k3 + keep3 * k;
        state = Some((z, m, w, k));
        let e = z - m;
        let up = e > 0.0;
        if first || up != side_up {
            side_start = t;
            side_up = up;
        }
        let sd = w.sqrt();
        if sd > 0.0 {
            let gamma = k / (w * sd);
            let score = normal_equivalent(e / sd, gamma).abs().min(f64::MAX);
            if score > l {
                out.push(Flag {
                    start: side_start,
                    at: t,
                    shift: if up { Shift::Up } else { Shift::Down },
                    score,
                    p: None,
                });
            }
        }
    }
}

/// The z with `z + (z² − 1)·γ/6 = s`: the normal deviate whose tail
/// probability a standardized value `s` of a distribution with skewness γ
/// has, to the Cornish–Fisher approximation. Below the vertex of the
/// parabola (far into the short tail) the vertex is the answer: the
/// expansion has no deeper quantile to give.
fn normal_equivalent(s: f64, gamma: f64) -> f64 {
    let g = gamma / 6.0;
    if !g.is_finite() || g.abs() < 1e-9 {
        return s;
    }
    let disc = 1.0 + 4.0 * g * (s + g);
    if disc <= 0.0 {
        return -1.0 / (2.0 * g);
    }
    (disc.sqrt() - 1.0) / (2.0 * g)
}

#[cfg(test)]
mod tests {
    use super::normal_equivalent;

    #[test]
    fn normal_equivalent_inverts_cornish_fisher() {
        for &(z, gamma) in &[(4.5, 0.4), (-3.0, 0.4), (2.0, 1.5), (5.0, 0.0)] {
            let g: f64 = gamma / 6.0;
            let s = z + (z * z - 1.0) * g;
            assert!(
                (normal_equivalent(s, gamma) - z).abs() < 1e-9,
                "{z} {gamma}"
            );
        }
    }
}
