//! Baselines and anomaly detectors over count series: what is usual for
//! each bin, and which stretches are not.
//!
//! Four methods, each answering a different question an analyst asks:
//!
//! | method | question | statistic |
//! |---|---|---|
//! | [`Method::Seasonal`] | is this hour (day, month) unusual for its place in the rhythm? | negative-binomial tail probability against the seasonal baseline |
//! | [`Method::Cusum`] | has the level moved and stayed moved? | Lucas CUSUM in quasi-log-likelihood units |
//! | [`Method::Ewma`] | is the series drifting away from the baseline? | EWMA of counts against the EWMA of expectations |
//! | [`Method::ChangePoint`] | where does one regime end and the next begin? | Bayesian online change-point detection, Poisson–Gamma |
//!
//! All four rest on one baseline ([`baseline`], and the module
//! `seasonal` for how it is built): for every bin the expectation from
//! the same phase of past periods scaled to the recent level, and a
//! negative-binomial predictive distribution whose overdispersion is
//! fitted to the series. Nothing at or after a bin enters its
//! expectation. Every alert ([`Anomaly`]) carries its evidence: what was
//! observed, what was expected, the score or p-value and the threshold it
//! was compared with, and the window of bins it rests on. A sustained
//! excursion is one alert for its window, not one per bin.
//!
//! Pure: the series, its resolution and the configuration are passed in;
//! nothing reads a clock or a file. Costs are linear in the series (the
//! change-point recursion keeps at most 128 run lengths).

mod changepoint;
mod cusum;
mod ewma;
mod model;
mod seasonal;

use serde::{Deserialize, Serialize};

use crate::counts::{Resolution, Series};
use crate::month::Month;

/// A detection method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Tail probability of each bin against its seasonal expectation.
    Seasonal,
    /// Cumulative sum for a sustained relative shift.
    Cusum,
    /// Exponentially weighted moving average chart.
    Ewma,
    /// Bayesian online change-point detection.
    ChangePoint,
}

impl Method {
    /// Every method, in the order [`detect`] runs them.
    pub const ALL: [Method; 4] = [
        Method::Seasonal,
        Method::Cusum,
        Method::Ewma,
        Method::ChangePoint,
    ];

    /// Its name in the API, as it serializes.
    pub fn name(self) -> &'static str {
        match self {
            Method::Seasonal => "seasonal",
            Method::Cusum => "cusum",
            Method::Ewma => "ewma",
            Method::ChangePoint => "changepoint",
        }
    }
}

/// Which way the counts departed from what was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shift {
    /// More than expected.
    Up,
    /// Fewer than expected.
    Down,
}

/// One alert and its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anomaly {
    /// The method that raised it.
    pub method: Method,
    /// Which way.
    pub shift: Shift,
    /// The bin at which the method raised it: the first unusual bin
    /// (seasonal), the first alarm (CUSUM, EWMA), the bin at which the
    /// change became probable enough (change point).
    pub index: usize,
    /// First and last bin of the evidence, inclusive. Seasonal: the
    /// unusual bins or windows of bins, merged when close. CUSUM: from the bin after the
    /// statistic last stood at zero (the estimated start of the shift) to
    /// the last alarm of the excursion. EWMA: from where the chart last
    /// crossed its centre to the last bin beyond its limit. Change point:
    /// from the first bin of the new regime to the bin that raised it.
    pub window: (usize, usize),
    /// The mean count per bin over the window; for a change point the
    /// deseasonalized mean level of the segment after the change.
    pub observed: f64,
    /// The mean expectation per bin over the window; for a change point
    /// the deseasonalized mean level of the segment before it.
    pub expected: f64,
    /// How strong the evidence is, on the method's own scale: seasonal,
    /// −log₁₀ of the smallest tail probability of a bin or window (5 is
    /// one in 100,000);
    /// CUSUM, the statistic at its highest alarm, in nats; EWMA, the
    /// chart's largest distance from its centre in standard deviations;
    /// change point, the posterior probability that a change happened.
    pub score: f64,
    /// The smallest tail probability in the window (seasonal only).
    pub p_value: Option<f64>,
    /// What the evidence was compared with: alpha for the p-value
    /// (seasonal), h (CUSUM), L (EWMA), the posterior threshold (change
    /// point).
    pub threshold: f64,
}

