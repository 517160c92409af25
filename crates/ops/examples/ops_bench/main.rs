//! The ops engine at task-force scale: about 5,000 units in a tree with
//! mixed duty statuses, 5,000 tasks of 1 to 3 activities and 20,000 open
//! assignments, then the costs that matter on a watch floor: deciding
//! assignments, re-deciding after one authority record is entered or
//! ended, after one unit's duty status changes, and when a boundary
//! passes in `handle_timeout`. Each measurement runs five times on a fresh
//! copy of the same state; the table gives the median and the minimum.
//!
//! Run with `cargo run --release -p ops --example ops_bench`; it builds a
//! fixed, seeded data set and stops by itself. See bench/ops/README.md.

mod data;

use std::collections::HashMap;
use std::error::Error;
use std::time::{Duration, Instant};

use cot::Time;
use ops::authority::AppliesTo;
use ops::command::Role;
use ops::decide::Outcome;
use ops::duty::{DutyKind, DutyStatus};
use ops::unit::Strength;
use ops::{Activity, Actor, Applied, AuthorityKind, Command, Ops, Window};

use data::{build, record, DataSet, TASKS};

const REPEATS: usize = 5;
/// 2026-01-01T00:00:00Z.
const T0: Time = Time::from_millis(1_767_225_600_000);
const HOUR_S: i64 = 3_600;
/// The activity every task needs, so one record about it touches all.
const COMMON: Activity = Activity::CommRelay;
/// Sorts before COMM-RELAY-ALL, so every decision on COMMON cites it and
/// every assignment's decision changes: the worst case.
const GRANT_ID: &str = "BENCH-SECDEF-COMMS";
/// Sorts before GRANT_ID: cited in its place.
const GRANT2_ID: &str = "BENCH-SECDEF-COMMS-2";
/// Sorts after COMM-RELAY-ALL: evaluated everywhere, cited nowhere.
const QUIET_ID: &str = "ZZ-BENCH-SECDEF-COMMS";

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn everyone() -> Actor {
    Actor::user("bench", &[Role::Admin, Role::Legal, Role::WatchOfficer])
}

/// Applies `cmd`; a refusal stops the benchmark (the data set is wrong).
fn run(ops: &mut Ops, cmd: &Command, now: Time) -> Result<Applied> {
    let applied = ops.apply(&everyone(), cmd, now);
    match &applied.result {
        Ok(()) => Ok(applied),
        Err(e) => Err(format!("{} refused: {e}", cmd.action()).into()),
    }
}

/// How many assignments the engine re-decided (one decision entry each).
fn decisions(applied: &Applied) -> usize {
    applied
        .entries
        .iter()
        .filter(|e| e.action == "ops.decision")
        .count()
}

/// Times `f` on a fresh copy of `base`, `REPEATS` times; `f` returns the
/// duration it measured and a count to report (the last run's).
fn repeat<F>(base: &Ops, mut f: F) -> Result<(Vec<Duration>, usize)>
where
    F: FnMut(&mut Ops, usize) -> Result<(Duration, usize)>,
{
    let mut times = Vec::with_capacity(REPEATS);
    let mut count = 0;
    for r in 0..REPEATS {
        let mut ops = base.clone();
        let (d, c) = f(&mut ops, r)?;
        times.push(d);
        count = c;
    }
    Ok((times, count))
}

fn timed(ops: &mut Ops, cmd: &Command, now: Time) -> Result<(Duration, usize)> {
    let t = Instant::now();
    let a = run(ops, cmd, now)?;
    Ok((t.elapsed(), decisions(&a)))
}

struct Row {
    what: String,
    times: Vec<Duration>,
    work: String,
}

