//! A rotating radar: the beam sweeps clockwise from north at time 0; a target
//! is seen when the beam crosses its azimuth, with probability Pd, if it is
//! inside the instrumented range, above the radar horizon and below the beam's
//! ceiling. Plots are grouped per sector: at each sector boundary the finished
//! sector's plots (clutter included) go out as CAT048 blocks, followed by a
//! CAT034 north marker (at north) or sector-crossing message.
//!
//! # Units
//! Metres, seconds, degrees clockwise from true north; ASTERIX in nautical miles.

use fusion::geo::{EnuFrame, Geodetic};
use sensors::asterix::{
    Cat034, Cat048, DataSource, FlightLevel, LatLon, Mode3A, PolarPosition, SourcePosition,
    TargetReportDescriptor,
};

use crate::config::RadarConfig;
use crate::encode::{data_blocks, encode_cat034, encode_cat048};
use crate::rng::{Part, SimRng};
use crate::simulator::{SensorStats, SimOutput};
use crate::world::{TargetKind, TruthState, World};

const NM_M: f64 = 1852.0;
/// Effective earth radius for radar propagation (4/3 of 6,371 km), metres.
const EFFECTIVE_EARTH_M: f64 = 6_371_000.0 * 4.0 / 3.0;
/// Largest data block, bytes: keeps every datagram under a 1500-byte MTU.
pub(crate) const MAX_BLOCK: usize = 1400;

/// Distance to the radar horizon between two heights above the terrain, metres.
fn horizon_m(h1: f64, h2: f64) -> f64 {
    (2.0 * EFFECTIVE_EARTH_M * h1.max(0.0)).sqrt() + (2.0 * EFFECTIVE_EARTH_M * h2.max(0.0)).sqrt()
}

/// Whether a radar set up as `cfg` can see a target at `enu` (metres from its
/// antenna, in the antenna's own ENU frame) moving at `speed_mps`, `height_m`
/// above the terrain: inside the instrumented range, fast enough for its
/// moving-target filter, above its radar horizon and below its ceiling.
pub(crate) fn covers(cfg: &RadarConfig, enu: [f64; 3], speed_mps: f64, height_m: f64) -> bool {
    let slant = (enu[0] * enu[0] + enu[1] * enu[1] + enu[2] * enu[2]).sqrt();
    slant <= cfg.max_range_m
        && speed_mps >= cfg.min_speed_mps
        && enu[0].hypot(enu[1]) <= horizon_m(cfg.antenna_height_m, height_m)
        && cfg.max_altitude_m.is_none_or(|h| height_m <= h)
}

#[derive(Debug)]
enum Event {
    Plot(Cat048),
    /// The beam reaches the boundary with this unwrapped index (sector k ends).
    Boundary(u64),
}

/// One radar site and its scan state.
#[derive(Debug)]
pub(crate) struct Radar {
    cfg: RadarConfig,
    rng: SimRng,
    frame: EnuFrame,
    site: Geodetic,
    terrain_m: f64,
    start_unix_s: f64,
    pending: Vec<(f64, Cat048)>,
    pub(crate) stats: SensorStats,
}

impl Radar {
    pub(crate) fn new(
        cfg: &RadarConfig,
        index: usize,
        seed: u64,
        terrain_m: f64,
        start_unix_s: f64,
    ) -> Self {
        let site = Geodetic {
            lat_deg: cfg.lat_deg,
            lon_deg: cfg.lon_deg,
            alt_m: terrain_m + cfg.antenna_height_m,
        };
        Radar {
            cfg: cfg.clone(),
            rng: SimRng::new(seed, Part::Radar, index),
            frame: EnuFrame::new(site),
            site,
            terrain_m,
            start_unix_s,
            pending: Vec::new(),
            stats: SensorStats::named(&cfg.name),
        }
    }

    fn omega_deg_s(&self) -> f64 {
        360.0 / self.cfg.rotation_period_s
    }

    fn sector_deg(&self) -> f64 {
        360.0 / f64::from(self.cfg.sectors.max(1))
    }

    fn source(&self) -> DataSource {
        DataSource {
            sac: self.cfg.sac,
            sic: self.cfg.sic,
        }
    }

    /// Time of day for simulation time `t`, seconds since midnight UTC.
    fn tod(&self, t: f64) -> f64 {
        (self.start_unix_s + t).rem_euclid(86_400.0)
    }

    /// Plots and service messages for the sweep between the world's previous
    /// tick and its current one.
    pub(crate) fn poll(&mut self, world: &World, out: &mut Vec<SimOutput>) {
        let (t0, t1) = (world.prev_time_s(), world.time_s());
        let w = self.omega_deg_s();
        let (b0, b1) = (w * t0, w * t1);
        let sector = self.sector_deg();
        let mut events: Vec<(f64, Event)> = Vec::new();
        let mut k = (b0 / sector).floor() as u64 + 1;
        while k as f64 * sector <= b1 {
            events.push((k as f64 * sector / w, Event::Boundary(k)));
            k += 1;
        }
        for target in world.current() {
            if let Some((t, plot)) = self.observe(world, target, t0, t1) {
                events.push((t, Event::Plot(plot)));
            }
        }
        // Boundaries sort before plots at the same instant: stable sort on time.
        events.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (t, e) in events {
            match e {
                Event::Plot(p) => self.pending.push((t, p)),
                Event::Boundary(k) => self.end_sector(k, t, out),
            }
        }
    }

