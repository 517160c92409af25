//! Seeded randomness for the task force and the texts its units send. Texts
//! describe detect-and-monitor work only: the force observes and reports, it
//! does not act as law enforcement.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Stream numbers are `FORCE_STREAM | purpose | index`, distinct from the
/// sensor simulator's streams (which use small part numbers in the top bits).
const FORCE_STREAM: u64 = 0x464F_5243 << 32; // "FORC"

/// What a random stream is for; one stream each, so that adding a unit never
/// changes when the chat or the alerts come.
#[derive(Debug, Clone, Copy)]
pub(super) enum Stream {
    Layout = 0,
    Unit = 1 << 16,
    Aircraft = 2 << 16,
    Chat = 3 << 16,
    Alert = 4 << 16,
}

/// A deterministic random source.
#[derive(Debug, Clone)]
pub(super) struct ForceRng(ChaCha8Rng);

impl ForceRng {
    pub(super) fn new(seed: u64, stream: Stream, index: usize) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(FORCE_STREAM | stream as u64 | (index as u64 & 0xFFFF));
        ForceRng(rng)
    }

    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi) (or `lo` when the range is empty).
    pub(super) fn range(&mut self, (lo, hi): (f64, f64)) -> f64 {
        lo + (hi - lo).max(0.0) * self.unit()
    }

    /// Uniform index below `n` (0 when `n` is 0).
    pub(super) fn index(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }

    /// A random (version 4 shaped) UUID, as ATAK puts in GeoChat uids.
    pub(super) fn uuid(&mut self) -> String {
        let (a, b) = (self.0.next_u64(), self.0.next_u64());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0x0FFF,
            0x8000 | ((b >> 48) & 0x3FFF),
            b & 0xFFFF_FFFF_FFFF
        )
    }
}

/// What field units say. `{m}` becomes a border marker number.
const FIELD_TEXTS: &[&str] = &[
    "Comms check, all stations acknowledge",
    "Reached marker {m}, nothing significant to report",
    "Ground sensor activation near marker {m}, moving to observe",
    "Movement heading north near marker {m}, reported to border agency liaison",
    "Vehicle track on the border road eastbound, observing and reporting",
    "Relief in place complete, continuing patrol",
    "Short halt for water and rest, 10 minutes",
    "Camera mast at marker {m} obscured by dust, maintenance requested",
    "Negative contact in our sector, continuing",
    "Fence damage observed at marker {m}, passing to border agency liaison",
];

/// What the air-operations cell says. `{a}` becomes an aircraft callsign.
const AIR_TEXTS: &[&str] = &[
    "{a} on station, sector overwatch",
    "{a} returning to base for fuel, back on station in 40 minutes",
    "{a} has eyes on the track near marker {m}, reporting to the TOC",
    "{a} airborne, entering the patrol area",
];

/// A chat text (without the `[SIM] ` prefix): air-ops texts name one of
/// `aircraft` when `air_ops` is set and there is one.
pub(super) fn chat_text(rng: &mut ForceRng, air_ops: bool, aircraft: &[String]) -> String {
    let marker = 1 + rng.index(40);
    let text = match aircraft.get(rng.index(aircraft.len())) {
        Some(a) if air_ops => AIR_TEXTS
            .get(rng.index(AIR_TEXTS.len()))
            .map(|t| t.replace("{a}", a)),
        _ => FIELD_TEXTS
            .get(rng.index(FIELD_TEXTS.len()))
            .map(|t| t.to_string()),
    };
    text.unwrap_or_else(|| "Comms check".to_owned())
        .replace("{m}", &marker.to_string())
}