/// The 20,000 Assign commands; returns the engine they leave.
fn assign(data: &DataSet, rows: &mut Vec<Row>) -> Result<Ops> {
    let mut times = Vec::new();
    let mut assigned = None;
    for _ in 0..REPEATS {
        let mut ops = data.ops.clone();
        let t = Instant::now();
        for cmd in &data.assigns {
            run(&mut ops, cmd, T0)?;
        }
        times.push(t.elapsed());
        assigned = Some(ops);
    }
    let ops = assigned.ok_or("no run")?;
    let n = ops.assignments().count();
    let decided: usize = ops
        .assignments()
        .flat_map(|a| &a.elements)
        .map(|e| e.activities.len())
        .sum();
    let (median, _) = stats(times.clone());
    let per_s = |k: usize| k as f64 / median.as_secs_f64();
    rows.push(Row {
        what: format!("assign {n} (one command each)"),
        times,
        work: format!(
            "{:.0} assignments/s, {:.0} element-activity decisions/s ({decided} decisions)",
            per_s(n),
            per_s(decided)
        ),
    });
    Ok(ops)
}

/// One authority record about COMMON entered, then ended; and one that
/// changes no decision, for the cost of the scan alone.
fn authority(base: &Ops, rows: &mut Vec<Row>) -> Result<()> {
    let grant = |id: &str, from: Time| {
        let mut g = record(id, AuthorityKind::Grant, &[COMMON], AppliesTo::default());
        g.valid.from = from;
        Command::Authority { authority: g }
    };
    let (mut end, mut again) = (Vec::new(), Vec::new());
    let (mut ended, mut again_n) = (0, 0);
    let (enter, entered) = repeat(base, |ops, _| {
        let r = timed(ops, &grant(GRANT_ID, T0.plus_secs(60)), T0.plus_secs(60))?;
        let stop = Command::EndAuthority {
            id: GRANT_ID.into(),
            at: T0.plus_secs(120),
        };
        let (d, n) = timed(ops, &stop, T0.plus_secs(120))?;
        end.push(d);
        ended = n;
        // Once the engine's memory is no longer laid out by the copy, as
        // in a server that has run a while.
        let (d, n) = timed(ops, &grant(GRANT2_ID, T0.plus_secs(180)), T0.plus_secs(180))?;
        again.push(d);
        again_n = n;
        Ok(r)
    })?;
    let (quiet, quiet_n) = repeat(base, |ops, _| {
        timed(ops, &grant(QUIET_ID, T0.plus_secs(60)), T0.plus_secs(60))
    })?;
    let touching = base
        .assignments()
        .filter(|a| {
            base.task(&a.task)
                .is_some_and(|t| t.requires.iter().any(|r| r.activity == COMMON))
        })
        .count();
    let work = |n: usize| format!("{touching} re-evaluated, {n} re-decided");
    rows.push(Row {
        what: format!("enter a grant for {COMMON} (every task)"),
        times: enter,
        work: work(entered),
    });
    rows.push(Row {
        what: "end that grant".into(),
        times: end,
        work: work(ended),
    });
    rows.push(Row {
        what: "enter a second such grant after that".into(),
        times: again,
        work: work(again_n),
    });
    rows.push(Row {
        what: format!("enter a grant for {COMMON} that changes no decision"),
        times: quiet,
        work: work(quiet_n),
    });
    Ok(())
}

/// A Guard company federalised now, then one whose federalisation lies
/// ahead and passes in `handle_timeout`. The busiest companies are used.
fn status(data: &DataSet, base: &Ops, rows: &mut Vec<Row>) -> Result<()> {
    let mut loads: HashMap<&str, usize> = HashMap::new();
    for a in base.assignments() {
        *loads.entry(a.assignee.as_str()).or_default() += 1;
    }
    let load = |u: &str| loads.get(u).copied().unwrap_or(0);
    let mut guard: Vec<&str> = data
        .companies
        .iter()
        .filter(|(_, k)| *k == DutyKind::T32_502f)
        .map(|(id, _)| id.as_str())
        .collect();
    guard.sort_by_key(|u| std::cmp::Reverse(load(u)));
    let federalise = |unit: &str, from: Time| Command::Status {
        unit: unit.into(),
        status: DutyStatus {
            kind: DutyKind::T10,
            state: None,
            order_ref: "benchmark federalisation".into(),
            window: Window { from, to: None },
        },
    };
    let pick = |r: usize| guard.get(r).copied().ok_or("too few Guard companies");
    let (now_t, now_n) = repeat(base, |ops, r| {
        timed(
            ops,
            &federalise(pick(r)?, T0.plus_secs(180)),
            T0.plus_secs(180),
        )
    })?;
    let (tick_t, tick_n) = repeat(base, |ops, r| {
        let cmd = federalise(pick(r + REPEATS)?, T0.plus_secs(600));
        run(ops, &cmd, T0.plus_secs(300))?;
        let t = Instant::now();
        let a = ops.handle_timeout(T0.plus_secs(600));
        Ok((t.elapsed(), decisions(&a)))
    })?;
    let n = base.assignments().count();
    rows.push(Row {
        what: "one company's duty status changes".into(),
        times: now_t,
        work: format!(
            "{n} scanned, {} re-evaluated, {now_n} re-decided",
            load(pick(REPEATS - 1)?)
        ),
    });
    rows.push(Row {
        what: "handle_timeout as a status boundary passes".into(),
        times: tick_t,
        work: format!("{n} re-evaluated, {tick_n} re-decided"),
    });
    Ok(())
}