    /// The beam crossing of `target` within (t0, t1], and its plot if detected.
    fn observe(
        &mut self,
        world: &World,
        target: &TruthState,
        t0: f64,
        t1: f64,
    ) -> Option<(f64, Cat048)> {
        let w = self.omega_deg_s();
        let az_at = |t: f64| {
            let e = self
                .frame
                .geodetic_to_enu(&world.fix_at(target, t).geodetic());
            e[0].atan2(e[1]).to_degrees()
        };
        let (a0, a1) = (az_at(t0), az_at(t1));
        let d0 = (a0 - w * t0).rem_euclid(360.0);
        let da = (a1 - a0 + 540.0).rem_euclid(360.0) - 180.0;
        let closing = w * (t1 - t0) - da;
        if closing <= 0.0 {
            return None;
        }
        let u = d0 / closing;
        if !(0.0..1.0).contains(&u) {
            return None;
        }
        let t = t0 + u * (t1 - t0);
        let fix = world.fix_at(target, t);
        let enu = self.frame.geodetic_to_enu(&fix.geodetic());
        let slant = (enu[0] * enu[0] + enu[1] * enu[1] + enu[2] * enu[2]).sqrt();
        if !covers(
            &self.cfg,
            enu,
            target.speed_mps(),
            fix.alt_m - self.terrain_m,
        ) {
            return None;
        }
        self.stats.opportunities += 1;
        if !self.rng.chance(self.cfg.pd) {
            return None;
        }
        self.stats.detections += 1;
        let rho_m = slant + self.cfg.range_sigma_m * self.rng.normal();
        let theta =
            enu[0].atan2(enu[1]).to_degrees() + self.cfg.azimuth_sigma_deg * self.rng.normal();
        let mut plot = self.plot(t, rho_m, theta);
        let aircraft = target
            .aircraft
            .as_ref()
            .filter(|_| target.kind == TargetKind::Aircraft);
        if let (Some(a), true) = (aircraft, self.cfg.ssr) {
            plot.descriptor = Some(descriptor(if self.cfg.mode_s { 7 } else { 3 }));
            plot.mode3a = Some(Mode3A {
                code: a.squawk,
                not_validated: false,
                garbled: false,
                not_from_last_scan: false,
            });
            plot.flight_level = Some(FlightLevel {
                fl: a.flight_level,
                not_validated: false,
                garbled: false,
            });
            if self.cfg.mode_s {
                plot.aircraft_address = Some(a.icao);
                plot.aircraft_id = Some(a.callsign.clone());
            }
        }
        if self.cfg.track_numbers {
            plot.track_number = Some((target.id & 0x0fff) as u16);
        }
        Some((t, plot))
    }

    /// A PSR plot; rho is kept inside what I040 can carry.
    fn plot(&self, t: f64, rho_m: f64, theta_deg: f64) -> Cat048 {
        Cat048 {
            source: Some(self.source()),
            time_of_day_s: Some(self.tod(t)),
            descriptor: Some(descriptor(1)),
            polar: Some(PolarPosition {
                rho_nm: (rho_m / NM_M).clamp(0.0, 255.99),
                theta_deg: theta_deg.rem_euclid(360.0),
            }),
            ..Cat048::default()
        }
    }

    /// Closes the sector ending at boundary `k` (reached at time `t`).
    fn end_sector(&mut self, k: u64, t: f64, out: &mut Vec<SimOutput>) {
        let sector = self.sector_deg();
        let w = self.omega_deg_s();
        let n = self
            .rng
            .poisson(self.cfg.clutter_per_scan / f64::from(self.cfg.sectors.max(1)));
        let start = (k - 1) as f64 * sector;
        for _ in 0..n {
            let off = self.rng.uniform(0.0, sector);
            // Uniform in area over the coverage disc.
            let rho = self.cfg.max_range_m * self.rng.unit().sqrt();
            let plot = self.plot((start + off) / w, rho, start + off);
            self.pending.push(((start + off) / w, plot));
        }
        self.stats.false_alarms += n as u64;
        let mut plots = std::mem::take(&mut self.pending);
        plots.sort_by(|a, b| a.0.total_cmp(&b.0));
        let records: Vec<Vec<u8>> = plots
            .iter()
            .filter_map(|(_, p)| self.stats.count(encode_cat048(p)))
            .collect();
        let blocks = data_blocks(48, &records, MAX_BLOCK);
        for bytes in self.stats.count(blocks).unwrap_or_default() {
            self.stats.messages += 1;
            out.push(SimOutput::Asterix {
                sensor: self.cfg.name.clone(),
                bytes,
            });
        }
        let north = k.is_multiple_of(u64::from(self.cfg.sectors.max(1)));
        let mut msg = Cat034 {
            source: Some(self.source()),
            message_type: Some(if north { 1 } else { 2 }),
            time_of_day_s: Some(self.tod(t)),
            ..Cat034::default()
        };
        if north {
            self.stats.scans += 1;
            msg.antenna_rotation_period_s = Some(self.cfg.rotation_period_s);
            msg.source_position = Some(SourcePosition {
                height_m: self.site.alt_m.round(),
                position: LatLon {
                    lat_deg: self.site.lat_deg,
                    lon_deg: self.site.lon_deg,
                },
            });
        } else {
            msg.sector_azimuth_deg = Some((k as f64 * sector).rem_euclid(360.0));
        }
        let block = self
            .stats
            .count(encode_cat034(&msg))
            .and_then(|r| self.stats.count(data_blocks(34, &[r], MAX_BLOCK)));
        for bytes in block.unwrap_or_default() {
            self.stats.messages += 1;
            out.push(SimOutput::Asterix {
                sensor: self.cfg.name.clone(),
                bytes,
            });
        }
    }
}

fn descriptor(detection_type: u8) -> TargetReportDescriptor {
    TargetReportDescriptor {
        detection_type,
        simulated: true,
        spi: false,
        fixed_transponder: false,
        test: false,
    }
}
