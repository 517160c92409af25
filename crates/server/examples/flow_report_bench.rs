//! The analyst's flow report for a month over all nine Southwest sectors
//! (SIMULATED counts: a year of hourly northbound crossings per sector at
//! the demo's rhythm, at nine levels), built with every detector and
//! rendered to PDF and HTML. `cargo run --release -p server --example
//! flow_report_bench [-- --out DIR]`; the target is under 5 s.

use std::time::Instant;

use flows::counts::{Bin, CountKey, CoverageBin, EventKind};

/// 2026-01-01T00:00:00Z in hours since the epoch.
const START_H: i64 = 490_872;
const HOURS: i64 = 365 * 24;
const RUNS: usize = 5;

fn main() {
    let out_dir = std::env::args().skip_while(|a| a != "--out").nth(1);
    let border = flows::Border::us_mexico().expect("border");
    let sectors = flows::Sectors::us_southwest(&border).expect("sectors");
    let mut counts = flows::Counts::new();
    let mut cfg = sim::crossers::CrossersConfig::border_sector();
    for (i, sector) in sectors.list().iter().enumerate() {
        cfg.per_hour = 1.0 + 2.5 * i as f64;
        for h in sim::crossers::history(&cfg, 100 + i as u64, START_H, START_H + HOURS) {
            counts.add_bin(&Bin {
                hour: h.hour,
                key: CountKey {
                    sector: sector.code.clone(),
                    direction: flows::Direction::Northbound,
                    kind: flows::TrackKind::Ground,
                    event: EventKind::Crossing,
                },
                n: h.northbound,
            });
            counts.add_coverage(&CoverageBin {
                hour: h.hour,
                source: sim::crossers::HISTORY_SOURCE.into(),
                updates: 1,
            });
        }
    }
    let to_s = (START_H + HOURS) * 3_600;
    let from_s = to_s - 30 * 86_400;
    let (mut build, mut pdf, mut html) = (Vec::new(), Vec::new(), Vec::new());
    let mut sizes = (0, 0, 0);
    for _ in 0..RUNS {
        let t = Instant::now();
        let doc = server::flows_report::report_from(
            &counts,
            &sectors,
            &[],
            &[],
            None,
            from_s,
            to_s,
            None,
        )
        .expect("report");
        build.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let p = report::render(&doc, report::Format::Pdf).expect("pdf");
        pdf.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let h = report::render(&doc, report::Format::Html).expect("html");
        html.push(t.elapsed().as_secs_f64());
        sizes = (doc.sections.len(), p.len(), h.len());
        if let Some(dir) = &out_dir {
            std::fs::write(format!("{dir}/flow-report.pdf"), &p).expect("write");
            std::fs::write(format!("{dir}/flow-report.html"), &h).expect("write");
        }
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "SIMULATED nine sectors × a year of hourly counts, a 30-day report, median of {RUNS}: \
         built {:.3} s ({} sections), PDF {:.3} s ({} bytes), HTML {:.3} s ({} bytes)",
        median(build),
        sizes.0,
        median(pdf),
        sizes.1,
        median(html),
        sizes.2
    );
}
