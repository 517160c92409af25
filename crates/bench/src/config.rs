//! Command line and its validation.
//!
//! Every knob is bounded so that a typo cannot turn a benchmark into a
//! machine-wide outage, and the target must be a loopback address: the
//! generator is for measuring a server on this machine, never for pointing
//! load at someone else's.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::tls::TlsFiles;

/// Most clients one run may open.
pub const MAX_CLIENTS: usize = 20_000;
/// Longest measurement window, seconds.
pub const MAX_DURATION_S: f64 = 600.0;
/// Longest warmup or drain phase, seconds.
pub const MAX_PHASE_S: f64 = 120.0;
/// Highest per-client send rate, hertz.
pub const MAX_RATE_HZ: f64 = 100.0;
/// Most connections opened per second while ramping up.
pub const MAX_CONNECT_RATE: u32 = 20_000;
/// Most connections one `--handshakes` run may open.
pub const MAX_HANDSHAKES: u32 = 100_000;
/// Most handshakes in flight at once.
pub const MAX_CONCURRENCY: usize = 1_024;

/// Raw command line of `wf-loadgen`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "wf-loadgen",
    version,
    about = "Routing load generator for a watchfloor server",
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    /// Another mode than the routing benchmark (`objects`).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Server's streaming CoT TCP address; must be loopback.
    #[arg(long, default_value = "127.0.0.1:8087")]
    pub target: SocketAddr,
    /// Number of streaming clients to open.
    #[arg(long, default_value_t = 100)]
    pub clients: usize,
    /// SA send rate of every client, hertz.
    #[arg(long, default_value_t = 1.0)]
    pub rate: f64,
    /// Measurement window, seconds.
    #[arg(long, default_value_t = 20.0)]
    pub duration: f64,
    /// Sending before the measurement window starts, seconds.
    #[arg(long, default_value_t = 3.0)]
    pub warmup: f64,
    /// Reading after the last send, seconds (in `--idle` mode: time given to
    /// the replay before memory is sampled).
    #[arg(long, default_value_t = 3.0)]
    pub drain: f64,
    /// Connections opened per second during ramp-up.
    #[arg(long, default_value_t = 2_000)]
    pub connect_rate: u32,
    /// Process id of the server, to sample its CPU time and memory.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Print one JSON object instead of the human-readable block.
    #[arg(long)]
    pub json: bool,
    /// Connect, identify once, then only read: measures memory per idle client.
    #[arg(long)]
    pub idle: bool,
    /// CA certificate (PEM) the server's chain must lead to; with --tls-cert
    /// and --tls-key, every client connects with mutual TLS.
    #[arg(long, value_name = "PEM")]
    pub tls_ca: Option<PathBuf>,
    /// Client certificate chain (PEM, leaf first), shared by every client.
    #[arg(long, value_name = "PEM")]
    pub tls_cert: Option<PathBuf>,
    /// Client private key (PEM).
    #[arg(long, value_name = "PEM")]
    pub tls_key: Option<PathBuf>,
    /// Name the server certificate must carry [default: the target's IP].
    #[arg(long, value_name = "NAME")]
    pub tls_name: Option<String>,
    /// Let connections resume TLS sessions (default: every handshake is full).
    #[arg(long)]
    pub tls_resume: bool,
    /// Handshake-rate mode: open N connections, each completes its handshake,
    /// sends one byte of whitespace, closes, and waits for the server to close.
    #[arg(long, value_name = "N")]
    pub handshakes: Option<u32>,
    /// Connections in flight at once in --handshakes mode.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
}

/// The modes of `wf-loadgen` other than the default routing benchmark.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Relay N moving objects over a few connections (web COP picture load).
    Objects(crate::objects::ObjectsArgs),
}

/// Why a command line was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    /// The target is not 127.0.0.0/8 or ::1.
    #[error("target {0} is not a loopback address; wf-loadgen only loads this machine")]
    NotLoopback(SocketAddr),
    /// A numeric flag is outside its allowed range.
    #[error("--{flag} must be in {range}, got {value}")]
    OutOfRange {
        /// Flag name without dashes.
        flag: &'static str,
        /// Allowed range, human readable.
        range: &'static str,
        /// Value given.
        value: String,
    },
    /// Some but not all of --tls-ca, --tls-cert and --tls-key were given.
    #[error("--tls-ca, --tls-cert and --tls-key go together; missing {0}")]
    TlsIncomplete(&'static str),
    /// A TLS option was given without the TLS files.
    #[error("--{0} needs --tls-ca, --tls-cert and --tls-key")]
    TlsOptionWithoutTls(&'static str),
    /// --handshakes and --idle were both given.
    #[error("--handshakes and --idle are separate modes; give one")]
    ModeConflict,
}

/// A validated run description.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Loopback address of the server's streaming CoT port.
    pub target: SocketAddr,
    /// Number of clients, 2 ..= [`MAX_CLIENTS`].
    pub clients: usize,
    /// Interval between two SAs of one client.
    pub period: Duration,
    /// Send rate, hertz (kept for the report).
    pub rate_hz: f64,
    /// Measurement window.
    pub duration: Duration,
    /// Sending before the window.
    pub warmup: Duration,
    /// Reading after the window.
    pub drain: Duration,
    /// Connections opened per second.
    pub connect_rate: u32,
    /// Server process to observe, if any.
    pub server_pid: Option<u32>,
    /// Emit JSON.
    pub json: bool,
    /// Idle-memory mode.
    pub idle: bool,
    /// Mutual-TLS settings; `None` for plain TCP.
    pub tls: Option<TlsFiles>,
    /// Handshake-rate mode: connections to open.
    pub handshakes: Option<u32>,
    /// Connections in flight at once in handshake mode, 1 ..= [`MAX_CONCURRENCY`].
    pub concurrency: usize,
}

