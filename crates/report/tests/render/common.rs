//! Shared fixtures and the poppler helpers (pdftotext, pdftoppm).

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use report::{Align, Block, Document, Section, Series, Tone};

/// Whether pdftotext and pdftoppm can be run. Without them a test that
/// needs them fails under CI (which installs them) and is skipped with a
/// line on stderr elsewhere.
pub(crate) fn poppler() -> bool {
    let ok = ["pdftotext", "pdftoppm"].iter().all(|tool| {
        Command::new(tool)
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success() || !o.stderr.is_empty())
    });
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but pdftotext/pdftoppm are missing (apt-get install poppler-utils)"
        );
        eprintln!("skipping: pdftotext/pdftoppm not installed (apt-get install poppler-utils)");
    }
    ok
}

/// A scratch file path unique to this process and call.
fn scratch(ext: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("report-test-{}-{n}.{ext}", std::process::id()))
}

/// The PDF's text as `pdftotext -layout` reads it; pages end with `\f`.
pub(crate) fn pdftotext(pdf: &[u8]) -> String {
    let path = scratch("pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("run pdftotext");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext gives UTF-8")
}

/// `pdfinfo` output, for page sizes and counts.
pub(crate) fn pdfinfo(pdf: &[u8]) -> String {
    let path = scratch("pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("run pdfinfo");
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Page 1 rasterised at 50 dpi: (PNG bytes, fraction of grey pixels that are not white).
pub(crate) fn first_page_raster(pdf: &[u8]) -> (Vec<u8>, f64) {
    let path = scratch("pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let png_prefix = scratch("png-out");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&path)
        .arg(&png_prefix)
        .status()
        .expect("run pdftoppm");
    assert!(status.success());
    let png_path = png_prefix.with_extension("png-out.png");
    let png = std::fs::read(&png_path).expect("pdftoppm wrote a png");
    let pgm_prefix = scratch("pgm-out");
    let status = Command::new("pdftoppm")
        .args(["-gray", "-r", "50", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&path)
        .arg(&pgm_prefix)
        .status()
        .expect("run pdftoppm -gray");
    assert!(status.success());
    let pgm_path = pgm_prefix.with_extension("pgm-out.pgm");
    let pgm = std::fs::read(&pgm_path).expect("pdftoppm wrote a pgm");
    for p in [&path, &png_path, &pgm_path] {
        let _ = std::fs::remove_file(p);
    }
    (png, ink(&pgm))
}

/// The fraction of pixels darker than near-white in a binary PGM (P5, 8 bit).
fn ink(pgm: &[u8]) -> f64 {
    // Header: "P5", width, height, maxval, each followed by whitespace.
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 && i < pgm.len() {
        while i < pgm.len() && pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        while i < pgm.len() && !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    let pixels = &pgm[(i + 1).min(pgm.len())..];
    assert!(!pixels.is_empty(), "empty raster");
    pixels.iter().filter(|&&p| p < 240).count() as f64 / pixels.len() as f64
}

/// A document with every block type and a value label to look for.
pub(crate) fn every_block() -> Document {
    let mut doc = Document::new("Daily briefing 2 December", "2024-12-02 1400Z");
    doc.subtitle = Some("Task force Lone Star".into());
    doc.marking = Some("UNCLASSIFIED // EXERCISE".into());
    doc.sections.push(
        Section::new("Situation")
            .with(Block::Paragraph(
                "Quiet night along the river; two crossings reported.\nSecond line.".into(),
            ))
            .with(Block::KeyValues(vec![
                ("Units reporting".into(), "41 of 43".into()),
                ("Late suspenses".into(), "2".into()),
            ]))
            .with(Block::Note {
                tone: Tone::Alert,
                text: "Suspense 0412 is 3 h late.".into(),
            }),
    );
    doc.sections.push(
        Section::new("Readiness")
            .with(Block::Table {
                caption: Some("Units by sector".into()),
                columns: vec!["Unit".into(), "Sector".into(), "Strength".into()],
                rows: vec![
                    vec!["2-112 INF".into(), "RGV".into(), "118".into()],
                    vec!["Quokka Station".into(), "LRT".into(), "64".into()],
                ],
                align: vec![Align::Left, Align::Center, Align::Right],
            })
            .with(Block::BarChart {
                title: "Encounters by sector".into(),
                categories: vec!["RGV".into(), "DRT".into(), "ELC".into()],
                series: vec![
                    Series::new("November", vec![46610.0, 12345.0, 777.0]),
                    Series::new("December", vec![52001.0, 9876.0, 801.0]),
                ],
                y_label: "encounters".into(),
            })
            .with(Block::LineChart {
                title: "Crossings per hour".into(),
                x_labels: (0..24).map(|h| format!("{h:02}00")).collect(),
                series: vec![
                    Series::new("RGV", (0..24).map(|h| (h % 7) as f64 * 3.0).collect())
                        .with_band(vec![1.0; 24], vec![15.0; 24]),
                ],
                y_label: "crossings".into(),
            }),
    );
    doc
}
