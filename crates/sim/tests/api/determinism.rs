use sim::{SimConfig, SimOutput, Simulator};

use crate::common::run;

fn bytes(outputs: &[SimOutput]) -> Vec<u8> {
    let mut v = Vec::new();
    for o in outputs {
        v.extend_from_slice(o.sensor().as_bytes());
        match o {
            SimOutput::Asterix { bytes, .. } => v.extend_from_slice(bytes),
            SimOutput::Sbs { line, .. } => v.extend_from_slice(line.as_bytes()),
            SimOutput::Detection { json, .. } => v.extend_from_slice(json.as_bytes()),
        }
    }
    v
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a_sim, a) = run(SimConfig::border_sector(), 42, 120.0);
    let (b_sim, b) = run(SimConfig::border_sector(), 42, 120.0);
    let (_, c) = run(SimConfig::border_sector(), 43, 120.0);
    assert!(a.len() > 500, "{} outputs", a.len());
    assert_eq!(bytes(&a), bytes(&b));
    assert_eq!(a_sim.truth(), b_sim.truth());
    assert_eq!(a_sim.stats(), b_sim.stats());
    assert_ne!(bytes(&a), bytes(&c));
}

#[test]
fn output_does_not_depend_on_how_often_step_is_called() {
    let mut fine = Simulator::new(SimConfig::border_sector(), 5).unwrap();
    let mut coarse = Simulator::new(SimConfig::border_sector(), 5).unwrap();
    let mut f = Vec::new();
    for k in 1..=600 {
        f.extend(fine.step(k as f64 * 0.1));
    }
    let mut c = Vec::new();
    for t in [0.3, 7.0, 7.0, 6.0, 33.3, 60.0] {
        c.extend(coarse.step(t));
    }
    assert_eq!(fine.time_s(), 60.0);
    assert_eq!(bytes(&f), bytes(&c));
}

#[test]
fn odd_times_are_harmless() {
    let mut sim = Simulator::new(SimConfig::border_sector(), 1).unwrap();
    assert!(sim.step(f64::NAN).is_empty());
    assert!(sim.step(-5.0).is_empty());
    assert!(sim.step(0.49).is_empty());
    assert!(!sim.step(20.0).is_empty());
    // A jump of a day is bounded per call: one hour of simulation at most.
    let _ = sim.step(86_400.0);
    assert!(sim.time_s() <= 20.0 + 3_600.0);
}
