//! The watchfloor binary: parses the command line, sets up logging and
//! wires the crates together. Nothing else lives here.

mod admin;
mod config;
mod demo;
mod errors;
mod flowscmd;
mod offline;
mod opscmd;
#[cfg(test)]
mod picture_count;
mod simulate;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

/// TAK-compatible situational-awareness and command-and-control server.
#[derive(Debug, Parser)]
#[command(name = "watchfloor", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the picture to TAK clients.
    Serve(Box<ServeArgs>),
    /// The server on built-in defaults fed by simulated sensors (SIMULATION).
    Demo(demo::DemoArgs),
    /// Certificates: make a CA, client certificates and packages; revoke.
    #[command(subcommand)]
    Certs(admin::CertsCommand),
    /// Users of the server: passwords and groups.
    #[command(subcommand)]
    Users(admin::UsersCommand),
    /// List the clients a running server has seen, connected or not.
    Clients {
        /// The server's plain HTTP address.
        #[arg(long, default_value = "127.0.0.1:8180")]
        http: String,
    },
    /// Print every record of an ASTERIX recording (raw blocks or pcap) as JSON lines.
    Decode(offline::DecodeArgs),
    /// Track a recorded scenario (detections CSV, format v1 or v2) and write the tracks CSV.
    #[command(long_about = offline::TRACK_HELP)]
    Track(offline::TrackArgs),
    /// Write a SIMULATED tracking scenario (format v1, or v2 with several asynchronous sensors).
    #[command(long_about = offline::GEN_HELP)]
    TrackGen(offline::GenArgs),
    /// Score a tracks CSV against truth: GOSPA, missed targets by kind, false and duplicate tracks, id changes.
    #[command(long_about = offline::SCORE_HELP)]
    TrackScore(offline::ScoreArgs),
    /// Run the sensor simulator (SIMULATION) against a running server.
    Sim(simulate::SimArgs),
    /// The ops desk: apply rosters and tasks, print decisions and the roster, sign rule sets.
    #[command(subcommand)]
    Ops(opscmd::OpsCommand),
    /// The tamper-evident audit log: verify it (naming the first bad record) and export it.
    #[command(subcommand)]
    Audit(opscmd::AuditCommand),
    /// Flow intelligence: border crossing counts by sector and time (aggregate, anonymous).
    #[command(subcommand)]
    Flows(flowscmd::FlowsCommand),
    /// Reports for people: the daily briefing as PDF or HTML.
    #[command(subcommand)]
    Report(opscmd::ReportCommand),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// A TOML file overriding the built-in defaults.
    #[arg(long, env = "WATCHFLOOR_CONFIG")]
    config: Option<PathBuf>,
    /// Streaming CoT over plain TCP, `ADDR[#GROUP,...]`; repeatable, replaces the configured list. ADDR is IP:PORT, HOST:PORT (resolved at start) or a bare PORT (every interface, 0.0.0.0:PORT).
    #[arg(long, env = "WATCHFLOOR_TCP", value_delimiter = ' ')]
    tcp: Vec<String>,
    /// CoT datagrams (XML or TAK protocol mesh), `ADDR[#GROUP,...]`; repeatable. ADDR as for --tcp.
    #[arg(long, env = "WATCHFLOOR_UDP", value_delimiter = ' ')]
    udp: Vec<String>,
    /// Plain HTTP for /metrics, /healthz and the operator's API, an address as for --tcp (`""` switches it off).
    #[arg(long, env = "WATCHFLOOR_HTTP")]
    http: Option<String>,
    /// Folder of the SQLite store (`""` keeps nothing on disk).
    #[arg(long, env = "WATCHFLOOR_DATA_DIR")]
    data_dir: Option<String>,
    /// Days of CoT history to keep.
    #[arg(long, env = "WATCHFLOOR_RETENTION_DAYS")]
    retention_days: Option<f64>,
    /// Most simultaneous streaming connections.
    #[arg(long, env = "WATCHFLOOR_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// Seconds a client may take to send its first SA.
    #[arg(long, env = "WATCHFLOOR_IDENTIFY_TIMEOUT")]
    identify_timeout: Option<u64>,
    /// Largest event accepted, bytes.
    #[arg(long, env = "WATCHFLOOR_MAX_EVENT_BYTES")]
    max_event_bytes: Option<usize>,
    /// Messages queued per client before the slow-client policy acts.
    #[arg(long, env = "WATCHFLOOR_OUTBOUND_QUEUE")]
    outbound_queue: Option<usize>,
    /// Sustained events per second one connection may send (0: unlimited).
    #[arg(long, env = "WATCHFLOOR_CLIENT_RATE")]
    client_rate: Option<u32>,
    /// Log format: text or json.
    #[arg(long, env = "WATCHFLOOR_LOG_FORMAT")]
    log_format: Option<String>,
    /// Folder made by `watchfloor certs init` (needed by --tls, --enroll, --https).
    #[arg(long, env = "WATCHFLOOR_CERTS")]
    certs: Option<String>,
    /// Mutual-TLS streaming CoT, e.g. 0.0.0.0:8089; repeatable.
    #[arg(long, env = "WATCHFLOOR_TLS", value_delimiter = ' ')]
    tls: Vec<String>,
    /// HTTPS certificate enrollment for TAK clients, e.g. 0.0.0.0:8446.
    #[arg(long, env = "WATCHFLOOR_ENROLL")]
    enroll: Option<String>,
    /// HTTPS Marti API with mutual TLS, e.g. 0.0.0.0:8443.
    #[arg(long, env = "WATCHFLOOR_HTTPS")]
    https: Option<String>,
    /// The users file (default DATA_DIR/users.toml).
    #[arg(long, env = "WATCHFLOOR_USERS")]
    users: Option<String>,
    /// The web COP, e.g. 0.0.0.0:8080 (`""` switches it off; loopback only while there are no users).
    #[arg(long, env = "WATCHFLOOR_WEB")]
    web: Option<String>,
    /// Imagery for the web map: a tile URL template with {z}/{x}/{y}.
    #[arg(long, env = "WATCHFLOOR_WEB_TILES")]
    web_tiles: Option<String>,
    /// An offline basemap for the web map and ATAK, a PMTiles or MBTiles file; repeatable, replaces [web] basemaps.
    #[arg(long = "basemap", value_name = "FILE")]
    basemap: Vec<String>,
    /// Switch plain TCP off (TLS only).
    #[arg(long)]
    no_tcp: bool,
    /// Largest data package accepted, MiB.
    #[arg(long, env = "WATCHFLOOR_MAX_UPLOAD_MIB")]
    max_upload_mib: Option<u64>,
}