impl Anomaly {
    /// The window in time, `[from_s, to_s)` seconds, for a series whose
    /// first bin starts at `start_s`.
    pub fn span_s(&self, start_s: i64, resolution: Resolution) -> (i64, i64) {
        let start_of = |i: usize| match resolution {
            Resolution::Hour => start_s.saturating_add((i as i64).saturating_mul(3_600)),
            Resolution::Day => start_s.saturating_add((i as i64).saturating_mul(86_400)),
            Resolution::Month => {
                let mut m = Month::of(start_s);
                for _ in 0..i {
                    m = m.next();
                }
                m.start_s()
            }
        };
        (start_of(self.window.0), start_of(self.window.1 + 1))
    }

    /// The first and last month of the window, for a monthly series whose
    /// first bin is `first`.
    pub fn months(&self, first: Month) -> (Month, Month) {
        let nth = |i: usize| (0..i).fold(first, |m, _| m.next());
        (nth(self.window.0), nth(self.window.1))
    }

    /// Whether the window shares a bin with `first..=last`.
    pub fn overlaps(&self, first: usize, last: usize) -> bool {
        self.window.0 <= last && first <= self.window.1
    }
}

/// The seasonal expectation of every bin and the counts that raise no
/// seasonal alert: the band drawn behind a chart of the counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// The expected count of each bin.
    pub expected: Vec<f64>,
    /// The smallest count that is not unusually low at alpha.
    pub low: Vec<f64>,
    /// The largest count that is not unusually high at alpha.
    pub high: Vec<f64>,
    /// The first bin with enough history to alert on; before it the band
    /// is drawn from whatever history there is, and is indicative only.
    pub ready_from: usize,
}

/// What the detectors are tuned with. Scale-free wherever possible, so
/// one set of defaults serves hourly crossings and monthly totals; the
/// defaults are chosen so that a year of hourly counts with a daily and
/// weekly rhythm and no event raises no alert from any method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetectConfig {
    /// The methods [`detect`] runs. Default: all four.
    pub methods: Vec<Method>,
    /// Seasonal: a bin is unusual when its tail probability is below this.
    /// Default 1e-6, for hourly series of 8,760 bins a year, scanned in
    /// both tails at three window widths (measured: two chance alerts in
    /// ninety simulated sector-years, `examples/detect_eval.rs`). Per
    /// bin, so coarser series want a larger value: see
    /// [`DetectConfig::for_resolution`].
    pub alpha: f64,
    /// Seasonal: the window widths scanned, in bins; each window's total is
    /// scored, at alpha divided by the number of widths. Default
    /// `[1, 3, 6]`: an unusual hour, and an unusual few hours (a surge of
    /// groups over a night is invisible hour by hour in sparse sectors).
    /// [`DetectConfig::for_resolution`] scans one and three days, and
    /// single months: the errors of a monthly expectation run on from
    /// month to month, which a summed window would take for evidence.
    pub windows: Vec<usize>,
    /// Seasonal: also alert on unusually low counts. Default true: a
    /// sudden drop (a policy change, or a sensor gone quiet) matters as
    /// much as a surge.
    pub low_tail: bool,
    /// How many past periods the expectation averages. Default 8: eight
    /// weeks for hours and days, eight years for months, so the noise of
    /// the expectation is an eighth of a bin's; where counts are large
    /// enough to trim, the most extreme of the eight is dropped, so one
    /// past surge does not raise the expectation of its phase for two
    /// months.
    pub k_periods: usize,
    /// Past periods needed before Seasonal, CUSUM and EWMA alert. Default
    /// 2. Hourly series fall back to the daily period (24 bins) until they
    /// have that many weeks.
    pub min_periods: usize,
    /// CUSUM: the relative shift tuned for, δ in μ1 = μ0·(1+δ) (and
    /// μ0/(1+δ) downwards). Default 0.5: a 50 % change in level.
    pub cusum_delta: f64,
    /// CUSUM: the alarm threshold h, in nats of quasi-log-likelihood
    /// ratio. Default 14: an in-control run of well over e¹⁴ ≈ 1.2
    /// million bins per direction, over a century of hours; a +50 % shift
    /// of a few crossings an hour still passes it within days.
    pub cusum_h: f64,
    /// EWMA: the weight λ of the newest bin. Default 0.2: the chart
    /// remembers about nine bins.
    pub ewma_lambda: f64,
    /// EWMA: the limit width L in standard deviations of the chart.
    /// Default 5: L = 3 (the textbook value) alarms every few hundred
    /// bins in control, which an hourly series would reach in days; 4.5
    /// still raised a chance alert every few sector-years of hours.
    pub ewma_l: f64,
    /// Change point: λ, the expected run between changes, in periods
    /// (weeks for hours and days, years for months); the hazard per bin is
    /// 1/(λ·period). Default 16: a change of regime a few times a year in
    /// an hourly series, one in sixteen years of months.
    pub cp_run_periods: f64,
    /// Change point: the posterior probability that the current run began
    /// after the last declared change needed to declare a new one.
    /// Default 0.99: at 0.9 the daily blocks of a quiet sector declared
    /// changes in noise.
    pub cp_threshold: f64,
    /// Alerts of one method and direction closer than this many periods
    /// are one excursion. Default 1/7 of a period: a day for hourly
    /// series, a day for daily ones, two months for monthly ones.
    pub merge_periods: f64,
}

