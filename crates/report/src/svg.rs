//! Shapes written as an inline SVG element, for the HTML page.

use std::fmt::Write;

use crate::chart::Picture;
use crate::draw::{Anchor, Shape};
use crate::html::escape;

/// The chart as one `<svg>` element whose text stays text (selectable,
/// searchable, read by screen readers).
pub(crate) fn picture(pic: &Picture, label: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.1} {h:.1}" width="100%" role="img" aria-label="{label}">"#,
        w = pic.width,
        h = pic.height,
        label = escape(label),
    );
    for shape in &pic.shapes {
        shape_svg(&mut out, shape);
    }
    out.push_str("</svg>");
    out
}

fn points(points: &[(f32, f32)]) -> String {
    let mut s = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{x:.2},{y:.2}");
    }
    s
}

fn shape_svg(out: &mut String, shape: &Shape) {
    match shape {
        Shape::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        } => {
            let fill = fill.map_or("none".to_owned(), |c| c.hex());
            let stroke = stroke.map_or(String::new(), |c| {
                format!(r#" stroke="{}" stroke-width="0.6""#, c.hex())
            });
            let _ = write!(
                out,
                r#"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="{fill}"{stroke}/>"#
            );
        }
        Shape::Line {
            from,
            to,
            color,
            width,
        } => {
            let _ = write!(
                out,
                r#"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="{}" stroke-width="{width}"/>"#,
                from.0,
                from.1,
                to.0,
                to.1,
                color.hex()
            );
        }
        Shape::Polyline {
            points: p,
            color,
            width,
        } => {
            let _ = write!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{width}" stroke-linejoin="round"/>"#,
                points(p),
                color.hex()
            );
        }
        Shape::Area {
            points: p,
            color,
            opacity,
        } => {
            let _ = write!(
                out,
                r#"<polygon points="{}" fill="{}" fill-opacity="{opacity}"/>"#,
                points(p),
                color.hex()
            );
        }
        Shape::Text(t) => {
            let anchor = match t.anchor {
                Anchor::Start => "start",
                Anchor::Middle => "middle",
                Anchor::End => "end",
            };
            let weight = if t.bold { r#" font-weight="bold""# } else { "" };
            let rotate = if t.vertical {
                format!(r#" transform="rotate(-90 {:.2} {:.2})""#, t.x, t.y)
            } else {
                String::new()
            };
            let _ = write!(
                out,
                r#"<text x="{:.2}" y="{:.2}" font-size="{}" text-anchor="{anchor}" fill="{}"{weight}{rotate}>{}</text>"#,
                t.x,
                t.y,
                t.size,
                t.color.hex(),
                escape(&t.text)
            );
        }
    }
}
