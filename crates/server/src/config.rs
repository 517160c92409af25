//! What the server is told to do, one section per subsystem.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A listening address and the routing groups its clients join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    /// Where to listen.
    pub addr: SocketAddr,
    /// Group names for every client of this listener; empty means the
    /// anonymous group that everyone shares.
    pub groups: Vec<String>,
}

impl Listen {
    /// Parses `ADDR[#GROUP,GROUP...]`, e.g. `127.0.0.1:8088#blue`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (addr, groups) = match text.split_once('#') {
            Some((a, g)) => (a, g),
            None => (text, ""),
        };
        let addr = parse_addr(addr).map_err(|e| e.to_string())?;
        let groups: Vec<String> = groups
            .split(',')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_string)
            .collect();
        if groups
            .iter()
            .any(|g| g.len() > 64 || g.chars().any(char::is_control))
        {
            return Err(format!("bad group name in {text:?}"));
        }
        Ok(Listen { addr, groups })
    }
}

/// Why a text is not a listening address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddrError {
    /// Neither `PORT`, `IP:PORT` nor `HOST:PORT`.
    #[error(
        "{0:?} is not an address: write PORT (all interfaces), IP:PORT, [IPv6]:PORT or HOST:PORT"
    )]
    Syntax(String),
    /// The host name could not be resolved.
    #[error("cannot resolve the host name of {text:?}: {reason}")]
    Resolve {
        /// The address as given.
        text: String,
        /// What the resolver said.
        reason: String,
    },
}

/// Parses a listening address: `PORT` alone (every IPv4 interface,
/// `0.0.0.0:PORT`), `IP:PORT`, `[IPv6]:PORT`, or `HOST:PORT` with a host
/// name resolved now (its first IPv4 address if it has one, else its first
/// address; `localhost:8087` is `127.0.0.1:8087`).
pub fn parse_addr(text: &str) -> Result<SocketAddr, AddrError> {
    use std::net::{Ipv4Addr, ToSocketAddrs};
    let t = text.trim();
    if let Ok(port) = t.parse::<u16>() {
        return Ok(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)));
    }
    if let Ok(a) = t.parse::<SocketAddr>() {
        return Ok(a);
    }
    let syntax = || AddrError::Syntax(t.to_string());
    let (host, port) = t.rsplit_once(':').ok_or_else(syntax)?;
    let port: u16 = port.parse().map_err(|_| syntax())?;
    // A host name has no spaces, brackets or colons (those are IPv6 forms
    // that did not parse above).
    if host.is_empty() || host.contains(|c: char| c.is_whitespace() || "[]:/#".contains(c)) {
        return Err(syntax());
    }
    let found: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| AddrError::Resolve {
            text: t.to_string(),
            reason: e.to_string(),
        })?
        .collect();
    found
        .iter()
        .find(|a| a.is_ipv4())
        .or_else(|| found.first())
        .copied()
        .ok_or_else(|| AddrError::Resolve {
            text: t.to_string(),
            reason: "it has no address".to_string(),
        })
}

/// Where sensor data comes in, and for which configured sensor.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensorInput {
    /// The sensor id of `[feeds.sensors]`; not needed for ASTERIX, whose
    /// records are matched to sensors by SAC/SIC.
    #[serde(default)]
    pub sensor: Option<String>,
    /// Receive datagrams here: ASTERIX blocks, or JSON detection lines.
    #[serde(default)]
    pub udp: Option<SocketAddr>,
    /// Accept TCP connections here and read lines (SBS or JSON detections).
    #[serde(default)]
    pub tcp_listen: Option<SocketAddr>,
    /// Connect here and read lines, reconnecting when the source goes away
    /// (dump1090 / readsb SBS output on port 30003).
    #[serde(default)]
    pub tcp_connect: Option<SocketAddr>,
}

/// Everything `watchfloor serve` needs, validated by the binary: one
/// section per subsystem, each read only by that subsystem's `start`.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// TAK clients over plain TCP and UDP: listeners, limits, protocol.
    pub tak: TakConfig,
    /// Certificates, mutual-TLS streaming and enrollment.
    pub tls: TlsConfig,
    /// The users file shared by TLS, enrollment and the web COP.
    pub users: UsersConfig,
    /// The store of CoT history and last-known SA.
    pub store: StoreConfig,
    /// The Marti API: data packages and its HTTPS listener.
    pub marti: MartiConfig,
    /// Sensor inputs and the tracker.
    pub sensors: SensorsConfig,
    /// Plain HTTP for `/metrics`, health and the operator's API.
    pub http: HttpConfig,
    /// The web COP, if it is served.
    pub web: Option<crate::web::WebConfig>,
    /// The ops desk: roster, tasks under legal authority, the audit log.
    pub ops: crate::operations::OpsServerConfig,
    /// Flow intelligence: border crossings counted from anonymous tracks.
    pub flows: crate::flows::FlowsServerConfig,
}

