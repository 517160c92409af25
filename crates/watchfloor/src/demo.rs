//! `watchfloor demo`: the server on built-in defaults, fed by the sensor
//! simulator in the same process, so a new user sees a living picture in
//! ATAK, WinTAK or iTAK within seconds. Everything it shows is SIMULATION.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;

/// Arguments of `watchfloor demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Streaming CoT over plain TCP, for TAK clients.
    #[arg(long, default_value = "0.0.0.0:8087")]
    tcp: String,
    /// Plain HTTP for /metrics and /healthz.
    #[arg(long, default_value = "127.0.0.1:8180")]
    http: String,
    /// The web COP to open in a browser (`""` switches it off).
    #[arg(long, default_value = "127.0.0.1:8080")]
    web: String,
    /// Folder of the SQLite store (`""` keeps nothing on disk).
    #[arg(long, default_value = "watchfloor-demo-data")]
    data_dir: String,
    /// An offline basemap for the web map and ATAK, a PMTiles or MBTiles file; repeatable.
    #[arg(long = "basemap", value_name = "FILE")]
    basemap: Vec<String>,
    /// Seed of the simulated scenario.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Stop after this many seconds (default: run until interrupted).
    #[arg(long)]
    duration: Option<u64>,
}

/// A free loopback UDP port for a sensor feed between simulator and server.
fn free_udp() -> Result<SocketAddr> {
    let s = UdpSocket::bind("127.0.0.1:0").context("finding a free loopback port")?;
    Ok(s.local_addr()?)
}

pub(crate) fn run(args: &DemoArgs) -> Result<()> {
    let mut file = crate::config::FileConfig::load(None)?;
    file.tak.tcp = vec![args.tcp.clone()];
    file.http.listen = args.http.clone();
    file.store.data_dir = args.data_dir.clone();
    file.web.listen = args.web.clone();
    if !args.basemap.is_empty() {
        file.web.basemaps = args.basemap.clone();
        file.web.basemaps_from_flag = true;
    }
    let mut config = file.to_server()?;
    if let Some(w) = &mut config.web {
        w.simulation = true;
        // The simulated sector is about 60 km wide: frame it.
        w.center = (31.36, -109.2);
        w.zoom = 10.6;
    }

    // The simulated task force roster, tasks and their decisions (SIMULATION),
    // applied once to an empty ops desk.
    config.ops.seed = sim::ops_demo::demo_roster(server::now());
    // The flows panel's baseline: SIMULATED counts for the hours of the last
    // ten weeks nothing covered (the first run, or the time between runs).
    if let (Some(dir), true) = (&config.store.data_dir, config.flows.enabled) {
        backfill_flows(
            dir,
            &sim::crossers::CrossersConfig::border_sector(),
            args.seed,
        )
        .context("the simulated flow history")?;
    }
    let mut scenario = sim::SimConfig::border_sector();
    scenario.set_start(server::now());
    let (asterix, detections) = (free_udp()?, free_udp()?);
    config.sensors.feeds = Some(sim::feeds_config(&scenario));
    let sbs_id = sim::sources(&scenario)
        .into_iter()
        .find(|s| s.kind == sim::SourceKind::Sbs)
        .map(|s| s.id);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    runtime.block_on(async move {
        let stop = crate::wait_for_signal();
        let sender = sim::net::Sender::bind(sim::net::SimTargets {
            asterix_udp: Some(asterix),
            sbs_tcp_listen: Some("127.0.0.1:0".parse()?),
            sbs_tcp_connect: None,
            detections_udp: Some(detections),
        })
        .await?;
        let input = |sensor: Option<String>,
                     udp: Option<SocketAddr>,
                     tcp_connect: Option<SocketAddr>| server::SensorInput {
            sensor,
            udp,
            tcp_listen: None,
            tcp_connect,
        };
        config.sensors.inputs = vec![
            input(None, Some(asterix), None),
            input(
                Some(sim::GROUND_FEED_ID.to_string()),
                Some(detections),
                None,
            ),
        ];
        if let (Some(id), Some(addr)) = (sbs_id, sender.sbs_listen_addr()) {
            config
                .sensors
                .inputs
                .push(input(Some(id), None, Some(addr)));
        }
        let server = server::Server::start(config)
            .await
            .map_err(crate::errors::server)?;
        banner(&server);
        let simulator = sim::Simulator::new(scenario, args.seed)?;
        let sender = sender.observe(object_counts(server.metrics()));
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let sim_task = tokio::spawn(sender.run(simulator, 1.0, None, async move {
            let _ = stop_rx.await;
        }));
        // --- simulated task force (sim::force): one TAK connection per unit ---
        let (force_stop, force_task) = match server.tcp_addrs.first() {
            Some(&addr) => {
                let force = sim::force::ForceScenario::new(
                    &sim::force::ForceConfig::border_sector(),
                    args.seed,
                );
                let (tx, task) = until_told(move |stop| async move {
                    let clock = Arc::new(server::WallClock);
                    if let Err(e) = sim::force::run(loopback_of(addr), force, clock, stop).await {
                        tracing::warn!(error = %e, "simulated task force not started");
                    }
                });
                (Some(tx), Some(task))
            }
            None => (None, None),
        };
        // --- end simulated task force ---
        // --- simulated border crossers (sim::crossers), with one surge ---
        let (cross_stop, cross_task) = match server.tcp_addrs.first() {
            Some(&addr) => {
                let crossers = sim::crossers::Crossers::new(
                    sim::crossers::CrossersConfig::border_sector(),
                    args.seed,
                );
                let (tx, task) = until_told(move |stop| async move {
                    let clock = Arc::new(server::WallClock);
                    if let Err(e) =
                        sim::crossers::run(loopback_of(addr), crossers, clock, stop).await
                    {
                        tracing::warn!(error = %e, "simulated crossers not started");
                    }
                });
                (Some(tx), Some(task))
            }
            None => (None, None),
        };
        match args.duration {
            Some(secs) => tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(secs)) => {}
                () = stop => {}
            },
            None => stop.await,
        }
        tracing::info!("shutting down the demo");
        let _ = stop_tx.send(());
        let _ = sim_task.await;
        for (tx, task) in [(force_stop, force_task), (cross_stop, cross_task)] {
            if let (Some(tx), Some(task)) = (tx, task) {
                let _ = tx.send(());
                let _ = task.await;
            }
        }
        server.shutdown().await;
        Ok(())
    })
}

