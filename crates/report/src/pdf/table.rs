//! Tables and fact lists: column widths from the content, rows split by
//! lines across pages, the header repeated on every page a table touches.

use super::flow::{styled, Flow, Style};
use crate::draw::{Anchor, Rgb, Shape};
use crate::model::Align;
use crate::text::Weight;

const CELL: Style = Style {
    weight: Weight::Regular,
    size: 8.0,
    leading: 10.0,
    color: Rgb::BLACK,
};
const HEAD: Style = Style {
    weight: Weight::Bold,
    ..CELL
};
const KV: Style = Style {
    size: 9.0,
    leading: 11.5,
    ..CELL
};
const CAPTION: Style = Style {
    weight: Weight::Bold,
    size: 9.0,
    leading: 12.0,
    color: Rgb::GREY,
};
const PAD_X: f32 = 3.0;
const PAD_Y: f32 = 2.0;
/// Column headings longer than this are cut: the header repeats on every
/// page, so it must stay a small part of one.
const HEAD_LINES: usize = 4;
const ZEBRA: Rgb = Rgb(0xf3, 0xf3, 0xf3);
const HEAD_FILL: Rgb = Rgb(0xe4, 0xe4, 0xe4);

/// What the grid draws: a header or not, and how the first column looks.
struct Grid<'a> {
    header: Option<Vec<Vec<String>>>,
    align: &'a [Align],
    widths: Vec<f32>,
    style: Style,
    bold_first: bool,
}

/// A table block.
pub(crate) fn table(
    flow: &mut Flow<'_>,
    caption: Option<&str>,
    columns: &[String],
    rows: &[Vec<String>],
    align: &[Align],
) {
    let (x, w) = (flow.g.left, flow.g.body_width());
    if let Some(c) = caption {
        flow.ensure(CAPTION.leading * 3.0);
        flow.text(c, CAPTION, x, w);
        flow.y += 2.0;
    }
    if columns.is_empty() {
        flow.text("(empty table)", CAPTION, x, w);
        return;
    }
    let widths = column_widths(flow, columns, rows, w, CELL);
    let header = columns
        .iter()
        .zip(&widths)
        .map(|(c, cw)| {
            flow.eng
                .wrap_clipped(HEAD.weight, HEAD.size, cw - 2.0 * PAD_X, HEAD_LINES, c)
        })
        .collect();
    let grid = Grid {
        header: Some(header),
        align,
        widths,
        style: CELL,
        bold_first: false,
    };
    draw(flow, &grid, rows);
}

/// A fact list: two columns, labels bold, no header.
pub(crate) fn key_values(flow: &mut Flow<'_>, pairs: &[(String, String)]) {
    let w = flow.g.body_width();
    let rows: Vec<Vec<String>> = pairs
        .iter()
        .map(|(k, v)| vec![k.clone(), v.clone()])
        .collect();
    let key_w = rows
        .iter()
        .map(|r| flow.eng.width(Weight::Bold, KV.size, &r[0]) + 2.0 * PAD_X + 6.0)
        .fold(60.0, f32::max)
        .min(w * 0.4);
    let grid = Grid {
        header: None,
        align: &[],
        widths: vec![key_w, w - key_w],
        style: KV,
        bold_first: true,
    };
    draw(flow, &grid, &rows);
}

