//! The configuration tree: embedded defaults, then a file, then flags.
//!
//! One section per subsystem (`[tak]`, `[tls]`, `[users]`, `[store]`,
//! `[marti]`, `[http]`, `[web]`, `[sensors]`), each turned into that
//! subsystem's part of [`ServerConfig`]. The flat keys of the previous
//! release still load, with a deprecation warning each.

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
    pub(crate) log_format: String,
    pub(crate) tak: TakSection,
    pub(crate) tls: TlsSection,
    pub(crate) users: UsersSection,
    pub(crate) store: StoreSection,
    pub(crate) marti: MartiSection,
    pub(crate) http: HttpSection,
    pub(crate) web: WebSection,
    pub(crate) sensors: SensorsSection,
    pub(crate) ops: OpsSection,
    pub(crate) flows: FlowsSection,
    /// What the file said in the old flat form, one warning each.
    #[serde(skip)]
    pub(crate) deprecated: Vec<String>,
}

/// `[tak]`: TAK clients over plain TCP and UDP.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TakSection {
    pub(crate) tcp: Vec<String>,
    pub(crate) udp: Vec<String>,
    pub(crate) max_connections: usize,
    pub(crate) identify_timeout_secs: u64,
    pub(crate) max_event_bytes: usize,
    pub(crate) outbound_queue: usize,
    pub(crate) client_rate: u32,
    pub(crate) offer_protobuf: bool,
    pub(crate) emergency_repeat_secs: u64,
    pub(crate) write_timeout_secs: u64,
}

/// `[tls]`: certificates, mutual-TLS streaming and enrollment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TlsSection {
    pub(crate) certs: String,
    pub(crate) listen: Vec<String>,
    pub(crate) enroll: String,
}

/// `[users]`: the users file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UsersSection {
    pub(crate) file: String,
}

/// `[store]`: the SQLite store.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoreSection {
    pub(crate) data_dir: String,
    pub(crate) retention_days: f64,
}

/// `[marti]`: the Marti API and its data packages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MartiSection {
    pub(crate) https: String,
    pub(crate) max_upload_mib: u64,
    pub(crate) upload_quota_mib: u64,
}

/// `[http]`: plain HTTP for metrics and the operator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HttpSection {
    pub(crate) listen: String,
}

/// `[ops]`: the ops desk (roster, tasks under legal authority, audit log).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OpsSection {
    pub(crate) enabled: bool,
    pub(crate) stale_secs: u64,
    pub(crate) groups: Vec<String>,
}

/// `[flows]`: border crossings counted from anonymous tracks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FlowsSection {
    pub(crate) enabled: bool,
    pub(crate) flush_secs: u64,
    pub(crate) watch_secs: u64,
    pub(crate) alert_groups: Vec<String>,
}

/// `[web]`: the web COP.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WebSection {
    pub(crate) listen: String,
    pub(crate) tiles: String,
    pub(crate) tiles_attribution: String,
    pub(crate) callsign: String,
    pub(crate) team: String,
    pub(crate) position: [f64; 2],
    pub(crate) center: [f64; 2],
    pub(crate) zoom: f64,
    pub(crate) basemaps: Vec<String>,
    /// The classification line of exported slides.
    pub(crate) classification: String,
    /// Whether `basemaps` came from `--basemap` (for the error's wording).
    #[serde(skip)]
    pub(crate) basemaps_from_flag: bool,
}

/// `[sensors]`: sensor inputs and the tracker.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SensorsSection {
    /// The sensor-to-track pipeline (`[sensors.feeds]`), if sensors are used.
    #[serde(default)]
    pub(crate) feeds: Option<feeds::FeedsConfig>,
    /// Sockets sensor data arrives on (`[[sensors.inputs]]`).
    #[serde(default)]
    pub(crate) inputs: Vec<server::SensorInput>,
    /// Groups that may see tracks; empty means everyone.
    pub(crate) track_groups: Vec<String>,
    /// The floor of a sensor's silent threshold, seconds.
    pub(crate) silent_min_s: f64,
}

