//! Both outputs of a document with every block type.

use report::{Paper, ReportError};

use crate::common::{every_block, first_page_raster, pdfinfo, pdftotext, poppler};

#[test]
fn pdf_text_comes_back_from_every_block() {
    let pdf = report::render_pdf(&every_block()).expect("render");
    assert!(pdf.starts_with(b"%PDF-"));
    if !poppler() {
        return;
    }
    let text = pdftotext(&pdf);
    for needle in [
        "Daily briefing 2 December",
        "Task force Lone Star",
        "As of 2024-12-02 1400Z",
        "UNCLASSIFIED // EXERCISE",
        "Quiet night along the river",
        "Units reporting",
        "41 of 43",
        "ALERT",
        "Suspense 0412 is 3 h late.",
        "Units by sector",
        "Quokka Station",
        "Encounters by sector",
        "46,610",
        "52,001",
        "November",
        "Crossings per hour",
        "page 1 of",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    let pages = text.matches('\u{c}').count();
    assert!(
        text.contains(&format!("page {pages} of {pages}")),
        "last page number"
    );
    // The marking is on every page, top and bottom.
    assert_eq!(text.matches("UNCLASSIFIED // EXERCISE").count(), 2 * pages);
}

#[test]
fn pdf_first_page_rasterises_to_a_non_blank_png() {
    let pdf = report::render_pdf(&every_block()).expect("render");
    if !poppler() {
        return;
    }
    let (png, ink) = first_page_raster(&pdf);
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(
        png.len() > 5_000,
        "a PNG with content, got {} bytes",
        png.len()
    );
    assert!(
        ink > 0.01 && ink < 0.6,
        "some but not all pixels are ink: {ink}"
    );
}

#[test]
fn pdf_embeds_its_fonts_and_draws_charts_as_vectors() {
    let pdf = report::render_pdf(&every_block()).expect("render");
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/FontFile2"), "TrueType font program embedded");
    assert!(
        !raw.contains("/Subtype /Image") && !raw.contains("/Subtype/Image"),
        "no raster images"
    );
    if poppler() {
        let info = pdfinfo(&pdf);
        assert!(info.contains("595.28 x 841.89"), "A4: {info}");
        assert!(
            !info.contains("CreationDate"),
            "no clock in the output: {info}"
        );
    }
}

#[test]
fn letter_paper_for_the_us_task_force() {
    let mut doc = every_block();
    doc.paper = Paper::Letter;
    let pdf = report::render_pdf(&doc).expect("render");
    if poppler() {
        assert!(pdfinfo(&pdf).contains("612 x 792"));
    }
    assert!(report::render_html(&doc).contains("size: letter"));
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let doc = every_block();
    let a = report::render_pdf(&doc).expect("render");
    let b = report::render_pdf(&doc).expect("render");
    assert_eq!(a, b);
    assert_eq!(report::render_html(&doc), report::render_html(&doc));
}

#[test]
fn html_is_self_contained_and_in_pdf_order() {
    let html = report::render_html(&every_block());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no scripts");
    assert!(!html.contains("src="), "no external resources");
    assert!(!html.contains("<link"), "no stylesheets to fetch");
    assert!(!html.contains("url("), "no CSS fetches");
    assert!(
        html.contains("default-src 'none'"),
        "the browser is told so too"
    );
    assert_eq!(html.matches("<svg").count(), 2, "both charts inline");
    assert!(html.contains(">46,610</text>"), "bar labels are SVG text");
    let order = [
        "UNCLASSIFIED // EXERCISE",
        "Daily briefing 2 December",
        "Situation",
        "Quiet night",
        "Units reporting",
        "Suspense 0412",
        "Readiness",
        "Quokka Station",
        "Encounters by sector",
        "Crossings per hour",
    ];
    let mut at = 0;
    for needle in order {
        let found = html[at..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} out of order"));
        at += found;
    }
}

#[test]
fn documents_round_trip_through_json() {
    let doc = every_block();
    let json = serde_json::to_string(&doc).expect("serialise");
    let back: report::Document = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, doc);
}

#[test]
fn errors_read_as_sentences() {
    let e = ReportError::MarkingTooLong { chars: 300 };
    assert!(e.to_string().starts_with("marking is too long"));
}
