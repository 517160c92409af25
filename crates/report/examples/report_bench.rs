//! Render time of a briefing for a 5,000-unit roster: one 5,000-row table
//! and three charts, to PDF and HTML, median of several runs.
//!
//! ```text
//! cargo run --release -p report --example report_bench [-- --out DIR]
//! ```
//! With `--out DIR` the last PDF and HTML are written there to look at.

use std::time::{Duration, Instant};

use report::{Align, Block, Document, Section, Series, Tone};

const ROWS: usize = 5_000;
const RUNS: usize = 5;

/// A fixed pseudo-random sequence, so every run renders the same document.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn roster_document() -> Document {
    let mut rng = Lcg(7);
    let types = [
        "infantry platoon",
        "MP squad",
        "UAS team",
        "medical team",
        "engineer section",
        "CBP station",
    ];
    let statuses = [
        "available",
        "committed",
        "in transit",
        "maintenance",
        "off duty",
    ];
    let sectors = [
        "BBT", "DRT", "ELC", "EPT", "LRT", "RGV", "SDC", "TCA", "YUM",
    ];
    let rows: Vec<Vec<String>> = (0..ROWS)
        .map(|i| {
            let sector = sectors[rng.next(sectors.len())];
            vec![
                format!("{}", i + 1),
                format!(
                    "{sector}-{:04} {}",
                    i,
                    ["Alpha", "Bravo", "Charlie", "Delta"][rng.next(4)]
                ),
                types[rng.next(types.len())].to_owned(),
                sector.to_owned(),
                statuses[rng.next(statuses.len())].to_owned(),
                format!("{}", rng.next(40)),
                format!("02{:02}{:02}Z DEC 24", rng.next(24), rng.next(60)),
            ]
        })
        .collect();
    let by_status: Vec<Series> = ["personnel", "vehicles"]
        .iter()
        .map(|name| {
            Series::new(
                *name,
                sectors
                    .iter()
                    .map(|_| (rng.next(400) + 50) as f64)
                    .collect(),
            )
        })
        .collect();
    let days: Vec<String> = (1..=90).map(|d| format!("d{d}")).collect();
    let counts: Vec<f64> = (0..90)
        .map(|d| 800.0 + 200.0 * ((d as f64) / 7.0).sin() + rng.next(120) as f64)
        .collect();
    let low: Vec<f64> = counts.iter().map(|c| c - 150.0).collect();
    let high: Vec<f64> = counts.iter().map(|c| c + 150.0).collect();
    let mut doc = Document::new("Task force daily briefing", "2024-12-02 1400Z");
    doc.subtitle = Some("Roster of 5,000 units (synthetic benchmark data)".into());
    doc.marking = Some("SIMULATION // EXERCISE".into());
    doc.sections.push(
        Section::new("Summary")
            .with(Block::KeyValues(vec![
                ("Units".into(), ROWS.to_string()),
                ("Sectors".into(), sectors.len().to_string()),
            ]))
            .with(Block::Note {
                tone: Tone::Warning,
                text: "3 suspenses are past due.".into(),
            })
            .with(Block::BarChart {
                title: "Strength by sector".into(),
                categories: sectors.iter().map(|s| s.to_string()).collect(),
                series: by_status,
                y_label: "count".into(),
            })
            .with(Block::LineChart {
                title: "Encounters per day, with baseline range".into(),
                x_labels: days,
                series: vec![Series::new("encounters", counts).with_band(low, high)],
                y_label: "encounters per day".into(),
            })
            .with(Block::BarChart {
                title: "Units by status".into(),
                categories: statuses.iter().map(|s| s.to_string()).collect(),
                series: vec![Series::new(
                    "units",
                    statuses
                        .iter()
                        .map(|_| (rng.next(1500) + 100) as f64)
                        .collect(),
                )],
                y_label: "units".into(),
            }),
    );
    doc.sections.push(
        Section::new("Roster").with(Block::Table {
            caption: Some("All units".into()),
            columns: [
                "#", "Unit", "Type", "Sector", "Status", "Strength", "Updated",
            ]
            .map(String::from)
            .to_vec(),
            rows,
            align: vec![
                Align::Right,
                Align::Left,
                Align::Left,
                Align::Center,
                Align::Left,
                Align::Right,
                Align::Left,
            ],
        }),
    );
    doc
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().skip_while(|a| a != "--out").nth(1);
    let doc = roster_document();
    let mut pdf_times = Vec::new();
    let mut html_times = Vec::new();
    let mut pdf = Vec::new();
    let mut html = String::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        pdf = report::render_pdf(&doc)?;
        pdf_times.push(t.elapsed());
        let t = Instant::now();
        html = report::render_html(&doc);
        html_times.push(t.elapsed());
    }
    println!("document: {ROWS}-row table + 3 charts, median of {RUNS} runs");
    println!(
        "pdf : {:>8.3} s  {:>9} bytes",
        median(pdf_times).as_secs_f64(),
        pdf.len()
    );
    println!(
        "html: {:>8.3} s  {:>9} bytes",
        median(html_times).as_secs_f64(),
        html.len()
    );
    if let Some(dir) = out {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(format!("{dir}/report_bench.pdf"), &pdf)?;
        std::fs::write(format!("{dir}/report_bench.html"), &html)?;
        println!("written to {dir}/report_bench.{{pdf,html}}");
    }
    Ok(())
}