/// Spawns `body` with a future that completes when the returned sender
/// is used (or dropped): how each simulated part is told to stop.
fn until_told<F, Fut>(
    body: F,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
)
where
    F: FnOnce(std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let stop = Box::pin(async move {
        let _ = rx.await;
    });
    (tx, tokio::spawn(body(stop)))
}

/// Weeks of flow history the demo makes sure of.
pub(crate) const FLOW_HISTORY_WEEKS: i64 = 10;

/// The SIMULATED counts of the crossers' stretch (Tucson sector) for every
/// hour before the current one in the last [`FLOW_HISTORY_WEEKS`] that no
/// source covered, with coverage under [`sim::crossers::HISTORY_SOURCE`]
/// so the provenance says what they are.
pub(crate) fn history_bins(
    cfg: &sim::crossers::CrossersConfig,
    seed: u64,
    now_h: i64,
    covered: &std::collections::HashSet<i64>,
) -> (Vec<flows::counts::Bin>, Vec<flows::counts::CoverageBin>) {
    use flows::counts::{Bin, CountKey, CoverageBin, EventKind};
    let from_h = now_h - FLOW_HISTORY_WEEKS * 7 * 24;
    let key = |event| CountKey {
        sector: "TCA".into(),
        direction: flows::Direction::Northbound,
        kind: flows::TrackKind::Ground,
        event,
    };
    let (mut bins, mut coverage) = (Vec::new(), Vec::new());
    for h in sim::crossers::history(cfg, seed, from_h, now_h) {
        if covered.contains(&h.hour) {
            continue;
        }
        for (event, n) in [
            (EventKind::Crossing, h.northbound),
            (EventKind::TurnBack, h.turn_backs),
        ] {
            if n > 0 {
                bins.push(Bin {
                    hour: h.hour,
                    key: key(event),
                    n,
                });
            }
        }
        coverage.push(CoverageBin {
            hour: h.hour,
            source: sim::crossers::HISTORY_SOURCE.into(),
            updates: 1,
        });
    }
    (bins, coverage)
}

