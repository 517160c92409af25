//! The configuration tree: embedded defaults, then a file, then flags.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use server::{Listen, ServerConfig};

const DEFAULTS: &str = include_str!("defaults.toml");

/// Every setting of `watchfloor serve`, as read from TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    pub(crate) tcp: Vec<String>,
    pub(crate) udp: Vec<String>,
    pub(crate) http: String,
    pub(crate) data_dir: String,
    pub(crate) retention_days: f64,
    pub(crate) max_connections: usize,
    pub(crate) identify_timeout_secs: u64,
    pub(crate) max_event_bytes: usize,
    pub(crate) outbound_queue: usize,
    pub(crate) client_rate: u32,
    pub(crate) offer_protobuf: bool,
    pub(crate) emergency_repeat_secs: u64,
    pub(crate) write_timeout_secs: u64,
    pub(crate) log_format: String,
    pub(crate) tls: Vec<String>,
    pub(crate) enroll: String,
    pub(crate) https: String,
    pub(crate) certs: String,
    pub(crate) users_file: String,
    pub(crate) max_upload_mib: u64,
    pub(crate) upload_quota_mib: u64,
    pub(crate) web: String,
    pub(crate) web_tiles: String,
    pub(crate) web_tiles_attribution: String,
    pub(crate) web_callsign: String,
    pub(crate) web_team: String,
    pub(crate) web_position: [f64; 2],
    pub(crate) web_center: [f64; 2],
    pub(crate) web_zoom: f64,
    /// The sensor-to-track pipeline (`[feeds]`), if sensors are used.
    #[serde(default)]
    pub(crate) feeds: Option<feeds::FeedsConfig>,
    /// Sockets sensor data arrives on (`[[inputs]]`).
    #[serde(default)]
    pub(crate) inputs: Vec<server::SensorInput>,
    /// Groups that may see tracks; empty means everyone.
    #[serde(default)]
    pub(crate) track_groups: Vec<String>,
}

/// Settings a file may give that have no built-in default.
const OPTIONAL_KEYS: [&str; 3] = ["feeds", "inputs", "track_groups"];

