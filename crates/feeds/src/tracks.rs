//! What the pipeline keeps per confirmed track besides the tracker's estimate:
//! which sensors fed it, the aircraft identity and altitude reported with its
//! detections, the operator's mark. Bounded: a set of sensor indices (at most
//! the configured sensors) and the latest values, never a history.

use fusion::{Detection, TrackReport};

use crate::convert::Evidence;
use crate::mark::Mark;

/// A detection waiting for its late window to close, with what its
/// message said besides the position.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub(crate) det: Detection,
    pub(crate) evidence: Evidence,
}

/// One confirmed track as the pipeline sees it.
#[derive(Debug, Clone)]
pub(crate) struct TrackState {
    /// Latest estimate from the tracker.
    pub(crate) report: TrackReport,
    /// Indices of the sensors whose detections went into the track, sorted.
    pub(crate) sensors: Vec<u32>,
    /// Detections attributed to the track.
    pub(crate) updates: u64,
    /// Unix seconds of the newest attributed detection.
    pub(crate) last_update: f64,
    /// Latest identity, altitude and airborne flag reported with them.
    pub(crate) evidence: Evidence,
    /// Operator mark, kept for the track's life.
    pub(crate) mark: Option<Mark>,
    /// Published at least once (so its end must be announced).
    pub(crate) published: bool,
}

impl TrackState {
    pub(crate) fn new(report: TrackReport) -> Self {
        TrackState {
            report,
            sensors: Vec::new(),
            updates: 0,
            last_update: report.time,
            evidence: Evidence::default(),
            mark: None,
            published: false,
        }
    }

    /// Records that detection `p` went into this track.
    pub(crate) fn absorb(&mut self, p: &Pending) {
        self.add_sensor(p.det.sensor_id);
        self.updates = self.updates.saturating_add(1);
        self.last_update = self.last_update.max(p.det.time);
        self.take_evidence(&p.evidence);
    }

    /// Takes over what `other`, found to be the same object, knew: its
    /// sensors, its identity where this track has none, its mark if this
    /// one has none.
    pub(crate) fn merge(&mut self, other: &TrackState) {
        for &s in &other.sensors {
            self.add_sensor(s);
        }
        self.updates = self.updates.saturating_add(other.updates);
        self.last_update = self.last_update.max(other.last_update);
        let mut e = other.evidence.clone();
        // This track's own values are newer or equal; only fill gaps.
        e.icao = self.evidence.icao.or(e.icao);
        e.callsign = self.evidence.callsign.clone().or(e.callsign);
        e.hae_m = self.evidence.hae_m.or(e.hae_m);
        e.pressure_alt_m = self.evidence.pressure_alt_m.or(e.pressure_alt_m);
        e.airborne = self.evidence.airborne.or(e.airborne);
        self.evidence = e;
        if self.mark.is_none() {
            self.mark.clone_from(&other.mark);
        }
    }

    fn add_sensor(&mut self, sensor: u32) {
        if let Err(at) = self.sensors.binary_search(&sensor) {
            self.sensors.insert(at, sensor);
        }
    }

    fn take_evidence(&mut self, e: &Evidence) {
        let mine = &mut self.evidence;
        // Newer values win field by field: a radar plot without identity
        // must not erase the identity ADS-B gave the track.
        if e.icao.is_some() {
            mine.icao = e.icao;
        }
        if e.callsign.is_some() {
            mine.callsign.clone_from(&e.callsign);
        }
        if e.hae_m.is_some() {
            mine.hae_m = e.hae_m;
        }
        if e.pressure_alt_m.is_some() {
            mine.pressure_alt_m = e.pressure_alt_m;
        }
        if e.airborne.is_some() {
            mine.airborne = e.airborne;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(id: u64, x: f64, y: f64) -> TrackReport {
        let mut cov = [[0.0; 4]; 4];
        for (i, row) in cov.iter_mut().enumerate() {
            row[i] = 25.0;
        }
        TrackReport {
            id,
            time: 0.0,
            x,
            y,
            vx: 0.0,
            vy: 0.0,
            cov,
        }
    }

    fn pending(sensor: u32, x: f64, y: f64) -> Pending {
        Pending {
            det: Detection {
                time: 1.0,
                sensor_id: sensor,
                x,
                y,
                r: [[25.0, 0.0], [0.0, 25.0]],
                ident: None,
            },
            evidence: Evidence::default(),
        }
    }

    #[test]
    fn a_merge_fills_gaps_and_keeps_its_own_values() {
        let mut kept = TrackState::new(report(1, 0.0, 0.0));
        let mut p = pending(0, 0.0, 0.0);
        p.evidence.callsign = Some("KEPT".into());
        kept.absorb(&p);
        let mut gone = TrackState::new(report(2, 0.0, 0.0));
        let mut q = pending(2, 0.0, 0.0);
        q.evidence.callsign = Some("GONE".into());
        q.evidence.icao = Some(0xabcdef);
        gone.absorb(&q);
        gone.mark = Some(Mark {
            affiliation: crate::mark::Affiliation::Hostile,
            remarks: None,
        });
        kept.merge(&gone);
        assert_eq!(kept.sensors, vec![0, 2]);
        assert_eq!(kept.evidence.callsign.as_deref(), Some("KEPT"));
        assert_eq!(kept.evidence.icao, Some(0xabcdef));
        assert!(kept.mark.is_some());
        assert_eq!(kept.updates, 2);
    }

    #[test]
    fn absorb_keeps_identity_and_a_bounded_sensor_set() {
        let mut t = TrackState::new(report(1, 0.0, 0.0));
        let mut p = pending(3, 0.0, 0.0);
        p.evidence.icao = Some(0x3c6444);
        t.absorb(&p);
        for _ in 0..100 {
            t.absorb(&pending(1, 0.0, 0.0));
            t.absorb(&pending(3, 0.0, 0.0));
        }
        assert_eq!(t.sensors, vec![1, 3]);
        assert_eq!(t.updates, 201);
        assert_eq!(t.evidence.icao, Some(0x3c6444));
    }
}
