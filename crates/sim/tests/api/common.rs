use sensors::asterix::{data_blocks, decode_block, Record};
use sim::{SimConfig, SimOutput, Simulator};

/// Runs `config` for `seconds` of simulation in 0.5 s steps, checking truth
/// after each step with `each`.
pub(crate) fn run_with(
    config: SimConfig,
    seed: u64,
    seconds: f64,
    mut each: impl FnMut(&Simulator, &[SimOutput]),
) -> (Simulator, Vec<SimOutput>) {
    let mut sim = Simulator::new(config, seed).unwrap();
    let mut all = Vec::new();
    let steps = (seconds / 0.5).round() as usize;
    for k in 1..=steps {
        let out = sim.step(k as f64 * 0.5);
        each(&sim, &out);
        all.extend(out);
    }
    (sim, all)
}

pub(crate) fn run(config: SimConfig, seed: u64, seconds: f64) -> (Simulator, Vec<SimOutput>) {
    run_with(config, seed, seconds, |_, _| {})
}

/// Decodes one datagram, requiring every block and record to be valid.
pub(crate) fn decode(bytes: &[u8]) -> Vec<Record> {
    let mut records = Vec::new();
    for block in data_blocks(bytes) {
        for r in decode_block(block.unwrap()) {
            let r = r.unwrap();
            r.check().unwrap();
            records.push(r);
        }
    }
    records
}

/// Decoded records of one sensor's ASTERIX outputs.
pub(crate) fn records_of(outputs: &[SimOutput], name: &str) -> Vec<Record> {
    outputs
        .iter()
        .filter_map(|o| match o {
            SimOutput::Asterix { sensor, bytes } if sensor == name => Some(decode(bytes)),
            _ => None,
        })
        .flatten()
        .collect()
}

/// A scenario with no targets and no sensors, to add to.
pub(crate) fn empty() -> SimConfig {
    let mut c = SimConfig::border_sector();
    c.population.persons = 0;
    c.population.vehicles = 0;
    c.population.transit_aircraft = 0;
    c.population.patrol_aircraft = 0;
    c.radars.clear();
    c.adsb.clear();
    c.ground_sensors.clear();
    c
}

/// Checks `count` against a binomial/Poisson expectation within 4.5 sigma.
pub(crate) fn within_sigma(count: f64, expected: f64, variance: f64, what: &str) {
    let sigma = variance.sqrt().max(1.0);
    assert!(
        (count - expected).abs() <= 4.5 * sigma,
        "{what}: {count} vs expected {expected} (sigma {sigma:.1})"
    );
}
