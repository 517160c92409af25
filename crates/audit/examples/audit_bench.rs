//! Audit log throughput and verification time.
//!
//! ```text
//! cargo run --release -p audit --example audit_bench -- --records 1000000 --dir /tmp
//! ```
//!
//! Works in a fresh temporary directory under `--dir` (default: the system temp dir) and
//! deletes it at the end. Three measurements:
//! 1. appends with one fsync per record (at most 2,000 records or 10 s),
//! 2. appends in batches of 100 with one fsync per batch (at most 100,000 records or 10 s),
//! 3. `verify_dir` over a log of `--records` records (default 1,000,000), which is first
//!    written in batches of 10,000 with a checkpoint every 10,000 records.

use std::error::Error;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use audit::{verify_dir, AuditLog, CheckpointPolicy, NewRecord, SigningKey};
use serde_json::json;

const ORIGIN: &str = "bench.watchfloor/audit";

fn record(i: u64) -> NewRecord {
    NewRecord {
        time_ms: 1_700_000_000_000 + i as i64,
        actor: "engine".into(),
        action: "assignment.decide".into(),
        subjects: vec![format!("task-{i}"), "unit-2-112-IN".into()],
        decision: Some(
            if i.is_multiple_of(5) {
                "REFUSED"
            } else {
                "ALLOWED"
            }
            .into(),
        ),
        reasons: vec!["10 U.S.C. 284(b)(7)".into(), "grant:t32-detect".into()],
        rule_set: Some("9f".repeat(32)),
        payload: json!({
            "activity": "DETECT",
            "element": "unit-2-112-IN/det-1",
            "area": [[31.33, -109.5], [31.33, -108.2], [31.78, -108.2], [31.78, -109.5]],
            "window": [1_700_000_000_000_i64, 1_700_086_400_000_i64],
            "i": i,
        }),
    }
}

struct Args {
    records: u64,
    dir: PathBuf,
}

fn args() -> Result<Args, Box<dyn Error>> {
    let mut out = Args {
        records: 1_000_000,
        dir: std::env::temp_dir(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let value = it.next().ok_or(format!("{a} needs a value"))?;
        match a.as_str() {
            "--records" => out.records = value.parse()?,
            "--dir" => out.dir = value.into(),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(out)
}

fn open(dir: &std::path::Path, every: u64) -> Result<AuditLog, Box<dyn Error>> {
    let key = SigningKey::from_seed(ORIGIN, [7; 32])?;
    let policy = CheckpointPolicy {
        every_records: every,
        every_ms: 0,
    };
    Ok(AuditLog::open(dir, key, ORIGIN.into(), policy)?.0)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = args()?;
    let tmp = tempfile::Builder::new()
        .prefix("audit_bench-")
        .tempdir_in(&args.dir)?;
    let mut rows: Vec<(String, String)> = Vec::new();
    let cap = Duration::from_secs(10);

    let dir = tmp.path().join("single");
    let mut log = open(&dir, 1000)?;
    let start = Instant::now();
    let mut n = 0;
    while n < 2000 && start.elapsed() < cap {
        log.append(record(n))?;
        n += 1;
    }
    let t = start.elapsed().as_secs_f64();
    rows.push((
        format!("append, fsync per record ({n} records)"),
        format!(
            "{:.0} records/s ({:.2} ms each)",
            n as f64 / t,
            t * 1000.0 / n as f64
        ),
    ));
    drop(log);

    let dir = tmp.path().join("batched");
    let mut log = open(&dir, 1000)?;
    let start = Instant::now();
    let mut n = 0;
    while n < 100_000 && start.elapsed() < cap {
        log.append_batch((n..n + 100).map(record).collect())?;
        n += 100;
    }
    let t = start.elapsed().as_secs_f64();
    rows.push((
        format!("append, batches of 100, one fsync each ({n} records)"),
        format!("{:.0} records/s", n as f64 / t),
    ));
    drop(log);

    let dir = tmp.path().join("big");
    let mut log = open(&dir, 10_000)?;
    let start = Instant::now();
    let mut n = 0;
    while n < args.records {
        let end = (n + 10_000).min(args.records);
        log.append_batch((n..end).map(record).collect())?;
        n = end;
    }
    log.checkpoint_now(1_700_000_000_000 + n as i64)?;
    let t = start.elapsed().as_secs_f64();
    let key = log.verifier_key().clone();
    drop(log);
    let bytes = std::fs::metadata(dir.join(audit::RECORDS_FILE))?.len();
    rows.push((
        format!("write {n} records, batches of 10,000"),
        format!(
            "{t:.2} s ({:.0} records/s, {:.0} MB)",
            n as f64 / t,
            bytes as f64 / 1e6
        ),
    ));

    let start = Instant::now();
    let report = verify_dir(&dir, &[key]);
    let t = start.elapsed().as_secs_f64();
    if !report.is_ok() {
        return Err(format!("verification failed: {report}").into());
    }
    rows.push((
        format!(
            "verify_dir, {} records, {} checkpoints",
            report.records, report.checkpoints
        ),
        format!("{t:.2} s ({:.0} records/s)", report.records as f64 / t),
    ));

    let start = Instant::now();
    let log = open(&dir, 10_000)?;
    let t = start.elapsed().as_secs_f64();
    rows.push((
        format!(
            "AuditLog::open (verify + rebuild tree), {} records",
            log.len()
        ),
        format!("{t:.2} s"),
    ));
    drop(log);

    let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    println!("| {:w$} | result |", "measurement");
    println!("|{}|--------|", "-".repeat(w + 2));
    for (a, b) in rows {
        println!("| {a:w$} | {b} |");
    }
    tmp.close()?;
    Ok(())
}
