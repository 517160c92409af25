//! Long content breaks across pages: tables with their header, tall rows, notes.

use report::{Block, Document, Section, Tone};

use crate::common::{pdftotext, poppler};

#[test]
fn a_2000_row_table_repeats_its_header_on_every_page() {
    let rows: Vec<Vec<String>> = (1..=2000)
        .map(|i| {
            vec![
                format!("row-{i:04}"),
                "available".into(),
                format!("{}", i * 3),
            ]
        })
        .collect();
    let mut doc = Document::new("Roster", "2024-12-02 1400Z");
    doc.sections
        .push(Section::new("All units").with(Block::Table {
            caption: Some("Roster".into()),
            columns: vec!["Unit designator".into(), "Status".into(), "Strength".into()],
            rows,
            align: vec![],
        }));
    let pdf = report::render_pdf(&doc).expect("render");
    if !poppler() {
        return;
    }
    let text = pdftotext(&pdf);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(
        pages.len() >= 20,
        "2000 rows span many pages, got {}",
        pages.len()
    );
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("Unit designator"),
            "page {} lacks the header",
            i + 1
        );
        assert!(page.contains(&format!("page {} of {}", i + 1, pages.len())));
    }
    for i in 1..=2000 {
        assert_eq!(
            text.matches(&format!("row-{i:04} ")).count(),
            1,
            "row {i} once"
        );
    }
}

#[test]
fn a_row_taller_than_a_page_is_split_not_lost() {
    let tall: String = (0..3000).map(|i| format!("w{i} ")).collect();
    let mut doc = Document::new("Tall", "now");
    doc.sections.push(Section::new("s").with(Block::Table {
        caption: None,
        columns: vec!["Remarks".into(), "Unit".into()],
        rows: vec![
            vec![tall.clone(), "U1".into()],
            vec!["short".into(), "U2".into()],
        ],
        align: vec![],
    }));
    doc.sections.push(Section::new("n").with(Block::Note {
        tone: Tone::Info,
        text: tall.clone(),
    }));
    let pdf = report::render_pdf(&doc).expect("render");
    if !poppler() {
        return;
    }
    let text = pdftotext(&pdf);
    for i in [0, 1500, 2999] {
        assert_eq!(
            text.matches(&format!("w{i} ")).count() + text.matches(&format!("w{i}\n")).count(),
            2,
            "w{i} in cell and note"
        );
    }
    assert!(text.contains("U2"));
}