fn range_err(flag: &'static str, range: &'static str, value: impl ToString) -> ConfigError {
    ConfigError::OutOfRange {
        flag,
        range,
        value: value.to_string(),
    }
}

fn seconds(
    flag: &'static str,
    range: &'static str,
    v: f64,
    min: f64,
    max: f64,
) -> Result<Duration, ConfigError> {
    if v.is_finite() && v >= min && v <= max {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(range_err(flag, range, v))
    }
}

impl TryFrom<Args> for Config {
    type Error = ConfigError;

    fn try_from(a: Args) -> Result<Self, Self::Error> {
        if !a.target.ip().is_loopback() {
            return Err(ConfigError::NotLoopback(a.target));
        }
        if !(2..=MAX_CLIENTS).contains(&a.clients) {
            return Err(range_err("clients", "2..=20000", a.clients));
        }
        if !(a.rate.is_finite() && a.rate >= 0.01 && a.rate <= MAX_RATE_HZ) {
            return Err(range_err("rate", "0.01..=100 Hz", a.rate));
        }
        if !(1..=MAX_CONNECT_RATE).contains(&a.connect_rate) {
            return Err(range_err(
                "connect-rate",
                "1..=20000 per second",
                a.connect_rate,
            ));
        }
        if a.handshakes.is_some() && a.idle {
            return Err(ConfigError::ModeConflict);
        }
        if let Some(n) = a.handshakes {
            if !(1..=MAX_HANDSHAKES).contains(&n) {
                return Err(range_err("handshakes", "1..=100000", n));
            }
        }
        if !(1..=MAX_CONCURRENCY).contains(&a.concurrency) {
            return Err(range_err("concurrency", "1..=1024", a.concurrency));
        }
        let tls = tls_files(&a)?;
        Ok(Config {
            target: a.target,
            clients: a.clients,
            period: Duration::from_secs_f64(1.0 / a.rate),
            rate_hz: a.rate,
            duration: seconds("duration", "1..=600 s", a.duration, 1.0, MAX_DURATION_S)?,
            warmup: seconds("warmup", "0..=120 s", a.warmup, 0.0, MAX_PHASE_S)?,
            drain: seconds("drain", "0..=120 s", a.drain, 0.0, MAX_PHASE_S)?,
            connect_rate: a.connect_rate,
            server_pid: a.server_pid,
            json: a.json,
            idle: a.idle,
            tls,
            handshakes: a.handshakes,
            concurrency: a.concurrency,
        })
    }
}

