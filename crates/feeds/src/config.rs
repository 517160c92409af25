//! The pipeline's configuration: one serde tree the server reads from its TOML
//! file (`[feeds]`), validated once by [`FeedsConfig::validate`].
//!
//! # Units
//! Latitudes and longitudes in WGS-84 degrees, heights metres above the
//! ellipsoid, distances and standard deviations metres, angles degrees,
//! durations seconds, rates per second.

use serde::{Deserialize, Serialize};

use crate::error::FeedsError;
pub use crate::knobs::TrackerKnobs;

/// What a sensor sends, and so which `ingest_*` call accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SensorKind {
    /// ASTERIX datagrams: CAT048 radar plots (needs a [`Site`]) and CAT021 ADS-B.
    Asterix,
    /// SBS-1 BaseStation lines (dump1090/readsb port 30003).
    Sbs,
    /// Detection JSON lines from ground sensors and cameras.
    Detections,
}

/// A WGS-84 position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Height above the WGS-84 ellipsoid, metres.
    #[serde(default)]
    pub alt: f64,
}

/// Measurement noise of a sensor, 1-sigma. Absent values take the defaults
/// documented on each field.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Noise {
    /// Radar range error, metres (default 50).
    pub range_sigma_m: Option<f64>,
    /// Radar azimuth error, degrees (default 0.1).
    pub azimuth_sigma_deg: Option<f64>,
    /// Position error per axis for ADS-B, SBS and detections without their own
    /// uncertainty, metres (default 30 for ADS-B and SBS, 10 for detections).
    pub position_sigma_m: Option<f64>,
}

impl Noise {
    /// Radar range error in use, metres.
    pub fn range_sigma(&self) -> f64 {
        self.range_sigma_m.unwrap_or(50.0)
    }

    /// Radar azimuth error in use, degrees.
    pub fn azimuth_sigma(&self) -> f64 {
        self.azimuth_sigma_deg.unwrap_or(0.1)
    }

    /// Position error in use for a sensor of `kind`, metres.
    pub fn position_sigma(&self, kind: SensorKind) -> f64 {
        self.position_sigma_m.unwrap_or(match kind {
            SensorKind::Detections => 10.0,
            SensorKind::Asterix | SensorKind::Sbs => 30.0,
        })
    }
}

/// Which targets a sensor can detect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Detects {
    /// Every target in its coverage (a primary radar, a camera, a ground sensor).
    All,
    /// Only targets that report themselves (ADS-B): a track without an
    /// aircraft address is never counted as missed by it.
    Cooperative,
}

/// Where a sensor can see: the ring between two ranges around its site.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// Inner edge, metres from the site (default 0).
    #[serde(default)]
    pub min_range_m: f64,
    /// Outer edge, metres from the site.
    pub max_range_m: f64,
}

/// One configured sensor feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensorConfig {
    /// Unique id, as listed in published tracks (`radar-1`, `adsb-1`).
    pub id: String,
    /// Message format.
    pub kind: SensorKind,
    /// Radar site, required for CAT048 plots to be used; for any sensor the
    /// centre of its [`SensorConfig::coverage`].
    #[serde(default)]
    pub site: Option<Site>,
    /// Where the sensor can see, around `site`. The tracker counts a look
    /// that found nothing only for tracks inside it. Absent: everywhere.
    #[serde(default)]
    pub coverage: Option<Coverage>,
    /// Seconds between two looks at one target: a radar's rotation period,
    /// an ADS-B receiver's report interval, a ground sensor's cycle
    /// (default: asterix 5, sbs 1, detections 5). Scales how long a track
    /// lives without updates and when the sensor counts as late or silent.
    #[serde(default)]
    pub period_s: Option<f64>,
    /// Which targets it can detect (default: `cooperative` for sbs, `all`
    /// otherwise; set `cooperative` on an ASTERIX ADS-B ground station).
    #[serde(default)]
    pub detects: Option<Detects>,
    /// ASTERIX system area code; when set, records from another SAC are refused.
    #[serde(default)]
    pub sac: Option<u8>,
    /// ASTERIX system identification code; when set, records from another SIC are refused.
    #[serde(default)]
    pub sic: Option<u8>,
    /// Measurement noise.
    #[serde(default)]
    pub noise: Noise,
    /// Flood limit: messages (ASTERIX records, lines) per second, token bucket
    /// with a burst of one second's worth (default 5000).
    #[serde(default = "default_rate")]
    pub max_rate_per_s: f64,
}

fn default_rate() -> f64 {
    5000.0
}

impl SensorConfig {
    /// A sensor of `kind` with every optional field absent and the default rate.
    pub fn new(id: impl Into<String>, kind: SensorKind) -> Self {
        SensorConfig {
            id: id.into(),
            kind,
            site: None,
            coverage: None,
            period_s: None,
            detects: None,
            sac: None,
            sic: None,
            noise: Noise::default(),
            max_rate_per_s: default_rate(),
        }
    }

    /// Seconds between two looks at one target, in use.
    pub fn period(&self) -> f64 {
        self.period_s.unwrap_or(match self.kind {
            SensorKind::Sbs => 1.0,
            SensorKind::Asterix | SensorKind::Detections => 5.0,
        })
    }

    /// Which targets it detects, in use.
    pub fn detects(&self) -> Detects {
        self.detects.unwrap_or(match self.kind {
            SensorKind::Sbs => Detects::Cooperative,
            SensorKind::Asterix | SensorKind::Detections => Detects::All,
        })
    }
}

