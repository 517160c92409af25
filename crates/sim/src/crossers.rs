//! SIMULATED border crossers for the demo's flow-intelligence panel: people
//! on foot walking north across the US–Mexico line east of Douglas, Arizona
//! (Tucson sector), at a daily and weekly rhythm, a share of them turning
//! back, and one injected surge of vehicles half a minute into the run; and the
//! hourly counts of the same rhythm for the weeks before the run, so the
//! baseline exists when the demo starts.
//!
//! Everything here is simulated and says so: every track's remarks read
//! SIMULATION, the reporting sensor's callsign starts with `SIM`, and the
//! history is stored under the coverage source [`HISTORY_SOURCE`].
//!
//! [`Crossers`] is pure (time passed in); [`run`] sends its events over one
//! streaming TCP connection to the server on loopback.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use cot::{Element, Event, Node, Time};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tracing::{info, warn};

use crate::rng::{Part, SimRng};

/// The coverage source the simulated history is stored under.
pub const HISTORY_SOURCE: &str = "SIMULATED history";
/// The uid of the simulated sensor that reports the crossers.
pub const SENSOR_UID: &str = "SIM-CROSSING-SENSOR";
/// Metres per degree of latitude.
const M_PER_DEG: f64 = 111_320.0;
/// Local solar time of the Arizona border against UTC, hours.
const LOCAL_OFFSET_H: i64 = -7;

/// Where and how often the crossers come.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossersConfig {
    /// Latitude of the boundary along the stretch (it runs along a
    /// parallel there), degrees.
    pub border_lat: f64,
    /// The stretch's west and east ends, degrees of longitude.
    pub lon_range: (f64, f64),
    /// Mean northbound arrivals per hour over a week.
    pub per_hour: f64,
    /// Share of walkers who turn back after crossing.
    pub turn_back_share: f64,
    /// Where a walker starts and ends, metres from the line.
    pub walk_m: f64,
    /// Seconds between a walker's position reports.
    pub report_s: i64,
    /// The surge starts this long after the run begins, seconds.
    pub surge_after_s: i64,
    /// It lasts this long, seconds.
    pub surge_len_s: i64,
    /// Vehicles it sends across.
    pub surge_count: u32,
}

impl CrossersConfig {
    /// The demo's stretch: about 30 km of the line east of Douglas, a few
    /// crossings an hour, and forty vehicles over two minutes half a minute in.
    pub fn border_sector() -> Self {
        CrossersConfig {
            // The shipped Natural Earth line (1:10m) runs here at 31.3270;
            // the surveyed boundary is about 570 m further north. The
            // crossers cross the line the counts are made against.
            border_lat: 31.3270,
            lon_range: (-109.45, -109.12),
            per_hour: 4.0,
            turn_back_share: 0.1,
            walk_m: 400.0,
            report_s: 10,
            surge_after_s: 30,
            surge_len_s: 120,
            surge_count: 40,
        }
    }
}

/// The relative intensity of crossings at `t_s` (Unix seconds): a night
/// peak at 03:00 local time, a weekend a fifth busier; about one on
/// average over a week.
pub fn rhythm(t_s: i64) -> f64 {
    let local = t_s + LOCAL_OFFSET_H * 3_600;
    let hour = local.rem_euclid(86_400) as f64 / 3_600.0;
    let daily = 1.0 + 0.6 * (std::f64::consts::TAU * (hour - 3.0) / 24.0).cos();
    // 1970-01-01 was a Thursday: day 2 and 3 of the week are Saturday, Sunday.
    let weekend = matches!(local.div_euclid(86_400).rem_euclid(7), 2 | 3);
    daily * if weekend { 1.2 } else { 1.0 } / (5.0 + 2.0 * 1.2) * 7.0
}

/// One simulated hour of the stretch's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HourCount {
    /// Hours since the epoch.
    pub hour: i64,
    /// Northbound crossings that stood.
    pub northbound: u64,
    /// Crossings turned back.
    pub turn_backs: u64,
}