/// The TLS settings, if the three files were given; refuses half a set.
fn tls_files(a: &Args) -> Result<Option<TlsFiles>, ConfigError> {
    match (&a.tls_ca, &a.tls_cert, &a.tls_key) {
        (None, None, None) => {
            if a.tls_name.is_some() {
                return Err(ConfigError::TlsOptionWithoutTls("tls-name"));
            }
            if a.tls_resume {
                return Err(ConfigError::TlsOptionWithoutTls("tls-resume"));
            }
            Ok(None)
        }
        (Some(ca), Some(cert), Some(key)) => Ok(Some(TlsFiles {
            ca: ca.clone(),
            cert: cert.clone(),
            key: key.clone(),
            server_name: a
                .tls_name
                .clone()
                .unwrap_or_else(|| a.target.ip().to_string()),
            resume: a.tls_resume,
        })),
        (None, _, _) => Err(ConfigError::TlsIncomplete("--tls-ca")),
        (_, None, _) => Err(ConfigError::TlsIncomplete("--tls-cert")),
        (_, _, None) => Err(ConfigError::TlsIncomplete("--tls-key")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(extra: &[&str]) -> Args {
        let mut v = vec!["wf-loadgen"];
        v.extend_from_slice(extra);
        Args::parse_from(v)
    }

    #[test]
    fn defaults_are_valid() {
        let c = Config::try_from(args(&[])).unwrap();
        assert_eq!(c.clients, 100);
        assert_eq!(c.period, Duration::from_secs(1));
        assert_eq!(c.duration, Duration::from_secs(20));
        assert!(!c.idle);
    }

    #[test]
    fn loopback_v4_and_v6_accepted() {
        assert!(Config::try_from(args(&["--target", "127.0.0.2:9"])).is_ok());
        assert!(Config::try_from(args(&["--target", "[::1]:9"])).is_ok());
    }

    #[test]
    fn non_loopback_refused() {
        let e = Config::try_from(args(&["--target", "10.0.0.1:8087"])).unwrap_err();
        assert!(matches!(e, ConfigError::NotLoopback(_)));
        let e = Config::try_from(args(&["--target", "0.0.0.0:8087"])).unwrap_err();
        assert!(matches!(e, ConfigError::NotLoopback(_)));
    }

    #[test]
    fn bounds_enforced() {
        for bad in [
            &["--clients", "20001"][..],
            &["--clients", "1"],
            &["--duration", "601"],
            &["--duration", "0"],
            &["--rate", "0"],
            &["--rate", "101"],
            &["--rate", "NaN"],
            &["--warmup=-1"],
            &["--drain", "1000"],
            &["--connect-rate", "0"],
        ] {
            let e = Config::try_from(args(bad)).unwrap_err();
            assert!(
                matches!(e, ConfigError::OutOfRange { .. }),
                "{bad:?} gave {e:?}"
            );
        }
    }

    const TLS: [&str; 6] = [
        "--tls-ca",
        "d/ca.pem",
        "--tls-cert",
        "d/u.pem",
        "--tls-key",
        "d/u.key",
    ];

    #[test]
    fn tls_flags_make_tls_files_with_the_target_ip_as_name() {
        let c = Config::try_from(args(&["--target", "[::1]:8089"])).unwrap();
        assert_eq!(c.tls, None);
        let mut v = TLS.to_vec();
        v.extend(["--target", "[::1]:8089"]);
        let t = Config::try_from(args(&v)).unwrap().tls.unwrap();
        assert_eq!(t.ca, PathBuf::from("d/ca.pem"));
        assert_eq!(t.cert, PathBuf::from("d/u.pem"));
        assert_eq!(t.key, PathBuf::from("d/u.key"));
        assert_eq!(t.server_name, "::1");
        assert!(!t.resume);
        v.extend(["--tls-name", "tak.example", "--tls-resume"]);
        let t = Config::try_from(args(&v)).unwrap().tls.unwrap();
        assert_eq!(t.server_name, "tak.example");
        assert!(t.resume);
    }

    #[test]
    fn half_a_tls_set_is_refused() {
        let e = Config::try_from(args(&TLS[..4])).unwrap_err();
        assert_eq!(e, ConfigError::TlsIncomplete("--tls-key"));
        let e = Config::try_from(args(&TLS[2..])).unwrap_err();
        assert_eq!(e, ConfigError::TlsIncomplete("--tls-ca"));
        let e = Config::try_from(args(&["--tls-name", "x"])).unwrap_err();
        assert_eq!(e, ConfigError::TlsOptionWithoutTls("tls-name"));
        let e = Config::try_from(args(&["--tls-resume"])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--tls-resume needs --tls-ca, --tls-cert and --tls-key"
        );
    }

    #[test]
    fn tls_does_not_lift_the_loopback_rule() {
        let mut v = TLS.to_vec();
        v.extend(["--target", "192.0.2.7:8089", "--handshakes", "10"]);
        let e = Config::try_from(args(&v)).unwrap_err();
        assert!(matches!(e, ConfigError::NotLoopback(_)));
    }

    #[test]
    fn handshake_mode_is_bounded() {
        let c = Config::try_from(args(&["--handshakes", "2000"])).unwrap();
        assert_eq!((c.handshakes, c.concurrency), (Some(2000), 64));
        for bad in [
            &["--handshakes", "0"][..],
            &["--handshakes", "100001"],
            &["--handshakes", "5", "--concurrency", "0"],
            &["--concurrency", "1025"],
        ] {
            let e = Config::try_from(args(bad)).unwrap_err();
            assert!(matches!(e, ConfigError::OutOfRange { .. }), "{bad:?}");
        }
        let e = Config::try_from(args(&["--handshakes", "5", "--idle"])).unwrap_err();
        assert_eq!(e, ConfigError::ModeConflict);
    }

    #[test]
    fn objects_subcommand_parses_and_leaves_the_routing_flags_alone() {
        let a = args(&["objects", "--addr", "127.0.0.1:9", "--objects", "500"]);
        let Some(Command::Objects(o)) = a.command else {
            panic!("no objects subcommand");
        };
        assert_eq!((o.objects, o.connections), (500, 4));
        assert!(args(&["--clients", "5"]).command.is_none());
        assert!(Args::try_parse_from(["wf-loadgen", "--clients", "5", "objects"]).is_err());
    }

    #[test]
    fn error_message_names_the_flag() {
        let e = Config::try_from(args(&["--clients", "50000"])).unwrap_err();
        assert_eq!(e.to_string(), "--clients must be in 2..=20000, got 50000");
    }
}
