//! Text from users is never markup: hostile strings in every field, both outputs.

use report::{Align, Block, Document, ReportError, Section, Series, Tone};

use crate::common::{pdfinfo, pdftotext, poppler};

/// Short strings that mean something to typst, HTML, PDF or a shell.
const HOSTILE: &[&str] = &[
    "#set page(width: 1pt)",
    "*bold*",
    "$x$",
    "<script>alert(1)</script>",
    "]",
    "back\\slash \\n \\\\",
    "_under_ `code` @ref // c /* c */",
    "#import \"evil.typ\": *",
    "& &amp; \"quoted\" 'single'",
    "(paren) \\) ) (",
    "%PDF-1.7 endobj",
    "{{braces}}",
    "emoji 🚁 👍🏽 🇺🇸",
    "שלום עולם",
    "مرحبا بالعالم",
    "mixed שלום 42 units",
    "",
];

/// A document with `s` in every text field (the marking only if given).
fn everywhere(s: &str, marking: Option<&str>) -> Document {
    let mut doc = Document::new(s, s);
    doc.subtitle = Some(s.into());
    doc.marking = marking.map(Into::into);
    doc.sections.push(
        Section::new(s)
            .with(Block::Paragraph(s.into()))
            .with(Block::KeyValues(vec![(s.into(), s.into())]))
            .with(Block::Table {
                caption: Some(s.into()),
                columns: vec![s.into(), "n".into()],
                rows: vec![vec![s.into(), "1".into()]],
                align: vec![Align::Left, Align::Right],
            })
            .with(Block::BarChart {
                title: s.into(),
                categories: vec![s.into()],
                series: vec![Series::new(s, vec![3.0])],
                y_label: s.into(),
            })
            .with(Block::LineChart {
                title: s.into(),
                x_labels: vec![s.into(), "b".into()],
                series: vec![
                    Series::new(s, vec![1.0, 2.0]).with_band(vec![0.5, 1.5], vec![1.5, 2.5])
                ],
                y_label: s.into(),
            })
            .with(Block::Note {
                tone: Tone::Warning,
                text: s.into(),
            }),
    );
    doc
}

/// The letters of a string, sorted: pdftotext gives mixed-direction text in
/// visual order, so only the letters can be compared.
fn letters(s: &str) -> Vec<char> {
    let mut v: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
    v.sort_unstable();
    v
}

#[test]
fn hostile_strings_render_as_literal_text_in_the_pdf() {
    let have_poppler = poppler();
    for s in HOSTILE {
        let marking = (!s.is_empty()).then_some(*s);
        let pdf =
            report::render_pdf(&everywhere(s, marking)).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        if !have_poppler {
            continue;
        }
        let info = pdfinfo(&pdf);
        assert!(
            info.contains("595.28 x 841.89"),
            "{s:?} changed the page: {info}"
        );
        // Poppler wraps right-to-left text in embedding marks; they are its, not ours.
        let text: String = pdftotext(&pdf)
            .chars()
            .filter(|c| !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
            .collect();
        if s.starts_with("mixed") {
            // Mixed directions come back in visual order: compare the letters.
            let want = letters(s);
            let found = text.lines().any(|line| {
                let mut got = letters(line);
                got.retain(|c| want.contains(c));
                got == want
            });
            assert!(found, "{s:?} not found in:\n{text}");
        } else {
            // Title, subtitle, heading, paragraph, key, value, caption, header,
            // cell, chart titles, categories, legends, note, markings.
            let n = text.matches(s).count();
            assert!(n >= 12 || s.is_empty(), "{s:?} found {n} times in:\n{text}");
        }
    }
}

#[test]
fn hostile_strings_are_escaped_in_html() {
    for s in HOSTILE {
        let html = report::render_html(&everywhere(s, Some(s)));
        assert!(!html.contains("<script>alert"), "{s:?} became a script");
        assert!(!html.contains("\"evil.typ\""), "quotes are entities");
        let escaped = s
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        if !s.is_empty() {
            let n = html.matches(&escaped).count();
            assert!(n >= 12, "{s:?} escaped only {n} times");
        }
    }
    let html = report::render_html(&everywhere("<script>alert(1)</script>", None));
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn ten_kilobyte_strings_wrap_without_loss_or_panic() {
    let word = "W".repeat(10_000);
    let words = "lorem ipsum ".repeat(850);
    for s in [word.as_str(), words.as_str()] {
        let doc = everywhere(s, Some("EXERCISE"));
        let pdf = report::render_pdf(&doc).expect("long text renders");
        let html = report::render_html(&doc);
        assert!(html.contains(s), "html keeps the whole string");
        if poppler() {
            let text = pdftotext(&pdf);
            // The paragraph alone holds the whole string, wrapped.
            let letters: usize = text.chars().filter(|c| *c == 'W' || *c == 'm').count();
            let per_copy = s.chars().filter(|c| *c == 'W' || *c == 'm').count();
            assert!(
                letters >= per_copy * 6,
                "text lost: {letters} of {per_copy} per copy"
            );
        }
    }
}

#[test]
fn a_marking_too_long_for_the_banner_is_refused() {
    let long = "SECRET ".repeat(100);
    let err = report::render_pdf(&everywhere("x", Some(&long))).expect_err("too long");
    assert!(matches!(err, ReportError::MarkingTooLong { .. }), "{err}");
    // HTML has room and shows it.
    assert!(report::render_html(&everywhere("x", Some(&long))).contains(long.trim()));
}

#[test]
fn control_characters_cannot_hide_text() {
    let s = "null\u{0}bell\u{7}esc\u{1b}[31m";
    let pdf = report::render_pdf(&everywhere(s, Some("X"))).expect("render");
    let html = report::render_html(&everywhere(s, Some("X")));
    assert!(!html.contains('\u{0}') && !html.contains('\u{1b}'));
    if poppler() {
        assert!(pdftotext(&pdf).contains("null"));
    }
}
