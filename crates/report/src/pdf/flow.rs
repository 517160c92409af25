//! The page flow: content placed top to bottom, a new page when the body
//! is full. Everything that can be taller than a page (text, tables, notes)
//! is split by lines, so no input makes content fall off a page.

use crate::chart::{self, Kind};
use crate::draw::{Anchor, Rgb, Shape, TextStyle};
use crate::html::tone_color;
use crate::model::{Block, Document, Section};
use crate::text::{TextEngine, Weight};

/// The printable frame of a page, in points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) left: f32,
    pub(crate) right: f32,
    pub(crate) top: f32,
    pub(crate) bottom: f32,
}

impl Geometry {
    pub(crate) fn new((width, height): (f32, f32)) -> Self {
        Self {
            width,
            height,
            left: 50.0,
            right: width - 50.0,
            top: 52.0,
            bottom: height - 56.0,
        }
    }

    pub(crate) fn body_width(&self) -> f32 {
        self.right - self.left
    }

    pub(crate) fn body_height(&self) -> f32 {
        self.bottom - self.top
    }
}

/// A text style: weight, size, line height, colour.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub(crate) weight: Weight,
    pub(crate) size: f32,
    pub(crate) leading: f32,
    pub(crate) color: Rgb,
}

pub(crate) const BODY: Style = Style {
    weight: Weight::Regular,
    size: 10.0,
    leading: 13.5,
    color: Rgb::BLACK,
};
const TITLE: Style = Style {
    weight: Weight::Bold,
    size: 18.0,
    leading: 22.0,
    color: Rgb::BLACK,
};
const SUBTITLE: Style = Style {
    weight: Weight::Regular,
    size: 12.0,
    leading: 15.0,
    color: Rgb::BLACK,
};
const SMALL: Style = Style {
    weight: Weight::Regular,
    size: 9.0,
    leading: 12.0,
    color: Rgb::GREY,
};
const HEADING: Style = Style {
    weight: Weight::Bold,
    size: 13.0,
    leading: 16.0,
    color: Rgb::BLACK,
};

/// Pages being filled: the shapes of each page and the cursor.
pub(crate) struct Flow<'e> {
    pub(crate) eng: &'e mut TextEngine,
    pub(crate) g: Geometry,
    pub(crate) pages: Vec<Vec<Shape>>,
    pub(crate) y: f32,
}

impl<'e> Flow<'e> {
    pub(crate) fn new(eng: &'e mut TextEngine, g: Geometry) -> Self {
        Self {
            eng,
            g,
            pages: vec![Vec::new()],
            y: g.top,
        }
    }

    pub(crate) fn push(&mut self, shape: Shape) {
        if let Some(page) = self.pages.last_mut() {
            page.push(shape);
        }
    }

    pub(crate) fn room(&self) -> f32 {
        self.g.bottom - self.y
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.g.top;
    }

    /// Starts a new page unless `h` fits here or this page is still empty
    /// (then nothing would be gained).
    pub(crate) fn ensure(&mut self, h: f32) {
        if h > self.room() && self.y > self.g.top {
            self.new_page();
        }
    }

    /// The baseline of a line of `style` whose box starts at `top`.
    pub(crate) fn baseline(top: f32, style: Style) -> f32 {
        top + style.leading * 0.5 + style.size * 0.35
    }

    /// Wrapped text at `x`, `width` wide, breaking pages between lines.
    pub(crate) fn text(&mut self, text: &str, style: Style, x: f32, width: f32) {
        let lines = self.eng.wrap(style.weight, style.size, width, text);
        self.lines(&lines, style, x);
    }

    fn lines(&mut self, lines: &[String], style: Style, x: f32) {
        for line in lines {
            self.ensure(style.leading);
            let base = Self::baseline(self.y, style);
            self.push(styled(x, base, line, style, Anchor::Start));
            self.y += style.leading;
        }
    }
}

/// A text shape in a style.
pub(crate) fn styled(x: f32, y: f32, text: &str, style: Style, anchor: Anchor) -> Shape {
    let shape = Shape::text(x, y, text, style.size, anchor).color(style.color);
    match style.weight {
        Weight::Bold => shape.bold(),
        Weight::Regular => shape,
    }
}

/// Lays the whole document out into pages (without running headers and footers).
pub(crate) fn document(eng: &mut TextEngine, g: Geometry, doc: &Document) -> Vec<Vec<Shape>> {
    let mut flow = Flow::new(eng, g);
    let (x, w) = (g.left, g.body_width());
    flow.text(&doc.title, TITLE, x, w);
    if let Some(sub) = &doc.subtitle {
        flow.y += 2.0;
        flow.text(sub, SUBTITLE, x, w);
    }
    flow.y += 2.0;
    flow.text(&format!("As of {}", doc.generated), SMALL, x, w);
    flow.y += 4.0;
    flow.push(Shape::Line {
        from: (x, flow.y),
        to: (g.right, flow.y),
        color: Rgb::GREY,
        width: 0.8,
    });
    flow.y += 10.0;
    if doc.sections.is_empty() {
        flow.text("This document has no sections.", SMALL, x, w);
    }
    for section in &doc.sections {
        section_flow(&mut flow, section);
    }
    flow.pages
}

