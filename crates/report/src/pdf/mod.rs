//! The PDF: pages laid out by [`flow`], running banners and page numbers
//! added once the page count is known, then written with krilla (fonts
//! subset and embedded, vector charts, no dates, so the same document gives
//! the same bytes).

mod flow;
mod table;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineJoin, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::SerializeSettings;

use crate::draw::{Anchor, Rgb, Shape, Text};
use crate::model::Document;
use crate::text::{sanitize, TextEngine, Weight, BOLD_TTF, REGULAR_TTF};
use crate::ReportError;
use flow::{styled, Geometry, Style};

const MARKING: Style = Style {
    weight: Weight::Bold,
    size: 9.0,
    leading: 11.0,
    color: Rgb::MARKING,
};
const FOOTER: Style = Style {
    weight: Weight::Regular,
    size: 8.0,
    leading: 10.0,
    color: Rgb::GREY,
};

/// The body width of the PDF on `paper`, for laying HTML charts out alike.
pub(crate) fn body_width(paper: crate::model::Paper) -> f32 {
    Geometry::new(paper.size_pt()).body_width()
}

pub(crate) fn render(doc: &Document) -> Result<Vec<u8>, ReportError> {
    crate::validate(doc)?;
    let mut eng = TextEngine::new()?;
    let g = Geometry::new(doc.paper.size_pt());
    let marking = doc
        .marking
        .as_deref()
        .map(|m| sanitize(m).replace('\n', " "));
    if let Some(m) = &marking {
        if eng.width(MARKING.weight, MARKING.size, m) > g.body_width() {
            return Err(ReportError::MarkingTooLong {
                chars: m.chars().count(),
            });
        }
    }
    let mut pages = flow::document(&mut eng, g, doc);
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        decorate(&mut eng, g, page, doc, marking.as_deref(), i + 1, total);
    }

    let regular =
        Font::new(REGULAR_TTF.into(), 0).ok_or(ReportError::Font("DejaVuSansCondensed"))?;
    let bold =
        Font::new(BOLD_TTF.into(), 0).ok_or(ReportError::Font("DejaVuSansCondensed-Bold"))?;
    let settings = SerializeSettings {
        compress_content_streams: true,
        xmp_metadata: false,
        ..SerializeSettings::default()
    };
    let mut pdf = krilla::Document::new_with(settings);
    pdf.set_metadata(
        Metadata::new()
            .title(sanitize(&doc.title).replace('\n', " "))
            .creator("watchfloor report".to_owned()),
    );
    let page_settings = PageSettings::from_wh(g.width, g.height)
        .ok_or_else(|| ReportError::Pdf("bad page size".to_owned()))?;
    for shapes in &pages {
        let mut page = pdf.start_page_with(page_settings.clone());
        let mut surface = page.surface();
        let mut painter = Painter {
            surface: &mut surface,
            eng: &mut eng,
            regular: &regular,
            bold: &bold,
        };
        for shape in shapes {
            painter.shape(shape);
        }
        surface.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| ReportError::Pdf(e.to_string()))
}

/// The marking banner top and bottom, the title and "page N of M" in the footer.
fn decorate(
    eng: &mut TextEngine,
    g: Geometry,
    page: &mut Vec<Shape>,
    doc: &Document,
    marking: Option<&str>,
    n: usize,
    total: usize,
) {
    let mid = g.width / 2.0;
    if let Some(m) = marking {
        page.push(styled(mid, 30.0, m, MARKING, Anchor::Middle));
        page.push(styled(mid, g.height - 18.0, m, MARKING, Anchor::Middle));
    }
    let number = format!("page {n} of {total}");
    let number_w = eng.width(FOOTER.weight, FOOTER.size, &number);
    let room = g.body_width() - number_w - 20.0;
    let title = eng.ellipsize(FOOTER.weight, FOOTER.size, room, &doc.title);
    let y = g.height - 36.0;
    page.push(Shape::Line {
        from: (g.left, y - 10.0),
        to: (g.right, y - 10.0),
        color: Rgb::LIGHT,
        width: 0.5,
    });
    page.push(styled(g.left, y, &title, FOOTER, Anchor::Start));
    page.push(styled(g.right, y, &number, FOOTER, Anchor::End));
}

