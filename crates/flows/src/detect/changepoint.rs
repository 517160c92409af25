//! Bayesian online change-point detection (Adams & MacKay 2007) for the
//! level of a seasonal count series.
//!
//! Model: within a run the counts are Poisson with rate `θ·s_t`, where
//! `s_t` is the seasonal profile (mean one) and θ the run's level, with a
//! conjugate Gamma prior on θ; a new run starts at each step with
//! probability `H = 1/λ`. Two adjustments make one model fit both a
//! handful of crossings per hour and 100,000 apprehensions a month:
//! - **quasi-Poisson scaling**: each count and its exposure are divided by
//!   the bin's variance-to-mean ratio `φ_t = 1 + m_t/r` (negative binomial
//!   dispersion fitted to the series), so a monthly total whose noise is
//!   10 % weighs like a few dozen Poisson counts, not 100,000; the effective
//!   counts are capped near a million per bin (dispersion floored at 10⁻⁶)
//!   so that absurdly large inputs keep a finite, well-conditioned
//!   likelihood;
//! - **blocks**: hourly series are summed into days before the recursion.
//!   Regime changes are what this method is for (the hour-scale events are
//!   the seasonal detector's), a day is the resolution an analyst reports
//!   them at, and it keeps the run-length recursion 24 times cheaper.
//!
//! The seasonal profile is fitted to the whole series (ratio of each bin
//! to the centred moving average of one period, summed per phase): this is
//! the report path, which sees the whole series, and a causal profile
//! would leave the first years of a monthly series (the FY2000 peak) with
//! no baseline at all.
//!
//! Reporting: a change is declared when the most probable run start (the
//! MAP run length) jumps past the last declared change and the posterior
//! probability that the current run began after that change reaches the
//! threshold. The alert carries the deseasonalized mean level per bin of
//! the segment before (expected) and after (observed) the change, over the
//! segments between declared changes. Changes in the same direction, each
//! starting within the merge gap of the previous one's detection, are one
//! alert, from the level before the first step to the level after the
//! last.

use statrs::function::gamma::ln_gamma;

use super::seasonal::{dispersion, periods, MU_FLOOR};
use super::{Anomaly, DetectConfig, Method, Shift};
use crate::counts::Resolution;

/// The most run-length hypotheses kept: the least probable go first.
/// Hypotheses of a homogeneous series decay only like 1/√length, so some
/// cap is needed for a bounded cost; past a hundred the posterior mass
/// they hold is negligible.
const MAX_RUNS: usize = 128;
/// Hypotheses this far (in log posterior) below the best are dropped.
const PRUNE_LOG: f64 = 30.0;
/// The least dispersion assumed: relative noise of at least 0.1 %.
const MIN_INV_R: f64 = 1.0e-6;
/// Strength of the Gamma prior on a new run's level, in effective counts.
const PRIOR_COUNTS: f64 = 1.0;
/// A declared change must start at least this many blocks after the
/// previous one: the MAP start of a young run wanders by a block or two.
const MIN_SEPARATION: usize = 2;

/// Bins per block at `resolution`.
fn block(resolution: Resolution) -> usize {
    match resolution {
        Resolution::Hour => 24,
        Resolution::Day | Resolution::Month => 1,
    }
}

/// The period the profile can be fitted with: two full periods of data
/// at least, else the shorter rhythm, else none.
fn profile_period(resolution: Resolution, n: usize) -> usize {
    let (long, short) = periods(resolution);
    std::iter::once(long)
        .chain(short)
        .find(|&p| n >= 2 * p)
        .unwrap_or(1)
}

/// One run-length hypothesis: the current run began at block `start`;
/// the Gamma posterior of its level is (a, b); `lw` its log weight.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    a: f64,
    b: f64,
    lw: f64,
}

/// A declared change, in blocks.
struct Change {
    start: usize,
    at: usize,
    score: f64,
}

