//! An ADS-B ground station: each equipped aircraft in range is reported every
//! `update_period_s` (phase set by its address), a report received with
//! probability `p_receive`, its position carrying GNSS-like noise. Reports go
//! out as CAT021 (one block per tick) and/or SBS `MSG,3` + `MSG,4` lines, with
//! `MSG,1` identification every `ident_period_s`.
//!
//! # Units
//! Metres, seconds; knots, feet and feet per minute on SBS lines as readsb uses.

use fusion::geo::{EnuFrame, Geodetic};
use sensors::asterix::{Cat021, DataSource, GroundVector, LatLon, Mode3A};

use crate::config::AdsbConfig;
use crate::encode::{data_blocks, encode_cat021};
use crate::radar::MAX_BLOCK;
use crate::rng::{Part, SimRng};
use crate::sbs::SbsLine;
use crate::simulator::{SensorStats, SimOutput};
use crate::world::{AircraftInfo, TruthState, World};

const KT_MPS: f64 = 1852.0 / 3600.0;

/// Whether a receiver set up as `cfg` hears an equipped aircraft at `enu`
/// (metres from the antenna, in its own ENU frame).
pub(crate) fn covers(cfg: &AdsbConfig, enu: [f64; 3]) -> bool {
    enu[0].hypot(enu[1]) <= cfg.max_range_m
}

/// One ADS-B receiver.
#[derive(Debug)]
pub(crate) struct AdsbReceiver {
    cfg: AdsbConfig,
    rng: SimRng,
    frame: EnuFrame,
    start_unix_s: f64,
    pub(crate) stats: SensorStats,
}

struct Report<'a> {
    t: f64,
    n: i64,
    truth: &'a TruthState,
    aircraft: &'a AircraftInfo,
}

impl AdsbReceiver {
    pub(crate) fn new(
        cfg: &AdsbConfig,
        index: usize,
        seed: u64,
        terrain_m: f64,
        start_unix_s: f64,
    ) -> Self {
        let site = Geodetic {
            lat_deg: cfg.lat_deg,
            lon_deg: cfg.lon_deg,
            alt_m: terrain_m + 10.0,
        };
        AdsbReceiver {
            cfg: cfg.clone(),
            rng: SimRng::new(seed, Part::Adsb, index),
            frame: EnuFrame::new(site),
            start_unix_s,
            stats: SensorStats::named(&cfg.name),
        }
    }

    /// Reports due between the world's previous tick and its current one.
    pub(crate) fn poll(&mut self, world: &World, out: &mut Vec<SimOutput>) {
        let (t0, t1) = (world.prev_time_s(), world.time_s());
        let period = self.cfg.update_period_s;
        let mut due = Vec::new();
        for truth in world.current() {
            let Some(aircraft) = truth.aircraft.as_ref().filter(|a| a.adsb) else {
                continue;
            };
            // A fixed per-aircraft phase spreads reports over the period.
            let phase = (f64::from(aircraft.icao) * 0.618_033_988_75).fract() * period;
            let mut n = ((t0 - phase) / period).floor() as i64 + 1;
            while phase + n as f64 * period <= t1 {
                due.push(Report {
                    t: phase + n as f64 * period,
                    n,
                    truth,
                    aircraft,
                });
                n += 1;
            }
        }
        due.sort_by(|a, b| {
            a.t.total_cmp(&b.t)
                .then(a.aircraft.icao.cmp(&b.aircraft.icao))
        });
        let mut records = Vec::new();
        if !due.is_empty() {
            self.stats.scans += 1;
        }
        for r in due {
            let fix = world.fix_at(r.truth, r.t);
            let mut enu = self.frame.geodetic_to_enu(&fix.geodetic());
            if !covers(&self.cfg, enu) {
                continue;
            }
            self.stats.opportunities += 1;
            if !self.rng.chance(self.cfg.p_receive) {
                continue;
            }
            self.stats.detections += 1;
            enu[0] += self.cfg.position_sigma_m * self.rng.normal();
            enu[1] += self.cfg.position_sigma_m * self.rng.normal();
            let g = self.frame.enu_to_geodetic(&enu);
            let tod = (self.start_unix_s + r.t).rem_euclid(86_400.0);
            if self.cfg.asterix {
                let rec = self.cat021(&r, tod, g.lat_deg, g.lon_deg);
                if let Some(bytes) = self.stats.count(encode_cat021(&rec)) {
                    records.push(bytes);
                }
            }
            if self.cfg.sbs {
                self.sbs(&r, g.lat_deg, g.lon_deg, out);
            }
        }
        if let Some(blocks) = self.stats.count(data_blocks(21, &records, MAX_BLOCK)) {
            for bytes in blocks {
                self.stats.messages += 1;
                out.push(SimOutput::Asterix {
                    sensor: self.cfg.name.clone(),
                    bytes,
                });
            }
        }
    }

    fn cat021(&self, r: &Report<'_>, tod: f64, lat: f64, lon: f64) -> Cat021 {
        let pos = LatLon {
            lat_deg: lat,
            lon_deg: lon,
        };
        Cat021 {
            source: Some(DataSource {
                sac: self.cfg.sac,
                sic: self.cfg.sic,
            }),
            address_type: Some(0),
            ground_bit: Some(false),
            simulated: Some(true),
            position: Some(pos),
            position_high_res: Some(pos),
            target_address: Some(r.aircraft.icao),
            time_of_reception_position_s: Some(tod),
            flight_level: Some(r.aircraft.flight_level),
            mode3a: Some(Mode3A {
                code: r.aircraft.squawk,
                not_validated: false,
                garbled: false,
                not_from_last_scan: false,
            }),
            ground_vector: Some(GroundVector {
                ground_speed_mps: r.truth.speed_mps(),
                track_deg: r.truth.course_deg(),
                range_exceeded: false,
            }),
            target_id: Some(r.aircraft.callsign.clone()),
            ..Cat021::default()
        }
    }

    fn sbs(&mut self, r: &Report<'_>, lat: f64, lon: f64, out: &mut Vec<SimOutput>) {
        let unix_s = self.start_unix_s + r.t;
        let every = (self.cfg.ident_period_s / self.cfg.update_period_s)
            .round()
            .max(1.0) as i64;
        let base = SbsLine {
            icao: r.aircraft.icao,
            unix_s,
            ..SbsLine::default()
        };
        let mut lines = Vec::with_capacity(3);
        if r.n.rem_euclid(every) == 0 {
            lines.push(SbsLine {
                kind: 1,
                callsign: Some(&r.aircraft.callsign),
                ..base
            });
        }
        lines.push(SbsLine {
            kind: 3,
            // Mode C / ADS-B barometric altitude comes in 25 ft steps.
            altitude_ft: Some((r.aircraft.flight_level * 4.0).round() * 25.0),
            lat_lon: Some((lat, lon)),
            ..base
        });
        lines.push(SbsLine {
            kind: 4,
            icao: r.aircraft.icao,
            unix_s,
            ground_speed_kt: Some(r.truth.speed_mps() / KT_MPS),
            track_deg: Some(r.truth.course_deg()),
            vertical_rate_ft_min: Some(0.0),
            ..SbsLine::default()
        });
        for l in lines {
            self.stats.messages += 1;
            out.push(SimOutput::Sbs {
                sensor: self.cfg.name.clone(),
                line: l.render(),
            });
        }
    }
}
