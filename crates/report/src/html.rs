//! The document as one self-contained HTML page: inline CSS and SVG, no
//! scripts, no external requests (a Content-Security-Policy says so to the
//! browser too), readable printed.

use std::fmt::Write;

use crate::chart::{self, Kind};
use crate::draw::Rgb;
use crate::model::{Align, Block, Document, Series, Tone};
use crate::text::{sanitize, TextEngine, CSS_FONTS};
use crate::{pdf, svg};

/// Text made safe for HTML element content and attribute values: every
/// character that could open markup is an entity, control characters are
/// U+FFFD (HTML forbids most of them).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in sanitize(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn style(doc: &Document) -> String {
    format!(
        "@page {{ size: {paper}; margin: 16mm 14mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: {fonts}; font-size: 10pt; line-height: 1.35; color: #1a1a1a; max-width: 60em; margin: 0 auto; padding: 1em; overflow-wrap: anywhere; }}
.marking {{ text-align: center; font-weight: bold; font-size: 9pt; color: {marking}; letter-spacing: 0.05em; }}
h1 {{ font-size: 18pt; margin: 0.4em 0 0.1em; }}
.subtitle {{ font-size: 12pt; margin: 0; }}
.generated {{ color: #555; font-size: 9pt; margin: 0.2em 0 0; }}
header {{ border-bottom: 1px solid #999; padding-bottom: 0.5em; margin-bottom: 1em; }}
h2 {{ font-size: 13pt; margin: 1.2em 0 0.4em; break-after: avoid; }}
p, .note div {{ white-space: pre-line; }}
.empty {{ color: #555; }}
table {{ border-collapse: collapse; width: 100%; font-size: 8pt; margin: 0.4em 0 0.8em; }}
caption {{ text-align: left; font-weight: bold; font-size: 9pt; color: #555; padding-bottom: 0.2em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 2px 4px; text-align: left; vertical-align: top; }}
thead th {{ background: #e8e8e8; border-bottom: 1px solid #999; }}
thead {{ display: table-header-group; }}
tbody tr:nth-child(even) {{ background: #f5f5f5; }}
tr {{ break-inside: avoid; }}
.r {{ text-align: right; }} .c {{ text-align: center; }}
table.kv {{ width: auto; min-width: 50%; font-size: 9pt; }}
table.kv th {{ padding-right: 1.5em; }}
figure {{ margin: 0.6em 0 1em; break-inside: avoid; }}
figure svg {{ font-family: {fonts}; max-width: {chart}pt; display: block; }}
.note {{ border-left: 4px solid; padding: 0.4em 0.6em; margin: 0.5em 0 0.8em; break-inside: avoid; }}
.note strong {{ display: block; font-size: 9pt; }}
.note.info {{ border-color: {info}; background: #eef4fa; }}
.note.warning {{ border-color: {warning}; background: #fdf5e6; }}
.note.alert {{ border-color: {alert}; background: #fbeaea; }}
@media print {{ body {{ max-width: none; padding: 0; }} }}
",
        paper = doc.paper.css(),
        fonts = CSS_FONTS,
        marking = Rgb::MARKING.hex(),
        chart = pdf::body_width(doc.paper),
        info = tone_color(Tone::Info).hex(),
        warning = tone_color(Tone::Warning).hex(),
        alert = tone_color(Tone::Alert).hex(),
    )
}

/// The accent colour of a note, shared with the PDF.
pub(crate) fn tone_color(tone: Tone) -> Rgb {
    match tone {
        Tone::Info => Rgb(0x00, 0x72, 0xb2),
        Tone::Warning => Rgb(0xc7, 0x7c, 0x00),
        Tone::Alert => Rgb(0xb0, 0x1c, 0x1c),
    }
}

/// Renders the page. Never fails: ragged rows are padded, surplus values
/// ignored (see [`crate::validate`] for the check the PDF makes).
pub(crate) fn render(doc: &Document) -> String {
    let mut eng = TextEngine::new().ok();
    // Charts are laid out at the PDF's body width, so both show the same picture.
    let chart_w = pdf::body_width(doc.paper);
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
        escape(&doc.title),
        style(doc)
    );
    if let Some(m) = &doc.marking {
        let _ = writeln!(
            out,
            "<div class=\"marking top\" dir=\"auto\">{}</div>",
            escape(m)
        );
    }
    let _ = writeln!(
        out,
        "<header>\n<h1 dir=\"auto\">{}</h1>",
        escape(&doc.title)
    );
    if let Some(s) = &doc.subtitle {
        let _ = writeln!(out, "<p class=\"subtitle\" dir=\"auto\">{}</p>", escape(s));
    }
    let _ = writeln!(
        out,
        "<p class=\"generated\">As of <span dir=\"auto\">{}</span></p>\n</header>",
        escape(&doc.generated)
    );
    if doc.sections.is_empty() {
        out.push_str("<p class=\"empty\">This document has no sections.</p>\n");
    }
    for section in &doc.sections {
        let _ = writeln!(
            out,
            "<section>\n<h2 dir=\"auto\">{}</h2>",
            escape(&section.heading)
        );
        if section.blocks.is_empty() {
            out.push_str("<p class=\"empty\">(no content)</p>\n");
        }
        for block in &section.blocks {
            block_html(&mut out, eng.as_mut(), chart_w, block);
        }
        out.push_str("</section>\n");
    }
    if let Some(m) = &doc.marking {
        let _ = writeln!(
            out,
            "<div class=\"marking bottom\" dir=\"auto\">{}</div>",
            escape(m)
        );
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn block_html(out: &mut String, eng: Option<&mut TextEngine>, chart_w: f32, block: &Block) {
    match block {
        Block::Paragraph(text) => {
            let _ = writeln!(out, "<p dir=\"auto\">{}</p>", escape(text));
        }
        Block::KeyValues(pairs) => {
            out.push_str("<table class=\"kv\">\n");
            for (k, v) in pairs {
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\" dir=\"auto\">{}</th><td dir=\"auto\">{}</td></tr>",
                    escape(k),
                    escape(v)
                );
            }
            out.push_str("</table>\n");
        }
        Block::Table {
            caption,
            columns,
            rows,
            align,
        } => table_html(out, caption.as_deref(), columns, rows, align),
        Block::BarChart {
            title,
            categories,
            series,
            y_label,
        } => chart_html(
            out,
            eng,
            chart_w,
            title,
            Kind::Bars(categories),
            series,
            y_label,
        ),
        Block::LineChart {
            title,
            x_labels,
            series,
            y_label,
        } => chart_html(
            out,
            eng,
            chart_w,
            title,
            Kind::Lines(x_labels),
            series,
            y_label,
        ),
        Block::Note { tone, text } => {
            let class = match tone {
                Tone::Info => "info",
                Tone::Warning => "warning",
                Tone::Alert => "alert",
            };
            let _ = writeln!(
                out,
                "<div class=\"note {class}\" role=\"note\"><strong>{}</strong><div dir=\"auto\">{}</div></div>",
                tone.label(),
                escape(text)
            );
        }
    }
}

fn align_class(align: &[Align], i: usize) -> &'static str {
    match align.get(i) {
        Some(Align::Right) => " class=\"r\"",
        Some(Align::Center) => " class=\"c\"",
        _ => "",
    }
}

fn table_html(
    out: &mut String,
    caption: Option<&str>,
    columns: &[String],
    rows: &[Vec<String>],
    align: &[Align],
) {
    out.push_str("<table>\n");
    if let Some(c) = caption {
        let _ = writeln!(out, "<caption dir=\"auto\">{}</caption>", escape(c));
    }
    out.push_str("<thead><tr>");
    for (i, c) in columns.iter().enumerate() {
        let _ = write!(
            out,
            "<th{} dir=\"auto\">{}</th>",
            align_class(align, i),
            escape(c)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    if columns.is_empty() && rows.is_empty() {
        out.push_str("<tr><td class=\"empty\">(empty table)</td></tr>\n");
    }
    for row in rows {
        out.push_str("<tr>");
        let width = row.len().max(columns.len());
        for i in 0..width {
            let cell = row.get(i).map_or("", String::as_str);
            let _ = write!(
                out,
                "<td{} dir=\"auto\">{}</td>",
                align_class(align, i),
                escape(cell)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn chart_html(
    out: &mut String,
    eng: Option<&mut TextEngine>,
    width: f32,
    title: &str,
    kind: Kind<'_>,
    series: &[Series],
    y_label: &str,
) {
    out.push_str("<figure>\n");
    match eng {
        Some(eng) => {
            let pic = chart::layout(eng, width, title, kind, series, y_label);
            out.push_str(&svg::picture(&pic, title));
        }
        // Unreachable with the fonts compiled in; say so rather than panic.
        None => {
            let _ = write!(
                out,
                "<p>{} (chart unavailable: embedded fonts failed to load)</p>",
                escape(title)
            );
        }
    }
    out.push_str("\n</figure>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
        assert_eq!(escape("a\u{0}b"), "a\u{FFFD}b");
    }
}
