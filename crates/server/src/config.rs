//! What the server is told to do: listeners, limits and the store.

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
        let addr: SocketAddr = addr
            .trim()
            .parse()
            .map_err(|e| format!("bad listen address {addr:?}: {e}"))?;
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

/// Everything `watchfloor serve` needs, validated by the binary.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Streaming CoT over plain TCP.
    pub tcp: Vec<Listen>,
    /// CoT datagrams (XML or TAK protocol mesh) over UDP.
    pub udp: Vec<Listen>,
    /// Plain HTTP for `/metrics` and health.
    pub http: Option<SocketAddr>,
    /// Folder of the SQLite store; `None` keeps nothing on disk.
    pub data_dir: Option<PathBuf>,
    /// How long CoT history is kept.
    pub retention: Duration,
    /// Most simultaneous streaming connections; more are refused.
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
    /// The sensor-to-track pipeline, if sensors are configured.
    pub feeds: Option<feeds::FeedsConfig>,
    /// Sockets sensor data arrives on.
    pub sensor_inputs: Vec<SensorInput>,
    /// Groups that may see the tracks (empty: everyone).
    pub track_groups: Vec<String>,
    /// Folder made by `watchfloor certs init` (CA, server certificate, CRL).
    pub certs: Option<PathBuf>,
    /// Mutual-TLS streaming CoT listeners.
    pub tls: Vec<SocketAddr>,
    /// HTTPS enrollment (no client certificate; Basic auth against the users file).
    pub enroll: Option<SocketAddr>,
    /// HTTPS Marti API with mutual TLS.
    pub https: Option<SocketAddr>,
    /// The users file (names, password hashes, groups); default `DATA_DIR/users.toml`.
    pub users_file: Option<PathBuf>,
    /// Largest data package accepted, bytes.
    pub max_upload_bytes: u64,
    /// Data package bytes one user may keep.
    pub upload_quota_bytes: u64,
    /// The web COP, if it is served.
    pub web: Option<crate::web::WebConfig>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            tcp: Vec::new(),
            udp: Vec::new(),
            http: None,
            data_dir: None,
            retention: Duration::from_secs(7 * 24 * 3600),
            max_connections: 10_000,
            identify_timeout: Duration::from_secs(30),
            max_event_bytes: 4 << 20,
            outbound_queue: 4096,
            client_rate: 200,
            offer_protobuf: true,
            emergency_repeat: Duration::from_secs(3),
            write_timeout: Duration::from_secs(60),
            feeds: None,
            sensor_inputs: Vec::new(),
            track_groups: Vec::new(),
            certs: None,
            tls: Vec::new(),
            enroll: None,
            https: None,
            users_file: None,
            max_upload_bytes: 64 << 20,
            upload_quota_bytes: 1 << 30,
            web: None,
        }
    }
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
}
