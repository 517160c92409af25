//! SIMULATION, for tests only: the scene (two ground targets and an aircraft)
//! and the loop that plays it into a pipeline.

use cot::Event;
use feeds::Pipeline;

use super::sim::*;

pub(crate) const ICAO: u32 = 0x3C6444;

pub(crate) fn scene() -> Vec<Target> {
    vec![
        // Ground target going north at 10 m/s.
        Target {
            start: [6000.0, 8000.0],
            vel: [0.0, 10.0],
            air: None,
            until: f64::INFINITY,
        },
        // Ground target going east at 15 m/s; leaves radar cover at 30 s.
        Target {
            start: [-4000.0, 12_000.0],
            vel: [15.0, 0.0],
            air: None,
            until: 30.0,
        },
        // Aircraft at FL350 going east at 200 m/s.
        Target {
            start: [-30_000.0, 20_000.0],
            vel: [200.0, 0.0],
            air: Some((350.0, ICAO, "DLH65A")),
            until: f64::INFINITY,
        },
    ]
}

/// Runs the scene for `secs` seconds in 0.5 s steps; `hook` runs after each
/// step with the pipeline, the step time (seconds from T0) and the events so far.
pub(crate) fn run(
    p: &mut Pipeline,
    targets: &[Target],
    secs: f64,
    mut hook: impl FnMut(&mut Pipeline, f64, &[(f64, Event)]),
) -> Vec<(f64, Event)> {
    let mut noise = Noise1::new(7);
    let mut plots: Vec<Plot> = Vec::new();
    let mut scan = 0.0;
    let mut events = Vec::new();
    let mut t = 0.0;
    while t <= secs {
        // The radar reports each rotation's plots as the beam passes them.
        while scan <= t {
            plots.extend(targets.iter().filter_map(|g| observe(g, scan, &mut noise)));
            scan += ROTATION_S;
        }
        let (ready, later): (Vec<Plot>, Vec<Plot>) = plots.iter().partition(|pl| pl.t <= t);
        plots = later;
        if !ready.is_empty() {
            let records: Vec<Vec<u8>> =
                ready.iter().map(|pl| cat048_record(pl, SAC, SIC)).collect();
            p.ingest_asterix("radar-1", &block(48, &records), at(T0 + t));
        }
        if t.fract() == 0.0 {
            let air = &targets[2];
            let [x, y] = air.at(t);
            let (lat, lon) = to_latlon(x + noise.gauss(10.0), y + noise.gauss(10.0));
            p.ingest_sbs_line(
                "adsb-1",
                &sbs_position(ICAO, 35_000.0, lat, lon),
                at(T0 + t),
            );
            if (t as u64).is_multiple_of(5) {
                p.ingest_sbs_line("adsb-1", &sbs_ident(ICAO, "DLH65A"), at(T0 + t));
            }
        }
        p.handle_timeout(at(T0 + t));
        while let Some(e) = p.poll_event() {
            events.push((t, e));
        }
        hook(p, t, &events);
        t += 0.5;
    }
    events
}
