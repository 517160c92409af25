//! The simulator: the world plus its sensors, stepped by the caller's clock.

use serde::Serialize;

use crate::adsb::AdsbReceiver;
use crate::config::SimConfig;
use crate::ground::GroundSensor;
use crate::radar::Radar;
use crate::world::{TargetKind, TruthState, World, TICK_S};
use crate::SimError;

/// Most truth ticks one [`Simulator::step`] call advances (one hour of
/// simulation), so a wild `now_s` cannot stall the caller; the rest follows on
/// the next call.
const MAX_TICKS_PER_STEP: u64 = 7_200;

/// One message a simulated sensor sends. All of it is simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimOutput {
    /// One ASTERIX data block (CAT048, CAT034 or CAT021), one UDP datagram.
    Asterix {
        /// Sensor name from the configuration.
        sensor: String,
        /// The data block: CAT, LEN, records.
        bytes: Vec<u8>,
    },
    /// One SBS-1 line without its line ending (the sender appends `\r\n`).
    Sbs {
        /// Sensor name from the configuration.
        sensor: String,
        /// The line, e.g. `MSG,3,1,1,FE0001,...`.
        line: String,
    },
    /// One JSON detection line (`sensors::detection` format) without a newline.
    Detection {
        /// Sensor name from the configuration.
        sensor: String,
        /// The JSON object, with `"simulated": true`.
        json: String,
    },
}

impl SimOutput {
    /// The name of the sensor that produced it.
    pub fn sensor(&self) -> &str {
        match self {
            SimOutput::Asterix { sensor, .. }
            | SimOutput::Sbs { sensor, .. }
            | SimOutput::Detection { sensor, .. } => sensor,
        }
    }
}

/// Counters of one simulated sensor since the start.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SensorStats {
    /// Sensor name.
    pub name: String,
    /// Antenna revolutions (radar) or report cycles (ADS-B, ground sensors).
    pub scans: u64,
    /// Chances to detect a real target: in coverage when looked at.
    pub opportunities: u64,
    /// Real targets reported.
    pub detections: u64,
    /// Clutter plots or false detections reported.
    pub false_alarms: u64,
    /// Outputs sent (blocks, lines).
    pub messages: u64,
    /// Reports dropped because they could not be encoded (a bug if non-zero).
    pub encode_errors: u64,
}

impl SensorStats {
    pub(crate) fn named(name: &str) -> Self {
        SensorStats {
            name: name.to_owned(),
            ..Self::default()
        }
    }

    /// The value, or `None` with the error counted.
    pub(crate) fn count<T, E>(&mut self, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(_) => {
                self.encode_errors += 1;
                None
            }
        }
    }
}

/// The deterministic sensor simulator: same configuration, seed and step times
/// give the same outputs, byte for byte. It reads no clock and owns no socket.
#[derive(Debug)]
pub struct Simulator {
    config: SimConfig,
    world: World,
    radars: Vec<Radar>,
    adsb: Vec<AdsbReceiver>,
    ground: Vec<GroundSensor>,
}

impl Simulator {
    /// Builds the scenario at simulation time 0 after validating `config`.
    pub fn new(config: SimConfig, seed: u64) -> Result<Self, SimError> {
        config.validate()?;
        let (terrain, start) = (config.terrain_height_m, config.start_unix_s);
        let radars = config
            .radars
            .iter()
            .enumerate()
            .map(|(i, r)| Radar::new(r, i, seed, terrain, start))
            .collect();
        let adsb = config
            .adsb
            .iter()
            .enumerate()
            .map(|(i, a)| AdsbReceiver::new(a, i, seed, terrain, start))
            .collect();
        let ground = config
            .ground_sensors
            .iter()
            .enumerate()
            .map(|(i, g)| GroundSensor::new(g, i, seed, terrain, start))
            .collect();
        Ok(Simulator {
            world: World::new(&config, seed),
            config,
            radars,
            adsb,
            ground,
        })
    }

    /// Advances to `now_s` (seconds since the scenario start) and returns what
    /// the sensors sent meanwhile, radars first, then ADS-B, then ground
    /// sensors, tick by tick. Truth moves in 0.5 s ticks, so outputs appear at
    /// tick boundaries (their time stamps are exact); a `now_s` in the past or
    /// not a number returns nothing.
    pub fn step(&mut self, now_s: f64) -> Vec<SimOutput> {
        let mut out = Vec::new();
        let mut ticks = 0;
        while self.world.time_s() + TICK_S <= now_s + 1e-9 && ticks < MAX_TICKS_PER_STEP {
            ticks += 1;
            self.world.advance();
            for r in &mut self.radars {
                r.poll(&self.world, &mut out);
            }
            for a in &mut self.adsb {
                a.poll(&self.world, &mut out);
            }
            for g in &mut self.ground {
                g.poll(&self.world, &mut out);
            }
        }
        out
    }

    /// Simulation time reached, seconds since the scenario start.
    pub fn time_s(&self) -> f64 {
        self.world.time_s()
    }

    /// The true state of every target at [`Self::time_s`], sorted by id.
    pub fn truth(&self) -> Vec<TruthState> {
        self.world.current().to_vec()
    }

    /// How many targets of `kind` are alive at [`Self::time_s`].
    pub fn count(&self, kind: TargetKind) -> usize {
        self.world
            .current()
            .iter()
            .filter(|t| t.kind == kind)
            .count()
    }

    /// Counters per sensor: radars, then ADS-B receivers, then ground sensors.
    pub fn stats(&self) -> Vec<SensorStats> {
        let radars = self.radars.iter().map(|r| r.stats.clone());
        let adsb = self.adsb.iter().map(|a| a.stats.clone());
        let ground = self.ground.iter().map(|g| g.stats.clone());
        radars.chain(adsb).chain(ground).collect()
    }

    /// The configuration in force.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }
}
