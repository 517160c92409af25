//! The daily briefing for a 5,000-unit roster (SIMULATED records): 5,000
//! units under 50 companies with duty statuses and PERSTATs, 200 tasks
//! assigned (some refused), 1,000 suspenses, then the briefing built and
//! rendered. `cargo run --release -p server --example briefing_bench
//! [-- --out DIR]`; the target is under 5 s.

use std::time::Instant;

use cot::Time;
use ops::command::Role;
use ops::{Actor, Command, Ops, OpsConfig, RuleSet};

const UNITS: usize = 5_000;
const TASKS: usize = 200;
const SUSPENSES: usize = 1_000;

fn cmd(v: serde_json::Value) -> Command {
    serde_json::from_value(v).expect("command")
}

fn main() {
    let out_dir = std::env::args().skip_while(|a| a != "--out").nth(1);
    let start = Time::from_millis(1_767_254_400_000);
    let from = "2025-12-01T00:00:00Z";
    let actor = Actor::user("bench", &[Role::Admin, Role::WatchOfficer, Role::Legal]);
    let mut ops = Ops::new(OpsConfig::default(), RuleSet::default_rules());
    let mut commands = Vec::new();
    for c in 0..UNITS / 100 {
        let (kind, component) = if c % 3 == 0 {
            ("T32_502f", "ARNG")
        } else {
            ("T10", "AC")
        };
        commands.push(cmd(serde_json::json!({"op":"unit","unit":{"id":format!("CO-{c:02}"),"designation":format!("[SIM] company {c}"),"component":component}})));
        commands.push(cmd(serde_json::json!({"op":"status","unit":format!("CO-{c:02}"),"status":{"kind":kind,"state":"AZ","order_ref":"[SIM] order","from":from}})));
        for p in 0..99 {
            let id = format!("U-{c:02}-{p:02}");
            commands.push(cmd(serde_json::json!({"op":"unit","unit":{"id":id,"designation":format!("[SIM] team {c}-{p}"),"parent":format!("CO-{c:02}"),"component":component,
                "strength":{"authorized":12,"assigned":11,"present_for_duty":10 + (p % 2) as u32,"as_of":from}}})));
        }
    }
    let activities = [
        "DETECT",
        "CHECKPOINT",
        "ENGINEERING",
        "TRANSPORT_LE_PERSONNEL",
    ];
    for t in 0..TASKS {
        commands.push(cmd(serde_json::json!({"op":"task","task":{"id":format!("T-{t:03}"),"title":format!("[SIM] task {t}"),
            "requires":[{"activity":activities[t % activities.len()]}],"window":{"from":from},"status":"APPROVED"}})));
        commands.push(cmd(serde_json::json!({"op":"assign","task":format!("T-{t:03}"),"unit":format!("CO-{:02}", t % (UNITS / 100))})));
    }
    for s in 0..SUSPENSES {
        commands.push(cmd(serde_json::json!({"op":"suspense","suspense":{"id":format!("S-{s:04}"),"owner":format!("CO-{:02}", s % 50),
            "title":format!("[SIM] report {s}"),"due":start.plus_secs((s as i64 - 100) * 3_600).to_string()}})));
    }
    for c in &commands {
        let a = ops.apply(&actor, c, start);
        assert!(a.result.is_ok(), "{}: {:?}", c.action(), a.result);
    }
    let units = ops.units().count();
    let checkpoint = server::operations::CheckpointLine {
        origin: "bench.local/ops".into(),
        size: 12_345,
        root: "[SIM] root".into(),
    };
    let mut build = Vec::new();
    let mut pdf_t = Vec::new();
    let mut html_t = Vec::new();
    let mut sizes = (0, 0);
    for _ in 0..5 {
        let t = Instant::now();
        let doc = server::operations::briefing(&ops, start, Some(&checkpoint), Some("SIMULATION"));
        build.push(t.elapsed());
        let t = Instant::now();
        let pdf = report::render_pdf(&doc).expect("pdf");
        pdf_t.push(t.elapsed());
        let t = Instant::now();
        let html = report::render_html(&doc);
        html_t.push(t.elapsed());
        sizes = (pdf.len(), html.len());
        if let Some(dir) = &out_dir {
            let _ = std::fs::create_dir_all(dir);
            let _ = std::fs::write(format!("{dir}/briefing-5000.pdf"), &pdf);
            let _ = std::fs::write(format!("{dir}/briefing-5000.html"), &html);
        }
    }
    let med = |mut v: Vec<std::time::Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1e3
    };
    println!("# briefing_bench: {units} units, {TASKS} tasks, {SUSPENSES} suspenses (SIMULATED), median of 5\n");
    println!("| step | median | output |");
    println!("|---|---:|---|");
    println!(
        "| build the briefing from the engine | {:.1} ms | |",
        med(build)
    );
    println!(
        "| render PDF | {:.1} ms | {} kB |",
        med(pdf_t),
        sizes.0 / 1024
    );
    println!(
        "| render HTML | {:.1} ms | {} kB |",
        med(html_t),
        sizes.1 / 1024
    );
}
