//! The pipeline state machine, and the last step of its input side: a
//! converted measurement checked against the clock and handed to the tracker.

use std::collections::{BTreeMap, HashMap, VecDeque};

use fusion::fuser::{FuseConfig, Fuser, Looks, Ring, SensorSpec};
use fusion::geo::{EnuFrame, Geodetic, SensorSite};

use crate::aircraft::AircraftTable;
use crate::config::{Detects, FeedsConfig, Noise, SensorKind, Site};
use crate::convert::{Converted, Measurement};
use crate::error::FeedsError;
use crate::publish::PublishCtx;
use crate::stats::{Reject, SensorStats, Stats};
use crate::tracks::{Pending, TrackState};
use pace::TokenBucket;

/// One configured sensor, ready to use.
#[derive(Debug, Clone)]
pub(crate) struct Feed {
    pub(crate) id: String,
    pub(crate) kind: SensorKind,
    /// The radar site in the common frame, and its height (metres).
    pub(crate) site: Option<(SensorSite, f64)>,
    pub(crate) sac: Option<u8>,
    pub(crate) sic: Option<u8>,
    pub(crate) noise: Noise,
    pub(crate) bucket: Option<TokenBucket<f64>>,
    pub(crate) seen: SensorStats,
}

/// The sensor-to-picture pipeline: sans-IO and deterministic. Times are
/// [`cot::Time`]s passed in by the caller (Unix seconds inside, the
/// tracker's unit); nothing here reads a clock or a socket.
///
/// Feed it with the `ingest_*` calls, call [`Pipeline::handle_timeout`] when
/// [`Pipeline::poll_timeout`] says (and after a batch of input), and drain
/// [`Pipeline::poll_event`] for the CoT events to route.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub(crate) cfg: FeedsConfig,
    pub(crate) frame: EnuFrame,
    pub(crate) feeds: Vec<Feed>,
    pub(crate) ctx: PublishCtx,
    by_id: HashMap<String, u32>,
    pub(crate) fuser: Fuser,
    /// Times up to this one have been handed to the fuser (Unix seconds).
    pub(crate) closed: Option<f64>,
    pub(crate) aircraft: AircraftTable,
    pub(crate) pending: Vec<Pending>,
    pub(crate) tracks: BTreeMap<u64, TrackState>,
    pub(crate) events: VecDeque<cot::Event>,
    pub(crate) next_publish: Option<f64>,
    pub(crate) last_now: f64,
    pub(crate) stats: Stats,
}

fn geodetic(s: &Site) -> Geodetic {
    Geodetic {
        lat_deg: s.lat,
        lon_deg: s.lon,
        alt_m: s.alt,
    }
}

