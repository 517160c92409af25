//! The task-force state machine: routes, SA timers, chat and alert schedules.

use cot::{Point, Time, UNKNOWN};
use fusion::geo::{EnuFrame, Geodetic};

use super::chatter::{self, ForceRng, Stream};
use super::config::{ForceConfig, Motion};
use super::events::{self, AlertKind, Report, Sender};
use super::route::{Bounds, Route};
use super::ForceOutput;

/// A report more than this late (the caller paused) is sent now instead of
/// replaying every missed one, seconds.
const MAX_LAG_S: f64 = 10.0;
/// Shortest interval of any timer, seconds; keeps a bad configuration from
/// flooding the server.
const MIN_PERIOD_S: f64 = 0.5;

#[derive(Debug)]
struct Mover {
    uid: String,
    callsign: String,
    cot_type: String,
    route: Route,
    height_m: f64,
    next_s: f64,
    rng: ForceRng,
}

#[derive(Debug)]
struct Unit {
    mover: Mover,
    team: String,
    role: String,
    patrols: bool,
    battery_pct: f64,
}

#[derive(Debug, Clone, Copy)]
struct ActiveAlert {
    unit: usize,
    kind: AlertKind,
    cancel_s: f64,
}

/// The deterministic simulated task force; see the [module](super) docs.
#[derive(Debug)]
pub struct ForceScenario {
    frame: EnuFrame,
    terrain_m: f64,
    sa_period_s: (f64, f64),
    stale_s: i64,
    chat_period_s: (f64, f64),
    alert_period_s: (f64, f64),
    alert_length_s: (f64, f64),
    units: Vec<Unit>,
    aircraft: Vec<Mover>,
    relay: Option<usize>,
    start: Option<Time>,
    last_s: f64,
    chat_rng: ForceRng,
    next_chat_s: f64,
    alert_rng: ForceRng,
    next_alert_s: f64,
    active: Option<ActiveAlert>,
}

fn period((lo, hi): (f64, f64)) -> (f64, f64) {
    let lo = if lo.is_finite() {
        lo.max(MIN_PERIOD_S)
    } else {
        MIN_PERIOD_S
    };
    (lo, if hi.is_finite() { hi.max(lo) } else { lo })
}

fn uid(callsign: &str) -> String {
    let slug: String = callsign
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("sim-force-{slug}")
}

fn mover(
    callsign: &str,
    cot_type: &str,
    motion: &Motion,
    bounds: Bounds,
    layout: &mut ForceRng,
    rng: ForceRng,
) -> Mover {
    let spread = if matches!(motion, Motion::Post { .. }) {
        200.0
    } else {
        1_000.0
    };
    let shift = [
        layout.range((-spread, spread)),
        layout.range((-100.0, 100.0)),
    ];
    let speed_factor = layout.range((0.93, 1.07));
    let phase = layout.unit();
    let mut rng = rng;
    Mover {
        uid: uid(callsign),
        callsign: callsign.to_owned(),
        cot_type: cot_type.to_owned(),
        route: Route::build(motion, shift, speed_factor, phase, bounds),
        height_m: motion.height_m().max(0.0),
        // Everyone reports within the first second, so the map fills at once.
        next_s: rng.unit(),
        rng,
    }
}

/// The next due time of a timer at `next`, if it is due by `t`, and
/// reschedules it; a timer far behind `t` jumps to `t`.
fn take_due(next: &mut f64, t: f64, period: (f64, f64), rng: &mut ForceRng) -> Option<f64> {
    if *next > t {
        return None;
    }
    let at = if *next < t - MAX_LAG_S { t } else { *next };
    *next = at + rng.range(period);
    Some(at)
}

