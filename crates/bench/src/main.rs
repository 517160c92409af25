//! `wf-loadgen`: routing load generator for a watchfloor server.
//!
//! See the `bench` library documentation and `bench/routing.sh`.

use std::process::ExitCode;

use bench::{Args, Config};
use clap::Parser;

fn main() -> ExitCode {
    let cfg = match Config::try_from(Args::parse()) {
        Ok(c) => c,
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
    let report = runtime.block_on(bench::run(&cfg));
    if cfg.json {
        match serde_json::to_string(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("wf-loadgen: cannot encode the report: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        println!("{report}");
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