fn section_flow(flow: &mut Flow<'_>, section: &Section) {
    let (x, w) = (flow.g.left, flow.g.body_width());
    let heading = flow
        .eng
        .wrap(HEADING.weight, HEADING.size, w, &section.heading);
    // Keep a heading with the start of what it heads.
    let keep = HEADING.leading * heading.len().min(3) as f32 + 48.0;
    flow.y += 8.0;
    flow.ensure(keep);
    flow.lines(&heading, HEADING, x);
    flow.y += 4.0;
    if section.blocks.is_empty() {
        flow.text("(no content)", SMALL, x, w);
    }
    for block in &section.blocks {
        block_flow(flow, block);
        flow.y += 8.0;
    }
}

fn block_flow(flow: &mut Flow<'_>, block: &Block) {
    let (x, w) = (flow.g.left, flow.g.body_width());
    match block {
        Block::Paragraph(text) => flow.text(text, BODY, x, w),
        Block::KeyValues(pairs) => super::table::key_values(flow, pairs),
        Block::Table {
            caption,
            columns,
            rows,
            align,
        } => super::table::table(flow, caption.as_deref(), columns, rows, align),
        Block::BarChart {
            title,
            categories,
            series,
            y_label,
        } => chart_flow(flow, title, Kind::Bars(categories), series, y_label),
        Block::LineChart {
            title,
            x_labels,
            series,
            y_label,
        } => chart_flow(flow, title, Kind::Lines(x_labels), series, y_label),
        Block::Note { tone, text } => note(flow, *tone, text),
    }
}

fn chart_flow(
    flow: &mut Flow<'_>,
    title: &str,
    kind: Kind<'_>,
    series: &[crate::model::Series],
    y_label: &str,
) {
    let pic = chart::layout(flow.eng, flow.g.body_width(), title, kind, series, y_label);
    flow.ensure(pic.height);
    let (dx, dy) = (flow.g.left, flow.y);
    for shape in pic.shapes {
        flow.push(shape.translated(dx, dy));
    }
    flow.y += pic.height;
}

/// A tinted box with a coloured bar and the tone's word, split by lines
/// across pages when it is long.
fn note(flow: &mut Flow<'_>, tone: crate::model::Tone, text: &str) {
    const PAD: f32 = 6.0;
    const BAR: f32 = 3.0;
    let style = Style {
        size: 9.5,
        leading: 12.5,
        ..BODY
    };
    let label = Style {
        weight: Weight::Bold,
        size: 8.5,
        leading: 12.0,
        color: tone_color(tone),
    };
    let (x, w) = (flow.g.left, flow.g.body_width());
    let inner_x = x + BAR + PAD;
    let inner_w = w - BAR - 2.0 * PAD;
    let mut lines: Vec<(String, Style)> = vec![(tone.label().to_owned(), label)];
    for line in flow.eng.wrap(style.weight, style.size, inner_w, text) {
        lines.push((line, style));
    }
    let tint = match tone {
        crate::model::Tone::Info => Rgb(0xee, 0xf4, 0xfa),
        crate::model::Tone::Warning => Rgb(0xfd, 0xf5, 0xe6),
        crate::model::Tone::Alert => Rgb(0xfb, 0xea, 0xea),
    };
    let mut i = 0;
    // Keep the label with at least one line of text.
    flow.ensure(2.0 * PAD + label.leading + style.leading);
    while i < lines.len() {
        let mut h = 2.0 * PAD;
        let mut j = i;
        while j < lines.len() && (j == i || h + lines[j].1.leading <= flow.room()) {
            h += lines[j].1.leading;
            j += 1;
        }
        let top = flow.y;
        flow.push(Shape::Rect {
            x,
            y: top,
            w,
            h,
            fill: Some(tint),
            stroke: None,
        });
        flow.push(Shape::Rect {
            x,
            y: top,
            w: BAR,
            h,
            fill: Some(tone_color(tone)),
            stroke: None,
        });
        let mut y = top + PAD;
        for (line, st) in &lines[i..j] {
            flow.push(styled(
                inner_x,
                Flow::baseline(y, *st),
                line,
                *st,
                Anchor::Start,
            ));
            y += st.leading;
        }
        flow.y = top + h;
        i = j;
        if i < lines.len() {
            flow.new_page();
        }
    }
}
