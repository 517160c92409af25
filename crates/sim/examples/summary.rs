//! Runs the default border scenario (simulation) for a number of simulated
//! seconds, without any network, and prints what each sensor produced and how
//! long it took: `cargo run -p sim --release --example summary -- 3600 [seed]`.

#![allow(clippy::unwrap_used)] // an example: failing loudly is the point

use std::time::Instant;

use sim::{SimConfig, SimOutput, Simulator};

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(600.0);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut sim = Simulator::new(SimConfig::border_sector(), seed).unwrap();
    let started = Instant::now();
    let (mut datagrams, mut bytes, mut lines) = (0u64, 0u64, 0u64);
    let mut t = 0.0;
    while t < seconds {
        t = (t + 1.0).min(seconds);
        for o in sim.step(t) {
            match o {
                SimOutput::Asterix { bytes: b, .. } => {
                    datagrams += 1;
                    bytes += b.len() as u64;
                }
                SimOutput::Sbs { .. } | SimOutput::Detection { .. } => lines += 1,
            }
        }
    }
    let took = started.elapsed().as_secs_f64();
    println!(
        "SIMULATION summary: {seconds} s simulated in {took:.3} s ({:.0}x real time), seed {seed}",
        seconds / took
    );
    println!("asterix datagrams {datagrams} ({bytes} bytes), text lines {lines}");
    for s in sim.stats() {
        println!("{}", serde_json::to_string(&s).unwrap());
    }
}
