//! The count distribution every detector scores against: negative
//! binomial with mean `mu` and variance `mu + mu²·inv_r` (`inv_r` = 1/r;
//! zero is Poisson).
//!
//! Tail probabilities come from statrs (`NegativeBinomial`, `Poisson`)
//! while the numbers are in the range where its special functions are
//! exact and quick. Beyond that (monthly totals in the hundreds of
//! thousands, or adversarially huge counts) the series loops inside
//! `gamma_lr` grow with the square root of the count and the continued
//! fraction of `beta_reg` stops at 140 terms, so the distribution is
//! replaced by the gamma of the same mean and variance through the
//! Wilson–Hilferty cube root: a count of a million or more is continuous
//! for every purpose an analyst has.

use statrs::distribution::{DiscreteCDF, NegativeBinomial, Poisson};
use statrs::function::erf::{erfc, erfc_inv};

/// Below this mean, and below [`EXACT_MAX_COUNT`], tails are exact.
const EXACT_MAX_MEAN: f64 = 1.0e4;
/// The largest count scored with the discrete distribution.
const EXACT_MAX_COUNT: f64 = 1.0e6;
/// Below this mean the band's limits are found by summing the pmf, which
/// costs about `mu + 10·sd` terms.
const SUM_MAX_MEAN: f64 = 200.0;
/// Overdispersion this small against the mean changes no tail we report:
/// use Poisson, whose statrs path is cheaper and more accurate than a
/// negative binomial with r near 10¹².
const POISSON_BELOW: f64 = 1.0e-9;

/// One bin's predictive distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Nb {
    /// The mean, > 0.
    pub(crate) mu: f64,
    /// 1/r, ≥ 0.
    pub(crate) inv_r: f64,
}

impl Nb {
    /// The variance.
    pub(crate) fn var(self) -> f64 {
        self.mu * (1.0 + self.mu * self.inv_r)
    }

    /// Variance over mean: the factor by which the counts are noisier
    /// than Poisson.
    pub(crate) fn phi(self) -> f64 {
        1.0 + self.mu * self.inv_r
    }

    fn exact(self, x: f64) -> bool {
        self.mu <= EXACT_MAX_MEAN && x <= EXACT_MAX_COUNT
    }

    fn poisson(self) -> bool {
        self.mu * self.inv_r < POISSON_BELOW
    }

    /// P(X ≥ x).
    pub(crate) fn upper(self, x: f64) -> f64 {
        if x <= 0.0 {
            return 1.0;
        }
        let p = if self.exact(x) {
            // Counts are integers; the floor guards a caller's fraction.
            let below = x.ceil() as u64 - 1;
            if self.poisson() {
                Poisson::new(self.mu).map_or(f64::NAN, |d| d.sf(below))
            } else {
                let r = 1.0 / self.inv_r;
                NegativeBinomial::new(r, 1.0 / self.phi()).map_or(f64::NAN, |d| d.sf(below))
            }
        } else {
            self.continuous_upper(x - 0.5)
        };
        clean(p)
    }

    /// P(X ≤ x).
    pub(crate) fn lower(self, x: f64) -> f64 {
        if x < 0.0 {
            return 0.0;
        }
        let p = if self.exact(x) {
            let at = x.floor() as u64;
            if self.poisson() {
                Poisson::new(self.mu).map_or(f64::NAN, |d| d.cdf(at))
            } else {
                let r = 1.0 / self.inv_r;
                NegativeBinomial::new(r, 1.0 / self.phi()).map_or(f64::NAN, |d| d.cdf(at))
            }
        } else {
            1.0 - self.continuous_upper(x + 0.5)
        };
        clean(p)
    }

    /// P(Y ≥ y) for the gamma of the same mean and variance, through the
    /// Wilson–Hilferty normal approximation of its cube root (good to a
    /// few per cent of the tail probability for shapes above one).
    fn continuous_upper(self, y: f64) -> f64 {
        if y <= 0.0 {
            return 1.0;
        }
        let shape = self.mu / self.phi();
        let c = 1.0 / (9.0 * shape);
        let z = ((y / self.mu).cbrt() - (1.0 - c)) / c.sqrt();
        0.5 * erfc(z / std::f64::consts::SQRT_2)
    }