/// Writes [`history_bins`] into the data folder's `flows.sqlite`.
fn backfill_flows(
    dir: &std::path::Path,
    cfg: &sim::crossers::CrossersConfig,
    seed: u64,
) -> Result<()> {
    use store::FlowStore;
    std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    let path = dir.join("flows.sqlite");
    let store = store::SqliteFlows::open(&path).with_context(|| path.display().to_string())?;
    let now_h = server::now().millis().div_euclid(3_600_000);
    let (_, stored) = store.counts(now_h - FLOW_HISTORY_WEEKS * 7 * 24)?;
    let covered = stored.iter().map(|c| c.hour).collect();
    let (bins, coverage) = history_bins(cfg, seed, now_h, &covered);
    store.add_counts(&bins, &coverage)?;
    if !coverage.is_empty() {
        tracing::warn!(
            hours = coverage.len(),
            "SIMULATION: flow history of the demo stretch written for hours nothing covered"
        );
    }
    Ok(())
}

/// Exports how many simulated objects exist, by kind, as the gauge
/// `watchfloor_sim_objects{kind="air"|"ground"}`: what the demo's live
/// tracks are counted against (`bench/tracking/demo_count.sh`).
fn object_counts(metrics: Arc<server::Metrics>) -> impl FnMut(&sim::Simulator) + Send + Sync {
    const HELP: &str = "Objects alive in the simulated scenario, by kind (SIMULATION).";
    move |sim| {
        let air = sim.count(sim::TargetKind::Aircraft);
        let ground = sim.count(sim::TargetKind::Person) + sim.count(sim::TargetKind::Vehicle);
        metrics.set_gauge("sim_objects", HELP, ("kind", "air"), air as f64);
        metrics.set_gauge("sim_objects", HELP, ("kind", "ground"), ground as f64);
    }
}

fn banner(server: &server::Server) {
    let host = host_name();
    let tcp: Vec<String> = server
        .tcp_addrs
        .iter()
        .map(|a| dial_hint(*a, host.as_deref()))
        .collect();
    println!("watchfloor demo: SIMULATION. Every track and sensor report here is simulated.");
    println!(
        "  TAK clients (ATAK, WinTAK, iTAK): connect over TCP to {}",
        tcp.join("; ")
    );
    if let Some((addr, https)) = server.web_addr {
        println!(
            "  web COP (map, units, chat, alerts, replay): open {}",
            crate::web_url(addr, https)
        );
    }
    if let Some(h) = server.http_addr {
        println!("  metrics: http://{h}/metrics");
    }
    println!("  simulated sensors: 2 radars, 2 ADS-B receivers, ground sensors and cameras on a border sector near 31.33 N 109.2 W");
    let force = sim::force::ForceConfig::border_sector();
    println!(
        "  simulated task force: {} units, {} aircraft, chat and an alert now and then (SIMULATION)",
        force.units.len(),
        force.aircraft.len()
    );
    let cross = sim::crossers::CrossersConfig::border_sector();
    println!(
        "  simulated border crossers east of Douglas (Tucson sector), about {} an hour, and a surge of {} vehicles {} s in: \
         the flows alert follows in GeoChat from JTF FLOWS once the crossings have stood 5 minutes (SIMULATION)",
        cross.per_hour, cross.surge_count, cross.surge_after_s
    );
    println!("  stop with Ctrl-C");
}

/// This machine's host name, as the kernel has it (`None` where it cannot
/// be read).
fn host_name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()?;
    let name = name.trim();
    (!name.is_empty() && name != "localhost").then(|| name.to_string())
}

/// Where a client dials a listener bound to `addr`: a wildcard address is
/// no address to dial, so it is shown as this machine's loopback for a
/// client on it, and as its host name (or "this machine's address") for
/// the rest of the network.
fn dial_hint(addr: SocketAddr, host: Option<&str>) -> String {
    if !addr.ip().is_unspecified() {
        return addr.to_string();
    }
    let port = addr.port();
    let remote = match host {
        Some(h) => format!("{h}:{port}"),
        None => format!("this machine's address, port {port},"),
    };
    format!(
        "{} on this machine, or {remote} from the network",
        loopback_of(addr)
    )
}

