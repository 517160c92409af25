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
    let feeds = feeds_config(cfg);
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

/// The `[sensors.feeds]` configuration that tracks the sources of a simulated
/// scenario: the tracker origin at the sector centre, one sensor per
/// simulated source, and tracks labelled as simulation.
pub(crate) fn feeds_config(sim: &sim::SimConfig) -> feeds::FeedsConfig {
    let site = |s: sim::SourceSite| feeds::Site {
        lat: s.lat_deg,
        lon: s.lon_deg,
        alt: s.alt_m,
    };
    let sensors = sim::sources(sim)
        .into_iter()
        .map(|s| feeds::SensorConfig {
            id: s.id,
            kind: match s.kind {
                sim::SourceKind::Asterix => feeds::SensorKind::Asterix,
                sim::SourceKind::Sbs => feeds::SensorKind::Sbs,
                sim::SourceKind::Detections => feeds::SensorKind::Detections,
            },
            site: s.site.map(site),
            coverage: None,
            period_s: None,
            detects: None,
            sac: s.sac_sic.map(|(sac, _)| sac),
            sic: s.sac_sic.map(|(_, sic)| sic),
            noise: feeds::Noise {
                range_sigma_m: s.range_sigma_m,
                azimuth_sigma_deg: s.azimuth_sigma_deg,
                position_sigma_m: s.position_sigma_m,
            },
            max_rate_per_s: 5000.0,
        })
        .collect();
    let mut cfg = feeds::FeedsConfig::new(site(sim::SourceSite {
        lat_deg: sim.origin_lat_deg,
        lon_deg: sim.origin_lon_deg,
        alt_m: sim.terrain_height_m,
    }));
    cfg.sensors = sensors;
    cfg.uid_prefix = "sim-trk".to_string();
    cfg.label = Some("SIMULATION".to_string());
    cfg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_simulated_source_has_a_sensor() {
        let sim = sim::SimConfig::border_sector();
        let f = feeds_config(&sim);
        assert!(f.sensors.iter().any(|s| s.kind == feeds::SensorKind::Sbs));
        assert!(f.sensors.iter().any(|s| s.id == sim::GROUND_FEED_ID));
        assert_eq!(
            f.sensors
                .iter()
                .filter(|s| s.kind == feeds::SensorKind::Asterix)
                .count(),
            3
        );
        assert_eq!(f.label.as_deref(), Some("SIMULATION"));
        assert!(feeds::Pipeline::new(f).is_ok());
    }
}
