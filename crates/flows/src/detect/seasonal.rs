//! The seasonal expectation of every bin, its predictive distribution,
//! and the tail-probability detector built on them.
//!
//! Expectation: `expected[t] = level[t] · index[t]`, where
//! - `level[t]` is the mean of the one period just before `t` (the week
//!   before an hour, the week before a day, the twelve months before a
//!   month): recent, and balanced over every phase of the rhythm;
//! - `index[t]` is the ratio of sums `Σ x[t − jP] / Σ level[t − jP]` over
//!   the last `k` periods `j`: the same phase in past periods, each
//!   measured against the level of its own time. Where the counts average
//!   20 or more per bin the most extreme fifth of those ratios is trimmed
//!   from each end, so one past surge does not raise the expectation of
//!   the same phase for k periods; below that the counts are too skewed
//!   for a symmetric trim to be unbiased, and the plain ratio is used.
//!
//! With a flat level this is the trimmed mean of the same phase over the
//! last `k` periods; with a trend (the monthly Border Patrol series fell
//! by a factor five from FY2000 to FY2011) it is "the usual share of the
//! year for this month, times where the series is now", and because the
//! past ratios carry the same lag as today's level, a steady trend does
//! not bias it. Nothing at or after `t` is used.
//!
//! Predictive distribution: negative binomial. The process dispersion
//! `1/r` (variance `mu + mu²/r`) is fitted once per series by the method
//! of moments on the out-of-sample residuals, winsorized at four standard
//! deviations so that the anomalies being looked for do not widen the
//! band that should find them, and floored at zero (Poisson). Because the
//! expectation is itself an average of `n` noisy counts, the predictive
//! variance is `(1 + 1/n)` times the process variance, which in negative
//! binomial terms is `1/r' = 1/(n·mu) + (1 + 1/n)/r`.

use super::model::Nb;
use super::{merge_flags, DetectConfig, Flag, Method, Shift};
use crate::counts::Resolution;

/// Expected counts never fall below this: a phase that was empty in
/// every past period still expects a little, so one crossing after a
/// quiet month is not an alert while a burst of five is.
pub(crate) const MU_FLOOR: f64 = 0.05;
/// Pseudo-count added to both sums of the index: shrinks the index of a
/// nearly empty phase toward the level rather than to zero.
const INDEX_PRIOR: f64 = 0.5;
/// Trimming starts at this mean count per bin: below it the counts are
/// too skewed for a symmetric trim (of eight Poisson counts averaging
/// 0.4, dropping the smallest and largest lowers the mean by a third).
const TRIM_FROM: f64 = 20.0;
/// Residuals beyond this many standard deviations count as this many in
/// the dispersion fit.
const WINSOR: f64 = 4.0;
/// Standardized residuals inside this band cannot have a tail
/// probability below any allowed alpha (≤ 0.01), so the exact tail is not
/// computed for them: it is the expensive part of the detector.
const SCREEN_Z: f64 = 1.5;

/// The periods of the rhythm at `resolution`: the main one, and a
/// shorter one for when history is too short for the main.
pub(crate) fn periods(resolution: Resolution) -> (usize, Option<usize>) {
    match resolution {
        Resolution::Hour => (168, Some(24)),
        Resolution::Day => (7, None),
        Resolution::Month => (12, None),
    }
}

/// The baseline of one series.
#[derive(Debug, Clone)]
pub(crate) struct Fit {
    /// The first bin with `min_periods` of history.
    pub(crate) ready_from: usize,
    /// Whether each bin has enough history to alert on.
    pub(crate) ready: Vec<bool>,
    /// Whether its expectation uses the main period. CUSUM and EWMA wait
    /// for it: they add evidence up over many bins, so the systematic
    /// error of the daily fallback (a weekend judged by weekdays) would
    /// add up to an alarm.
    pub(crate) main: Vec<bool>,
    /// Each bin's predictive distribution.
    pub(crate) model: Vec<Nb>,
    /// Each bin's expectation before the floor: evidence of a drop needs
    /// something to drop from.
    pub(crate) raw: Vec<f64>,
}