    /// The counts that raise no alert at `alpha` in each tail: the
    /// smallest `low` with P(X ≤ low) ≥ alpha and the largest `high` with
    /// P(X ≥ high) ≥ alpha. A count below `low` or above `high` is
    /// unusual. `z` is the standard normal quantile of 1 − alpha, passed
    /// in so it is computed once per series.
    pub(crate) fn limits(self, alpha: f64, z: f64) -> (f64, f64) {
        if self.mu <= SUM_MAX_MEAN {
            self.summed_limits(alpha)
        } else {
            let shape = self.mu / self.phi();
            let c = 1.0 / (9.0 * shape);
            let at = |z: f64| {
                let base = 1.0 - c + z * c.sqrt();
                if base <= 0.0 {
                    0.0
                } else {
                    self.mu * base * base * base
                }
            };
            let high = (at(z) + 0.5).floor().max(0.0);
            let low = (at(-z) - 0.5).ceil().max(0.0);
            (low, high)
        }
    }

    /// Exact limits by walking the pmf up from zero:
    /// p(c+1) = p(c) · (1 + c/r) · mu / ((c+1)(1 + mu/r)), which is the
    /// Poisson recursion when 1/r = 0.
    fn summed_limits(self, alpha: f64) -> (f64, f64) {
        let phi = self.phi();
        let mut pmf = if self.poisson() {
            (-self.mu).exp()
        } else {
            (-(self.mu * self.inv_r).ln_1p() / self.inv_r).exp()
        };
        let mut cdf = 0.0;
        let mut low = None;
        let cap = (self.mu + 60.0 * self.var().sqrt() + 100.0) as u64;
        let mut c = 0u64;
        loop {
            let next = cdf + pmf;
            if low.is_none() && next >= alpha {
                low = Some(c as f64);
            }
            if next > 1.0 - alpha || c >= cap {
                return (low.unwrap_or(c as f64), c as f64);
            }
            cdf = next;
            let cf = c as f64;
            pmf *= (1.0 + cf * self.inv_r) * self.mu / ((cf + 1.0) * phi);
            c += 1;
        }
    }
}

/// The standard normal quantile of 1 − alpha (alpha in (0, 0.5]).
pub(crate) fn z_of(alpha: f64) -> f64 {
    std::f64::consts::SQRT_2 * erfc_inv(2.0 * alpha)
}

/// A probability in [0, 1]; anything that is not a number (which the
/// guarded inputs above should never produce) reads as "not unusual".
fn clean(p: f64) -> f64 {
    if p.is_nan() {
        1.0
    } else {
        p.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tails_match_textbook_values() {
        let d = Nb {
            mu: 5.0,
            inv_r: 0.0,
        };
        // P(X ≥ 10 | 5) = 0.031828…
        assert!((d.upper(10.0) - 0.031_828).abs() < 1e-5);
        // P(X ≤ 1 | 5) = 6 e^-5 = 0.040428…
        assert!((d.lower(1.0) - 0.040_428).abs() < 1e-5);
        assert_eq!(d.upper(0.0), 1.0);
    }

    #[test]
    fn limits_agree_with_tails() {
        for &(mu, inv_r) in &[(0.3, 0.0), (4.0, 0.2), (40.0, 0.05), (150.0, 0.0)] {
            let d = Nb { mu, inv_r };
            let alpha = 1e-4;
            let (low, high) = d.limits(alpha, z_of(alpha));
            assert!(d.upper(high) >= alpha * 0.999, "{mu} {inv_r}");
            assert!(d.upper(high + 1.0) < alpha * 1.001, "{mu} {inv_r}");
            assert!(d.lower(low) >= alpha * 0.999, "{mu} {inv_r}");
            if low > 0.0 {
                assert!(d.lower(low - 1.0) < alpha * 1.001, "{mu} {inv_r}");
            }
        }
    }

    #[test]
    fn continuous_branch_is_close_to_the_exact_one() {
        // Where both apply, the gamma approximation must be close.
        let d = Nb {
            mu: 9_000.0,
            inv_r: 0.02,
        };
        for &x in &[12_000.0, 14_000.0, 16_000.0] {
            let exact = d.upper(x);
            let approx = d.continuous_upper(x - 0.5);
            assert!(
                (approx / exact - 1.0).abs() < 0.1,
                "{x}: {exact} vs {approx}"
            );
        }
    }

    #[test]
    fn huge_counts_are_finite() {
        let d = Nb {
            mu: 1.0e19,
            inv_r: 0.0,
        };
        let p = d.upper(u64::MAX as f64);
        assert!((0.0..=1.0).contains(&p));
        let (low, high) = d.limits(1e-5, z_of(1e-5));
        assert!(low.is_finite() && high.is_finite() && low <= high);
    }
}
