//! The analyst's flow report: counts and trends per sector with their
//! baseline, the anomalies with their evidence, the alerts raised, the
//! official monthly series for context, the method and its parameters,
//! and the data's provenance (which sources reported, which hours had no
//! coverage), as a `report::Document` the command line renders to PDF and
//! the web COP to HTML.
//!
//! Built from the counts, the alerts, the official series and the window
//! alone: the same data gives the same report. Everything in it is
//! aggregate; nothing names or follows a track.

use flows::counts::{Counts, Filter, Resolution};
use flows::detect::{analyse, Anomaly, DetectConfig, Method, Shift};
use flows::official::Series as Official;
use flows::{Alert, Direction};
use report::{Align, Block, Document, Paper, Section, Series, Tone};

use crate::flows::iso;

/// History before the window the baseline is fitted on, seconds: the
/// eight weeks the seasonal expectation averages.
const HISTORY_S: i64 = 8 * 7 * 86_400;
/// The most coverage gaps listed.
const MAX_GAPS: usize = 40;
/// Years of an official series drawn for context.
const OFFICIAL_YEARS: usize = 8;

/// What a report is made from.
#[derive(Debug)]
pub struct FlowReportInput<'a> {
    /// The counts, from at least eight weeks before the window.
    pub counts: &'a Counts,
    /// The sectors, `(code, name)`, in border order.
    pub sectors: &'a [(String, String)],
    /// One sector, or every sector.
    pub sector: Option<&'a str>,
    /// The window, `[from_s, to_s)`.
    pub from_s: i64,
    /// Its end.
    pub to_s: i64,
    /// Every alert stored.
    pub alerts: &'a [Alert],
    /// Every official series stored.
    pub official: &'a [Official],
    /// The as-of time printed.
    pub generated: String,
    /// The marking on every page; `None` puts SIMULATION there when any
    /// source of the counts is simulated.
    pub marking: Option<String>,
}

/// The bin width a window is charted at: hours up to three days, days up
/// to four months, months beyond.
pub fn resolution_for(from_s: i64, to_s: i64) -> Resolution {
    let span = to_s - from_s;
    if span <= 3 * 86_400 {
        Resolution::Hour
    } else if span <= 120 * 86_400 {
        Resolution::Day
    } else {
        Resolution::Month
    }
}

fn short(t_s: i64, by: Resolution) -> String {
    let full = iso(t_s);
    match by {
        Resolution::Hour => match (full.get(..10), full.get(11..16)) {
            (Some(day), Some(hm)) => format!("{day} {hm}Z"),
            _ => full,
        },
        Resolution::Day => full.get(..10).unwrap_or(&full).to_string(),
        Resolution::Month => full.get(..7).unwrap_or(&full).to_string(),
    }
}

fn evidence(a: &Anomaly) -> String {
    match a.p_value {
        Some(p) => format!("p = {p:.1e} < {:.0e}", a.threshold),
        None => format!("{:.3} > {}", a.score, a.threshold),
    }
}

/// One sector's chart and anomalies in the window.
struct SectorView {
    code: String,
    name: String,
    section: Section,
    anomalies: usize,
    northbound: u64,
    southbound: u64,
    turn_backs: u64,
}