impl Default for DetectConfig {
    fn default() -> Self {
        DetectConfig {
            methods: Method::ALL.to_vec(),
            alpha: 1e-6,
            windows: vec![1, 3, 6],
            low_tail: true,
            k_periods: 8,
            min_periods: 2,
            cusum_delta: 0.5,
            cusum_h: 14.0,
            ewma_lambda: 0.2,
            ewma_l: 5.0,
            cp_run_periods: 16.0,
            cp_threshold: 0.99,
            merge_periods: 1.0 / 7.0,
        }
    }
}

impl DetectConfig {
    /// The defaults, with alpha and the window widths set per resolution:
    /// 1e-6 per hour over 1, 3 and 6 hours (8,760 bins a year); 2e-5 per
    /// day over 1 and 3 days; 1e-3 per month over single months (12 a
    /// year, about one chance alert per tail in eighty years). Everything
    /// else is scale-free already. [`Default`] is the hourly tuning.
    pub fn for_resolution(resolution: Resolution) -> DetectConfig {
        DetectConfig {
            alpha: match resolution {
                Resolution::Hour => 1e-6,
                Resolution::Day => 2e-5,
                Resolution::Month => 1e-3,
            },
            windows: match resolution {
                Resolution::Hour => vec![1, 3, 6],
                Resolution::Day => vec![1, 3],
                Resolution::Month => vec![1],
            },
            ..DetectConfig::default()
        }
    }

    /// Checks every field.
    ///
    /// # Errors
    /// The first field out of its range.
    pub fn validate(&self) -> Result<(), DetectError> {
        let bad = |field: &'static str, value: f64, range: &'static str| {
            Err(DetectError::Config {
                field,
                value,
                range,
            })
        };
        let ok = |v: f64, lo: f64, hi: f64| v.is_finite() && v > lo && v <= hi;
        if !(ok(self.alpha, 0.0, 0.01) && self.alpha >= 1e-12) {
            return bad("alpha", self.alpha, "[1e-12, 0.01]");
        }
        if self.windows.is_empty() || self.windows.iter().any(|&w| w == 0 || w > 10_000) {
            return bad(
                "windows",
                self.windows.first().copied().unwrap_or(0) as f64,
                "one or more widths, 1 to 10,000 bins",
            );
        }
        if self.k_periods == 0 || self.k_periods > 520 {
            return bad("k_periods", self.k_periods as f64, "1 to 520");
        }
        if self.min_periods == 0 || self.min_periods > self.k_periods {
            return bad("min_periods", self.min_periods as f64, "1 to k_periods");
        }
        if !ok(self.cusum_delta, 0.0, 100.0) {
            return bad("cusum_delta", self.cusum_delta, "(0, 100]");
        }
        if !ok(self.cusum_h, 0.0, 1e6) {
            return bad("cusum_h", self.cusum_h, "(0, 1e6]");
        }
        if !ok(self.ewma_lambda, 0.0, 1.0) {
            return bad("ewma_lambda", self.ewma_lambda, "(0, 1]");
        }
        if !ok(self.ewma_l, 0.0, 1e6) {
            return bad("ewma_l", self.ewma_l, "(0, 1e6]");
        }
        if !ok(self.cp_run_periods, 0.0, 1e9) {
            return bad("cp_run_periods", self.cp_run_periods, "(0, 1e9]");
        }
        if !ok(self.cp_threshold, 0.0, 1.0) || self.cp_threshold >= 1.0 {
            return bad("cp_threshold", self.cp_threshold, "(0, 1)");
        }
        if !(self.merge_periods.is_finite() && (0.0..=1e3).contains(&self.merge_periods)) {
            return bad("merge_periods", self.merge_periods, "[0, 1000]");
        }
        Ok(())
    }