/// SIMULATED counts of hours `from_hour..to_hour` at the configured rhythm:
/// Poisson arrivals whose daily level varies by about 10 % (groups come
/// and go), deterministic for a seed.
pub fn history(cfg: &CrossersConfig, seed: u64, from_hour: i64, to_hour: i64) -> Vec<HourCount> {
    let mut out = Vec::new();
    for hour in from_hour..to_hour {
        // One stream per hour: the same hour has the same count whichever
        // window is asked for.
        let mut rng = SimRng::new(seed, Part::Crossers, hour.rem_euclid(1 << 31) as usize);
        let mut day = SimRng::new(
            seed ^ 0xD4,
            Part::Crossers,
            hour.div_euclid(24).rem_euclid(1 << 31) as usize,
        );
        let level = (1.0 + 0.1 * day.normal()).max(0.2);
        let mean = cfg.per_hour * rhythm(hour * 3_600 + 1_800) * level;
        let arrivals = rng.poisson(mean) as u64;
        let turn_backs = (0..arrivals)
            .filter(|_| rng.chance(cfg.turn_back_share))
            .count() as u64;
        out.push(HourCount {
            hour,
            northbound: arrivals - turn_backs,
            turn_backs,
        });
    }
    out
}

/// One walker (or vehicle) on its way.
#[derive(Debug, Clone)]
struct Walker {
    uid: String,
    cot_type: &'static str,
    lon: f64,
    /// Metres north of the line; negative south.
    north_m: f64,
    speed_mps: f64,
    turns_at_m: Option<f64>,
    last_report_s: i64,
}

/// The crossers of one run.
#[derive(Debug)]
pub struct Crossers {
    cfg: CrossersConfig,
    rng: SimRng,
    walkers: Vec<Walker>,
    next_id: u64,
    start_s: Option<i64>,
    last_s: Option<i64>,
    surge_sent: u32,
    finished: u64,
}

impl Crossers {
    /// The crossers of `cfg` under `seed`.
    pub fn new(cfg: CrossersConfig, seed: u64) -> Self {
        Crossers {
            cfg,
            rng: SimRng::new(seed, Part::Crossers, usize::MAX >> 1),
            walkers: Vec::new(),
            next_id: 0,
            start_s: None,
            last_s: None,
            surge_sent: 0,
            finished: 0,
        }
    }

    /// Walkers that reached their end and stopped reporting.
    pub fn finished(&self) -> u64 {
        self.finished
    }

    /// Walkers started so far (surge included).
    pub fn started(&self) -> u64 {
        self.next_id
    }

    /// The reporting sensor's own SA: a friendly ground sensor at the
    /// middle of the stretch, the contact the crossers' tracks come from.
    pub fn sensor_sa(&self, now: Time) -> Event {
        let mut e = Event::new(SENSOR_UID, "a-f-G-E-S", "h-e", now, now.plus_secs(600));
        e.point.lat = self.cfg.border_lat + 0.02;
        e.point.lon = (self.cfg.lon_range.0 + self.cfg.lon_range.1) / 2.0;
        e.detail.push_element(Element::with_attrs(
            "contact",
            [("callsign", "SIM CROSSING SENSOR")],
        ));
        e.detail.push_element(remarks());
        e
    }

    fn spawn(&mut self, surge: bool, at_s: i64) {
        let cfg = &self.cfg;
        let lon = self.rng.uniform(cfg.lon_range.0, cfg.lon_range.1);
        let (cot_type, speed_mps) = if surge {
            ("a-u-G-E-V-C", self.rng.uniform(5.0, 8.0))
        } else {
            ("a-u-G", self.rng.uniform(1.2, 1.8))
        };
        let turns_at_m =
            (!surge && self.rng.chance(cfg.turn_back_share)).then(|| self.rng.uniform(80.0, 150.0));
        self.next_id += 1;
        self.walkers.push(Walker {
            uid: format!("SIM-CROSSER-{:05}", self.next_id),
            cot_type,
            lon,
            north_m: -cfg.walk_m,
            speed_mps,
            turns_at_m,
            last_report_s: at_s - cfg.report_s,
        });
    }