/// The catch-up every apply starts with when nothing is due, and a batch
/// of one command (a batch is tried on a copy of the engine).
fn overheads(data: &DataSet, base: &Ops, rows: &mut Vec<Row>) -> Result<Duration> {
    let mut ops = base.clone();
    let mut idle = Vec::new();
    for r in 0..REPEATS {
        let t = Instant::now();
        let a = ops.handle_timeout(T0.plus_secs(700 + r as i64));
        idle.push(t.elapsed());
        if !a.entries.is_empty() {
            return Err("an idle tick did something".into());
        }
    }
    let (idle_median, _) = stats(idle.clone());
    rows.push(Row {
        what: "handle_timeout, nothing due (starts every apply)".into(),
        times: idle,
        work: format!(
            "{} status histories and {} authorities looked at",
            data.companies.len(),
            ops.authorities().len()
        ),
    });
    let (unit, _) = data.companies.first().ok_or("no companies")?;
    let (batch, _) = repeat(base, |ops, _| {
        let strength = Strength {
            authorized: 120,
            assigned: 111,
            present_for_duty: 99,
            as_of: T0.plus_secs(240),
        };
        let cmd = Command::Batch {
            commands: vec![Command::Perstat {
                unit: unit.clone(),
                strength,
            }],
        };
        timed(ops, &cmd, T0.plus_secs(240))
    })?;
    rows.push(Row {
        what: "a batch of one PERSTAT".into(),
        times: batch,
        work: "copies the engine".into(),
    });
    Ok(idle_median)
}

/// Median and minimum of a few durations.
fn stats(mut d: Vec<Duration>) -> (Duration, Duration) {
    d.sort();
    (d[d.len() / 2], d[0])
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 1.0 {
        format!("{:.1} µs", ms * 1e3)
    } else {
        format!("{ms:.1} ms")
    }
}

fn main() -> Result<()> {
    let t = Instant::now();
    let data = build()?;
    let setup = t.elapsed();
    let mut rows = Vec::new();
    let assigned = assign(&data, &mut rows)?;
    authority(&assigned, &mut rows)?;
    status(&data, &assigned, &mut rows)?;
    let idle = overheads(&data, &assigned, &mut rows)?;

    let n = assigned.assignments().count();
    let count = |o: Outcome| assigned.assignments().filter(|a| a.outcome == o).count();
    println!(
        "ops engine: {} units, {TASKS} tasks (1..3 activities), {n} assignments; setup {:.1} s; {REPEATS} runs each",
        assigned.units().count(),
        setup.as_secs_f64()
    );
    println!(
        "outcomes: {} ALLOWED, {} REFUSED, {} NEEDS_REVIEW",
        count(Outcome::Allowed),
        count(Outcome::Refused),
        count(Outcome::NeedsReview)
    );
    println!();
    println!("| measurement | median | min | work |");
    println!("|---|---:|---:|---|");
    for r in rows {
        let (median, min) = stats(r.times);
        println!("| {} | {} | {} | {} |", r.what, ms(median), ms(min), r.work);
    }
    println!();
    println!(
        "of the assign time, the catch-up before each of the {n} commands is about {}",
        ms(idle * n as u32)
    );
    Ok(())
}