    /// The merge gap in bins at `resolution`.
    pub(crate) fn merge_gap(&self, resolution: Resolution) -> usize {
        let (period, _) = seasonal::periods(resolution);
        (self.merge_periods * period as f64).round() as usize
    }
}

/// Why a series could not be analysed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DetectError {
    /// No bins at all: there is nothing to expect or to flag.
    #[error("the series is empty")]
    Empty,
    /// A configuration field is out of range.
    #[error("{field} = {value} is out of range: {range}")]
    Config {
        /// The field's name.
        field: &'static str,
        /// Its value.
        value: f64,
        /// What it may be.
        range: &'static str,
    },
}

/// The seasonal baseline of `series`: each bin's expectation and the
/// band of counts that raise no seasonal alert.
///
/// # Errors
/// An empty series or an invalid configuration.
pub fn baseline(
    series: &[u64],
    resolution: Resolution,
    cfg: &DetectConfig,
) -> Result<Band, DetectError> {
    cfg.validate()?;
    if series.is_empty() {
        return Err(DetectError::Empty);
    }
    Ok(band_of(&seasonal::fit(series, resolution, cfg), cfg))
}

/// Every alert of every enabled method, ordered by the bin that raised
/// it.
///
/// # Errors
/// An empty series or an invalid configuration.
pub fn detect(
    series: &[u64],
    resolution: Resolution,
    cfg: &DetectConfig,
) -> Result<Vec<Anomaly>, DetectError> {
    // The band is for charts: the alerts do not need its limits.
    scored(series, resolution, cfg).map(|(_, alerts)| alerts)
}

/// [`baseline`] and [`detect`] together, fitting the baseline once.
///
/// # Errors
/// An empty series or an invalid configuration.
pub fn analyse(
    series: &[u64],
    resolution: Resolution,
    cfg: &DetectConfig,
) -> Result<(Band, Vec<Anomaly>), DetectError> {
    let (fit, alerts) = scored(series, resolution, cfg)?;
    Ok((band_of(&fit, cfg), alerts))
}

/// The fitted baseline and every alert of every enabled method.
fn scored(
    series: &[u64],
    resolution: Resolution,
    cfg: &DetectConfig,
) -> Result<(seasonal::Fit, Vec<Anomaly>), DetectError> {
    cfg.validate()?;
    if series.is_empty() {
        return Err(DetectError::Empty);
    }
    let fit = seasonal::fit(series, resolution, cfg);
    let gap = cfg.merge_gap(resolution);
    let mut out = Vec::new();
    let mut methods = cfg.methods.clone();
    methods.sort();
    methods.dedup();
    for method in methods {
        match method {
            Method::Seasonal => out.extend(seasonal::alerts(series, &fit, cfg, gap)),
            Method::Cusum => {
                let mut flags = Vec::new();
                cusum::detect(series, &fit, cfg.cusum_delta, cfg.cusum_h, &mut flags);
                out.extend(merge_flags(
                    Method::Cusum,
                    &flags,
                    series,
                    &fit,
                    gap,
                    cfg.cusum_h,
                ));
            }
            Method::Ewma => {
                let mut flags = Vec::new();
                ewma::detect(series, &fit, cfg.ewma_lambda, cfg.ewma_l, &mut flags);
                out.extend(merge_flags(
                    Method::Ewma,
                    &flags,
                    series,
                    &fit,
                    gap,
                    cfg.ewma_l,
                ));
            }
            Method::ChangePoint => out.extend(changepoint::alerts(series, resolution, cfg)),
        }
    }
    out.sort_by_key(|a| (a.index, a.method, a.shift));
    Ok((fit, out))
}