/// Runs the detector and appends its alerts.
pub(crate) fn alerts(x: &[u64], resolution: Resolution, cfg: &DetectConfig) -> Vec<Anomaly> {
    let n = x.len();
    if n < 2 || x.iter().all(|&v| v == 0) {
        return Vec::new();
    }
    let xf: Vec<f64> = x.iter().map(|&v| v as f64).collect();
    let p = profile_period(resolution, n);
    let s = profile(&xf, p);
    let seasonal: Vec<f64> = (0..n).map(|t| s[t % p]).collect();
    let cma = centred_mean(&xf, p);
    let fitted: Vec<f64> = (0..n)
        .map(|t| (cma[t] * seasonal[t]).max(MU_FLOOR))
        .collect();
    let inv_r = dispersion(&xf, &fitted, &vec![f64::INFINITY; n], &vec![true; n]).max(MIN_INV_R);

    let width = block(resolution);
    let blocks = n.div_ceil(width);
    let mut y = vec![0.0; blocks];
    let mut e = vec![0.0; blocks];
    for t in 0..n {
        let phi = 1.0 + fitted[t] * inv_r;
        y[t / width] += xf[t] / phi;
        e[t / width] += seasonal[t] / phi;
    }
    let (sy, se) = (y.iter().sum::<f64>(), e.iter().sum::<f64>());
    if sy <= 0.0 || se <= 0.0 || !sy.is_finite() || !se.is_finite() {
        return Vec::new();
    }
    let a0 = PRIOR_COUNTS;
    let b0 = a0 * se / sy;
    let (main, _) = periods(resolution);
    let hazard = (width as f64 / (cfg.cp_run_periods * main as f64)).clamp(1e-12, 0.5);

    let changes = recurse(&y, &e, a0, b0, hazard, cfg.cp_threshold);

    // Segment levels between declared changes, per bin, deseasonalized.
    let mut bounds: Vec<usize> = vec![0];
    bounds.extend(changes.iter().map(|c| c.start * width));
    bounds.push(n);
    let level = |lo: usize, hi: usize| {
        let (sx, ss) = (lo..hi).fold((0.0, 0.0), |(a, b), t| (a + xf[t], b + seasonal[t]));
        if ss > 0.0 {
            sx / ss
        } else {
            0.0
        }
    };
    let mut out: Vec<Anomaly> = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        let before = level(bounds[i], bounds[i + 1]);
        let after = level(bounds[i + 1], bounds[i + 2]);
        let shift = if after >= before {
            Shift::Up
        } else {
            Shift::Down
        };
        let first = c.start * width;
        let last = ((c.at + 1) * width).min(n) - 1;
        // A level that moves in steps the same way, each close behind the
        // last, is one excursion.
        if let Some(prev) = out.last_mut() {
            if prev.shift == shift && first <= prev.window.1 + 1 + cfg.merge_gap(resolution) {
                prev.window.1 = last;
                prev.observed = after;
                prev.score = prev.score.max(c.score);
                continue;
            }
        }
        out.push(Anomaly {
            method: Method::ChangePoint,
            shift,
            index: last,
            window: (first, last),
            observed: after,
            expected: before,
            score: c.score,
            p_value: None,
            threshold: cfg.cp_threshold,
        });
    }
    out
}

/// The run-length recursion over blocks of effective counts `y` with
/// exposures `e`; returns the declared changes.
fn recurse(y: &[f64], e: &[f64], a0: f64, b0: f64, hazard: f64, threshold: f64) -> Vec<Change> {
    let (log_h, log_stay) = (hazard.ln(), (-hazard).ln_1p());
    let mut runs = vec![Run {
        start: 0,
        a: a0 + y[0],
        b: b0 + e[0],
        lw: 0.0,
    }];
    let mut changes = Vec::new();
    let mut last = 0usize;
    for t in 1..y.len() {
        let (yt, et) = (y[t], e[t]);
        for r in runs.iter_mut() {
            r.lw += log_stay + predictive(r.a, r.b, yt, et);
            r.a += yt;
            r.b += et;
        }
        // The prior weights sum to one, so the new run's weight is the
        // hazard times the prior predictive.
        runs.push(Run {
            start: t,
            a: a0 + yt,
            b: b0 + et,
            lw: log_h + predictive(a0, b0, yt, et),
        });
        normalize(&mut runs);
        prune(&mut runs);
        let Some(map) = runs.iter().max_by(|p, q| p.lw.total_cmp(&q.lw)) else {
            continue;
        };
        let floor = if last == 0 { 1 } else { last + MIN_SEPARATION };
        if map.start >= floor {
            let score: f64 = runs
                .iter()
                .filter(|r| r.start > last)
                .map(|r| r.lw.exp())
                .sum();
            if score >= threshold {
                changes.push(Change {
                    start: map.start,
                    at: t,
                    score: score.min(1.0),
                });
                last = map.start;
            }
        }
    }
    changes
}

