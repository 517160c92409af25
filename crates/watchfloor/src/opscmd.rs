//! `watchfloor ops` and `watchfloor audit`: the ops desk from the command
//! line. `apply` and the rule-set commands write (and take the data
//! folder's lock, so not while a server runs on it); `decide`, `roster`
//! and `audit verify` only read, so they work beside a running server.
//! The console is trusted: whoever can write the data folder holds every
//! role, and is recorded as `console:<name>`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use ops::{Actor, Command, Role};
use server::operations::{self, DeskConfig, OpsDesk, SubmitError};

/// `watchfloor ops ...`
#[derive(Debug, Subcommand)]
pub(crate) enum OpsCommand {
    /// Apply a file of units, statuses, authorities, tasks and assignments (TOML or JSON), all or nothing.
    Apply {
        /// The file.
        file: PathBuf,
        #[command(flatten)]
        data: DataDir,
        /// Who applies it, for the audit log.
        #[arg(long = "as", default_value = "console")]
        actor: String,
    },
    /// Print a task's decisions per element and activity as JSON (with --unit: what giving it to that unit would decide, recording nothing).
    Decide {
        /// The task's id.
        task: String,
        /// Preview the decision for this unit instead.
        #[arg(long)]
        unit: Option<String>,
        #[command(flatten)]
        data: DataDir,
    },
    /// Print the roster: units, duty status, strength, readiness, tasks and totals.
    Roster {
        #[command(flatten)]
        data: DataDir,
        /// JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Print the suspense board: open suspenses soonest due first, and the late count, days late and time to complete.
    Suspenses {
        #[command(flatten)]
        data: DataDir,
        /// Only those due within this span (7d, 12h), late ones included.
        #[arg(long)]
        due_within: Option<String>,
        /// Only this owner's (a unit id, a role or a staff section).
        #[arg(long)]
        owner: Option<String>,
        /// Only this order's.
        #[arg(long)]
        order: Option<String>,
        /// Met and waived ones too.
        #[arg(long)]
        closed: bool,
        /// JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Print the order tree, or one order's effective text at an instant.
    Orders {
        /// One order's id.
        id: Option<String>,
        /// The instant (ISO-8601 UTC or a DTG such as 221200Z JAN 25); now if absent.
        #[arg(long)]
        at: Option<String>,
        #[command(flatten)]
        data: DataDir,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the timeline of the last hours from the audit log: decisions, task changes, suspense events, orders.
    Timeline {
        #[command(flatten)]
        data: DataDir,
        /// How many hours back.
        #[arg(long, default_value_t = 24)]
        hours: u32,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the decision table of the 15 worked cases of AUTHORITIES.md §5.3 (Markdown).
    Cases {
        /// Print case 15's timeline (the order, its warnings, LATE, the extensions) instead.
        #[arg(long)]
        timeline: bool,
    },
    /// Rule sets: keys, signatures, the default rules.
    #[command(subcommand)]
    Rules(RulesCommand),
}

/// `watchfloor ops rules ...`
#[derive(Debug, Subcommand)]
pub(crate) enum RulesCommand {
    /// Make an Ed25519 signing key for rule sets: NAME.key (keep it secret) and NAME.pub (for trusted-keys).
    Keygen {
        /// The key's name (counsel's office, e.g. sja-jtf-border).
        name: String,
        /// Where to write the two files.
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Sign a rule file: writes FILE.sig.
    Sign {
        /// The rule file (TOML).
        file: PathBuf,
        /// The signing key file made by `keygen`.
        #[arg(long)]
        key: PathBuf,
    },
    /// Check a rule file and its FILE.sig against trusted verifier keys.
    Verify {
        /// The rule file.
        file: PathBuf,
        /// A file of trusted verifier keys, one per line (NAME.pub, or DATA_DIR/ops/trusted-keys).
        #[arg(long)]
        trusted: PathBuf,
    },
    /// Print the default rule set shipped with watchfloor (examples with citations; not legal advice).
    Default,
}

/// `watchfloor audit ...`
#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Check the audit log: every record's hash, the chain, the Merkle tree and the signed checkpoints; names the first bad record.
    Verify {
        #[command(flatten)]
        data: DataDir,
        /// Also replay the log and check that the engine makes exactly the decisions it holds.
        #[arg(long)]
        replay: bool,
        /// Verifier keys to trust (default: the keys kept beside the log).
        #[arg(long)]
        trusted: Option<PathBuf>,
        /// Check an exported file instead of the data folder.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Write the log, its checkpoints and its verifier key to one file that verifies offline.
    Export {
        #[command(flatten)]
        data: DataDir,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

/// `watchfloor report ...`
#[derive(Debug, Subcommand)]
pub(crate) enum ReportCommand {
    /// The daily briefing from the audit log as it stood at an instant: roster totals, tasks and every refusal, suspenses late and due, the checkpoint.
    Brief {
        #[command(flatten)]
        data: DataDir,
        /// The instant (ISO-8601 UTC or a DTG such as 221200Z JAN 25); now if absent.
        #[arg(long)]
        at: Option<String>,
        /// Where to write it: FILE.pdf, or FILE.html for one self-contained page.
        #[arg(long)]
        out: PathBuf,
        /// A banner on every page (SIMULATION, UNCLASSIFIED // EXERCISE).
        #[arg(long)]
        marking: Option<String>,
    },
}

pub(crate) fn report(cmd: ReportCommand) -> Result<()> {
    match cmd {
        ReportCommand::Brief {
            data,
            at,
            out,
            marking,
        } => {
            let at = at_or_now(at)?;
            let dir = audit_dir(&data)?;
            let (engine, n) = operations::read_engine_until(&dir, at)
                .with_context(|| format!("reading {}", dir.display()))?;
            let checkpoint = operations::checkpoint_within(&dir, n);
            let doc = operations::briefing(&engine, at, checkpoint.as_ref(), marking.as_deref());
            let bytes = report::render(&doc, report::Format::of_path(&out))?;
            std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            println!(
                "briefing as of {at} from {n} audit record(s){}: {} ({} bytes)",
                checkpoint.map_or(String::new(), |c| format!(
                    ", checkpoint {} records",
                    c.size
                )),
                out.display(),
                bytes.len()
            );
            Ok(())
        }
    }
}

/// The server's data folder.
#[derive(Debug, Args)]
pub(crate) struct DataDir {
    /// The server's data folder (`serve --data-dir`).
    #[arg(long, env = "WATCHFLOOR_DATA_DIR", default_value = "watchfloor-data")]
    data_dir: PathBuf,
}

impl DataDir {
    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        &self.data_dir
    }

    fn desk(&self) -> DeskConfig {
        DeskConfig::in_data_dir(&self.data_dir)
    }
}

/// Prints `text` and a newline; a reader that went away (`| head`) ends
/// the output quietly instead of a panic.
pub(crate) fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("writing to standard output"),
    }
}

fn console(name: &str) -> Actor {
    Actor::user(
        &format!("console:{name}"),
        &[Role::WatchOfficer, Role::Legal, Role::Admin],
    )
}

/// The desk's audit folder in `data`, or the one line that says it is not there.
fn audit_dir(data: &DataDir) -> Result<PathBuf> {
    let dir = data.desk().audit_dir();
    if !dir.exists() {
        bail!(
            "no ops desk in {} (no {} folder)",
            data.data_dir.display(),
            dir.display()
        );
    }
    Ok(dir)
}

/// An `--at` instant (ISO-8601 UTC or a DTG), now when absent.
fn at_or_now(at: Option<String>) -> Result<cot::Time> {
    match at {
        None => Ok(server::now()),
        Some(text) => Ok(ops::suspense::parse_instant(&text).context("--at")?),
    }
}

fn read_engine(data: &DataDir) -> Result<ops::Ops> {
    let dir = audit_dir(data)?;
    let (engine, _) =
        operations::read_engine(&dir).with_context(|| format!("reading {}", dir.display()))?;
    Ok(engine)
}

pub(crate) fn ops(cmd: OpsCommand) -> Result<()> {
    match cmd {
        OpsCommand::Apply { file, data, actor } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let commands =
                ops::apply_file::parse(&bytes).with_context(|| format!("{}", file.display()))?;
            let n = commands.len();
            if n == 0 {
                bail!(
                    "{}: holds no units, statuses, authorities, orders, tasks, assignments or suspenses; nothing applied",
                    file.display()
                );
            }
            let (mut desk, notes) = OpsDesk::open(data.desk()).context("opening the ops desk")?;
            for n in notes {
                eprintln!("{n}");
            }
            // One command goes in as itself, so its audit record names
            // what it is (`ops.extend`) rather than a batch of one.
            let request = match <[Command; 1]>::try_from(commands) {
                Ok([one]) => one,
                Err(commands) => Command::Batch { commands },
            };
            let result = desk.submit(&console(&actor), &request, server::now());
            // A server signs its tail at shutdown; so does this short
            // session, or a cut or deleted tail would verify clean.
            if !matches!(result, Err(SubmitError::Desk(_))) {
                if let Err(e) = desk.checkpoint(server::now()) {
                    eprintln!("warning: audit checkpoint not signed: {e}");
                }
            }
            match result {
                Ok(done) => {
                    println!(
                        "applied {n} command(s) from {}; audit records {}..{}",
                        file.display(),
                        done.seqs.0,
                        done.seqs.1
                    );
                    if !done.effects.is_empty() {
                        println!(
                            "{} task(s) will reach the field when the server next runs",
                            done.effects.len()
                        );
                    }
                    Ok(())
                }
                Err(SubmitError::Refused { error, seq }) => bail!(
                    "{}: nothing applied: {error} (audit record {seq})",
                    file.display()
                ),
                Err(SubmitError::Desk(e)) => Err(e.into()),
            }
        }
        OpsCommand::Decide { task, unit, data } => {
            let engine = read_engine(&data)?;
            let now = server::now();
            let out = match unit {
                Some(u) => {
                    let Some(elements) = engine.preview(&task, &u, now) else {
                        bail!("no task {task:?} or no unit {u:?} on record");
                    };
                    serde_json::json!({ "task": task, "unit": u, "preview": true, "time": now.to_string(), "rule_set": engine.rules().hash, "elements": elements })
                }
                None => {
                    let Some(t) = engine.task(&task) else {
                        bail!("no task {task:?} on record")
                    };
                    serde_json::json!({ "task": t, "assignments": engine.assignments_of(&task), "rule_set": engine.rules().hash })
                }
            };
            emit(&serde_json::to_string_pretty(&out)?)
        }
        OpsCommand::Roster { data, json } => {
            let engine = read_engine(&data)?;
            // Offline there is no live SA: positions are not shown, and
            // nothing is called stale for lack of them.
            let roster = engine.roster(server::now(), i64::MAX, |_| None);
            if json {
                emit(&serde_json::to_string_pretty(&roster)?)?;
            } else {
                print_roster(&engine, &roster);
            }
            Ok(())
        }
        OpsCommand::Suspenses {
            data,
            due_within,
            owner,
            order,
            closed,
            json,
        } => {
            let due_within = due_within
                .map(|d| ops::suspense::Lead::parse(&d))
                .transpose()
                .context("--due-within")?;
            let mut engine = read_engine(&data)?;
            let now = server::now();
            // Catch up in memory (recorded by the server, not here), so
            // instances due since the last record show.
            let _ = engine.handle_timeout(now);
            let filter = ops::boards::SuspenseFilter {
                owner,
                order,
                due_within,
                closed,
            };
            let board = engine.suspense_board(now, &filter);
            if json {
                emit(&serde_json::to_string_pretty(&board)?)
            } else {
                emit(&suspense_table(&board))
            }
        }
        OpsCommand::Orders { id, at, data, json } => {
            let engine = read_engine(&data)?;
            let at = at_or_now(at)?;
            match id {
                None => {
                    let list = engine.order_list();
                    if json {
                        return emit(&serde_json::to_string_pretty(&list)?);
                    }
                    if list.is_empty() {
                        return emit("no orders on record");
                    }
                    for o in list {
                        emit(&format!(
                            "{}{} {} {} ({}){}",
                            "  ".repeat(o.depth),
                            o.kind,
                            o.id,
                            o.dtg,
                            o.issuer,
                            if o.subject.is_empty() {
                                String::new()
                            } else {
                                format!(": {}", o.subject)
                            }
                        ))?;
                    }
                    Ok(())
                }
                Some(id) => {
                    let detail = engine.order_detail(&id, at)?;
                    if json {
                        return emit(&serde_json::to_string_pretty(&detail)?);
                    }
                    emit(&order_text(&detail))
                }
            }
        }
        OpsCommand::Timeline { data, hours, json } => {
            let dir = audit_dir(&data)?;
            let since = server::now().plus_secs(-i64::from(hours) * 3600);
            let (_, entries) = operations::read_timeline(&dir, since)
                .with_context(|| format!("reading {}", dir.display()))?;
            if json {
                return emit(&serde_json::to_string_pretty(&entries)?);
            }
            for e in &entries {
                emit(&ops::timeline::line(e))?;
            }
            Ok(())
        }
        OpsCommand::Cases { timeline: true } => {
            let (engine, log) = ops::cases::case_15_log()
                .map_err(|e| anyhow::anyhow!("case 15 did not run: {e:?}"))?;
            emit("case 15 (AUTHORITIES.md §5.3): EXORD DTG 221200Z JAN 25, \"recommend within 90 days\"; the engine ticks hourly")?;
            for (seq, e) in log.iter().enumerate() {
                let r = ops::timeline::Record {
                    seq: seq as u64,
                    time: e.time,
                    actor: &e.actor,
                    action: &e.action,
                    subjects: &e.subjects,
                    decision: e.decision.as_deref(),
                    reasons: &e.reasons,
                    payload: Some(&e.payload),
                };
                if let Some(t) = ops::timeline::entry(&engine, r) {
                    emit(&ops::timeline::line(&t))?;
                }
            }
            Ok(())
        }
        OpsCommand::Cases { timeline: false } => {
            let (rows, errors) = ops::cases::run();
            emit(ops::cases::table(&rows).trim_end())?;
            let wrong = rows.iter().filter(|r| !r.agrees()).count();
            if wrong > 0 || !errors.is_empty() {
                bail!(
                    "{wrong} row(s) disagree with AUTHORITIES.md §5.3; setup refused: {errors:?}"
                );
            }
            println!(
                "\n{} rows, every one as AUTHORITIES.md §5.3 expects (default rule set {})",
                rows.len(),
                ops::RuleSet::default_rules().hash
            );
            Ok(())
        }
        OpsCommand::Rules(r) => rules(r),
    }
}

fn suspense_table(board: &ops::boards::SuspenseBoard<'_>) -> String {
    let m = &board.metrics.overall;
    let mut out = format!(
        "as of {}: open {}, due in 7 days {}, late {} ({} days late in all, at most {}), met {} ({} late), waived {}",
        board.time, m.open, m.due_7d, m.late, m.days_late, m.days_late_max, m.met, m.met_late, m.waived
    );
    if let Some(h) = m.hours_to_complete_mean {
        out.push_str(&format!(", time to complete {h} h mean"));
    }
    if board.suspenses.is_empty() {
        out.push_str("\nno suspenses to show");
        return out;
    }
    out.push_str(&format!(
        "\n{:<25} {:<9} {:>5} {:<10} {:<30} {}",
        "due (UTC)", "status", "late", "owner", "id", "what"
    ));
    for s in &board.suspenses {
        let what = s.suspense.what();
        let late = if s.days_late > 0 {
            format!("{}d", s.days_late)
        } else {
            "-".into()
        };
        out.push_str(&format!(
            "\n{:<25} {:<9} {:>5} {:<10} {:<30} {}",
            s.current_due.to_string(),
            s.status.name(),
            late,
            s.suspense.owner,
            s.suspense.id,
            what
        ));
    }
    out
}

fn order_text(d: &ops::boards::OrderDetail<'_>) -> String {
    let o = d.order;
    let mut out = format!("{} {} {} ({})", o.kind, o.id, o.dtg, o.issuer);
    if !o.subject.is_empty() {
        out.push_str(&format!("\nSUBJ: {}", o.subject));
    }
    for r in &d.references {
        out.push_str(&format!("\n{}", r.line));
        if let Some(id) = r.missing {
            out.push_str(&format!("   (authority {id} is not on record)"));
        }
    }
    out.push_str(&format!(
        "\ntext in effect at {} (base {}, FRAGORDs applied: {})",
        d.effective.at,
        d.effective.base,
        if d.effective.applied.is_empty() {
            "none".to_string()
        } else {
            d.effective.applied.join(", ")
        }
    ));
    for (addr, p) in &d.effective.paragraphs {
        let by = if p.set_by == d.effective.base {
            String::new()
        } else {
            format!("   [set by {}]", p.set_by)
        };
        out.push_str(&format!("\n{addr}. {}{by}", p.text));
    }
    for s in &d.suspenses {
        out.push_str(&format!(
            "\nsuspense {} for {} due {}: {}",
            s.suspense.id,
            s.suspense.owner,
            s.current_due,
            s.status.name()
        ));
    }
    if !d.tasks.is_empty() {
        out.push_str(&format!("\ntasks: {}", d.tasks.join(", ")));
    }
    out
}

fn print_roster(engine: &ops::Ops, roster: &ops::view::Roster<'_>) {
    println!(
        "rule set {} ({})",
        roster.rule_set.version,
        &roster.rule_set.hash[..12.min(roster.rule_set.hash.len())]
    );
    println!(
        "{:<28} {:<6} {:<10} {:>13} {:<6} tasks",
        "unit", "ech", "status", "pfd/asg/auth", "ready"
    );
    for u in &roster.units {
        let depth = engine
            .unit(&u.unit.id)
            .map_or(0, |x| lineage_depth(engine, x));
        let name = format!("{}{}", "  ".repeat(depth), u.unit.id);
        let status = u.status.map_or("-".to_string(), |s| {
            format!("{}{}", s.kind, if u.pca_bound { "*" } else { "" })
        });
        let strength = u.unit.strength.map_or("-".to_string(), |s| {
            format!("{}/{}/{}", s.present_for_duty, s.assigned, s.authorized)
        });
        let ready = u
            .unit
            .readiness
            .map_or("-".to_string(), |r| format!("C-{}", r.c_level));
        println!(
            "{:<28} {:<6} {:<10} {:>13} {:<6} {}",
            name,
            u.amplifier.unwrap_or(""),
            status,
            strength,
            ready,
            u.tasks.join(",")
        );
    }
    let t = &roster.totals;
    println!(
        "\n* PCA-bound. totals: {} present for duty of {} assigned",
        t.present_for_duty, t.assigned
    );
    for (k, v) in &t.by_status {
        println!("  status {k}: {v}");
    }
    for (k, v) in &t.by_component {
        println!("  component {k}: {v}");
    }
    for (k, v) in &t.by_task {
        println!("  task {k}: {v} unit(s) cleared");
    }
}

fn lineage_depth(engine: &ops::Ops, u: &ops::Unit) -> usize {
    let mut depth = 0;
    let mut at = u.parent.clone();
    while let Some(p) = at {
        depth += 1;
        if depth > 64 {
            break;
        }
        at = engine.unit(&p).and_then(|x| x.parent.clone());
    }
    depth
}

fn rules(cmd: RulesCommand) -> Result<()> {
    match cmd {
        RulesCommand::Keygen { name, out } => {
            let key = audit::SigningKey::generate(&name).context("making the key")?;
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let secret = out.join(format!("{name}.key"));
            let public = out.join(format!("{name}.pub"));
            write_new(&secret, &format!("{}\n", key.to_text()), true)?;
            write_new(&public, &format!("{}\n", key.verifier().to_text()), false)?;
            println!("{}  <- keep secret: signs rule sets", secret.display());
            println!(
                "{}  <- add its line to DATA_DIR/ops/trusted-keys on each server",
                public.display()
            );
            Ok(())
        }
        RulesCommand::Sign { file, key } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let rules = ops::RuleSet::parse(&bytes)
                .with_context(|| format!("{} is not a rule set", file.display()))?;
            let text = std::fs::read_to_string(&key)
                .with_context(|| format!("reading {}", key.display()))?;
            let key = audit::SigningKey::parse(text.trim())
                .with_context(|| format!("{} is not a signing key", key.display()))?;
            let sig = operations::sig_path(&file);
            std::fs::write(&sig, audit::sign_bytes(&bytes, &key))
                .with_context(|| format!("writing {}", sig.display()))?;
            println!(
                "signed {} (rule set {}, {}) as {} -> {}",
                file.display(),
                rules.version,
                rules.hash,
                key.name(),
                sig.display()
            );
            Ok(())
        }
        RulesCommand::Verify { file, trusted } => {
            let text = std::fs::read_to_string(&trusted)
                .with_context(|| format!("reading {}", trusted.display()))?;
            let keys = parse_keys(&text).with_context(|| format!("{}", trusted.display()))?;
            let v = operations::read_verified(&file, &keys)?;
            println!(
                "{}: rule set {} ({}), {} records, signed by {}",
                file.display(),
                v.rules.version,
                v.hash,
                v.rules.authorities.len(),
                v.signer
            );
            Ok(())
        }
        RulesCommand::Default => emit(ops::ruleset::DEFAULT_RULES.trim_end()),
    }
}

fn parse_keys(text: &str) -> Result<Vec<audit::VerifierKey>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| audit::VerifierKey::parse(l).map_err(|e| anyhow::anyhow!("{e}")))
        .collect()
}

