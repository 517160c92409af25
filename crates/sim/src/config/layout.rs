//! The default layout overlaps as the doc of `defaults.rs` says: measured
//! from the configuration and the world's own motion over half an hour, with
//! the coverage rules the simulated sensors apply (range, radar horizon,
//! moving-target filter, ceiling, ADS-B equipage), not from hard-coded areas.

use fusion::geo::{EnuFrame, Geodetic};

use super::SimConfig;
use crate::world::{TargetKind, TruthState, World};

/// Which sensors of `cfg` can see `t` now.
struct Sensors {
    radars: Vec<(EnuFrame, super::RadarConfig)>,
    adsb: Vec<(EnuFrame, super::AdsbConfig)>,
    ground: Vec<(EnuFrame, super::GroundSensorConfig)>,
    terrain_m: f64,
}

impl Sensors {
    fn new(cfg: &SimConfig) -> Self {
        let terrain_m = cfg.terrain_height_m;
        // Each frame stands where the sensor builds its own.
        let frame = |lat_deg, lon_deg, alt_m| {
            EnuFrame::new(Geodetic {
                lat_deg,
                lon_deg,
                alt_m,
            })
        };
        Sensors {
            radars: (cfg.radars.iter())
                .map(|r| {
                    let f = frame(r.lat_deg, r.lon_deg, terrain_m + r.antenna_height_m);
                    (f, r.clone())
                })
                .collect(),
            adsb: (cfg.adsb.iter())
                .map(|a| (frame(a.lat_deg, a.lon_deg, terrain_m + 10.0), a.clone()))
                .collect(),
            ground: (cfg.ground_sensors.iter())
                .map(|g| (frame(g.lat_deg, g.lon_deg, terrain_m), g.clone()))
                .collect(),
            terrain_m,
        }
    }

    /// (radars, ADS-B receivers, ground sensors) that see `t`.
    fn seeing(&self, t: &TruthState) -> (usize, usize, usize) {
        let g = Geodetic {
            lat_deg: t.lat_deg,
            lon_deg: t.lon_deg,
            alt_m: t.alt_m,
        };
        let radars = (self.radars.iter())
            .filter(|(f, r)| {
                let enu = f.geodetic_to_enu(&g);
                crate::radar::covers(r, enu, t.speed_mps(), t.alt_m - self.terrain_m)
            })
            .count();
        let equipped = t.aircraft.as_ref().is_some_and(|a| a.adsb);
        let adsb = (self.adsb.iter())
            .filter(|(f, a)| equipped && crate::adsb::covers(a, f.geodetic_to_enu(&g)))
            .count();
        let ground = (self.ground.iter())
            .filter(|(f, s)| {
                t.kind != TargetKind::Aircraft && crate::ground::covers(s, f.geodetic_to_enu(&g))
            })
            .count();
        (radars, adsb, ground)
    }
}

/// One target's samples, and how many of them each kind of coverage held.
#[derive(Default, Clone, Copy)]
struct Tally {
    kind: Option<TargetKind>,
    /// Transmits ADS-B.
    equipped: bool,
    samples: u32,
    /// Seen by two sensors or more.
    two: u32,
    /// Seen by the ground radar.
    ground_radar: u32,
    /// Seen by some radar.
    radar: u32,
    /// Seen by every ADS-B receiver and some radar.
    all_air: u32,
}

fn tally(seed: u64) -> Vec<Tally> {
    let cfg = SimConfig::border_sector();
    let sensors = Sensors::new(&cfg);
    let mut world = World::new(&cfg, seed);
    let mut by_id: std::collections::BTreeMap<u64, Tally> = Default::default();
    // Half an hour sampled every 10 s: walkers cross a fifth of the sector.
    for tick in 0..3600 {
        world.advance();
        if tick % 20 != 0 {
            continue;
        }
        for t in world.current() {
            let (r, a, g) = sensors.seeing(t);
            let e = by_id.entry(t.id).or_default();
            e.kind = Some(t.kind);
            e.equipped = t.aircraft.as_ref().is_some_and(|a| a.adsb);
            e.samples += 1;
            e.two += u32::from(r + a + g >= 2);
            // Radar 0 is the ground radar (radars[1] is the air radar).
            let ground_radar = sensors.radars.first().is_some_and(|(f, rc)| {
                let enu = f.geodetic_to_enu(&Geodetic {
                    lat_deg: t.lat_deg,
                    lon_deg: t.lon_deg,
                    alt_m: t.alt_m,
                });
                crate::radar::covers(rc, enu, t.speed_mps(), t.alt_m - sensors.terrain_m)
            });
            e.ground_radar += u32::from(ground_radar);
            e.radar += u32::from(r >= 1);
            e.all_air += u32::from(a == sensors.adsb.len() && r >= 1);
        }
    }
    by_id.into_values().collect()
}

fn share(n: u32, of: u32) -> f64 {
    f64::from(n) / f64::from(of.max(1))
}

#[test]
fn ground_movers_are_seen_by_two_sensors_most_of_the_time() {
    for seed in [1, 7] {
        let all = tally(seed);
        let ground: Vec<&Tally> = all
            .iter()
            .filter(|t| t.kind.is_some_and(|k| k != TargetKind::Aircraft))
            .collect();
        assert!(ground.len() >= 34, "{}", ground.len());
        let (samples, two, radar) = ground.iter().fold((0, 0, 0), |(s, w, r), t| {
            (s + t.samples, w + t.two, r + t.ground_radar)
        });
        // The ground radar covers the whole sector.
        assert!(
            share(radar, samples) > 0.99,
            "ground radar {radar} of {samples}"
        );
        // Mover-time seen by two or more sensors.
        let two_share = share(two, samples);
        let long: Vec<&&Tally> = ground.iter().filter(|t| t.samples >= 6).collect();
        let mostly = long
            .iter()
            .filter(|t| share(t.two, t.samples) > 0.5)
            .count();
        eprintln!(
            "seed {seed}: ground radar {:.2}, two or more {two_share:.2} of mover-time; {mostly} of {} movers mostly",
            share(radar, samples),
            long.len()
        );
        assert!(two_share > 0.6, "seed {seed}: {two_share:.2} of mover-time");
        // Most movers (seen for a minute or more) are seen twice most of their time.
        let long: Vec<&&Tally> = ground.iter().filter(|t| t.samples >= 6).collect();
        let mostly = long
            .iter()
            .filter(|t| share(t.two, t.samples) > 0.5)
            .count();
        assert!(
            mostly as f64 > 0.6 * long.len() as f64,
            "seed {seed}: {mostly} of {} movers",
            long.len()
        );
    }
}

#[test]
fn aircraft_are_seen_by_both_adsb_receivers_and_the_air_radar() {
    let all = tally(3);
    let air: Vec<&Tally> = all
        .iter()
        .filter(|t| t.kind == Some(TargetKind::Aircraft))
        .collect();
    assert!(air.len() >= 8);
    for t in air {
        if t.equipped {
            assert!(
                share(t.all_air, t.samples) > 0.95,
                "{} of {}",
                t.all_air,
                t.samples
            );
        }
        // Every aircraft, equipped or not, is in a radar's coverage.
        assert!(
            share(t.radar, t.samples) > 0.95,
            "{} of {}",
            t.radar,
            t.samples
        );
    }
}