/// Runs the command; a failure is one line on standard error and exit code
/// 1 (returning `anyhow::Result` from `main` would print its Debug form:
/// every cause again, and a backtrace whenever `RUST_BACKTRACE` is set).
fn main() -> ExitCode {
    let cli = match Cli::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", errors::one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The command line, with `serve --help` showing each flag's default as
/// the embedded defaults have it (the flags themselves have none: an unset
/// flag leaves the config file's value alone).
fn command() -> clap::Command {
    let defaults = config::FileConfig::load(None)
        .map(|f| f.help_defaults())
        .unwrap_or_default();
    Cli::command().mut_subcommand("serve", |mut serve| {
        for (id, value) in defaults {
            serve = serve.mut_arg(id, |arg| {
                let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                arg.help(format!("{help} [default: {value}]"))
            });
        }
        serve
    })
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => serve(*args),
        Command::Demo(args) => {
            init_logging("text");
            demo::run(&args)
        }
        Command::Decode(args) => offline::decode(&args),
        Command::Certs(c) => admin::certs(c),
        Command::Users(c) => admin::users(c),
        Command::Clients { http } => admin::clients(&http),
        Command::Track(args) => offline::track(&args),
        Command::TrackScore(args) => offline::score(&args),
        Command::TrackGen(args) => offline::generate(&args),
        Command::Sim(args) => {
            init_logging("text");
            simulate::run(&args)
        }
        Command::Ops(c) => opscmd::ops(c),
        Command::Audit(c) => opscmd::audit(c),
        Command::Report(c) => opscmd::report(c),
        Command::Flows(c) => flowscmd::flows(c),
    }
}

fn serve(args: ServeArgs) -> Result<()> {
    let mut file = config::FileConfig::load(args.config.as_deref())?;
    if !args.tcp.is_empty() {
        file.tak.tcp = args.tcp;
    }
    if !args.udp.is_empty() {
        file.tak.udp = args.udp;
    }
    if let Some(v) = args.http {
        file.http.listen = v;
    }
    if let Some(v) = args.data_dir {
        file.store.data_dir = v;
    }
    if let Some(v) = args.retention_days {
        file.store.retention_days = v;
    }
    if let Some(v) = args.max_connections {
        file.tak.max_connections = v;
    }
    if let Some(v) = args.identify_timeout {
        file.tak.identify_timeout_secs = v;
    }
    if let Some(v) = args.max_event_bytes {
        file.tak.max_event_bytes = v;
    }
    if let Some(v) = args.outbound_queue {
        file.tak.outbound_queue = v;
    }
    if let Some(v) = args.client_rate {
        file.tak.client_rate = v;
    }
    if let Some(v) = args.log_format {
        file.log_format = v;
    }
    if let Some(v) = args.certs {
        file.tls.certs = v;
    }
    if !args.tls.is_empty() {
        file.tls.listen = args.tls;
    }
    if let Some(v) = args.enroll {
        file.tls.enroll = v;
    }
    if let Some(v) = args.https {
        file.marti.https = v;
    }
    if let Some(v) = args.users {
        file.users.file = v;
    }
    if let Some(v) = args.web {
        file.web.listen = v;
    }
    if let Some(v) = args.web_tiles {
        file.web.tiles = v;
    }
    if !args.basemap.is_empty() {
        file.web.basemaps = args.basemap;
        file.web.basemaps_from_flag = true;
    }
    if args.no_tcp {
        file.tak.tcp.clear();
    }
    if let Some(v) = args.max_upload_mib {
        file.marti.max_upload_mib = v;
    }
    let config = file.to_server()?;
    init_logging(&file.log_format);
    file.warn_deprecated();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    runtime.block_on(async move {
        let stop = wait_for_signal();
        let server = server::Server::start(config)
            .await
            .map_err(errors::server)?;
        if let Some((addr, https)) = server.web_addr {
            tracing::info!(url = %web_url(addr, https), "web COP ready");
        }
        stop.await;
        tracing::info!("shutting down");
        server.shutdown().await;
        tracing::info!("stopped");
        Ok(())
    })
}

fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is
/// called, not when it is first awaited: call it before starting the
/// server, so a signal that comes while it starts ends it cleanly instead
/// of killing the process.
pub(crate) fn wait_for_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        async move {
            match (term, int) {
                (Some(mut term), Some(mut int)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// The URL to open for the web COP at `addr` (a wildcard address is shown
/// as this machine's loopback).
pub(crate) fn web_url(addr: std::net::SocketAddr, https: bool) -> String {
    let scheme = if https { "https" } else { "http" };
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    format!("{scheme}://{host}:{}/", addr.port())
}
