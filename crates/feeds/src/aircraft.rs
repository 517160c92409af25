//! What SBS lines said about each aircraft lately: callsign and altitude come
//! in other messages (MSG,1 and MSG,5) than the position (MSG,3), so they are
//! remembered per ICAO address, bounded in count and age.

use std::collections::HashMap;

use sensors::sbs::SbsMessage;

use crate::convert::FT_M;

/// Most aircraft remembered.
const MAX_AIRCRAFT: usize = 10_000;
/// An aircraft not heard for this long is forgotten, seconds.
const MAX_SILENCE_S: f64 = 300.0;

/// The latest identity and altitude heard for one aircraft.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AircraftInfo {
    /// Flight callsign.
    pub(crate) callsign: Option<String>,
    /// Barometric altitude, metres.
    pub(crate) pressure_alt_m: Option<f64>,
    /// The on-ground flag.
    pub(crate) on_ground: Option<bool>,
    /// Unix seconds of the last message.
    last_seen: f64,
}

/// Aircraft by ICAO address.
#[derive(Debug, Clone, Default)]
pub(crate) struct AircraftTable {
    by_icao: HashMap<u32, AircraftInfo>,
}

impl AircraftTable {
    /// Merges what `m` says about its aircraft (if it names one) and returns the
    /// merged record.
    pub(crate) fn update(&mut self, m: &SbsMessage, now: f64) -> Option<&AircraftInfo> {
        let icao = m.hex_ident?;
        if !self.by_icao.contains_key(&icao) && self.by_icao.len() >= MAX_AIRCRAFT {
            self.evict(now);
        }
        let a = self.by_icao.entry(icao).or_default();
        if let Some(c) = m.callsign.as_ref().filter(|c| !c.is_empty()) {
            a.callsign = Some(c.chars().take(16).collect());
        }
        if let Some(ft) = m.altitude_ft.filter(|v| v.is_finite()) {
            a.pressure_alt_m = Some(ft * FT_M);
        }
        if m.on_ground.is_some() {
            a.on_ground = m.on_ground;
        }
        a.last_seen = now;
        Some(a)
    }

    fn evict(&mut self, now: f64) {
        self.by_icao
            .retain(|_, a| now - a.last_seen <= MAX_SILENCE_S);
        if self.by_icao.len() >= MAX_AIRCRAFT {
            let oldest = self
                .by_icao
                .iter()
                .min_by(|a, b| a.1.last_seen.total_cmp(&b.1.last_seen))
                .map(|(k, _)| *k);
            if let Some(k) = oldest {
                self.by_icao.remove(&k);
            }
        }
    }

    /// Number of aircraft remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_icao.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(icao: u32, callsign: Option<&str>, alt: Option<f64>) -> SbsMessage {
        SbsMessage {
            hex_ident: Some(icao),
            callsign: callsign.map(str::to_owned),
            altitude_ft: alt,
            ..SbsMessage::default()
        }
    }

    #[test]
    fn merges_fields_from_different_messages() {
        let mut t = AircraftTable::default();
        t.update(&msg(0xabc, Some("DLH65A"), None), 0.0);
        let a = t
            .update(&msg(0xabc, None, Some(33_000.0)), 1.0)
            .cloned()
            .unwrap();
        assert_eq!(a.callsign.as_deref(), Some("DLH65A"));
        assert!((a.pressure_alt_m.unwrap() - 10_058.4).abs() < 1e-6);
        assert!(t.update(&SbsMessage::default(), 2.0).is_none());
    }

    #[test]
    fn stays_bounded() {
        let mut t = AircraftTable::default();
        for i in 0..(MAX_AIRCRAFT as u32 + 50) {
            t.update(&msg(i, None, None), f64::from(i) * 1e-3);
        }
        assert_eq!(t.len(), MAX_AIRCRAFT);
    }
}