fn sector_view(
    input: &FlowReportInput<'_>,
    code: &str,
    name: &str,
    by: Resolution,
    cfg: &DetectConfig,
) -> Option<SectorView> {
    let north = Filter {
        direction: Some(Direction::Northbound),
        ..Filter::crossings().in_sector(code)
    };
    let fit_from = by.floor(input.from_s - HISTORY_S);
    let series = input.counts.series(&north, by, fit_from, input.to_s).ok()?;
    let starts = series.starts();
    let first = starts.iter().position(|&s| s >= by.floor(input.from_s))?;
    let totals = input
        .counts
        .totals(&Filter::crossings(), input.from_s, input.to_s);
    let t = totals.get(code).copied().unwrap_or_default();
    let turn_backs = t.turn_backs;
    let (band, anomalies) = analyse(&series.values, by, cfg).ok()?;
    let shown: Vec<&Anomaly> = anomalies.iter().filter(|a| a.window.1 >= first).collect();
    let mut s = Section::new(format!("{code} — {name}"));
    s = s.with(Block::KeyValues(vec![
        ("Northbound crossings".into(), t.northbound.to_string()),
        ("Southbound crossings".into(), t.southbound.to_string()),
        ("Turn-backs".into(), turn_backs.to_string()),
        ("Anomalies in the window".into(), shown.len().to_string()),
    ]));
    let values: Vec<f64> = series.values[first..].iter().map(|&v| v as f64).collect();
    if values.iter().any(|&v| v > 0.0) || band.expected[first..].iter().any(|&v| v > 0.05) {
        let labels: Vec<String> = starts[first..].iter().map(|&t| short(t, by)).collect();
        let ready = band.ready_from.saturating_sub(first);
        let masked = |v: &[f64]| -> Vec<f64> {
            v[first..]
                .iter()
                .enumerate()
                .map(|(i, &x)| if i >= ready { x } else { f64::NAN })
                .collect()
        };
        s = s.with(Block::LineChart {
            title: format!(
                "{code}: northbound crossings per {} and the baseline",
                unit(by)
            ),
            x_labels: labels,
            series: vec![
                Series::new("counted", values),
                Series::new("expected", masked(&band.expected))
                    .with_band(masked(&band.low), masked(&band.high)),
            ],
            y_label: format!("crossings per {}", unit(by)),
        });
    }
    if !shown.is_empty() {
        let rows = shown
            .iter()
            .map(|a| {
                let (f, t) = a.span_s(series.start_s, by);
                vec![
                    a.method.name().to_string(),
                    match a.shift {
                        Shift::Up => "up".into(),
                        Shift::Down => "down".into(),
                    },
                    format!("{} to {}", short(f, by), short(t, by)),
                    format!("{:.1}", a.observed),
                    format!("{:.1}", a.expected),
                    evidence(a),
                ]
            })
            .collect();
        s = s.with(Block::table(
            &format!("{code}: anomalies and their evidence (per {})", unit(by)),
            &[
                "method",
                "way",
                "window",
                "observed",
                "expected",
                "score or p-value",
            ],
            rows,
            &[
                Align::Left,
                Align::Center,
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
            ],
        ));
    }
    Some(SectorView {
        code: code.to_string(),
        name: name.to_string(),
        section: s,
        anomalies: shown.len(),
        northbound: t.northbound,
        southbound: t.southbound,
        turn_backs,
    })
}

fn unit(by: Resolution) -> &'static str {
    match by {
        Resolution::Hour => "hour",
        Resolution::Day => "day",
        Resolution::Month => "month",
    }
}

/// The official series for a sector (Border Patrol's, by its code) or
/// the Southwest border total, with the last years drawn.
fn official_section(official: &[Official], sector: Option<&str>) -> Section {
    let mut s = Section::new("Official statistics for context");
    let want = sector.unwrap_or("Southwest");
    let found: Vec<&Official> = official
        .iter()
        .filter(|o| o.key.sector.eq_ignore_ascii_case(want))
        .collect();
    if found.is_empty() {
        return s.with(Block::Paragraph(format!(
            "No official series for {want} is imported (watchfloor flows import, or POST /api/flows/official)."
        )));
    }
    s = s.with(Block::Paragraph(
        "Official figures count apprehensions or encounters, not crossings seen by the task force's sensors: \
         they measure a different thing over a different area, and are shown for the trend, not to be added to ours."
            .into(),
    ));
    let cfg = DetectConfig::for_resolution(Resolution::Month);
    let mut rows = Vec::new();
    for o in found {
        let Some((first, last)) = o.span() else {
            continue;
        };
        let months = first.months_until(last) + 1;
        let skip = usize::try_from(months)
            .unwrap_or(0)
            .saturating_sub(OFFICIAL_YEARS * 12);
        let all = o.zero_filled(first, last);
        let mut m = first;
        let mut labels = Vec::new();
        for _ in 0..all.len() {
            labels.push(m.to_string());
            m = m.next();
        }
        let alerts = analyse(&all, Resolution::Month, &cfg)
            .map(|(_, a)| a)
            .unwrap_or_default();
        for a in &alerts {
            let (f, t) = a.months(first);
            rows.push(vec![
                o.key.to_string(),
                a.method.name().to_string(),
                match a.shift {
                    Shift::Up => "up".into(),
                    Shift::Down => "down".into(),
                },
                format!("{f} to {t}"),
                format!("{:.0}", a.observed),
                format!("{:.0}", a.expected),
                evidence(a),
            ]);
        }
        s = s.with(Block::LineChart {
            title: format!(
                "{}: per month, {} to {}",
                o.key,
                labels[skip.min(labels.len().saturating_sub(1))],
                last
            ),
            x_labels: labels[skip..].to_vec(),
            series: vec![Series::new(
                o.key.to_string(),
                o.contiguous(first, last)[skip..]
                    .iter()
                    .map(|v| v.map_or(f64::NAN, |n| n as f64))
                    .collect(),
            )],
            y_label: "per month".into(),
        });
    }
    if !rows.is_empty() {
        s = s.with(Block::table(
            "Anomalies in the official series (same detectors, monthly tuning)",
            &[
                "series",
                "method",
                "way",
                "months",
                "observed",
                "expected",
                "score or p-value",
            ],
            rows,
            &[
                Align::Left,
                Align::Left,
                Align::Center,
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
            ],
        ));
    }
    s
}