fn write_new(path: &Path, text: &str, secret: bool) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let _ = secret;
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating {} (it must not exist yet)", path.display()))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

pub(crate) fn audit(cmd: AuditCommand) -> Result<()> {
    match cmd {
        AuditCommand::Verify {
            data,
            replay,
            trusted,
            file,
        } => {
            let keys = match &trusted {
                Some(p) => parse_keys(
                    &std::fs::read_to_string(p)
                        .with_context(|| format!("reading {}", p.display()))?,
                )?,
                None => Vec::new(),
            };
            let dir = data.desk().audit_dir();
            let report = match &file {
                Some(f) => audit::verify_export(f, &keys),
                None => {
                    if !dir.exists() {
                        bail!("no audit log in {}", dir.display());
                    }
                    audit::verify_dir(&dir, &keys)
                }
            };
            println!("{report}");
            if !report.is_ok() {
                bail!("the audit log does not verify");
            }
            if replay {
                if file.is_some() {
                    bail!("--replay reads the data folder, not an export");
                }
                let n = operations::check_replay(&dir).context("replaying the log")?;
                println!("replay: the engine reproduces every decision of the {n} records");
            }
            Ok(())
        }
        AuditCommand::Export { data, out } => {
            let dir = data.desk().audit_dir();
            let s = audit::export(&dir, &out)
                .with_context(|| format!("exporting {}", dir.display()))?;
            println!(
                "{}: {} records, {} checkpoints; check it with `watchfloor audit verify --file {}`",
                out.display(),
                s.records,
                s.checkpoints,
                out.display()
            );
            Ok(())
        }
    }
}