impl Pipeline {
    /// A pipeline with no tracks, after validating `cfg`.
    pub fn new(cfg: FeedsConfig) -> Result<Self, FeedsError> {
        cfg.validate()?;
        let frame = EnuFrame::new(geodetic(&cfg.origin));
        // Every live sensor reports as it goes (plots by sector, ADS-B
        // messages one by one), so each looks once per period.
        let specs = cfg
            .sensors
            .iter()
            .map(|s| SensorSpec {
                coverage: s.coverage.zip(s.site).map(|(c, site)| {
                    let p = frame.geodetic_to_enu(&geodetic(&site));
                    Ring {
                        site: [p[0], p[1]],
                        min_range: c.min_range_m,
                        max_range: c.max_range_m,
                    }
                }),
                period: s.period(),
                looks: Looks::Reports,
                cooperative_only: s.detects() == Detects::Cooperative,
            })
            .collect();
        let fuse_cfg = FuseConfig {
            tracker: cfg.tracker.to_fusion(),
            coast_s: Some(cfg.track_timeout_s),
            ..FuseConfig::default()
        };
        let fuser = Fuser::new(fuse_cfg, specs)?;
        let feeds: Vec<Feed> = cfg
            .sensors
            .iter()
            .map(|s| Feed {
                id: s.id.clone(),
                kind: s.kind,
                site: s
                    .site
                    .map(|site| (SensorSite::new(geodetic(&site), &frame), site.alt)),
                sac: s.sac,
                sic: s.sic,
                noise: s.noise,
                // One second's worth at most. `validate` above refused a rate
                // that is not positive; were one to slip through, `None`
                // admits nothing rather than everything.
                bucket: TokenBucket::with_burst_seconds(s.max_rate_per_s, 1.0).ok(),
                seen: SensorStats {
                    id: s.id.clone(),
                    ..SensorStats::default()
                },
            })
            .collect();
        let sensor_ids: Vec<String> = feeds.iter().map(|f| f.id.clone()).collect();
        let by_id = (0u32..)
            .zip(&sensor_ids)
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let ctx = PublishCtx {
            frame,
            uid_prefix: cfg.uid_prefix.clone(),
            label: cfg.label.clone(),
            sensor_ids,
            stale_s: cfg.track_stale_s,
            air_speed_mps: cfg.air_speed_mps,
            max_extrapolation_s: cfg.track_timeout_s,
        };
        Ok(Pipeline {
            cfg,
            frame,
            feeds,
            ctx,
            by_id,
            fuser,
            closed: None,
            aircraft: AircraftTable::default(),
            pending: Vec::new(),
            tracks: BTreeMap::new(),
            events: VecDeque::new(),
            next_publish: None,
            last_now: 0.0,
            stats: Stats::default(),
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &FeedsConfig {
        &self.cfg
    }

    /// The counters so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Per-sensor counters, in config order.
    pub fn sensors(&self) -> impl Iterator<Item = &SensorStats> {
        self.feeds.iter().map(|f| &f.seen)
    }

    /// The sensor index of `sensor` if it is configured with `kind`; counts
    /// and refuses otherwise.
    pub(crate) fn feed_for(&mut self, sensor: &str, kind: SensorKind) -> Option<u32> {
        let idx = self.by_id.get(sensor).copied();
        match idx.and_then(|i| self.feeds.get(i as usize).map(|f| (i, f.kind))) {
            Some((i, k)) if k == kind => Some(i),
            _ => {
                tracing::debug!(sensor, ?kind, "input from an unknown sensor dropped");
                self.stats.reject(Reject::UnknownSensor);
                None
            }
        }
    }

    pub(crate) fn take_token(&mut self, idx: u32, now: f64) -> bool {
        let ok = self.feeds.get_mut(idx as usize).is_some_and(|f| {
            f.seen.messages += 1;
            if now.is_finite() {
                f.seen.last_seen = Some(f.seen.last_seen.map_or(now, |t| t.max(now)));
            }
            f.bucket.as_mut().is_some_and(|b| b.try_take(now))
        });
        if !ok {
            self.stats.reject(Reject::RateLimited);
        }
        ok
    }

    /// The fuser's running totals (merges, address jumps, refusals).
    pub fn fuser_counters(&self) -> &fusion::fuser::FuseCounters {
        self.fuser.counters()
    }

    /// Checks a converted measurement's time and queues it for the fuser
    /// until its late window closes.
    pub(crate) fn submit(&mut self, idx: u32, converted: Converted, now: f64) {
        let m: Measurement = match converted {
            Ok(Some(m)) => m,
            Ok(None) => {
                self.stats.ignored += 1;
                return;
            }
            Err(reason) => return self.stats.reject(reason),
        };
        if !(m.time.is_finite() && m.x.is_finite() && m.y.is_finite()) {
            return self.stats.reject(Reject::Implausible);
        }
        if m.time < now - self.cfg.max_age_s {
            return self.stats.reject(Reject::TooOld);
        }
        if m.time > now + self.cfg.max_future_s {
            return self.stats.reject(Reject::Future);
        }
        let det = fusion::Detection {
            time: m.time,
            sensor_id: idx,
            x: m.x,
            y: m.y,
            r: m.r,
            ident: m.evidence.icao,
        };
        if !det.is_valid() {
            return self.stats.reject(Reject::Implausible);
        }
        // Too late: its window closed on arrival, or the fuser has moved
        // past its time.
        if det.time + self.cfg.tracker.late_window < now
            || self.closed.is_some_and(|c| det.time < c)
        {
            return self.stats.reject(Reject::Late);
        }
        if self.pending.len() >= self.cfg.tracker.max_pending {
            return self.stats.reject(Reject::TrackerFull);
        }
        self.stats.accepted += 1;
        if let Some(f) = self.feeds.get_mut(idx as usize) {
            f.seen.accepted += 1;
        }
        self.pending.push(Pending {
            det,
            evidence: m.evidence,
        });
        self.last_now = self.last_now.max(now);
        if self.next_publish.is_none() {
            self.next_publish = Some(now + self.cfg.publish_interval_s);
        }
    }
}