/// Widths that fill the body: columns that need less than a fair share
/// keep what they need, the rest share what is left in proportion to need.
fn column_widths(
    flow: &mut Flow<'_>,
    columns: &[String],
    rows: &[Vec<String>],
    avail: f32,
    style: Style,
) -> Vec<f32> {
    let n = columns.len();
    let mut need: Vec<f32> = columns
        .iter()
        .map(|c| {
            // A heading may wrap onto two lines rather than widen its column.
            let longest_word = c
                .split_whitespace()
                .map(|word| flow.eng.width(Weight::Bold, style.size, word))
                .fold(0.0, f32::max);
            let half = flow.eng.width(Weight::Bold, style.size, c) / 2.0;
            longest_word.max(half)
        })
        .collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(n) {
            need[i] = need[i].max(flow.eng.width(style.weight, style.size, cell));
        }
    }
    let need: Vec<f32> = need
        .into_iter()
        .map(|v| (v + 2.0 * PAD_X + 1.0).min(avail))
        .collect();
    let total: f32 = need.iter().sum();
    if total <= avail {
        let extra = (avail - total) / n as f32;
        return need.iter().map(|v| v + extra).collect();
    }
    let mut fixed = vec![false; n];
    let mut left = avail;
    loop {
        let open = fixed.iter().filter(|f| !**f).count();
        if open == 0 {
            break;
        }
        let share = left / open as f32;
        let mut changed = false;
        for i in 0..n {
            if !fixed[i] && need[i] <= share {
                fixed[i] = true;
                left -= need[i];
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let open_need: f32 = (0..n).filter(|&i| !fixed[i]).map(|i| need[i]).sum();
    (0..n)
        .map(|i| {
            if fixed[i] {
                need[i]
            } else {
                (left * need[i] / open_need.max(1.0)).max(12.0)
            }
        })
        .collect()
}

fn draw(flow: &mut Flow<'_>, grid: &Grid<'_>, rows: &[Vec<String>]) {
    let lead = grid.style.leading;
    let header_h = grid.header.as_ref().map_or(0.0, |h| {
        h.iter().map(Vec::len).max().unwrap_or(1) as f32 * lead + 2.0 * PAD_Y
    });
    // A header alone at the foot of a page is useless: keep it with a row.
    flow.ensure(header_h + lead + 2.0 * PAD_Y);
    header(flow, grid, header_h);
    for (ri, row) in rows.iter().enumerate() {
        let cells: Vec<Vec<String>> = grid
            .widths
            .iter()
            .enumerate()
            .map(|(ci, cw)| {
                let text = row.get(ci).map_or("", String::as_str);
                let weight = if grid.bold_first && ci == 0 {
                    Weight::Bold
                } else {
                    grid.style.weight
                };
                flow.eng
                    .wrap(weight, grid.style.size, cw - 2.0 * PAD_X, text)
            })
            .collect();
        let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let fresh_page_lines = ((flow.g.body_height() - header_h - 2.0 * PAD_Y) / lead)
            .floor()
            .max(1.0) as usize;
        let mut start = 0;
        let mut fresh = false;
        while start < n {
            let mut fits = ((flow.room() - 2.0 * PAD_Y) / lead).floor().max(0.0) as usize;
            // Move a whole row to the next page when it would fit there;
            // split only rows taller than a page.
            let split_ok = n - start > fresh_page_lines;
            if !fresh && (fits == 0 || (fits < n - start && !split_ok)) {
                flow.new_page();
                header(flow, grid, header_h);
                fresh = true;
                continue;
            }
            // On a fresh page always make progress, whatever the rounding.
            fits = fits.max(1);
            fresh = false;
            let take = fits.min(n - start);
            row_fragment(flow, grid, &cells, start..start + take, ri % 2 == 1);
            start += take;
        }
    }
}

fn header(flow: &mut Flow<'_>, grid: &Grid<'_>, h: f32) {
    let Some(cells) = &grid.header else { return };
    let x0 = flow.g.left;
    flow.push(Shape::Rect {
        x: x0,
        y: flow.y,
        w: flow.g.body_width(),
        h,
        fill: Some(HEAD_FILL),
        stroke: None,
    });
    let head = Style {
        weight: Weight::Bold,
        ..grid.style
    };
    place_cells(flow, grid, cells, 0..usize::MAX, head, false);
    flow.y += h;
    flow.push(Shape::Line {
        from: (x0, flow.y),
        to: (flow.g.right, flow.y),
        color: Rgb::GREY,
        width: 0.6,
    });
}

fn row_fragment(
    flow: &mut Flow<'_>,
    grid: &Grid<'_>,
    cells: &[Vec<String>],
    lines: std::ops::Range<usize>,
    zebra: bool,
) {
    let h = lines.len() as f32 * grid.style.leading + 2.0 * PAD_Y;
    if zebra {
        flow.push(Shape::Rect {
            x: flow.g.left,
            y: flow.y,
            w: flow.g.body_width(),
            h,
            fill: Some(ZEBRA),
            stroke: None,
        });
    }
    place_cells(flow, grid, cells, lines, grid.style, grid.bold_first);
    flow.y += h;
}

/// Draws lines `lines` of every cell, top-aligned, at the cursor.
fn place_cells(
    flow: &mut Flow<'_>,
    grid: &Grid<'_>,
    cells: &[Vec<String>],
    lines: std::ops::Range<usize>,
    style: Style,
    bold_first: bool,
) {
    let mut x = flow.g.left;
    let top = flow.y + PAD_Y;
    for (ci, (cell, cw)) in cells.iter().zip(&grid.widths).enumerate() {
        let (ax, anchor) = match grid.align.get(ci).copied().unwrap_or_default() {
            Align::Left => (x + PAD_X, Anchor::Start),
            Align::Center => (x + cw / 2.0, Anchor::Middle),
            Align::Right => (x + cw - PAD_X, Anchor::End),
        };
        let st = if bold_first && ci == 0 {
            Style {
                weight: Weight::Bold,
                ..style
            }
        } else {
            style
        };
        let end = lines.end.min(cell.len());
        let begin = lines.start.min(end);
        for (li, line) in cell[begin..end].iter().enumerate() {
            let y = Flow::baseline(top + li as f32 * style.leading, style);
            flow.push(styled(ax, y, line, st, anchor));
        }
        x += cw;
    }
}