/// TAK clients over plain TCP and UDP.
#[derive(Debug, Clone)]
pub struct TakConfig {
    /// Streaming CoT over plain TCP.
    pub tcp: Vec<Listen>,
    /// CoT datagrams (XML or TAK protocol mesh) over UDP.
    pub udp: Vec<Listen>,
    /// Most simultaneous streaming connections (TCP and TLS); more are refused.
    pub max_connections: usize,
    /// A client that has not sent its SA by then is disconnected.
    pub identify_timeout: Duration,
    /// Largest single event accepted on a stream, bytes.
    pub max_event_bytes: usize,
    /// Messages queued per client before the slow-client policy acts.
    pub outbound_queue: usize,
    /// Sustained events per second one connection may send (bursts allowed).
    pub client_rate: u32,
    /// Whether streaming connections are offered TAK protocol v1.
    pub offer_protobuf: bool,
    /// Repeat period of active emergencies.
    pub emergency_repeat: Duration,
    /// A write to a client that makes no progress for this long closes it.
    pub write_timeout: Duration,
}

impl Default for TakConfig {
    fn default() -> Self {
        TakConfig {
            tcp: Vec::new(),
            udp: Vec::new(),
            max_connections: 10_000,
            identify_timeout: Duration::from_secs(30),
            max_event_bytes: 4 << 20,
            outbound_queue: 4096,
            client_rate: 200,
            offer_protobuf: true,
            emergency_repeat: Duration::from_secs(3),
            write_timeout: Duration::from_secs(60),
        }
    }
}

/// Certificates, mutual-TLS streaming CoT and enrollment.
#[derive(Debug, Clone, Default)]
pub struct TlsConfig {
    /// Folder made by `watchfloor certs init` (CA, server certificate, CRL).
    pub certs: Option<PathBuf>,
    /// Mutual-TLS streaming CoT listeners.
    pub listen: Vec<SocketAddr>,
    /// HTTPS enrollment (no client certificate; Basic auth against the users file).
    pub enroll: Option<SocketAddr>,
}

/// The users file (names, password hashes, groups).
#[derive(Debug, Clone, Default)]
pub struct UsersConfig {
    /// Its path; default `DATA_DIR/users.toml`.
    pub file: Option<PathBuf>,
}

/// The store of CoT history and last-known SA.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// Folder of the SQLite store (and of data packages); `None` keeps nothing on disk.
    pub data_dir: Option<PathBuf>,
    /// How long CoT history is kept.
    pub retention: Duration,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            data_dir: None,
            retention: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

/// The Marti API of TAK clients.
#[derive(Debug, Clone)]
pub struct MartiConfig {
    /// HTTPS Marti API with mutual TLS.
    pub https: Option<SocketAddr>,
    /// Largest data package accepted, bytes.
    pub max_upload_bytes: u64,
    /// Data package bytes one user may keep.
    pub upload_quota_bytes: u64,
}

impl Default for MartiConfig {
    fn default() -> Self {
        MartiConfig {
            https: None,
            max_upload_bytes: 64 << 20,
            upload_quota_bytes: 1 << 30,
        }
    }
}

/// Sensor inputs and the tracker.
#[derive(Debug, Clone, Default)]
pub struct SensorsConfig {
    /// The sensor-to-track pipeline, if sensors are configured.
    pub feeds: Option<feeds::FeedsConfig>,
    /// Sockets sensor data arrives on.
    pub inputs: Vec<SensorInput>,
    /// Groups that may see the tracks (empty: everyone).
    pub track_groups: Vec<String>,
    /// The floor of the silent threshold, seconds (`None`: 30): a sensor is
    /// silent after five of its periods without a message, but never
    /// sooner than this (see `feeds::status`).
    pub silent_min_s: Option<f64>,
}

/// Plain HTTP: `/metrics`, `/healthz`, the operator's API and the Marti API
/// for anonymous callers on a trusted network.
#[derive(Debug, Clone, Default)]
pub struct HttpConfig {
    /// Where to listen; `None` switches it off.
    pub listen: Option<SocketAddr>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_with_groups() {
        let l = Listen::parse("127.0.0.1:8088#blue, red").expect("valid");
        assert_eq!(l.addr.port(), 8088);
        assert_eq!(l.groups, vec!["blue".to_string(), "red".to_string()]);
        assert!(Listen::parse("127.0.0.1:8087")
            .expect("valid")
            .groups
            .is_empty());
        assert!(Listen::parse("nonsense#x").is_err());
    }

    #[test]
    fn addresses_take_a_bare_port_and_host_names() {
        let all = parse_addr("8087").expect("bare port");
        assert_eq!(all, "0.0.0.0:8087".parse::<SocketAddr>().expect("addr"));
        let local = parse_addr("localhost:8087").expect("host name");
        assert!(local.ip().is_loopback(), "{local}");
        assert_eq!(local.port(), 8087);
        assert_eq!(
            parse_addr("[::1]:9").expect("v6"),
            "[::1]:9".parse::<SocketAddr>().expect("addr")
        );
        for bad in ["", "x", "host:port", "a b:1", "1.2.3.4:99999", "::1:80x"] {
            assert!(
                matches!(parse_addr(bad), Err(AddrError::Syntax(_))),
                "{bad:?}"
            );
        }
        assert_eq!(
            Listen::parse("8087#blue").expect("valid").groups,
            vec!["blue".to_string()]
        );
    }
}