impl FileConfig {
    /// The defaults, overlaid with `file` if given.
    pub(crate) fn load(file: Option<&Path>) -> Result<FileConfig> {
        let mut base: toml::Table = DEFAULTS.parse().context("embedded defaults")?;
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let over: toml::Table = text
                .parse()
                .with_context(|| format!("parsing {}", path.display()))?;
            for (k, v) in over {
                if !base.contains_key(&k) && !OPTIONAL_KEYS.contains(&k.as_str()) {
                    bail!("{}: unknown setting {k:?}", path.display());
                }
                base.insert(k, v);
            }
        }
        toml::Value::Table(base).try_into().context("configuration")
    }

    /// Checks every value and builds the server's configuration.
    pub(crate) fn to_server(&self) -> Result<ServerConfig> {
        let parse_all = |v: &[String]| -> Result<Vec<Listen>> {
            v.iter()
                .map(|s| Listen::parse(s).map_err(anyhow::Error::msg))
                .collect()
        };
        let addr = |what: &str, v: &str| -> Result<Option<std::net::SocketAddr>> {
            match v.trim() {
                "" => Ok(None),
                a => Ok(Some(
                    a.parse()
                        .with_context(|| format!("bad {what} address {a:?}"))?,
                )),
            }
        };
        let http = addr("http", &self.http)?;
        let enroll = addr("enroll", &self.enroll)?;
        let https = addr("https", &self.https)?;
        let mut tls = Vec::new();
        for t in &self.tls {
            tls.extend(addr("tls", t)?);
        }
        let certs = (!self.certs.trim().is_empty()).then(|| PathBuf::from(self.certs.trim()));
        if (!tls.is_empty() || enroll.is_some() || https.is_some()) && certs.is_none() {
            bail!("tls, enroll and https need certs (a folder made by `watchfloor certs init`)");
        }
        if !(self.retention_days > 0.0 && self.retention_days.is_finite()) {
            bail!("retention_days must be positive");
        }
        if self.max_connections == 0 || self.outbound_queue == 0 {
            bail!("max_connections and outbound_queue must be at least 1");
        }
        if !(1024..=64 << 20).contains(&self.max_event_bytes) {
            bail!("max_event_bytes must be between 1 KiB and 64 MiB");
        }
        if let Some(f) = &self.feeds {
            f.validate().map_err(|e| anyhow::anyhow!("[feeds]: {e}"))?;
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!("log_format must be \"text\" or \"json\"");
        }
        let web = self.web_config()?;
        Ok(ServerConfig {
            tcp: parse_all(&self.tcp)?,
            udp: parse_all(&self.udp)?,
            http,
            data_dir: (!self.data_dir.trim().is_empty()).then(|| PathBuf::from(&self.data_dir)),
            retention: Duration::from_secs_f64(self.retention_days * 86_400.0),
            max_connections: self.max_connections,
            identify_timeout: Duration::from_secs(self.identify_timeout_secs.max(1)),
            max_event_bytes: self.max_event_bytes,
            outbound_queue: self.outbound_queue,
            client_rate: self.client_rate,
            offer_protobuf: self.offer_protobuf,
            emergency_repeat: Duration::from_secs(self.emergency_repeat_secs.max(1)),
            write_timeout: Duration::from_secs(self.write_timeout_secs.max(1)),
            feeds: self.feeds.clone(),
            sensor_inputs: self.inputs.clone(),
            track_groups: self.track_groups.clone(),
            certs,
            tls,
            enroll,
            https,
            users_file: (!self.users_file.trim().is_empty())
                .then(|| PathBuf::from(self.users_file.trim())),
            max_upload_bytes: self.max_upload_mib.saturating_mul(1 << 20),
            upload_quota_bytes: self.upload_quota_mib.saturating_mul(1 << 20),
            web,
        })
    }

    /// The web COP's settings, checked; `None` when it is switched off.
    fn web_config(&self) -> Result<Option<server::WebConfig>> {
        let addr = match self.web.trim() {
            "" => return Ok(None),
            a => a
                .parse()
                .with_context(|| format!("bad web address {a:?}"))?,
        };
        let latlon = |what: &str, v: [f64; 2]| -> Result<(f64, f64)> {
            if v[0].abs() <= 90.0 && v[1].abs() <= 180.0 {
                Ok((v[0], v[1]))
            } else {
                bail!("{what} must be [lat, lon] in degrees")
            }
        };
        if !(0.0..=22.0).contains(&self.web_zoom) {
            bail!("web_zoom must be between 0 and 22");
        }
        let callsign = self.web_callsign.trim();
        if callsign.is_empty() || callsign.len() > 40 {
            bail!("web_callsign must have 1 to 40 characters");
        }
        let tiles = match self.web_tiles.trim() {
            "" => None,
            url if url.contains("{z}") && url.contains("{x}") && url.contains("{y}") => {
                Some(server::TileSource {
                    url: url.to_string(),
                    attribution: self.web_tiles_attribution.clone(),
                    max_zoom: 19,
                })
            }
            url => {
                bail!("web_tiles must be a URL template with {{z}}, {{x}} and {{y}}, not {url:?}")
            }
        };
        Ok(Some(server::WebConfig {
            addr,
            callsign: callsign.to_string(),
            team: self.web_team.trim().to_string(),
            position: latlon("web_position", self.web_position)?,
            center: latlon("web_center", self.web_center)?,
            zoom: self.web_zoom,
            tiles,
            ..server::WebConfig::default()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let c = FileConfig::load(None).and_then(|f| f.to_server());
        let c = c.expect("defaults");
        assert_eq!(c.tcp[0].addr.port(), 8087);
    }

    #[test]
    fn file_overrides_and_unknown_keys_fail() {
        let dir = std::env::temp_dir().join(format!("wf-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmp");
        let good = dir.join("good.toml");
        std::fs::write(&good, "tcp = [\"127.0.0.1:9000#blue\"]\n").expect("write");
        let c = FileConfig::load(Some(&good))
            .and_then(|f| f.to_server())
            .expect("valid");
        assert_eq!(c.tcp[0].groups, vec!["blue".to_string()]);
        let bad = dir.join("bad.toml");
        std::fs::write(&bad, "tpc = []\n").expect("write");
        assert!(FileConfig::load(Some(&bad)).is_err());
        let sensors = dir.join("sensors.toml");
        let text = "[feeds]\norigin = { lat = 31.3, lon = -109.2 }\n[[feeds.sensors]]\nid = \"r1\"\nkind = \"asterix\"\nsite = { lat = 31.3, lon = -109.1 }\nsac = 1\nsic = 2\n[[inputs]]\nudp = \"127.0.0.1:40000\"\n";
        std::fs::write(&sensors, text).expect("write");
        let c = FileConfig::load(Some(&sensors))
            .and_then(|f| f.to_server())
            .expect("valid");
        assert_eq!(c.feeds.map(|f| f.sensors.len()), Some(1));
        assert_eq!(c.sensor_inputs.len(), 1);
        std::fs::write(&bad, "max_event_bytes = 1\n").expect("write");
        assert!(FileConfig::load(Some(&bad))
            .and_then(|f| f.to_server())
            .is_err());
    }

    #[test]
    fn web_settings_are_checked() {
        let base = FileConfig::load(None).expect("defaults");
        let web = base.to_server().expect("valid").web.expect("on by default");
        assert_eq!(web.addr.port(), 8080);
        assert_eq!(web.callsign, "WATCH FLOOR");
        let with = |f: &dyn Fn(&mut FileConfig)| {
            let mut c = base.clone();
            f(&mut c);
            c.to_server()
        };
        assert!(with(&|c| c.web = String::new())
            .expect("valid")
            .web
            .is_none());
        let tiles =
            with(&|c| c.web_tiles = "https://t.example/{z}/{x}/{y}.png".into()).expect("valid");
        assert!(tiles.web.and_then(|w| w.tiles).is_some());
        assert!(with(&|c| c.web_tiles = "https://t.example/tile.png".into()).is_err());
        assert!(with(&|c| c.web_zoom = 30.0).is_err());
        assert!(with(&|c| c.web_center = [91.0, 0.0]).is_err());
        assert!(with(&|c| c.web_callsign = "  ".into()).is_err());
        assert!(with(&|c| c.web = "not an address".into()).is_err());
    }
}