/// The flat keys of the previous release: `(old key, section, key)`.
/// `web`, `tls` and `http` were values then and are sections now; a
/// non-table value under those names is the old form.
const FLAT_KEYS: [(&str, &str, &str); 31] = [
    ("tcp", "tak", "tcp"),
    ("udp", "tak", "udp"),
    ("max_connections", "tak", "max_connections"),
    ("identify_timeout_secs", "tak", "identify_timeout_secs"),
    ("max_event_bytes", "tak", "max_event_bytes"),
    ("outbound_queue", "tak", "outbound_queue"),
    ("client_rate", "tak", "client_rate"),
    ("offer_protobuf", "tak", "offer_protobuf"),
    ("emergency_repeat_secs", "tak", "emergency_repeat_secs"),
    ("write_timeout_secs", "tak", "write_timeout_secs"),
    ("tls", "tls", "listen"),
    ("enroll", "tls", "enroll"),
    ("certs", "tls", "certs"),
    ("users_file", "users", "file"),
    ("data_dir", "store", "data_dir"),
    ("retention_days", "store", "retention_days"),
    ("https", "marti", "https"),
    ("max_upload_mib", "marti", "max_upload_mib"),
    ("upload_quota_mib", "marti", "upload_quota_mib"),
    ("http", "http", "listen"),
    ("web", "web", "listen"),
    ("web_tiles", "web", "tiles"),
    ("web_tiles_attribution", "web", "tiles_attribution"),
    ("web_callsign", "web", "callsign"),
    ("web_team", "web", "team"),
    ("web_position", "web", "position"),
    ("web_center", "web", "center"),
    ("web_zoom", "web", "zoom"),
    ("feeds", "sensors", "feeds"),
    ("inputs", "sensors", "inputs"),
    ("track_groups", "sensors", "track_groups"),
];

/// Keys a section may hold that have no built-in default.
const OPTIONAL_KEYS: [(&str, &str); 2] = [("sensors", "feeds"), ("sensors", "inputs")];

/// Lays `over` (a user's file) onto `base` (the defaults), section by
/// section; returns the deprecation warnings of flat keys.
fn overlay(base: &mut toml::Table, over: toml::Table, origin: &str) -> Result<Vec<String>> {
    let mut deprecated = Vec::new();
    for (k, v) in over {
        let is_section = matches!(base.get(&k), Some(toml::Value::Table(_)));
        if is_section && v.is_table() {
            let toml::Value::Table(fields) = v else {
                continue;
            };
            let Some(toml::Value::Table(section)) = base.get_mut(&k) else {
                continue;
            };
            for (fk, fv) in fields {
                let optional = OPTIONAL_KEYS.contains(&(k.as_str(), fk.as_str()));
                if !section.contains_key(&fk) && !optional {
                    let known: Vec<&str> = section.keys().map(String::as_str).collect();
                    bail!(
                        "{origin}: unknown setting {fk:?} in [{k}]; [{k}] has {}",
                        known.join(", ")
                    );
                }
                section.insert(fk, fv);
            }
            continue;
        }
        if !is_section && base.contains_key(&k) {
            base.insert(k, v);
            continue;
        }
        let Some(&(_, section, key)) = FLAT_KEYS.iter().find(|(old, _, _)| *old == k) else {
            let sections: Vec<&str> = base
                .iter()
                .filter(|(_, v)| v.is_table())
                .map(|(k, _)| k.as_str())
                .collect();
            bail!(
                "{origin}: unknown setting {k:?}; settings belong in one of the sections [{}]",
                sections.join("], [")
            );
        };
        deprecated.push(format!(
            "{origin}: the top-level setting {k:?} is deprecated and will go in the next release; write it as `{key}` in [{section}]"
        ));
        if let Some(toml::Value::Table(t)) = base.get_mut(section) {
            t.insert(key.to_string(), v);
        }
    }
    Ok(deprecated)
}