fn method_section(by: Resolution, cfg: &DetectConfig) -> Section {
    let methods: Vec<&str> = cfg.methods.iter().map(|m| m.name()).collect();
    Section::new("Method")
        .with(Block::Paragraph(format!(
            "Counts are northbound border crossings of tracks the task force does not own, per {} (UTC), placed in \
             sectors by their chainage along the border line. The baseline of each bin is the same phase of past \
             periods (hour of week, day of week, month of year) scaled to the recent level, never using the bin \
             itself; the band is the range of counts that raises no seasonal alert. Seasonal: negative-binomial tail \
             probability of a bin or a few bins. CUSUM: a sustained relative shift. EWMA: drift from the baseline. \
             Change point: Bayesian online change-point detection of the level (Poisson-Gamma).",
            unit(by)
        )))
        .with(Block::KeyValues(vec![
            ("Methods".into(), methods.join(", ")),
            ("Seasonal alpha per bin".into(), format!("{:e}", cfg.alpha)),
            ("Seasonal windows, bins".into(), format!("{:?}", cfg.windows)),
            ("Past periods averaged".into(), cfg.k_periods.to_string()),
            ("Periods before alerting".into(), cfg.min_periods.to_string()),
            (
                "CUSUM shift and threshold".into(),
                format!("+{:.0} %, h = {}", cfg.cusum_delta * 100.0, cfg.cusum_h),
            ),
            (
                "EWMA weight and limit".into(),
                format!("lambda = {}, L = {}", cfg.ewma_lambda, cfg.ewma_l),
            ),
            (
                "Change point run and threshold".into(),
                format!("{} periods, P > {}", cfg.cp_run_periods, cfg.cp_threshold),
            ),
        ]))
}

fn provenance_section(input: &FlowReportInput<'_>) -> Section {
    let cov = input.counts.coverage(input.from_s, input.to_s);
    let mut s = Section::new("Provenance").with(Block::KeyValues(vec![
        (
            "Hours covered".into(),
            format!("{} of {}", cov.covered_hours, cov.hours),
        ),
        (
            "Runs of hours no source reported".into(),
            cov.gaps.len().to_string(),
        ),
        (
            "Sector limits".into(),
            "approximate defaults (county lines), editable by the operator".into(),
        ),
    ]));
    if cov.sources.is_empty() {
        s = s.with(Block::Note {
            tone: Tone::Warning,
            text: "No source reported in this window: a zero here is not evidence of quiet.".into(),
        });
    } else {
        let rows = cov
            .sources
            .iter()
            .map(|c| {
                vec![
                    c.source.clone(),
                    c.updates.to_string(),
                    c.hours.to_string(),
                    short(c.first_s, Resolution::Hour),
                    short(c.last_s, Resolution::Hour),
                ]
            })
            .collect();
        s = s.with(Block::table(
            "Sources of the counts",
            &["source", "updates", "hours", "first", "last"],
            rows,
            &[
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Left,
                Align::Left,
            ],
        ));
    }
    if !cov.gaps.is_empty() {
        let rows = cov
            .gaps
            .iter()
            .take(MAX_GAPS)
            .map(|(a, b)| {
                vec![
                    short(*a, Resolution::Hour),
                    short(*b, Resolution::Hour),
                    ((b - a) / 3_600).to_string(),
                ]
            })
            .collect();
        let caption = if cov.gaps.len() > MAX_GAPS {
            format!(
                "Hours without coverage (the first {MAX_GAPS} of {})",
                cov.gaps.len()
            )
        } else {
            "Hours without coverage".to_string()
        };
        s = s.with(Block::table(
            &caption,
            &["from", "to", "hours"],
            rows,
            &[Align::Left, Align::Left, Align::Right],
        ));
    }
    s
}