/// Draws shapes on one page.
struct Painter<'s, 'p, 'e> {
    surface: &'s mut Surface<'p>,
    eng: &'e mut TextEngine,
    regular: &'e Font,
    bold: &'e Font,
}

fn paint(c: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

impl Painter<'_, '_, '_> {
    fn fill(&mut self, c: Rgb, opacity: f32) {
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(Fill {
            paint: paint(c),
            opacity: NormalizedF32::new(opacity).unwrap_or(NormalizedF32::ONE),
            rule: Default::default(),
        }));
    }

    fn stroke(&mut self, c: Rgb, width: f32) {
        self.surface.set_fill(None);
        self.surface.set_stroke(Some(Stroke {
            paint: paint(c),
            width,
            line_join: LineJoin::Round,
            ..Stroke::default()
        }));
    }

    fn polyline(&mut self, points: &[(f32, f32)], close: bool) {
        let mut pb = PathBuilder::new();
        for (i, (x, y)) in points.iter().enumerate() {
            if i == 0 {
                pb.move_to(*x, *y);
            } else {
                pb.line_to(*x, *y);
            }
        }
        if close {
            pb.close();
        }
        if let Some(path) = pb.finish() {
            self.surface.draw_path(&path);
        }
    }

    fn shape(&mut self, shape: &Shape) {
        match shape {
            Shape::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => {
                let Some(rect) = Rect::from_xywh(*x, *y, w.max(0.01), h.max(0.01)) else {
                    return;
                };
                let mut pb = PathBuilder::new();
                pb.push_rect(rect);
                let Some(path) = pb.finish() else { return };
                if let Some(c) = fill {
                    self.fill(*c, 1.0);
                    self.surface.draw_path(&path);
                }
                if let Some(c) = stroke {
                    self.stroke(*c, 0.6);
                    self.surface.draw_path(&path);
                }
            }
            Shape::Line {
                from,
                to,
                color,
                width,
            } => {
                self.stroke(*color, *width);
                self.polyline(&[*from, *to], false);
            }
            Shape::Polyline {
                points,
                color,
                width,
            } => {
                self.stroke(*color, *width);
                self.polyline(points, false);
            }
            Shape::Area {
                points,
                color,
                opacity,
            } => {
                self.fill(*color, *opacity);
                self.polyline(points, true);
            }
            Shape::Text(t) => self.text(t),
        }
    }

    fn text(&mut self, t: &Text) {
        if t.text.is_empty() {
            return;
        }
        let weight = if t.bold {
            Weight::Bold
        } else {
            Weight::Regular
        };
        let font = if t.bold { self.bold } else { self.regular };
        let shaped = self.eng.shape(weight, &t.text);
        let width = shaped.width * t.size;
        let mut x = match t.anchor {
            Anchor::Start => t.x,
            Anchor::Middle => t.x - width / 2.0,
            Anchor::End => t.x - width,
        };
        let mut y = t.y;
        if t.vertical {
            self.surface
                .push_transform(&Transform::from_rotate_at(-90.0, t.x, t.y));
            x = t.x - width / 2.0;
            y = t.y;
        }
        self.fill(t.color, 1.0);
        for run in &shaped.runs {
            let glyphs: Vec<KrillaGlyph> = run
                .glyphs
                .iter()
                .map(|g| {
                    KrillaGlyph::new(
                        GlyphId::new(g.id),
                        g.x_advance,
                        g.x_offset,
                        g.y_offset,
                        0.0,
                        g.text_range.clone(),
                        None,
                    )
                })
                .collect();
            let advance: f32 = run.glyphs.iter().map(|g| g.x_advance).sum::<f32>() * t.size;
            self.surface.draw_glyphs(
                Point::from_xy(x, y),
                &glyphs,
                font.clone(),
                &run.text,
                t.size,
                false,
            );
            x += advance;
        }
        if t.vertical {
            self.surface.pop();
        }
    }
}