/// Log predictive of `y` effective counts over exposure `e` under a
/// Gamma(a, b) level, without the `ln Γ(y+1)` every hypothesis shares.
fn predictive(a: f64, b: f64, y: f64, e: f64) -> f64 {
    let total = b + e;
    let mut lp = ln_gamma_ratio(a, y) + a * (b / total).ln();
    if y > 0.0 {
        lp += y * (e / total).ln();
    }
    lp
}

/// `ln Γ(a + y) − ln Γ(a)` for a > 0, y ≥ 0: shifted up to a ≥ 10 by the
/// recurrence, then Stirling's series, written so that a small `y` on a
/// large `a` does not cancel.
fn ln_gamma_ratio(a: f64, y: f64) -> f64 {
    if y <= 0.0 {
        return 0.0;
    }
    if !(a.is_finite() && y.is_finite()) {
        return ln_gamma(a + y) - ln_gamma(a);
    }
    let mut a = a;
    let mut acc = 0.0;
    while a < 10.0 {
        acc += a.ln() - (a + y).ln();
        a += 1.0;
    }
    let z = a + y;
    let series = |v: f64| {
        let i = 1.0 / v;
        let i2 = i * i;
        i * (1.0 / 12.0 - i2 * (1.0 / 360.0 - i2 / 1260.0))
    };
    acc + (a - 0.5) * (y / a).ln_1p() + y * z.ln() - y + series(z) - series(a)
}

/// Makes the weights sum to one.
fn normalize(runs: &mut [Run]) {
    let max = runs.iter().map(|r| r.lw).fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        // Every hypothesis has become impossible (cannot happen with
        // finite inputs); start over from equal weights rather than NaN.
        let w = -(runs.len() as f64).ln();
        runs.iter_mut().for_each(|r| r.lw = w);
        return;
    }
    let sum: f64 = runs.iter().map(|r| (r.lw - max).exp()).sum();
    let log_sum = max + sum.ln();
    runs.iter_mut().for_each(|r| r.lw -= log_sum);
}

/// Drops negligible hypotheses, then the least probable beyond the cap,
/// and renormalizes.
fn prune(runs: &mut Vec<Run>) {
    let max = runs.iter().map(|r| r.lw).fold(f64::NEG_INFINITY, f64::max);
    runs.retain(|r| r.lw >= max - PRUNE_LOG);
    // One hypothesis is added per block, so the cap is passed by one at
    // most: dropping the least probable keeps the rest in start order
    // without a sort.
    while runs.len() > MAX_RUNS {
        let Some(worst) = runs
            .iter()
            .enumerate()
            .min_by(|(_, p), (_, q)| p.lw.total_cmp(&q.lw))
            .map(|(i, _)| i)
        else {
            break;
        };
        runs.remove(worst);
    }
    normalize(runs);
}

/// The mean of `p` bins centred on each bin, the window slid inside the
/// series at its ends.
fn centred_mean(xf: &[f64], p: usize) -> Vec<f64> {
    let n = xf.len();
    let mut prefix = Vec::with_capacity(n + 1);
    prefix.push(0.0);
    for &v in xf {
        let last = prefix.last().copied().unwrap_or(0.0);
        prefix.push(last + v);
    }
    let w = p.min(n).max(1);
    (0..n)
        .map(|t| {
            let lo = t.saturating_sub(w / 2).min(n - w);
            (prefix[lo + w] - prefix[lo]) / w as f64
        })
        .collect()
}

/// The seasonal profile, mean one: per phase, the sum of the counts over
/// the sum of their centred means.
fn profile(xf: &[f64], p: usize) -> Vec<f64> {
    if p <= 1 {
        return vec![1.0];
    }
    let cma = centred_mean(xf, p);
    let mut num = vec![0.5; p];
    let mut den = vec![0.5; p];
    for (t, (&x, &c)) in xf.iter().zip(&cma).enumerate() {
        num[t % p] += x;
        den[t % p] += c;
    }
    let raw: Vec<f64> = num.iter().zip(&den).map(|(a, b)| a / b).collect();
    let mean = raw.iter().sum::<f64>() / p as f64;
    raw.iter().map(|v| v / mean).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_ratio_matches_ln_gamma() {
        for &(a, y) in &[
            (0.3, 2.0),
            (1.0, 0.5),
            (12.0, 7.5),
            (1.0e6, 3.0),
            (50.0, 1.0e4),
        ] {
            let want = ln_gamma(a + y) - ln_gamma(a);
            let got = ln_gamma_ratio(a, y);
            assert!((got - want).abs() < 1e-8 * want.abs().max(1.0), "{a} {y}");
        }
    }
}