    /// Moves everyone to `now` and returns the position reports due.
    pub fn step(&mut self, now: Time) -> Vec<Event> {
        let now_s = now.millis().div_euclid(1_000);
        let start_s = *self.start_s.get_or_insert(now_s);
        let last_s = self.last_s.replace(now_s).unwrap_or(now_s);
        let dt = (now_s - last_s).clamp(0, 60);
        // Arrivals of the rhythm, one Bernoulli trial per second elapsed.
        for s in 0..dt {
            let rate = self.cfg.per_hour * rhythm(last_s + s) / 3_600.0;
            if self.rng.chance(rate) {
                self.spawn(false, last_s + s);
            }
        }
        // The surge: evenly spread over its window.
        let into = now_s - start_s - self.cfg.surge_after_s;
        if into >= 0 && self.surge_sent < self.cfg.surge_count {
            let len = self.cfg.surge_len_s.max(1);
            let due = ((into.min(len) as f64 / len as f64) * f64::from(self.cfg.surge_count)).ceil()
                as u32;
            while self.surge_sent < due.min(self.cfg.surge_count) {
                self.surge_sent += 1;
                self.spawn(true, now_s);
            }
        }
        let walk_m = self.cfg.walk_m;
        let report_s = self.cfg.report_s;
        let border_lat = self.cfg.border_lat;
        let mut out = Vec::new();
        let mut done = 0;
        self.walkers.retain_mut(|w| {
            let step = w.speed_mps * dt as f64;
            match w.turns_at_m {
                Some(at) if w.north_m + step >= at => {
                    // Turned: from now on walks south.
                    w.north_m = at;
                    w.speed_mps = -w.speed_mps.abs();
                    w.turns_at_m = None;
                }
                _ => w.north_m += step,
            }
            let gone = w.north_m >= walk_m || w.north_m <= -walk_m - 1.0;
            if gone || now_s - w.last_report_s >= report_s {
                w.last_report_s = now_s;
                out.push(report(w, border_lat, now));
            }
            if gone {
                done += 1;
            }
            !gone
        });
        self.finished += done;
        out
    }
}

fn remarks() -> Element {
    let mut r = Element::with_attrs("remarks", std::iter::empty::<(&str, &str)>());
    r.children.push(Node::Text("SIMULATION".to_owned()));
    r
}

fn report(w: &Walker, border_lat: f64, now: Time) -> Event {
    let mut e = Event::new(&w.uid, w.cot_type, "m-r", now, now.plus_secs(120));
    e.point.lat = border_lat + w.north_m / M_PER_DEG;
    e.point.lon = w.lon;
    e.point.ce = 15.0;
    e.point.le = 15.0;
    let course = if w.speed_mps >= 0.0 { "0.0" } else { "180.0" };
    let speed = format!("{:.2}", w.speed_mps.abs());
    e.detail.push_element(Element::with_attrs(
        "track",
        [("course", course), ("speed", speed.as_str())],
    ));
    e.detail.push_element(Element::with_attrs(
        "link",
        [
            ("uid", SENSOR_UID),
            ("type", "a-f-G-E-S"),
            ("relation", "p-p"),
        ],
    ));
    e.detail.push_element(remarks());
    e
}