/// The report of `input`.
pub fn flow_report(input: &FlowReportInput<'_>) -> Document {
    let by = resolution_for(input.from_s, input.to_s);
    let cfg = DetectConfig::for_resolution(by);
    let place = input.sector.unwrap_or("the Southwest border");
    let mut doc = Document::new(format!("Flow report: {place}"), input.generated.clone());
    doc.subtitle = Some(format!(
        "{} to {}, per {}. Aggregate counts of anonymous tracks: no person is identified or followed.",
        short(input.from_s, Resolution::Hour),
        short(input.to_s, Resolution::Hour),
        unit(by)
    ));
    doc.paper = Paper::Letter;
    let simulated = input
        .counts
        .coverage(input.from_s - HISTORY_S, input.to_s)
        .sources
        .iter()
        .any(|s| s.source.to_ascii_uppercase().contains("SIM"));
    doc.marking = input
        .marking
        .clone()
        .or_else(|| simulated.then(|| "SIMULATION".to_string()));

    let views: Vec<SectorView> = input
        .sectors
        .iter()
        .filter(|(code, _)| input.sector.is_none_or(|s| s.eq_ignore_ascii_case(code)))
        .filter_map(|(code, name)| sector_view(input, code, name, by, &cfg))
        .collect();
    let in_window: Vec<&Alert> = input
        .alerts
        .iter()
        .filter(|a| a.to_s > input.from_s && a.from_s < input.to_s)
        .filter(|a| {
            input
                .sector
                .is_none_or(|s| s.eq_ignore_ascii_case(&a.sector))
        })
        .collect();

    let mut summary = Section::new("Summary").with(Block::table(
        "Crossings and anomalies by sector in the window",
        &[
            "sector",
            "name",
            "northbound",
            "southbound",
            "turn-backs",
            "anomalies",
        ],
        views
            .iter()
            .map(|v| {
                vec![
                    v.code.clone(),
                    v.name.clone(),
                    v.northbound.to_string(),
                    v.southbound.to_string(),
                    v.turn_backs.to_string(),
                    v.anomalies.to_string(),
                ]
            })
            .collect(),
        &[
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
        ],
    ));
    if simulated {
        summary = summary.with(Block::Note {
            tone: Tone::Info,
            text: "Some counts in this report are SIMULATED (a source named SIMULATED or SIM): training data, not observations."
                .into(),
        });
    }
    doc.sections.push(summary);
    let mut alerts = Section::new("Alerts raised");
    if in_window.is_empty() {
        alerts = alerts.with(Block::Paragraph(
            "No alert was raised in the window.".into(),
        ));
    } else {
        let rows = in_window
            .iter()
            .map(|a| {
                vec![
                    a.sector.clone(),
                    a.method.name().to_string(),
                    format!(
                        "{} to {}",
                        short(a.from_s, Resolution::Hour),
                        short(a.to_s, Resolution::Hour)
                    ),
                    format!("{:.1}", a.observed),
                    format!("{:.1}", a.expected),
                    match (a.method, a.p_value) {
                        (Method::Seasonal, Some(p)) => format!("p = {p:.1e}"),
                        _ => format!("{:.3}", a.score),
                    },
                    short(a.raised_s, Resolution::Hour),
                ]
            })
            .collect();
        alerts = alerts.with(Block::table(
            "Alerts sent to the intelligence cell, with their evidence",
            &[
                "sector",
                "method",
                "window",
                "observed",
                "expected",
                "score or p",
                "raised",
            ],
            rows,
            &[
                Align::Left,
                Align::Left,
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Left,
            ],
        ));
    }
    doc.sections.push(alerts);
    // Every sector is in the summary; a sector with nothing in the window
    // gets no section of its own unless it was asked for.
    doc.sections.extend(
        views
            .into_iter()
            .filter(|v| input.sector.is_some() || v.northbound + v.southbound + v.turn_backs > 0)
            .map(|v| v.section),
    );
    doc.sections
        .push(official_section(input.official, input.sector));
    doc.sections.push(method_section(by, &cfg));
    doc.sections.push(provenance_section(input));
    doc
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FlowReportError {
    /// The sector asked for is not one of them.
    #[error("unknown sector {0:?}; the sectors are {1}")]
    UnknownSector(String, String),
}

/// [`flow_report`] over `sectors`, now as the as-of time: what the
/// command line and the API both call.
///
/// # Errors
/// An unknown sector.
#[allow(clippy::too_many_arguments)] // the report's inputs, each its own kind
pub fn report_from(
    counts: &Counts,
    sectors: &flows::Sectors,
    alerts: &[Alert],
    official: &[Official],
    sector: Option<&str>,
    from_s: i64,
    to_s: i64,
    marking: Option<String>,
) -> Result<Document, FlowReportError> {
    let list: Vec<(String, String)> = sectors
        .list()
        .iter()
        .map(|s| (s.code.clone(), s.name.clone()))
        .collect();
    let sector = match sector {
        None => None,
        Some(want) => Some(
            list.iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(want))
                .map(|(c, _)| c.as_str())
                .ok_or_else(|| {
                    FlowReportError::UnknownSector(
                        want.to_string(),
                        list.iter()
                            .map(|(c, _)| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                })?,
        ),
    };
    Ok(flow_report(&FlowReportInput {
        counts,
        sectors: &list,
        sector,
        from_s,
        to_s,
        alerts,
        official,
        generated: iso(crate::now().millis().div_euclid(1000)),
        marking,
    }))
}
