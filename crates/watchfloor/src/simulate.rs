//! `watchfloor sim`: the sensor simulator (labelled simulation) sending
//! ASTERIX, SBS and JSON detections to a running server.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;

/// Arguments of `watchfloor sim`.
#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    /// Send ASTERIX (CAT048/034 radar, CAT021 ADS-B) datagrams here.
    #[arg(long, default_value = "127.0.0.1:40048")]
    asterix_udp: SocketAddr,
    /// Send JSON detection lines (ground sensors, cameras) here.
    #[arg(long, default_value = "127.0.0.1:40100")]
    detections_udp: SocketAddr,
    /// Serve SBS lines here, as dump1090/readsb does on port 30003.
    #[arg(long, default_value = "127.0.0.1:30003")]
    sbs_listen: SocketAddr,
    /// Seed of the scenario; the same seed gives the same traffic.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Stop after this many seconds (default: run until interrupted).
    #[arg(long)]
    duration: Option<u64>,
    /// Print the `[sensors.feeds]` and `[[sensors.inputs]]` configuration for `watchfloor serve --config` and exit.
    #[arg(long)]
    print_config: bool,
}

pub(crate) fn run(args: &SimArgs) -> Result<()> {
    let mut cfg = sim::SimConfig::border_sector();
    if args.print_config {
        print!("{}", serve_config(&cfg, args)?);
        return Ok(());
    }
    cfg.set_start(server::now());
    let targets = sim::net::SimTargets {
        asterix_udp: Some(args.asterix_udp),
        sbs_tcp_listen: Some(args.sbs_listen),
        sbs_tcp_connect: None,
        detections_udp: Some(args.detections_udp),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    let report = runtime.block_on(async {
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        sim::net::run(
            cfg,
            args.seed,
            targets,
            1.0,
            args.duration.map(Duration::from_secs),
            shutdown,
        )
        .await
    })?;
    eprintln!(
        "SIMULATION ended after {:.0} s: {} ASTERIX datagrams, {} SBS lines, {} detection datagrams",
        report.sim_time_s, report.asterix_datagrams, report.sbs_lines, report.detection_datagrams
    );
    Ok(())
}

/// The server configuration that tracks what the simulator sends.
fn serve_config(cfg: &sim::SimConfig, args: &SimArgs) -> Result<String> {
    #[derive(serde::Serialize)]
    struct Input {
        #[serde(skip_serializing_if = "Option::is_none")]
        sensor: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        udp: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tcp_connect: Option<String>,
    }
    #[derive(serde::Serialize)]
    struct Sensors {
        feeds: feeds::FeedsConfig,
        inputs: Vec<Input>,
    }
    #[derive(serde::Serialize)]
    struct File {
        sensors: Sensors,
    }
    let feeds = sim::feeds_config(cfg);
    let sbs = feeds
        .sensors
        .iter()
        .find(|s| s.kind == feeds::SensorKind::Sbs)
        .map(|s| s.id.clone());
    let mut inputs = vec![
        Input {
            sensor: None,
            udp: Some(args.asterix_udp.to_string()),
            tcp_connect: None,
        },
        Input {
            sensor: Some(sim::GROUND_FEED_ID.into()),
            udp: Some(args.detections_udp.to_string()),
            tcp_connect: None,
        },
    ];
    if let Some(id) = sbs {
        inputs.push(Input {
            sensor: Some(id),
            udp: None,
            tcp_connect: Some(args.sbs_listen.to_string()),
        });
    }
    let text = toml::to_string(&File {
        sensors: Sensors { feeds, inputs },
    })
    .context("writing the configuration")?;
    Ok(format!("# SIMULATION: sensors of `watchfloor sim` (seed {}); use with `watchfloor serve --config`.\n{text}", args.seed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        sim: SimArgs,
    }

    /// What `--print-config` writes is what the demo and the server's tests
    /// use: the one `sim::feeds_config`, with every sensor's coverage.
    #[test]
    fn the_printed_config_is_the_simulators_feeds_config() {
        let cli = Cli::parse_from(["sim", "--print-config"]);
        let cfg = sim::SimConfig::border_sector();
        let text = serve_config(&cfg, &cli.sim).expect("config");
        assert!(text.starts_with("# SIMULATION"), "{text}");
        let file: toml::Value = toml::from_str(&text).expect("toml");
        let feeds = file
            .get("sensors")
            .and_then(|s| s.get("feeds"))
            .cloned()
            .expect("[sensors.feeds]");
        let printed: feeds::FeedsConfig = feeds.try_into().expect("feeds config");
        assert_eq!(printed, sim::feeds_config(&cfg));
        assert!(printed
            .sensors
            .iter()
            .filter(|s| s.id != sim::GROUND_FEED_ID)
            .all(|s| s.coverage.is_some() && s.period_s.is_some()));
        assert!(text.contains("sensor = \"sim-ground\""), "{text}");
    }
}