/// [`analyse`] for a [`Series`] from the counts.
///
/// # Errors
/// As [`analyse`].
pub fn analyse_series(
    series: &Series,
    cfg: &DetectConfig,
) -> Result<(Band, Vec<Anomaly>), DetectError> {
    analyse(&series.values, series.resolution, cfg)
}

fn band_of(fit: &seasonal::Fit, cfg: &DetectConfig) -> Band {
    let z = model::z_of(cfg.alpha);
    let n = fit.model.len();
    let mut band = Band {
        expected: Vec::with_capacity(n),
        low: Vec::with_capacity(n),
        high: Vec::with_capacity(n),
        ready_from: fit.ready_from,
    };
    for d in &fit.model {
        let (low, high) = d.limits(cfg.alpha, z);
        band.expected.push(d.mu);
        band.low.push(low);
        band.high.push(high);
    }
    band
}

/// One bin's worth of evidence from a detector, before merging.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flag {
    /// The first bin of its evidence.
    pub(crate) start: usize,
    /// The bin that raised it.
    pub(crate) at: usize,
    pub(crate) shift: Shift,
    pub(crate) score: f64,
    pub(crate) p: Option<f64>,
}

/// p-values are reported no smaller than this, so that −log₁₀ p stays a
/// finite number in JSON.
const P_FLOOR: f64 = 1e-300;

impl Flag {
    pub(crate) fn seasonal(start: usize, at: usize, shift: Shift, p: f64) -> Flag {
        let p = p.max(P_FLOOR);
        Flag {
            start,
            at,
            shift,
            score: -p.log10(),
            p: Some(p),
        }
    }
}

/// Merges flags of one method into alerts: per direction, a flag whose
/// evidence starts within `gap` bins of the end of the current alert
/// extends it.
pub(crate) fn merge_flags(
    method: Method,
    flags: &[Flag],
    x: &[u64],
    fit: &seasonal::Fit,
    gap: usize,
    threshold: f64,
) -> Vec<Anomaly> {
    let mut out = Vec::new();
    for shift in [Shift::Up, Shift::Down] {
        let mut open: Option<(usize, usize, usize, f64, Option<f64>)> = None;
        let close = |o: (usize, usize, usize, f64, Option<f64>), out: &mut Vec<Anomaly>| {
            let (first, index, last, score, p) = o;
            let (observed, expected) = window_means(x, fit, first, last);
            out.push(Anomaly {
                method,
                shift,
                index,
                window: (first, last),
                observed,
                expected,
                score,
                p_value: p,
                threshold,
            });
        };
        for f in flags.iter().filter(|f| f.shift == shift) {
            open = match open {
                Some((first, index, last, score, p)) if f.start <= last + 1 + gap => Some((
                    first.min(f.start),
                    index,
                    last.max(f.at),
                    score.max(f.score),
                    match (p, f.p) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    },
                )),
                other => {
                    if let Some(o) = other {
                        close(o, &mut out);
                    }
                    Some((f.start, f.at, f.at, f.score, f.p))
                }
            };
        }
        if let Some(o) = open {
            close(o, &mut out);
        }
    }
    out
}

/// Mean count and mean expectation over `first..=last`.
fn window_means(x: &[u64], fit: &seasonal::Fit, first: usize, last: usize) -> (f64, f64) {
    let last = last.min(x.len().saturating_sub(1));
    let bins = (last + 1).saturating_sub(first).max(1) as f64;
    let (sx, sm) = (first..=last).fold((0.0, 0.0), |(a, b), t| {
        (a + x[t] as f64, b + fit.model[t].mu)
    });
    (sx / bins, sm / bins)
}

#[cfg(test)]
mod tests;
