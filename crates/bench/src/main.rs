//! `wf-loadgen`: routing load generator for a watchfloor server.
//!
//! See the `bench` library documentation and `bench/routing.sh`.

use std::process::ExitCode;

use bench::config::Command;
use bench::{Args, Config, ObjectsArgs, ObjectsConfig, Transport};
use clap::Parser;
use serde::Serialize;

fn main() -> ExitCode {
    let mut args = Args::parse();
    if let Some(Command::Objects(o)) = args.command.take() {
        return objects(o);
    }
    let cfg = match Config::try_from(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("wf-loadgen: {e}");
            return ExitCode::from(2);
        }
    };
    let transport = match Transport::new(cfg.tls.as_ref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("wf-loadgen: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("wf-loadgen: cannot start the tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if cfg.handshakes.is_some() {
        let report = runtime.block_on(bench::run_handshakes(&cfg, &transport));
        if let Err(code) = print(&report, cfg.json) {
            return code;
        }
        if report.handshakes == 0 {
            eprintln!("wf-loadgen: no handshake completed");
            return ExitCode::FAILURE;
        }
        return ExitCode::SUCCESS;
    }
    let report = runtime.block_on(bench::run(&cfg, &transport));
    if let Err(code) = print(&report, cfg.json) {
        return code;
    }
    // A run in which fewer than two clients got in measured nothing; say so
    // in the exit status so that scripts do not tabulate it.
    if report.totals.connected < 2 {
        eprintln!(
            "wf-loadgen: only {} of {} clients connected",
            report.totals.connected, report.clients
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// `wf-loadgen objects`: the picture load of the web COP benchmark.
fn objects(args: ObjectsArgs) -> ExitCode {
    let cfg = match ObjectsConfig::try_from(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("wf-loadgen objects: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("wf-loadgen: cannot start the tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Ctrl-C (SIGINT) ends the run early with a report of what was sent.
    let report = runtime.block_on(async {
        let (tx, rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                let _ = tx.send(true);
            } else {
                // No signal handler: keep the sender, so the run goes to its end.
                std::future::pending::<()>().await;
            }
        });
        bench::run_objects(&cfg, rx).await
    });
    if let Err(code) = print(&report, cfg.json) {
        return code;
    }
    if report.connected == 0 {
        eprintln!("wf-loadgen objects: no connection to {}", report.target);
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Prints a report as JSON or text.
fn print<R: Serialize + std::fmt::Display>(report: &R, json: bool) -> Result<(), ExitCode> {
    if json {
        match serde_json::to_string(report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("wf-loadgen: cannot encode the report: {e}");
                return Err(ExitCode::FAILURE);
            }
        }
    } else {
        println!("{report}");
    }
    Ok(())
}
