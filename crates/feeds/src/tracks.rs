//! What the pipeline keeps per confirmed track besides the tracker's estimate:
//! which sensors fed it, the aircraft identity and altitude reported with its
//! detections, the operator's mark. Bounded: a set of sensor indices (at most
//! the configured sensors) and the latest values, never a history.

use fusion::linalg::{inv2_spd, quad2, Mat2};
use fusion::TrackReport;

use crate::convert::Evidence;
use crate::mark::Mark;

/// A detection handed to the tracker, kept until its scan is processed so
/// that the track it went into can be found.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub(crate) time: f64,
    pub(crate) sensor: u32,
    pub(crate) z: [f64; 2],
    pub(crate) r: Mat2,
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
    /// Timed out and announced deleted; revived if detections come back.
    pub(crate) retired: bool,
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
            retired: false,
        }
    }

    /// Records that detection `p` went into this track.
    pub(crate) fn absorb(&mut self, p: &Pending) {
        if let Err(at) = self.sensors.binary_search(&p.sensor) {
            self.sensors.insert(at, p.sensor);
        }
        self.updates = self.updates.saturating_add(1);
        self.last_update = self.last_update.max(p.time);
        self.retired = false;
        let e = &p.evidence;
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

/// The track of `tracks` that detection `p` most likely updated: the nearest
/// in Mahalanobis distance (track position covariance plus the detection's),
/// if within `gate`.
///
/// fusion's scan output does not say which detection updated which track, so
/// this is reconstructed from the updated estimates; an updated estimate lies
/// nearer its detection than the prediction did, so the tracker's own gate is
/// a safe bound.
pub(crate) fn attribute(p: &Pending, tracks: &[TrackReport], gate: f64) -> Option<u64> {
    let mut best: Option<(f64, u64)> = None;
    for t in tracks {
        let s = [
            [t.cov[0][0] + p.r[0][0], t.cov[0][2] + p.r[0][1]],
            [t.cov[2][0] + p.r[1][0], t.cov[2][2] + p.r[1][1]],
        ];
        let Some(inv) = inv2_spd(&s) else { continue };
        let d2 = quad2(&[p.z[0] - t.x, p.z[1] - t.y], &inv);
        if d2.is_finite() && d2 <= gate * gate && best.is_none_or(|(b, _)| d2 < b) {
            best = Some((d2, t.id));
        }
    }
    best.map(|(_, id)| id)
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
            time: 1.0,
            sensor,
            z: [x, y],
            r: [[25.0, 0.0], [0.0, 25.0]],
            evidence: Evidence::default(),
        }
    }

    #[test]
    fn nearest_track_within_gate() {
        let tracks = [report(1, 0.0, 0.0), report(2, 100.0, 0.0)];
        assert_eq!(attribute(&pending(0, 90.0, 0.0), &tracks, 3.0), Some(2));
        assert_eq!(attribute(&pending(0, 5.0, 5.0), &tracks, 3.0), Some(1));
        assert_eq!(attribute(&pending(0, 50.0, 0.0), &tracks, 3.0), None);
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