impl FileConfig {
    /// The defaults, overlaid with `file` if given.
    pub(crate) fn load(file: Option<&Path>) -> Result<FileConfig> {
        let mut base: toml::Table = DEFAULTS.parse().context("embedded defaults")?;
        let mut deprecated = Vec::new();
        let mut user = None;
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                anyhow::anyhow!(
                    "cannot read the config file {} (--config, WATCHFLOOR_CONFIG): {}",
                    path.display(),
                    io_reason(&e)
                )
            })?;
            let over: toml::Table = text.parse().map_err(|e| syntax_error(path, &text, &e))?;
            deprecated = overlay(&mut base, over.clone(), &path.display().to_string())?;
            user = Some((path, over));
        }
        let mut c: FileConfig = toml::Value::Table(base)
            .try_into()
            .map_err(|e| type_error(&e, user.as_ref().map(|(p, t)| (*p, t))))?;
        c.deprecated = deprecated;
        Ok(c)
    }

    /// What `serve --help` shows as each flag's default: the embedded
    /// defaults, so the help never disagrees with them. Keyed by the flag's
    /// argument id.
    pub(crate) fn help_defaults(&self) -> Vec<(&'static str, String)> {
        let off = |v: &str| {
            if v.trim().is_empty() {
                "off".to_string()
            } else {
                v.to_string()
            }
        };
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(" ")
            }
        };
        let (t, s) = (&self.tak, &self.store);
        vec![
            ("tcp", list(&t.tcp)),
            ("udp", list(&t.udp)),
            ("http", off(&self.http.listen)),
            ("data_dir", off(&s.data_dir)),
            ("retention_days", s.retention_days.to_string()),
            ("max_connections", t.max_connections.to_string()),
            ("identify_timeout", t.identify_timeout_secs.to_string()),
            ("max_event_bytes", t.max_event_bytes.to_string()),
            ("outbound_queue", t.outbound_queue.to_string()),
            ("client_rate", t.client_rate.to_string()),
            ("log_format", self.log_format.clone()),
            ("certs", off(&self.tls.certs)),
            ("tls", list(&self.tls.listen)),
            ("enroll", off(&self.tls.enroll)),
            ("https", off(&self.marti.https)),
            (
                "users",
                match self.users.file.trim() {
                    "" => "DATA_DIR/users.toml".to_string(),
                    f => f.to_string(),
                },
            ),
            ("web", off(&self.web.listen)),
            ("web_tiles", off(&self.web.tiles)),
            ("max_upload_mib", self.marti.max_upload_mib.to_string()),
        ]
    }

    /// Logs one warning per deprecated flat key (call once logging is up).
    pub(crate) fn warn_deprecated(&self) {
        for w in &self.deprecated {
            tracing::warn!("{w}");
        }
    }

    /// Checks every value and builds the server's configuration.
    pub(crate) fn to_server(&self) -> Result<ServerConfig> {
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!(
                "--log-format (log_format) must be \"text\" or \"json\", not {:?}",
                self.log_format
            );
        }
        let tls = self.tls_config()?;
        let marti = self.marti_config()?;
        if (!tls.listen.is_empty() || tls.enroll.is_some() || marti.https.is_some())
            && tls.certs.is_none()
        {
            bail!("--tls, --enroll and --https need --certs ([tls] certs), a folder made by `watchfloor certs init`");
        }
        let s = &self.store;
        if !(s.retention_days > 0.0 && s.retention_days.is_finite()) {
            bail!("--retention-days ([store] retention_days) must be a positive number of days");
        }
        let floor = self.sensors.silent_min_s;
        if !(floor.is_finite() && floor > 0.0) {
            bail!("[sensors] silent_min_s must be a positive number of seconds");
        }
        if let Some(f) = &self.sensors.feeds {
            f.validate()
                .map_err(|e| anyhow::anyhow!("[sensors.feeds]: {e}"))?;
        }
        Ok(ServerConfig {
            tak: self.tak_config()?,
            tls,
            users: server::UsersConfig {
                file: path_of(&self.users.file),
            },
            store: server::StoreConfig {
                data_dir: (!s.data_dir.trim().is_empty()).then(|| PathBuf::from(&s.data_dir)),
                retention: Duration::from_secs_f64(s.retention_days * 86_400.0),
            },
            marti,
            sensors: server::SensorsConfig {
                feeds: self.sensors.feeds.clone(),
                inputs: self.sensors.inputs.clone(),
                track_groups: self.sensors.track_groups.clone(),
                silent_min_s: Some(self.sensors.silent_min_s),
            },
            http: server::HttpConfig {
                listen: addr("--http ([http] listen)", &self.http.listen)?,
            },
            web: self.web_config()?,
            ops: server::operations::OpsServerConfig {
                enabled: self.ops.enabled,
                stale_s: i64::try_from(self.ops.stale_secs).unwrap_or(i64::MAX),
                groups: self.ops.groups.clone(),
                position: (self.web.position[0], self.web.position[1]),
                seed: Vec::new(),
            },
            flows: server::flows::FlowsServerConfig {
                enabled: self.flows.enabled,
                flush_s: self.flows.flush_secs.max(1),
                watch_s: self.flows.watch_secs.max(1),
                alert_groups: self.flows.alert_groups.clone(),
                ..server::flows::FlowsServerConfig::default()
            },
        })
    }

    fn tak_config(&self) -> Result<server::TakConfig> {
        let t = &self.tak;
        let parse_all = |setting: &str, v: &[String]| -> Result<Vec<Listen>> {
            v.iter()
                .map(|s| Listen::parse(s).map_err(|e| anyhow::anyhow!("{setting}: {e}")))
                .collect()
        };
        if t.max_connections == 0 {
            bail!("--max-connections ([tak] max_connections) must be at least 1");
        }
        if t.outbound_queue == 0 {
            bail!("--outbound-queue ([tak] outbound_queue) must be at least 1");
        }
        if !(1024..=64 << 20).contains(&t.max_event_bytes) {
            bail!("--max-event-bytes ([tak] max_event_bytes) must be between 1024 (1 KiB) and 67108864 (64 MiB)");
        }
        Ok(server::TakConfig {
            tcp: parse_all("--tcp ([tak] tcp)", &t.tcp)?,
            udp: parse_all("--udp ([tak] udp)", &t.udp)?,
            max_connections: t.max_connections,
            identify_timeout: Duration::from_secs(t.identify_timeout_secs.max(1)),
            max_event_bytes: t.max_event_bytes,
            outbound_queue: t.outbound_queue,
            client_rate: t.client_rate,
            offer_protobuf: t.offer_protobuf,
            emergency_repeat: Duration::from_secs(t.emergency_repeat_secs.max(1)),
            write_timeout: Duration::from_secs(t.write_timeout_secs.max(1)),
        })
    }

    fn tls_config(&self) -> Result<server::TlsConfig> {
        let mut listen = Vec::new();
        for t in &self.tls.listen {
            listen.extend(addr("--tls ([tls] listen)", t)?);
        }
        Ok(server::TlsConfig {
            certs: path_of(&self.tls.certs),
            listen,
            enroll: addr("--enroll ([tls] enroll)", &self.tls.enroll)?,
        })
    }

    fn marti_config(&self) -> Result<server::MartiConfig> {
        let m = &self.marti;
        Ok(server::MartiConfig {
            https: addr("--https ([marti] https)", &m.https)?,
            max_upload_bytes: m.max_upload_mib.saturating_mul(1 << 20),
            upload_quota_bytes: m.upload_quota_mib.saturating_mul(1 << 20),
        })
    }

    /// The web COP's settings, checked; `None` when it is switched off.
    fn web_config(&self) -> Result<Option<server::WebConfig>> {
        let w = &self.web;
        // Opened even with the web COP off: a bad file named at start is a
        // mistake to say now, not when the page is next switched on.
        let basemaps = self.basemaps()?;
        let Some(addr) = addr("--web ([web] listen)", &w.listen)? else {
            return Ok(None);
        };
        let latlon = |what: &str, v: [f64; 2]| -> Result<(f64, f64)> {
            if v[0].abs() <= 90.0 && v[1].abs() <= 180.0 {
                Ok((v[0], v[1]))
            } else {
                bail!("{what} must be [lat, lon] in degrees")
            }
        };
        if !(0.0..=22.0).contains(&w.zoom) {
            bail!("[web] zoom must be between 0 and 22");
        }
        let classification = w.classification.trim();
        if classification.is_empty()
            || classification.chars().count() > 80
            || classification.chars().any(char::is_control)
        {
            bail!("[web] classification must have 1 to 80 characters and no control characters");
        }
        let callsign = w.callsign.trim();
        if callsign.is_empty() || callsign.len() > 40 {
            bail!("[web] callsign must have 1 to 40 characters");
        }
        let tiles = match w.tiles.trim() {
            "" => None,
            url if url.contains("{z}") && url.contains("{x}") && url.contains("{y}") => {
                Some(server::TileSource {
                    url: url.to_string(),
                    attribution: w.tiles_attribution.clone(),
                    max_zoom: 19,
                })
            }
            url => {
                bail!("--web-tiles ([web] tiles) must be a URL template with {{z}}, {{x}} and {{y}}, not {url:?}")
            }
        };
        Ok(Some(server::WebConfig {
            addr,
            callsign: callsign.to_string(),
            team: w.team.trim().to_string(),
            position: latlon("[web] position", w.position)?,
            center: latlon("[web] center", w.center)?,
            zoom: w.zoom,
            tiles,
            basemaps,
            classification: classification.to_string(),
            ..server::WebConfig::default()
        }))
    }

    /// Each `[web] basemaps` archive opened and checked: a bad one is an
    /// error naming the flag or key and the file.
    fn basemaps(&self) -> Result<basemap::Catalog> {
        let origin = if self.web.basemaps_from_flag {
            "--basemap"
        } else {
            "[web] basemaps:"
        };
        let mut maps = Vec::new();
        for path in self
            .web
            .basemaps
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
        {
            maps.push(basemap::Basemap::open(path).map_err(|e| anyhow::anyhow!("{origin} {e}"))?);
        }
        Ok(basemap::Catalog::new(maps))
    }
}