impl ForceScenario {
    /// The force of `config` with routes, timers and texts drawn from `seed`.
    /// Out-of-range settings are clamped: periods to at least 0.5 s, ranges
    /// to `lo <= hi`, routes moved inside the configured bounds.
    pub fn new(config: &ForceConfig, seed: u64) -> Self {
        let c = config;
        let hw = if c.half_width_m.is_finite() {
            c.half_width_m.abs()
        } else {
            0.0
        };
        let min_n = if c.min_north_m.is_finite() {
            c.min_north_m.max(0.0)
        } else {
            0.0
        };
        let ground = Bounds {
            east: (-hw, hw),
            north: (min_n, c.max_north_m.max(min_n)),
        };
        let air = Bounds {
            east: (-hw, hw),
            north: (min_n, c.air_max_north_m.max(min_n)),
        };
        let units = c
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let mut layout = ForceRng::new(seed, Stream::Layout, i);
                let rng = ForceRng::new(seed, Stream::Unit, i);
                let m = mover(
                    &u.callsign,
                    &u.cot_type,
                    &u.motion,
                    ground,
                    &mut layout,
                    rng,
                );
                Unit {
                    mover: m,
                    team: u.team.clone(),
                    role: u.role.clone(),
                    patrols: matches!(u.motion, Motion::Patrol { .. }),
                    battery_pct: layout.range((60.0, 100.0)),
                }
            })
            .collect();
        let aircraft = c
            .aircraft
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut layout = ForceRng::new(seed, Stream::Layout, 0x8000 + i);
                let rng = ForceRng::new(seed, Stream::Aircraft, i);
                mover(&a.callsign, &a.cot_type, &a.motion, air, &mut layout, rng)
            })
            .collect();
        let mut chat_rng = ForceRng::new(seed, Stream::Chat, 0);
        let mut alert_rng = ForceRng::new(seed, Stream::Alert, 0);
        let next_chat_s = chat_rng.range(period(c.first_chat_s));
        let next_alert_s = alert_rng.range(period(c.first_alert_s));
        let lat0 = if c.origin_lat_deg.is_finite() {
            c.origin_lat_deg.clamp(-89.0, 89.0)
        } else {
            0.0
        };
        let lon0 = if c.origin_lon_deg.is_finite() {
            c.origin_lon_deg
        } else {
            0.0
        };
        let terrain_m = if c.terrain_height_m.is_finite() {
            c.terrain_height_m
        } else {
            0.0
        };
        ForceScenario {
            frame: EnuFrame::new(Geodetic {
                lat_deg: lat0,
                lon_deg: lon0,
                alt_m: terrain_m,
            }),
            terrain_m,
            sa_period_s: period(c.sa_period_s),
            stale_s: if c.stale_s.is_finite() {
                c.stale_s.clamp(10.0, 86_400.0) as i64
            } else {
                120
            },
            chat_period_s: period(c.chat_period_s),
            alert_period_s: period(c.alert_period_s),
            alert_length_s: period(c.alert_length_s),
            relay: (c.air_relay < c.units.len()).then_some(c.air_relay),
            units,
            aircraft,
            start: None,
            last_s: 0.0,
            chat_rng,
            next_chat_s,
            alert_rng,
            next_alert_s,
            active: None,
        }
    }

    /// Number of units, i.e. of connections [`super::run`] opens.
    pub fn unit_count(&self) -> usize {
        self.units.len()
    }

    /// Number of aircraft (sent on the air-operations unit's connection;
    /// none are sent when the configured relay does not exist).
    pub fn aircraft_count(&self) -> usize {
        self.aircraft.len()
    }

    /// Callsign of unit `unit`.
    pub fn callsign(&self, unit: usize) -> Option<&str> {
        self.units.get(unit).map(|u| u.mover.callsign.as_str())
    }

    /// The time of the first [`Self::step`], which is scenario time 0.
    pub fn start(&self) -> Option<Time> {
        self.start
    }

    fn time_at(&self, s: f64) -> Time {
        self.start
            .unwrap_or_default()
            .plus_millis((s * 1000.0).round() as i64)
    }

    fn sender<'a>(&self, m: &'a Mover, s: f64) -> (Sender<'a>, f64, f64) {
        let fix = m.route.at(s);
        let g = self.frame.enu_to_geodetic(&[fix.east_m, fix.north_m, 0.0]);
        let aloft = m.height_m > 0.0;
        let point = Point {
            lat: g.lat_deg,
            lon: g.lon_deg,
            // Flat terrain: the height is the terrain's, not the tangent plane's.
            hae: self.terrain_m + m.height_m,
            ce: if aloft { 10.0 } else { 5.0 },
            le: if aloft { 15.0 } else { UNKNOWN },
        };
        let sender = Sender {
            uid: &m.uid,
            callsign: &m.callsign,
            cot_type: &m.cot_type,
            point,
        };
        (sender, fix.course_deg, fix.speed_mps)
    }

    fn report<'a>(&self, m: &'a Mover, s: f64) -> Report<'a> {
        let (sender, course_deg, speed_mps) = self.sender(m, s);
        Report {
            sender,
            course_deg,
            speed_mps,
            stale_s: self.stale_s,
        }
    }

    /// Advances to wall time `now` and returns what the units send meanwhile:
    /// SA, then aircraft, then chat, then alerts. The first call sets
    /// scenario time 0; a `now` earlier than the last one returns nothing.
    /// Events are stamped with their scheduled time (whole milliseconds).
    pub fn step(&mut self, now: Time) -> Vec<ForceOutput> {
        let start = *self.start.get_or_insert(now);
        let t = now.micros().saturating_sub(start.micros()) as f64 / 1e6;
        if t < self.last_s {
            return Vec::new();
        }
        self.last_s = t;
        let mut out = Vec::new();
        for i in 0..self.units.len() {
            while let Some(at) = self
                .units
                .get_mut(i)
                .and_then(|u| take_due(&mut u.mover.next_s, t, self.sa_period_s, &mut u.mover.rng))
            {
                let Some(u) = self.units.get(i) else { break };
                let battery = (u.battery_pct - at / 360.0).max(15.0) as u32;
                let r = self.report(&u.mover, at);
                let event = events::unit_sa(&r, &u.team, &u.role, battery, self.time_at(at));
                out.push(ForceOutput { unit: i, event });
            }
        }
        if let Some(relay) = self.relay {
            self.step_aircraft(relay, t, &mut out);
        }
        self.step_chat(t, &mut out);
        self.step_alerts(t, &mut out);
        out
    }

    fn step_aircraft(&mut self, relay: usize, t: f64, out: &mut Vec<ForceOutput>) {
        for i in 0..self.aircraft.len() {
            while let Some(at) = self
                .aircraft
                .get_mut(i)
                .and_then(|a| take_due(&mut a.next_s, t, self.sa_period_s, &mut a.rng))
            {
                let (Some(a), Some(r)) = (self.aircraft.get(i), self.units.get(relay)) else {
                    return;
                };
                let (relay_sender, _, _) = self.sender(&r.mover, at);
                let event = events::aircraft(&self.report(a, at), &relay_sender, self.time_at(at));
                out.push(ForceOutput { unit: relay, event });
            }
        }
    }

    fn step_chat(&mut self, t: f64, out: &mut Vec<ForceOutput>) {
        let Some(at) = take_due(
            &mut self.next_chat_s,
            t,
            self.chat_period_s,
            &mut self.chat_rng,
        ) else {
            return;
        };
        let unit = self.chat_rng.index(self.units.len());
        let names: Vec<String> = self.aircraft.iter().map(|a| a.callsign.clone()).collect();
        let text = chatter::chat_text(&mut self.chat_rng, Some(unit) == self.relay, &names);
        let message_id = self.chat_rng.uuid();
        if let Some(u) = self.units.get(unit) {
            let (s, _, _) = self.sender(&u.mover, at);
            let event = events::chat(&s, &text, &message_id, self.time_at(at));
            out.push(ForceOutput { unit, event });
        }
    }

    fn step_alerts(&mut self, t: f64, out: &mut Vec<ForceOutput>) {
        if let Some(a) = self.active.filter(|a| a.cancel_s <= t) {
            self.active = None;
            let at = a.cancel_s.max(t - MAX_LAG_S);
            if let Some(u) = self.units.get(a.unit) {
                let (s, _, _) = self.sender(&u.mover, at);
                let event = events::cancel(&s, a.kind, self.time_at(at));
                out.push(ForceOutput {
                    unit: a.unit,
                    event,
                });
            }
        }
        if self.active.is_some() || self.next_alert_s > t {
            return;
        }
        let at = self.next_alert_s.max(t - MAX_LAG_S);
        let length = self.alert_rng.range(self.alert_length_s);
        // The next alert comes after this one's cancel, whatever the ranges.
        self.next_alert_s = at + self.alert_rng.range(self.alert_period_s).max(length + 1.0);
        let field: Vec<usize> = (0..self.units.len())
            .filter(|&i| self.units.get(i).is_some_and(|u| u.patrols) && Some(i) != self.relay)
            .collect();
        let pick = self.alert_rng.index(field.len());
        let kind = if self.alert_rng.unit() < 0.5 {
            AlertKind::InContact
        } else {
            AlertKind::Emergency911
        };
        let Some((&unit, u)) = field.get(pick).and_then(|i| Some((i, self.units.get(*i)?))) else {
            return;
        };
        let (s, _, _) = self.sender(&u.mover, at);
        let event = events::alert(&s, kind, self.time_at(at));
        out.push(ForceOutput { unit, event });
        self.active = Some(ActiveAlert {
            unit,
            kind,
            cancel_s: at + length,
        });
    }
}