/// Where the simulated task force connects: the server's listener, through
/// loopback when it listens on every interface.
fn loopback_of(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => (Ipv4Addr::LOCALHOST, addr.port()).into(),
        IpAddr::V6(ip) if ip.is_unspecified() => (Ipv6Addr::LOCALHOST, addr.port()).into(),
        _ => addr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo's flows, end to end without sockets: SIMULATED history for
    /// ten weeks, then the live crossers through the real engine on the
    /// shipped border, with the watch run every minute.
    #[test]
    fn the_demo_history_is_quiet_and_its_surge_is_one_tucson_alert_within_minutes() {
        let cfg = sim::crossers::CrossersConfig::border_sector();
        let border = flows::Border::us_mexico().expect("border");
        let sectors = flows::Sectors::us_southwest(&border).expect("sectors");
        let mut engine = flows::FlowEngine::new(border, sectors, flows::CrossingConfig::default());
        let t0 = 1_764_547_200 + 25 * 60; // 2025-12-01T00:25Z
        let (bins, coverage) = history_bins(&cfg, 1, t0 / 3_600, &Default::default());
        assert_eq!(coverage.len() as i64, FLOW_HISTORY_WEEKS * 7 * 24);
        for b in &bins {
            engine.counts_mut().add_bin(b);
        }
        let codes = vec!["TCA".to_string()];
        let watch = flows::WatchConfig::default();
        let mut book = flows::AlertBook::default();
        let quiet = book
            .watch(engine.counts(), &codes, t0, &watch)
            .expect("valid");
        assert!(
            quiet.is_empty(),
            "the history alone raises nothing: {quiet:#?}"
        );

        let mut crossers = sim::crossers::Crossers::new(cfg.clone(), 1);
        let mut placed = Vec::new();
        let mut first_alert = None;
        let keys: std::collections::hash_map::RandomState = Default::default();
        for s in 0..900 {
            let now_s = t0 + s;
            for e in crossers.step(cot::Time::from_millis(now_s * 1_000)) {
                use std::hash::BuildHasher;
                let u = flows::TrackUpdate {
                    key: keys.hash_one(&e.uid),
                    kind: flows::classify(&e.kind),
                    lon: e.point.lon,
                    lat: e.point.lat,
                    t_s: now_s,
                    source: "SIM CROSSING SENSOR",
                };
                engine.update(&u, &mut placed);
            }
            engine.handle_timeout(now_s, &mut placed);
            if s % 60 == 0 {
                let raised = book
                    .watch(engine.counts(), &codes, now_s, &watch)
                    .expect("valid");
                if first_alert.is_none() && !raised.is_empty() {
                    first_alert = Some((s, raised));
                }
            }
        }
        assert!(
            placed.iter().all(|p| p.sector == "TCA"),
            "the stretch is in Tucson: {placed:?}"
        );
        let vehicles = placed.len();
        assert!(vehicles >= cfg.surge_count as usize, "{vehicles} events");
        let (after_s, raised) = first_alert.expect("an alert within fifteen minutes");
        assert!(after_s <= 600, "raised {after_s} s in");
        assert!(
            raised.iter().any(|o| matches!(o, flows::Offered::Raised(a)
                if a.sector == "TCA" && a.shift == flows::detect::Shift::Up)),
            "{raised:#?}"
        );
    }

    #[test]
    fn a_wildcard_listener_is_dialled_by_loopback_or_host_name() {
        let any: SocketAddr = "0.0.0.0:8087".parse().expect("addr");
        assert_eq!(
            dial_hint(any, Some("ops1")),
            "127.0.0.1:8087 on this machine, or ops1:8087 from the network"
        );
        assert_eq!(
            dial_hint(any, None),
            "127.0.0.1:8087 on this machine, or this machine's address, port 8087, from the network"
        );
        let v6: SocketAddr = "[::]:8087".parse().expect("addr");
        assert!(dial_hint(v6, None).starts_with("[::1]:8087 on this machine"));
        let one: SocketAddr = "192.0.2.7:8087".parse().expect("addr");
        assert_eq!(dial_hint(one, Some("ops1")), "192.0.2.7:8087");
    }
}
