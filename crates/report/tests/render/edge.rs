//! Degenerate documents: a clear error or a sensible rendering, never a panic.

use report::{Block, Document, ReportError, Section, Series};

use crate::common::{pdftotext, poppler};

fn chart_doc(block: Block) -> Document {
    let mut doc = Document::new("Charts", "now");
    doc.sections.push(Section::new("c").with(block));
    doc
}

fn bars(categories: Vec<&str>, series: Vec<Series>) -> Block {
    Block::BarChart {
        title: "Bars".into(),
        categories: categories.into_iter().map(String::from).collect(),
        series,
        y_label: "n".into(),
    }
}

fn lines(n: usize, series: Vec<Series>) -> Block {
    Block::LineChart {
        title: "Lines".into(),
        x_labels: (0..n).map(|i| format!("t{i}")).collect(),
        series,
        y_label: "n".into(),
    }
}

#[test]
fn an_empty_document_renders_one_page() {
    let doc = Document::new("", "");
    let pdf = report::render_pdf(&doc).expect("render");
    assert!(report::render_html(&doc).contains("no sections"));
    if poppler() {
        let text = pdftotext(&pdf);
        assert!(text.contains("page 1 of 1"));
        assert!(text.contains("This document has no sections."));
    }
}

#[test]
fn a_section_without_blocks_says_so() {
    let mut doc = Document::new("t", "now");
    doc.sections.push(Section::new("Empty"));
    let pdf = report::render_pdf(&doc).expect("render");
    assert!(report::render_html(&doc).contains("(no content)"));
    if poppler() {
        assert!(pdftotext(&pdf).contains("(no content)"));
    }
}

#[test]
fn charts_without_data_say_no_data() {
    for block in [
        bars(vec![], vec![]),
        bars(vec!["a", "b"], vec![]),
        bars(vec!["a"], vec![Series::new("s", vec![f64::NAN])]),
        lines(0, vec![]),
        lines(
            3,
            vec![Series::new(
                "s",
                vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY],
            )],
        ),
    ] {
        let doc = chart_doc(block);
        let pdf = report::render_pdf(&doc).expect("render");
        assert!(report::render_html(&doc).contains(">no data</text>"));
        if poppler() {
            assert!(pdftotext(&pdf).contains("no data"));
        }
    }
}

/// The charts of a page, without the CSS (whose `.note.info` contains "inf").
fn svg(html: &str) -> &str {
    html.find("<svg").map_or("", |at| &html[at..])
}

#[test]
fn non_finite_values_are_gaps() {
    let v = vec![1.0, f64::NAN, 3.0, f64::INFINITY, 5.0, 6.0];
    let doc = chart_doc(lines(
        6,
        vec![Series::new("s", v.clone()).with_band(v.clone(), v.clone())],
    ));
    let pdf = report::render_pdf(&doc).expect("render");
    let html = report::render_html(&doc);
    assert!(
        !svg(&html).contains("NaN") && !svg(&html).contains("inf"),
        "no NaN coordinates"
    );
    assert_eq!(
        svg(&html).matches("<polyline").count(),
        1,
        "one line for the run 5, 6"
    );
    let doc = chart_doc(bars(
        vec!["a", "b", "c"],
        vec![Series::new("s", vec![2.0, f64::NAN, 4.0])],
    ));
    report::render_pdf(&doc).expect("render");
    if poppler() {
        assert!(!pdftotext(&pdf).contains("NaN"));
    }
}

#[test]
fn values_beyond_f64_range_are_not_drawn() {
    let doc = chart_doc(bars(
        vec!["a", "b"],
        vec![Series::new("s", vec![f64::MAX, -f64::MAX])],
    ));
    report::render_pdf(&doc).expect("render");
    assert!(report::render_html(&doc).contains("values out of range"));
    // Huge but drawable values get e-notation labels.
    let doc = chart_doc(bars(vec!["a"], vec![Series::new("s", vec![1e300])]));
    report::render_pdf(&doc).expect("render");
    assert!(report::render_html(&doc).contains("1.00e300"));
}

#[test]
fn negative_and_constant_values_render() {
    for values in [
        vec![-5.0, 3.0],
        vec![7.0, 7.0],
        vec![0.0, 0.0],
        vec![-1e-9, 1e-9],
    ] {
        let doc = chart_doc(bars(vec!["a", "b"], vec![Series::new("s", values.clone())]));
        report::render_pdf(&doc).expect("bars");
        let doc = chart_doc(lines(2, vec![Series::new("s", values)]));
        report::render_pdf(&doc).expect("lines");
    }
}

#[test]
fn many_series_and_categories_still_fit() {
    let series: Vec<Series> = (0..200)
        .map(|i| Series::new(format!("series {i}"), vec![i as f64; 300]))
        .collect();
    let cats: Vec<String> = (0..300).map(|i| format!("category {i}")).collect();
    let doc = chart_doc(Block::BarChart {
        title: "Crowded".into(),
        categories: cats,
        series: series.clone(),
        y_label: "n".into(),
    });
    report::render_pdf(&doc).expect("render");
    assert!(report::render_html(&doc).contains("more series"));
    let doc = chart_doc(lines(300, series));
    report::render_pdf(&doc).expect("render");
}

#[test]
fn shape_errors_name_the_place() {
    let mut doc = Document::new("t", "now");
    doc.sections.push(Section::new("s").with(Block::Table {
        caption: None,
        columns: vec!["a".into(), "b".into()],
        rows: vec![vec!["1".into(), "2".into()], vec!["only one".into()]],
        align: vec![],
    }));
    let err = report::render_pdf(&doc).expect_err("ragged");
    assert_eq!(
        err,
        ReportError::RaggedRow {
            section: 0,
            block: 0,
            row: 1,
            expected: 2,
            found: 1
        }
    );
    assert!(
        report::render_html(&doc).contains("only one"),
        "html pads instead"
    );

    let doc = chart_doc(bars(vec!["a", "b"], vec![Series::new("s", vec![1.0])]));
    assert!(matches!(
        report::validate(&doc),
        Err(ReportError::SeriesLength {
            expected: 2,
            found: 1,
            ..
        })
    ));
    report::render_html(&doc);

    let doc = chart_doc(lines(
        2,
        vec![Series::new("s", vec![1.0, 2.0]).with_band(vec![1.0], vec![1.0, 2.0])],
    ));
    assert!(matches!(
        report::render_pdf(&doc),
        Err(ReportError::BandLength { found: 1, .. })
    ));
    report::render_html(&doc);
}

#[test]
fn an_empty_table_renders() {
    let doc = chart_doc(Block::Table {
        caption: Some("Nothing yet".into()),
        columns: vec![],
        rows: vec![],
        align: vec![],
    });
    report::render_pdf(&doc).expect("render");
    assert!(report::render_html(&doc).contains("(empty table)"));
    let doc = chart_doc(Block::Table {
        caption: None,
        columns: vec!["a".into()],
        rows: vec![],
        align: vec![],
    });
    report::render_pdf(&doc).expect("render");
    let doc = chart_doc(Block::KeyValues(vec![]));
    report::render_pdf(&doc).expect("render");
}
