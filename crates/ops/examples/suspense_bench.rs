//! Orders and suspenses at scale (SIMULATED records): 1,000 orders each
//! setting 10 suspenses (10,000 open), owned by 500 units, then the ticks
//! the watch floor lives on. `cargo run --release -p ops --example
//! suspense_bench`. Prints medians and minima of five runs, each on a
//! fresh copy of the same engine.

use std::time::{Duration, Instant};

use cot::Time;
use ops::boards::SuspenseFilter;
use ops::command::Role;
use ops::order::{Order, OrderKind, OrderSuspense, ParagraphAddr};
use ops::{Actor, Command, Ops, OpsConfig, RuleSet, Unit};

const ORDERS: usize = 1_000;
const PER_ORDER: usize = 10;
const UNITS: usize = 500;
const DAY_S: i64 = 86_400;

fn start() -> Time {
    Time::from_millis(1_767_254_400_000) // 2026-01-01T08:00Z
}

fn staff() -> Actor {
    Actor::user("bench", &[Role::Admin, Role::WatchOfficer])
}

fn unit(i: usize) -> Unit {
    serde_json::from_value(serde_json::json!({
        "id": format!("U{i:04}"),
        "designation": format!("[SIM] unit {i}"),
        "sa_uid": format!("uid-{i}"),
    }))
    .expect("unit")
}

/// Every suspense due 30 days out, at one of 24 hours, so a tick at T-7d
/// of one hour brings 1/24 of them and one at T-7d of the last hour, after
/// a long outage, brings all.
fn order(i: usize) -> Order {
    let dtg = start();
    Order {
        subject: format!("[SIM] order {i}"),
        paragraphs: ParagraphAddr::parse("2")
            .map(|a| [(a, "[SIM] Mission.".to_string())].into_iter().collect())
            .unwrap_or_default(),
        suspenses: (0..PER_ORDER)
            .map(|k| OrderSuspense {
                id: format!("S{k}"),
                owner: format!("U{:04}", (i * PER_ORDER + k) % UNITS),
                due: dtg.plus_secs(30 * DAY_S + ((i + k) % 24) as i64 * 3600),
                title: format!("[SIM] report {k}"),
                warnings: None,
            })
            .collect(),
        ..Order::new(&format!("OPORD-{i:04}"), OrderKind::Opord, dtg, "[SIM] HQ")
    }
}

fn stats(mut d: Vec<Duration>) -> (f64, f64) {
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1e3;
    (ms(d[d.len() / 2]), ms(d[0]))
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let mut all = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        all.push(t.elapsed());
    }
    let (m, min) = stats(all);
    (m, min, last.expect("runs > 0"))
}

fn main() {
    let mut base = Ops::new(OpsConfig::default(), RuleSet::default_rules());
    for i in 0..UNITS {
        let _ = base.apply(&staff(), &Command::Unit { unit: unit(i) }, start());
    }
    let orders: Vec<Command> = (0..ORDERS)
        .map(|i| Command::Order { order: order(i) })
        .collect();
    let (take_m, take_min, loaded) = time(5, || {
        let mut ops = base.clone();
        for c in &orders {
            let a = ops.apply(&staff(), c, start());
            assert!(a.result.is_ok(), "{:?}", a.result);
        }
        ops
    });
    let open = loaded.suspenses().count();
    assert_eq!(open, ORDERS * PER_ORDER);
    let due = start().plus_secs(30 * DAY_S);
    println!("# suspense_bench: {ORDERS} orders, {open} open suspenses, {UNITS} owner units (SIMULATED)\n");
    println!("| measurement | median | min | work |");
    println!("|---|---:|---:|---|");
    println!("| take {ORDERS} orders (one request each) | {take_m:.1} ms | {take_min:.1} ms | {open} suspenses opened |");
    let row = |what: &str, (m, min): (f64, f64), work: String| {
        println!("| {what} | {m:.3} ms | {min:.3} ms | {work} |")
    };

    // A tick with nothing due: the next boundary is known, so no scan.
    let mut idle = loaded.clone();
    let _ = idle.handle_timeout(start().plus_secs(60));
    let (m, min, n) = time(5, || {
        idle.handle_timeout(start().plus_secs(120)).entries.len()
    });
    row("tick, nothing due", (m, min), format!("{n} entries"));

    // A tick at the first T-7d hour: 1/24 of the suspenses warn.
    let mut one_hour = Vec::new();
    let mut all_at_once = Vec::new();
    let mut counts = (0, 0);
    for _ in 0..5 {
        let mut ops = loaded.clone();
        let _ = ops.handle_timeout(start().plus_secs(60));
        let t = Instant::now();
        let a = ops.handle_timeout(due.plus_secs(-7 * DAY_S));
        one_hour.push(t.elapsed());
        counts.0 = a.effects.len();
        let mut ops = loaded.clone();
        let _ = ops.handle_timeout(start().plus_secs(60));
        let t = Instant::now();
        let a = ops.handle_timeout(due.plus_secs(23 * 3600 - 7 * DAY_S));
        all_at_once.push(t.elapsed());
        counts.1 = a.effects.len();
    }
    row(
        "tick at one hour's T-7d",
        stats(one_hour),
        format!("{} notices", counts.0),
    );
    row(
        "tick after an outage: every T-7d at once",
        stats(all_at_once),
        format!("{} notices", counts.1),
    );

    // The board of all 10,000, and the boundary scan after a change.
    let (m, min, n) = time(5, || {
        loaded
            .suspense_board(start(), &SuspenseFilter::default())
            .suspenses
            .len()
    });
    row(
        "suspense board, all open",
        (m, min),
        format!("{n} rows with metrics"),
    );
    let (m, min, _) = time(5, || loaded.next_wakeup());
    row(
        "next wake-up (a scan of every suspense)",
        (m, min),
        format!("{open} suspenses"),
    );
    let _ = n;
}