/// Sends the crossers over one streaming connection to `addr` (loopback
/// only), stepped every second at the time `clock` says, until `stop`;
/// reconnects after a failure. Returns the walkers started.
pub async fn run(
    addr: SocketAddr,
    mut crossers: Crossers,
    clock: std::sync::Arc<dyn cot::Clock>,
    stop: impl Future<Output = ()>,
) -> std::io::Result<u64> {
    if !addr.ip().is_loopback() {
        return Err(std::io::Error::other(format!(
            "the simulated crossers only connect to loopback, not {addr}"
        )));
    }
    warn!(%addr, "SIMULATION: simulated border crossers connecting; every track they send is simulated");
    tokio::pin!(stop);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut conn: Option<TcpStream> = None;
    let mut buf = vec![0u8; 4096];
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = tick.tick() => {}
        }
        let now = clock.now();
        let events = crossers.step(now);
        if conn.is_none() {
            match tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(addr)).await {
                Ok(Ok(mut s)) => {
                    let _ = s.set_nodelay(true);
                    let sa = cot::to_xml(&crossers.sensor_sa(now));
                    if s.write_all(&sa).await.is_ok() {
                        conn = Some(s);
                    }
                }
                _ => continue,
            }
        }
        let Some(s) = conn.as_mut() else { continue };
        // What the server sends back is read and dropped, so its queue
        // for us never fills.
        while let Ok(Ok(n)) = tokio::time::timeout(Duration::ZERO, s.read(&mut buf)).await {
            if n == 0 {
                break;
            }
        }
        let mut bytes = Vec::new();
        if now.millis().div_euclid(1_000).rem_euclid(60) == 0 {
            bytes.extend_from_slice(&cot::to_xml(&crossers.sensor_sa(now)));
        }
        for e in &events {
            bytes.extend_from_slice(&cot::to_xml(e));
        }
        if !bytes.is_empty() && s.write_all(&bytes).await.is_err() {
            warn!("simulated crossers lost their connection; reconnecting");
            conn = None;
        }
    }
    info!(started = crossers.started(), "SIMULATION crossers stopped");
    Ok(crossers.started())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rhythm_averages_one_over_a_week_and_peaks_at_night() {
        let week: f64 = (0..168).map(|h| rhythm(h * 3_600 + 1_800)).sum::<f64>() / 168.0;
        assert!((week - 1.0).abs() < 0.01, "{week}");
        // 10:00 UTC is 03:00 in Arizona.
        assert!(rhythm(10 * 3_600) > rhythm(22 * 3_600) * 2.0);
    }

    #[test]
    fn history_is_deterministic_and_has_the_configured_level() {
        let cfg = CrossersConfig::border_sector();
        let a = history(&cfg, 7, 480_000, 480_000 + 24 * 70);
        assert_eq!(a, history(&cfg, 7, 480_000, 480_000 + 24 * 70));
        assert_eq!(a[100..110], history(&cfg, 7, 480_100, 480_110)[..]);
        let mean = a
            .iter()
            .map(|h| (h.northbound + h.turn_backs) as f64)
            .sum::<f64>()
            / a.len() as f64;
        assert!((mean - cfg.per_hour).abs() < 0.3, "{mean}");
        assert!(a.iter().any(|h| h.turn_backs > 0));
    }

    #[test]
    fn walkers_cross_north_and_the_surge_comes_in_its_window() {
        let cfg = CrossersConfig::border_sector();
        let mut c = Crossers::new(cfg.clone(), 3);
        let t0 = 1_764_547_200_i64;
        let mut first_north = std::collections::HashMap::new();
        let mut vehicles = std::collections::HashSet::new();
        for s in 0..900 {
            for e in c.step(Time::from_millis((t0 + s) * 1_000)) {
                assert!(e.uid.starts_with("SIM-CROSSER-"));
                assert!(e.point.lon >= cfg.lon_range.0 && e.point.lon <= cfg.lon_range.1);
                if e.kind.starts_with("a-u-G-E-V") {
                    vehicles.insert(e.uid.clone());
                }
                if e.point.lat > cfg.border_lat {
                    first_north.entry(e.uid.clone()).or_insert(s);
                }
            }
        }
        assert_eq!(vehicles.len(), cfg.surge_count as usize);
        assert!(
            vehicles.iter().all(|v| first_north.contains_key(v)),
            "every vehicle crosses"
        );
        assert!(c.finished() >= u64::from(cfg.surge_count));
    }
}
