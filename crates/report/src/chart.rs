//! Bar and line charts laid out as shapes, the same for PDF and SVG.
//!
//! Text in a chart has fixed room: titles wrap to three lines, category
//! labels to two, legend entries and the y label are cut with an ellipsis.
//! Everything else in the document wraps in full.

use crate::draw::{series_color, Anchor, Rgb, Shape, TextStyle};
use crate::model::Series;
use crate::text::{TextEngine, Weight};

const TITLE: f32 = 10.0;
const LABEL: f32 = 7.5;
const DATA_LABEL: f32 = 6.5;
const PLOT_H: f32 = 170.0;
/// More legend rows than this and the rest is summarised, so a chart of a
/// thousand series still fits a page.
const LEGEND_ROWS: usize = 4;

/// A chart laid out in a box of `width` × `height`, origin top left.
pub(crate) struct Picture {
    pub(crate) shapes: Vec<Shape>,
    pub(crate) width: f32,
    pub(crate) height: f32,
}

/// What kind of chart, with its x positions.
pub(crate) enum Kind<'a> {
    /// Grouped bars, one group per category.
    Bars(&'a [String]),
    /// Lines over ordered x labels.
    Lines(&'a [String]),
}

/// Lays a chart out in `width` points.
pub(crate) fn layout(
    eng: &mut TextEngine,
    width: f32,
    title: &str,
    kind: Kind<'_>,
    series: &[Series],
    y_label: &str,
) -> Picture {
    let mut shapes = Vec::new();
    let mut y = 0.0;
    for line in eng.wrap_clipped(Weight::Bold, TITLE, width, 3, title) {
        y += TITLE * 1.25;
        shapes.push(Shape::text(0.0, y, line, TITLE, Anchor::Start).bold());
    }
    y += 4.0;
    y = legend(eng, &mut shapes, width, y, series);

    let positions = match kind {
        Kind::Bars(c) | Kind::Lines(c) => c.len(),
    };
    let (lo, hi) = value_range(&kind, series);
    let axis = match (lo, hi) {
        (Some(lo), Some(hi)) if positions > 0 => Axis::new(lo, hi),
        _ => None,
    };
    let Some(axis) = axis else {
        let message = if lo.is_some() {
            "values out of range"
        } else {
            "no data"
        };
        shapes.push(frame(0.0, y, width, PLOT_H));
        shapes.push(
            Shape::text(
                width / 2.0,
                y + PLOT_H / 2.0,
                message,
                TITLE,
                Anchor::Middle,
            )
            .color(Rgb::GREY),
        );
        return Picture {
            shapes,
            width,
            height: y + PLOT_H + 4.0,
        };
    };

    // The y axis: its label turned on the left, tick labels right-aligned.
    let ticks: Vec<(f64, String)> = axis.ticks().into_iter().map(|v| (v, axis.fmt(v))).collect();
    let tick_w = ticks
        .iter()
        .map(|(_, t)| eng.width(Weight::Regular, LABEL, t))
        .fold(0.0, f32::max);
    let label_x = LABEL;
    let plot_x = LABEL * 1.6 + tick_w + 4.0;
    let plot_w = (width - plot_x - 4.0).max(10.0);
    let plot = Plot {
        x: plot_x,
        y,
        w: plot_w,
        h: PLOT_H,
        axis,
    };
    let y_text = eng.ellipsize(Weight::Regular, LABEL, PLOT_H, y_label);
    shapes.push(
        Shape::text(label_x, y + PLOT_H / 2.0, y_text, LABEL, Anchor::Middle)
            .color(Rgb::GREY)
            .vertical(),
    );
    for (v, t) in &ticks {
        let ty = plot.y_of(*v);
        shapes.push(Shape::Line {
            from: (plot.x, ty),
            to: (plot.x + plot.w, ty),
            color: Rgb(0xe4, 0xe4, 0xe4),
            width: 0.5,
        });
        shapes.push(Shape::text(
            plot.x - 3.0,
            ty + LABEL * 0.35,
            t.clone(),
            LABEL,
            Anchor::End,
        ));
    }

    let below = match kind {
        Kind::Bars(categories) => bars(eng, &mut shapes, &plot, categories, series),
        Kind::Lines(labels) => lines(eng, &mut shapes, &plot, labels, series),
    };
    shapes.push(frame(plot.x, plot.y, plot.w, plot.h));
    Picture {
        shapes,
        width,
        height: y + PLOT_H + below + 4.0,
    }
}

fn frame(x: f32, y: f32, w: f32, h: f32) -> Shape {
    Shape::Rect {
        x,
        y,
        w,
        h,
        fill: None,
        stroke: Some(Rgb::LIGHT),
    }
}

/// The legend as rows of swatch + name; returns the y below it.
fn legend(
    eng: &mut TextEngine,
    shapes: &mut Vec<Shape>,
    width: f32,
    top: f32,
    series: &[Series],
) -> f32 {
    let mut x = 0.0;
    let mut row = 0;
    let mut y = top;
    let line_h = LABEL * 1.6;
    for (i, s) in series.iter().enumerate() {
        let name = eng.ellipsize(Weight::Regular, LABEL, (width / 2.0).min(220.0), &s.name);
        let w = 12.0 + eng.width(Weight::Regular, LABEL, &name) + 10.0;
        if x > 0.0 && x + w > width {
            row += 1;
            x = 0.0;
            if row == LEGEND_ROWS {
                let rest = format!("and {} more series", series.len() - i);
                shapes.push(
                    Shape::text(0.0, y + line_h + LABEL, rest, LABEL, Anchor::Start)
                        .color(Rgb::GREY),
                );
                return y + 2.0 * line_h + 2.0;
            }
            y += line_h;
        }
        shapes.push(Shape::Rect {
            x,
            y: y + 1.0,
            w: 8.0,
            h: 8.0,
            fill: Some(series_color(i)),
            stroke: None,
        });
        shapes.push(Shape::text(
            x + 12.0,
            y + LABEL + 0.5,
            name,
            LABEL,
            Anchor::Start,
        ));
        x += w;
    }
    if series.is_empty() {
        top
    } else {
        y + line_h + 4.0
    }
}

/// The range of the finite data: (None, None) when there is none. Bars
/// always include zero; lines of counts (all ≥ 0) start at zero too, so a
/// small change never looks like a collapse.
fn value_range(kind: &Kind<'_>, series: &[Series]) -> (Option<f64>, Option<f64>) {
    let mut values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .collect();
    if let Kind::Lines(_) = kind {
        for (low, high) in series.iter().filter_map(|s| s.band.as_ref()) {
            values.extend(low.iter().chain(high).copied());
        }
    }
    let finite = values.into_iter().filter(|v| v.is_finite());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in finite {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return (None, None);
    }
    if matches!(kind, Kind::Bars(_)) || lo >= 0.0 {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    (Some(lo), Some(hi))
}

/// A y axis with "nice" ticks (steps of 1, 2 or 5 × 10ⁿ).
#[derive(Debug, Clone, Copy)]
struct Axis {
    lo: f64,
    hi: f64,
    step: f64,
}

impl Axis {
    /// None when the range cannot be drawn (it overflows f64).
    fn new(lo: f64, hi: f64) -> Option<Axis> {
        let (lo, hi) = if lo == hi {
            let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
            (lo - pad, hi + pad)
        } else {
            (lo, hi)
        };
        let range = hi - lo;
        if !range.is_finite() || range <= 0.0 {
            return None;
        }
        let raw = range / 5.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * mag);
        let lo = (lo / step).floor() * step;
        let hi = (hi / step).ceil() * step;
        (step > 0.0 && (hi - lo).is_finite() && hi > lo).then_some(Axis { lo, hi, step })
    }

    fn ticks(&self) -> Vec<f64> {
        // Bounded: with values near 1e16 a step can vanish in rounding.
        (0..=12)
            .map(|i| self.lo + i as f64 * self.step)
            .take_while(|v| *v <= self.hi + self.step * 1e-9)
            .collect()
    }

    fn fmt(&self, v: f64) -> String {
        let decimals = if self.step >= 1.0 {
            0
        } else {
            (-self.step.log10().floor()).clamp(0.0, 6.0) as usize
        };
        format_fixed(v, decimals)
    }
}

struct Plot {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    axis: Axis,
}

impl Plot {
    fn y_of(&self, v: f64) -> f32 {
        let t = (v - self.axis.lo) / (self.axis.hi - self.axis.lo);
        self.y + self.h - (t.clamp(0.0, 1.0) as f32) * self.h
    }
}

/// Grouped bars with value labels; returns the height used below the plot.
fn bars(
    eng: &mut TextEngine,
    shapes: &mut Vec<Shape>,
    plot: &Plot,
    categories: &[String],
    series: &[Series],
) -> f32 {
    let n = categories.len().max(1) as f32;
    let slot = plot.w / n;
    let group = slot * 0.8;
    let bar_w = group / series.len().max(1) as f32;
    let zero = plot.y_of(0.0);
    let labels: Vec<Vec<Option<String>>> = series
        .iter()
        .map(|s| {
            s.values
                .iter()
                .map(|v| v.is_finite().then(|| format_value(*v)))
                .collect()
        })
        .collect();
    let label_fits = labels.iter().flatten().flatten().all(|l| {
        eng.width(Weight::Regular, DATA_LABEL, l) <= bar_w + slot * 0.2 / series.len().max(1) as f32
    });
    for (si, s) in series.iter().enumerate() {
        for (ci, v) in s.values.iter().enumerate().take(categories.len()) {
            if !v.is_finite() {
                continue;
            }
            let x = plot.x + ci as f32 * slot + slot * 0.1 + si as f32 * bar_w;
            let top = plot.y_of(*v);
            let (y, h) = if top <= zero {
                (top, zero - top)
            } else {
                (zero, top - zero)
            };
            shapes.push(Shape::Rect {
                x,
                y,
                w: (bar_w - 1.0).max(0.5),
                h: h.max(0.3),
                fill: Some(series_color(si)),
                stroke: None,
            });
            if let (true, Some(Some(label))) = (label_fits, labels[si].get(ci)) {
                let ly = if *v >= 0.0 {
                    y - 2.0
                } else {
                    y + h + DATA_LABEL
                };
                shapes.push(Shape::text(
                    x + bar_w / 2.0,
                    ly,
                    label.clone(),
                    DATA_LABEL,
                    Anchor::Middle,
                ));
            }
        }
    }
    let mut below: f32 = 0.0;
    for (ci, c) in categories.iter().enumerate() {
        let cx = plot.x + (ci as f32 + 0.5) * slot;
        let lines = eng.wrap_clipped(Weight::Regular, LABEL, slot - 2.0, 2, c);
        for (li, line) in lines.iter().enumerate() {
            let ly = plot.y + plot.h + LABEL * 1.3 * (li as f32 + 1.0);
            shapes.push(Shape::text(cx, ly, line.clone(), LABEL, Anchor::Middle));
        }
        below = below.max(LABEL * 1.3 * lines.len() as f32 + 3.0);
    }
    below
}

/// Lines with bands and gaps at missing values; returns the height used below the plot.
fn lines(
    eng: &mut TextEngine,
    shapes: &mut Vec<Shape>,
    plot: &Plot,
    labels: &[String],
    series: &[Series],
) -> f32 {
    let n = labels.len();
    let x_of = |i: usize| {
        if n <= 1 {
            plot.x + plot.w / 2.0
        } else {
            plot.x + plot.w * i as f32 / (n - 1) as f32
        }
    };
    for (si, s) in series.iter().enumerate() {
        let Some((low, high)) = &s.band else { continue };
        for run in finite_runs(n, |i| {
            low.get(i)
                .zip(high.get(i))
                .filter(|(a, b)| a.is_finite() && b.is_finite())
        }) {
            let mut points: Vec<(f32, f32)> = run
                .iter()
                .map(|&(i, (a, b))| (x_of(i), plot.y_of(a.min(*b))))
                .collect();
            points.extend(
                run.iter()
                    .rev()
                    .map(|&(i, (a, b))| (x_of(i), plot.y_of(a.max(*b)))),
            );
            shapes.push(Shape::Area {
                points,
                color: series_color(si),
                opacity: 0.18,
            });
        }
    }
    for (si, s) in series.iter().enumerate() {
        for run in finite_runs(n, |i| s.values.get(i).filter(|v| v.is_finite())) {
            let points: Vec<(f32, f32)> =
                run.iter().map(|&(i, v)| (x_of(i), plot.y_of(*v))).collect();
            if let [(x, y)] = points[..] {
                // A lone value between gaps is still data: show it as a dot.
                shapes.push(Shape::Rect {
                    x: x - 1.5,
                    y: y - 1.5,
                    w: 3.0,
                    h: 3.0,
                    fill: Some(series_color(si)),
                    stroke: None,
                });
            } else {
                shapes.push(Shape::Polyline {
                    points,
                    color: series_color(si),
                    width: 1.4,
                });
            }
        }
    }
    // X labels, thinned so they never overlap.
    let cut: Vec<String> = labels
        .iter()
        .map(|l| eng.ellipsize(Weight::Regular, LABEL, 90.0, l))
        .collect();
    let widest = cut
        .iter()
        .map(|l| eng.width(Weight::Regular, LABEL, l))
        .fold(0.0, f32::max);
    let dx = if n > 1 {
        plot.w / (n - 1) as f32
    } else {
        plot.w
    };
    let every = ((widest + 6.0) / dx).ceil().max(1.0) as usize;
    for (i, label) in cut.into_iter().enumerate().step_by(every) {
        let anchor = if n > 1 && i == 0 {
            Anchor::Start
        } else if n > 1 && i == n - 1 {
            Anchor::End
        } else {
            Anchor::Middle
        };
        shapes.push(Shape::text(
            x_of(i),
            plot.y + plot.h + LABEL * 1.3,
            label,
            LABEL,
            anchor,
        ));
    }
    LABEL * 1.3 + 3.0
}

/// Runs of consecutive indices in 0..n where `get` has a value.
fn finite_runs<T>(n: usize, get: impl Fn(usize) -> Option<T>) -> Vec<Vec<(usize, T)>> {
    let mut runs = Vec::new();
    let mut cur = Vec::new();
    for i in 0..n {
        match get(i) {
            Some(v) => cur.push((i, v)),
            None if !cur.is_empty() => runs.push(std::mem::take(&mut cur)),
            None => {}
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

/// A data value as people read it: whole numbers with thousands
/// separators, fractions to two places, huge or tiny ones in e-notation.
pub(crate) fn format_value(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_owned();
    }
    let a = v.abs();
    if a >= 1e15 || (a > 0.0 && a < 1e-3) {
        return format!("{v:.2e}");
    }
    if v.fract() == 0.0 {
        return format_fixed(v, 0);
    }
    let fixed = format_fixed(v, 2);
    fixed.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `v` with `decimals` places and a comma every three digits.
fn format_fixed(v: f64, decimals: usize) -> String {
    if v.abs() >= 1e15 {
        return format!("{v:.2e}");
    }
    let s = format!("{:.*}", decimals, v);
    let (sign, s) = match s.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => ("-", rest),
        Some(rest) => ("", rest),
        None => ("", s.as_str()),
    };
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_like_people_write_them() {
        assert_eq!(format_value(302034.0), "302,034");
        assert_eq!(format_value(-1234.5), "-1,234.5");
        assert_eq!(format_value(0.25), "0.25");
        assert_eq!(format_value(-0.0), "0");
        assert_eq!(format_value(f64::NAN), "n/a");
        assert_eq!(format_value(1e300), "1.00e300");
    }

    #[test]
    fn axis_ticks_are_nice_and_bounded() {
        let axis = Axis::new(0.0, 249_800.0).expect("axis");
        let ticks = axis.ticks();
        assert_eq!(ticks.first().copied(), Some(0.0));
        assert!(ticks.last().copied().unwrap_or_default() >= 249_800.0);
        assert!(ticks.len() <= 13);
        assert_eq!(axis.fmt(50_000.0), "50,000");
        assert!(Axis::new(-f64::MAX, f64::MAX).is_none());
        let flat = Axis::new(5.0, 5.0).expect("flat axis");
        assert!(flat.lo < 5.0 && flat.hi > 5.0);
        let close = Axis::new(1e16, 1e16 + 2.0).map(|a| a.ticks().len());
        assert!(close.unwrap_or(0) <= 13);
    }

    #[test]
    fn runs_split_at_gaps() {
        let v = [1.0, f64::NAN, 2.0, 3.0, f64::INFINITY];
        let runs = finite_runs(v.len(), |i| v.get(i).filter(|x| x.is_finite()));
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[1].len(), 2);
    }

    #[test]
    fn empty_chart_says_no_data() {
        let mut eng = TextEngine::new().expect("fonts");
        let pic = layout(&mut eng, 400.0, "t", Kind::Bars(&[]), &[], "y");
        let said = pic
            .shapes
            .iter()
            .any(|s| matches!(s, Shape::Text(t) if t.text == "no data"));
        assert!(said);
    }
}