/// Fits the baseline of `x`.
pub(crate) fn fit(x: &[u64], resolution: Resolution, cfg: &DetectConfig) -> Fit {
    let n = x.len();
    let xf: Vec<f64> = x.iter().map(|&v| v as f64).collect();
    let mut prefix = Vec::with_capacity(n + 1);
    prefix.push(0.0);
    let mut acc = 0.0;
    for &v in &xf {
        acc += v;
        prefix.push(acc);
    }
    let (long, short) = periods(resolution);
    let mut mu = vec![0.0; n];
    let mut n_eff = vec![1.0; n];
    let mut ready = vec![false; n];
    let mut main = vec![false; n];
    let mut items: Vec<(f64, f64)> = Vec::with_capacity(cfg.k_periods);
    for t in 0..n {
        let mut done = false;
        for p in std::iter::once(long).chain(short) {
            gather(&xf, &prefix, t, p, cfg.k_periods, &mut items);
            if items.len() >= cfg.min_periods {
                let (m, k) = if p == long {
                    expectation(&prefix, t, p, &mut items)
                } else {
                    plain(&items)
                };
                mu[t] = m;
                n_eff[t] = k;
                ready[t] = true;
                main[t] = p == long;
                done = true;
                break;
            }
        }
        if !done {
            // Not enough history to alert: the best guess there is, for
            // the chart only.
            let (m, k) = fallback(&xf, &prefix, t, long, short, cfg.k_periods, &mut items);
            mu[t] = m;
            n_eff[t] = k;
        }
    }
    let inv_r = dispersion(&xf, &mu, &n_eff, &ready);
    let model = mu
        .iter()
        .zip(&n_eff)
        .map(|(&m, &k)| predictive(m, k, inv_r))
        .collect();
    let ready_from = ready.iter().position(|&r| r).unwrap_or(n);
    Fit {
        ready_from,
        ready,
        main,
        model,
        raw: mu,
    }
}

/// The predictive distribution of a bin whose expectation `m` averages
/// `k` counts, under process dispersion `inv_r`.
fn predictive(m: f64, k: f64, inv_r: f64) -> Nb {
    let mu = m.max(MU_FLOOR);
    Nb {
        mu,
        inv_r: 1.0 / (k * mu) + (1.0 + 1.0 / k) * inv_r,
    }
}

/// The mean of the `p` bins before `u` (`u ≥ p`).
fn level(prefix: &[f64], u: usize, p: usize) -> f64 {
    (prefix[u] - prefix[u - p]) / p as f64
}

/// The same phase in up to `k` past periods, each with the level of its
/// own time: `(x[t − jP], level[t − jP])` for `j = 1..=k` while
/// `t − jP ≥ P`.
fn gather(xf: &[f64], prefix: &[f64], t: usize, p: usize, k: usize, out: &mut Vec<(f64, f64)>) {
    out.clear();
    for j in 1..=k {
        let Some(u) = t.checked_sub(j * p) else { break };
        if u < p {
            break;
        }
        out.push((xf[u], level(prefix, u, p)));
    }
}

/// `level[t] · trimmed index`, and how many past periods it rests on.
fn expectation(prefix: &[f64], t: usize, p: usize, items: &mut [(f64, f64)]) -> (f64, f64) {
    let mean = items.iter().map(|i| i.0).sum::<f64>() / items.len().max(1) as f64;
    let trim = if mean >= TRIM_FROM {
        items.len() / 5
    } else {
        0
    };
    if trim > 0 {
        items.sort_unstable_by(|a, b| {
            let ra = (a.0 + INDEX_PRIOR) / (a.1 + INDEX_PRIOR);
            let rb = (b.0 + INDEX_PRIOR) / (b.1 + INDEX_PRIOR);
            ra.total_cmp(&rb)
        });
    }
    let kept = &items[trim..items.len() - trim];
    let (sx, sl) = kept
        .iter()
        .fold((0.0, 0.0), |(sx, sl), &(x, l)| (sx + x, sl + l));
    let index = (sx + INDEX_PRIOR) / (sl + INDEX_PRIOR);
    (level(prefix, t, p) * index, kept.len() as f64)
}

/// The mean of the same phase in past periods, without the level: the
/// daily fallback of an hourly series. Its period misses the weekly part
/// of the rhythm, so a 24-hour level would carry Sunday's volume into
/// Monday morning; the plain mean of the last days mixes weekdays and
/// weekend in proportion instead, an error of a few per cent.
fn plain(items: &[(f64, f64)]) -> (f64, f64) {
    let k = items.len().max(1) as f64;
    (items.iter().map(|i| i.0).sum::<f64>() / k, k)
}

/// The expectation of a bin without enough history: whatever same-phase
/// history there is, else the mean of all earlier bins, else (the first
/// bin) the count itself.
fn fallback(
    xf: &[f64],
    prefix: &[f64],
    t: usize,
    long: usize,
    short: Option<usize>,
    k: usize,
    items: &mut Vec<(f64, f64)>,
) -> (f64, f64) {
    for p in std::iter::once(long).chain(short) {
        gather(xf, prefix, t, p, k, items);
        if !items.is_empty() {
            return if p == long {
                expectation(prefix, t, p, items)
            } else {
                plain(items)
            };
        }
    }
    if t == 0 {
        (xf.first().copied().unwrap_or(0.0), 1.0)
    } else {
        (prefix[t] / t as f64, t as f64)
    }
}