/// The sensor-to-picture pipeline's configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedsConfig {
    /// Origin of the tracker's local East-North-Up frame (keep it within a few
    /// hundred km of every sensor).
    pub origin: Site,
    /// The sensor feeds.
    #[serde(default)]
    pub sensors: Vec<SensorConfig>,
    /// Seconds between publications of the confirmed tracks (default 1).
    #[serde(default = "default_publish")]
    pub publish_interval_s: f64,
    /// CoT `stale` of a published track, seconds after its `time` (default 10).
    #[serde(default = "default_stale")]
    pub track_stale_s: f64,
    /// A track that no live sensor covers (it left every coverage, or the
    /// sensors that cover it fell silent) is deleted after this long without
    /// an update, seconds (default 20). Tracks that sensors cover end when
    /// those sensors stop seeing them (`tracker.max_misses` looks each).
    #[serde(default = "default_timeout")]
    pub track_timeout_s: f64,
    /// Detections older than `now` by more than this are refused, seconds (default 60).
    #[serde(default = "default_max_age")]
    pub max_age_s: f64,
    /// Detections newer than `now` by more than this are refused, seconds (default 5).
    #[serde(default = "default_max_future")]
    pub max_future_s: f64,
    /// A track faster than this is an air track, m/s (default 60).
    #[serde(default = "default_air_speed")]
    pub air_speed_mps: f64,
    /// Tracker knobs.
    #[serde(default)]
    pub tracker: TrackerKnobs,
    /// Published uids are `<uid_prefix>-<track id>` (default `watchfloor-trk`).
    #[serde(default = "default_prefix")]
    pub uid_prefix: String,
    /// A label every published track carries in its callsign and remarks,
    /// e.g. `SIMULATION` when the sensors are simulated (default none).
    #[serde(default)]
    pub label: Option<String>,
    /// Most CoT events waiting for [`crate::Pipeline::poll_event`]; the oldest
    /// beyond it are dropped and counted (default 100,000).
    #[serde(default = "default_queue")]
    pub max_queued_events: usize,
}

fn default_publish() -> f64 {
    1.0
}
fn default_stale() -> f64 {
    10.0
}
fn default_timeout() -> f64 {
    20.0
}
fn default_max_age() -> f64 {
    60.0
}
fn default_max_future() -> f64 {
    5.0
}
fn default_air_speed() -> f64 {
    60.0
}
fn default_prefix() -> String {
    "watchfloor-trk".to_owned()
}
fn default_queue() -> usize {
    100_000
}

impl FeedsConfig {
    /// A configuration with no sensors and every default, around `origin`.
    pub fn new(origin: Site) -> Self {
        FeedsConfig {
            origin,
            sensors: Vec::new(),
            publish_interval_s: default_publish(),
            track_stale_s: default_stale(),
            track_timeout_s: default_timeout(),
            max_age_s: default_max_age(),
            max_future_s: default_max_future(),
            air_speed_mps: default_air_speed(),
            tracker: TrackerKnobs::default(),
            uid_prefix: default_prefix(),
            label: None,
            max_queued_events: default_queue(),
        }
    }

    /// Checks every value once, so that the pipeline need not.
    pub fn validate(&self) -> Result<(), FeedsError> {
        let bad = |what: &'static str| Err(FeedsError::Config(what));
        if sensors::validate::check_lat_lon(self.origin.lat, self.origin.lon).is_err()
            || !self.origin.alt.is_finite()
        {
            return bad("origin is not a valid WGS-84 position");
        }
        let pos = |v: f64| v.is_finite() && v > 0.0;
        if !pos(self.publish_interval_s) || !pos(self.track_stale_s) || !pos(self.track_timeout_s) {
            return bad("publish_interval_s, track_stale_s and track_timeout_s must be positive");
        }
        if !pos(self.max_age_s) || !pos(self.max_future_s) || !pos(self.air_speed_mps) {
            return bad("max_age_s, max_future_s and air_speed_mps must be positive");
        }
        if self.uid_prefix.is_empty() || self.uid_prefix.len() > 64 {
            return bad("uid_prefix must have 1 to 64 bytes");
        }
        if self.max_queued_events == 0 {
            return bad("max_queued_events must be at least 1");
        }
        self.tracker.to_fusion().validate()?;
        for (i, s) in self.sensors.iter().enumerate() {
            if s.id.is_empty() || s.id.len() > 64 || s.id.contains(',') {
                return bad("sensor ids must have 1 to 64 bytes and no comma");
            }
            if self.sensors.iter().skip(i + 1).any(|o| o.id == s.id) {
                return Err(FeedsError::DuplicateSensor(s.id.clone()));
            }
            if let Some(site) = s.site {
                if sensors::validate::check_lat_lon(site.lat, site.lon).is_err()
                    || !site.alt.is_finite()
                {
                    return Err(FeedsError::BadSensor(s.id.clone(), "site"));
                }
            }
            if let Some(c) = s.coverage {
                let ok = s.site.is_some()
                    && c.min_range_m.is_finite()
                    && c.min_range_m >= 0.0
                    && pos(c.max_range_m)
                    && c.max_range_m > c.min_range_m;
                if !ok {
                    return Err(FeedsError::BadSensor(s.id.clone(), "coverage"));
                }
            }
            if s.period_s.is_some_and(|p| !pos(p)) {
                return Err(FeedsError::BadSensor(s.id.clone(), "period_s"));
            }
            let n = s.noise;
            if !pos(n.range_sigma()) || !pos(n.azimuth_sigma()) || !pos(n.position_sigma(s.kind)) {
                return Err(FeedsError::BadSensor(s.id.clone(), "noise"));
            }
            if !pos(s.max_rate_per_s) {
                return Err(FeedsError::BadSensor(s.id.clone(), "max_rate_per_s"));
            }
        }
        Ok(())
    }
}