/// An optional listening address: `""` means none. `setting` names the
/// flag and key it comes from, for the error.
fn addr(setting: &str, v: &str) -> Result<Option<std::net::SocketAddr>> {
    match v.trim() {
        "" => Ok(None),
        a => Ok(Some(
            server::parse_addr(a).map_err(|e| anyhow::anyhow!("{setting}: {e}"))?,
        )),
    }
}

/// An OS error in words.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// A TOML syntax error as `FILE line L, column C: what`, on one line.
fn syntax_error(path: &Path, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let at = e
        .span()
        .map(|span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!(" line {line}, column {column}")
        })
        .unwrap_or_default();
    anyhow::anyhow!(
        "{}{at}: {} (TOML syntax)",
        path.display(),
        e.message().trim()
    )
}

/// A value of the wrong type as `FILE: [section] key: what was expected`,
/// naming the file that set it (the user's, or else the built-in defaults).
fn type_error(e: &toml::de::Error, user: Option<(&Path, &toml::Table)>) -> anyhow::Error {
    let text = e.to_string();
    let (what, key) = match text.split_once("in `") {
        Some((what, rest)) => (what.trim(), rest.split('`').next().unwrap_or_default()),
        None => (text.trim(), ""),
    };
    let what = what
        .replace("expected usize", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected u32", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("a sequence", "a list");
    let path: Vec<&str> = key.split('.').filter(|k| !k.is_empty()).collect();
    let set_by_user = |t: &toml::Table| {
        let nested = path
            .iter()
            .try_fold(t, |t, k| match t.get(*k) {
                Some(toml::Value::Table(inner)) => Some(inner),
                Some(_) => Some(t),
                None => None,
            })
            .is_some();
        // The flat keys of the last release name the same setting at the top.
        let flat = FLAT_KEYS
            .iter()
            .any(|(old, sec, k)| path == [*sec, *k] && t.contains_key(*old));
        nested || flat
    };
    let origin = match user {
        Some((p, t)) if path.is_empty() || set_by_user(t) => p.display().to_string(),
        _ => "the built-in defaults".to_string(),
    };
    let setting = match path.as_slice() {
        [] => String::new(),
        [k] => format!(" {k}"),
        [section @ .., k] => format!(" [{}] {k}", section.join(".")),
    };
    anyhow::anyhow!("{origin}:{setting}: {what}")
}

/// An optional path: `""` means none.
fn path_of(v: &str) -> Option<PathBuf> {
    (!v.trim().is_empty()).then(|| PathBuf::from(v.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("wf-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmp");
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        path
    }

    fn load(name: &str, text: &str) -> Result<ServerConfig> {
        FileConfig::load(Some(&write(name, text))).and_then(|f| f.to_server())
    }

    #[test]
    fn defaults_are_valid() {
        let c = FileConfig::load(None).and_then(|f| f.to_server());
        let c = c.expect("defaults");
        assert_eq!(c.tak.tcp[0].addr.port(), 8087);
        assert_eq!(c.http.listen.map(|a| a.port()), Some(8180));
        assert!(FileConfig::load(None).expect("d").deprecated.is_empty());
    }

    #[test]
    fn sections_override_and_unknown_keys_fail() {
        let c = load("good.toml", "[tak]\ntcp = [\"127.0.0.1:9000#blue\"]\n").expect("valid");
        assert_eq!(c.tak.tcp[0].groups, vec!["blue".to_string()]);
        assert_eq!(c.tak.max_connections, 10_000, "the rest of [tak] is kept");
        assert!(load("bad.toml", "tpc = []\n").is_err());
        assert!(load("bad2.toml", "[tak]\ntpc = []\n").is_err());
        assert!(load("bad3.toml", "[nonsense]\nx = 1\n").is_err());
        let text = "[sensors.feeds]\norigin = { lat = 31.3, lon = -109.2 }\n[[sensors.feeds.sensors]]\nid = \"r1\"\nkind = \"asterix\"\nsite = { lat = 31.3, lon = -109.1 }\nsac = 1\nsic = 2\n[[sensors.inputs]]\nudp = \"127.0.0.1:40000\"\n";
        let c = load("sensors.toml", text).expect("valid");
        assert_eq!(c.sensors.feeds.map(|f| f.sensors.len()), Some(1));
        assert_eq!(c.sensors.inputs.len(), 1);
        assert!(load("small.toml", "[tak]\nmax_event_bytes = 1\n").is_err());
    }

    #[test]
    fn flat_keys_of_the_last_release_still_load_with_a_warning() {
        let text = "tcp = [\"127.0.0.1:9000#blue\"]\nweb = \"\"\nhttp = \"127.0.0.1:9180\"\ndata_dir = \"\"\nweb_callsign = \"OPS\"\n[feeds]\norigin = { lat = 31.3, lon = -109.2 }\n[[feeds.sensors]]\nid = \"r1\"\nkind = \"asterix\"\nsite = { lat = 31.3, lon = -109.1 }\nsac = 1\nsic = 2\n[[inputs]]\nudp = \"127.0.0.1:40000\"\n";
        let path = write("flat.toml", text);
        let f = FileConfig::load(Some(&path)).expect("loads");
        assert_eq!(f.deprecated.len(), 7, "{:?}", f.deprecated);
        assert!(f
            .deprecated
            .iter()
            .any(|w| w.contains("\"tcp\"") && w.contains("[tak]")));
        assert_eq!(f.web.callsign, "OPS");
        let c = f.to_server().expect("valid");
        assert_eq!(c.tak.tcp[0].addr.port(), 9000);
        assert!(c.web.is_none());
        assert_eq!(c.http.listen.map(|a| a.port()), Some(9180));
        assert!(c.store.data_dir.is_none());
        assert_eq!(c.sensors.inputs.len(), 1);
        assert!(c.sensors.feeds.is_some());
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
        assert!(with(&|c| c.web.listen = String::new())
            .expect("valid")
            .web
            .is_none());
        let tiles =
            with(&|c| c.web.tiles = "https://t.example/{z}/{x}/{y}.png".into()).expect("valid");
        assert!(tiles.web.and_then(|w| w.tiles).is_some());
        assert!(with(&|c| c.web.tiles = "https://t.example/tile.png".into()).is_err());
        assert!(with(&|c| c.web.zoom = 30.0).is_err());
        assert!(with(&|c| c.web.center = [91.0, 0.0]).is_err());
        assert!(with(&|c| c.web.callsign = "  ".into()).is_err());
        assert!(with(&|c| c.web.classification = "".into()).is_err());
        assert!(with(&|c| c.web.classification = "SECRET\nX".into()).is_err());
        let marked =
            with(&|c| c.web.classification = "CUI // FOUO".into()).expect("a marking reads");
        assert_eq!(
            marked.web.map(|w| w.classification).as_deref(),
            Some("CUI // FOUO")
        );
        assert!(with(&|c| c.web.listen = "not an address".into()).is_err());
    }
}