/// Method-of-moments estimate of 1/r from the ready bins, winsorized and
/// iterated to a fixed point.
///
/// Each bin gives an unbiased estimate `((x − μ)²/g − μ)/μ²` of 1/r (g the
/// variance inflation of its baseline); its variance is about `2v²/μ⁴`, so
/// the bins are weighted by `(μ/(1 + μ/r))²`. For hourly counts that is
/// nearly μ² (busy hours say most about dispersion); for monthly totals,
/// where μ ≫ r, it is nearly constant, so the era with the largest
/// numbers does not decide the dispersion of the whole series.
pub(crate) fn dispersion(xf: &[f64], mu: &[f64], n_eff: &[f64], use_bin: &[bool]) -> f64 {
    let moments = |inv_r: f64, cap: bool| {
        let (mut num, mut den) = (0.0, 0.0);
        for t in 0..xf.len() {
            if !use_bin[t] {
                continue;
            }
            let m = mu[t].max(MU_FLOOR);
            let g = 1.0 + 1.0 / n_eff[t];
            let phi = 1.0 + m * inv_r;
            let mut d2 = (xf[t] - m) * (xf[t] - m);
            if cap {
                d2 = d2.min(WINSOR * WINSOR * m * phi * g);
            }
            let w = 1.0 / (phi * phi);
            num += w * (d2 / g - m);
            den += w * m * m;
        }
        if den > 0.0 && num.is_finite() {
            (num / den).clamp(0.0, 1.0e6)
        } else {
            0.0
        }
    };
    // Start from the plain estimate, then let the weights and the cap
    // follow it; a few rounds settle to a part in 10⁴.
    let mut inv_r = moments(0.0, false);
    for _ in 0..20 {
        let next = moments(inv_r, true);
        let settled = (next - inv_r).abs() <= 1e-4 * inv_r.max(1e-12);
        inv_r = next;
        if settled {
            break;
        }
    }
    inv_r
}

/// The seasonal detector's flags: every window of each configured width
/// whose total has a tail probability below `alpha / widths` (high always,
/// low when the config asks for it).
///
/// A window's total is scored against the negative binomial with the
/// summed mean and variance of its bins. One bin at a time, a six-hour
/// tripling of three crossings an hour is lost in group noise; summed
/// over six hours it is a one-in-a-billion total. Splitting alpha over
/// the widths keeps the chance alerts of the whole scan near alpha per
/// bin.
pub(crate) fn detect(x: &[u64], fit: &Fit, cfg: &DetectConfig, out: &mut Vec<Flag>) {
    let n = x.len();
    let alpha = cfg.alpha / cfg.windows.len().max(1) as f64;
    // Prefix sums: counts, means, variances, and ready bins.
    let mut px = vec![0.0; n + 1];
    let mut pm = vec![0.0; n + 1];
    let mut pv = vec![0.0; n + 1];
    let mut pr = vec![0usize; n + 1];
    for t in 0..n {
        let d = fit.model[t];
        px[t + 1] = px[t] + x[t] as f64;
        pm[t + 1] = pm[t] + d.mu;
        pv[t + 1] = pv[t] + d.var();
        // Single bins are scored wherever they are ready; sums only on the
        // main period, for the reason CUSUM waits for it.
        pr[t + 1] = pr[t] + usize::from(fit.main[t]);
    }
    for t in 0..n {
        for &w in &cfg.windows {
            let Some(first) = (t + 1).checked_sub(w) else {
                continue;
            };
            let ready = if w == 1 {
                fit.ready[t]
            } else {
                pr[t + 1] - pr[first] == w
            };
            if !ready {
                continue;
            }
            let sx = px[t + 1] - px[first];
            let mu = pm[t + 1] - pm[first];
            let var = pv[t + 1] - pv[first];
            let d = if w == 1 {
                fit.model[t]
            } else {
                Nb {
                    mu,
                    inv_r: ((var - mu) / (mu * mu)).max(0.0),
                }
            };
            let z = (sx - mu) / var.sqrt();
            if z >= SCREEN_Z {
                let p = d.upper(sx);
                if p < alpha {
                    out.push(Flag::seasonal(first, t, Shift::Up, p));
                }
            } else if cfg.low_tail && z <= -SCREEN_Z {
                let p = d.lower(sx);
                if p < alpha {
                    out.push(Flag::seasonal(first, t, Shift::Down, p));
                }
            }
        }
    }
}

/// Runs the seasonal detector and merges its flags into alerts.
pub(crate) fn alerts(x: &[u64], fit: &Fit, cfg: &DetectConfig, gap: usize) -> Vec<super::Anomaly> {
    let mut flags = Vec::new();
    detect(x, fit, cfg, &mut flags);
    merge_flags(Method::Seasonal, &flags, x, fit, gap, cfg.alpha)
}
