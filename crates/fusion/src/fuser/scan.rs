//! One look of one sensor: canonical order, identity, GNN, misses, new
//! tracks, confirmation.

use std::cmp::Ordering;

use super::{bit, near, FuseError, Fuser, Looks, ScanReport};
use crate::associate::associate_with;
use crate::kalman::{innovation, Innovation};
use crate::tracker::Detection;

/// A total order on detections that ignores where they came from in the
/// input, so that a scan's order cannot change its result.
fn canonical(a: &Detection, b: &Detection) -> Ordering {
    a.x.total_cmp(&b.x)
        .then(a.y.total_cmp(&b.y))
        .then(a.ident.cmp(&b.ident))
        .then(a.r[0][0].total_cmp(&b.r[0][0]))
        .then(a.r[0][1].total_cmp(&b.r[0][1]))
        .then(a.r[1][1].total_cmp(&b.r[1][1]))
}

impl Fuser {
    /// Processes one look of `sensor` at `time` with the detections it made
    /// (their own `time` and `sensor_id` are ignored: the scan's are used).
    /// See the module's contract for what it does.
    pub fn scan(
        &mut self,
        sensor: u32,
        time: f64,
        detections: &[Detection],
    ) -> Result<ScanReport, FuseError> {
        let Some(spec) = self.sensors.get(sensor as usize).copied() else {
            self.counters.unknown_sensor += 1;
            return Err(FuseError::UnknownSensor(sensor));
        };
        if !time.is_finite() {
            return Err(FuseError::BadTime);
        }
        if let Some(last) = self.last_time.filter(|&l| time < l) {
            self.counters.out_of_order += 1;
            return Err(FuseError::OutOfOrder { time, last });
        }
        self.last_time = Some(time);
        self.activity(sensor, time);
        self.counters.scans += 1;

        // Canonical order, remembering each detection's place in the input.
        let mut order: Vec<usize> = (0..detections.len())
            .filter(|&k| detections[k].is_valid())
            .collect();
        let rejected = detections.len() - order.len();
        order.sort_by(|&a, &b| canonical(&detections[a], &detections[b]).then(a.cmp(&b)));
        let before = order.len();
        order.dedup_by(|a, b| canonical(&detections[*a], &detections[*b]).is_eq());
        let duplicates = before - order.len();
        let dets: Vec<Detection> = order
            .iter()
            .map(|&k| Detection {
                time,
                sensor_id: sensor,
                ..detections[k]
            })
            .collect();
        self.counters.rejected += rejected as u64;
        self.counters.duplicates += duplicates as u64;
        self.counters.detections += dets.len() as u64;

        let n = self.tracks.len();
        let mut updated = vec![false; n];
        let mut used = vec![false; dets.len()];
        // Track index each used detection went into.
        let mut into: Vec<Option<usize>> = vec![None; dets.len()];
        let predicted = self.predict_candidates(time, &dets);

        self.match_idents(&dets, &mut used, &mut updated, &mut into, time, sensor);

        for confirmed in [true, false] {
            let which: Vec<usize> = predicted
                .iter()
                .copied()
                .filter(|&j| self.tracks[j].t.id.is_some() == confirmed && !updated[j])
                .collect();
            let avail: Vec<u32> = (0..dets.len() as u32)
                .filter(|&k| !used[k as usize])
                .collect();
            let gate = if confirmed {
                self.cfg.tracker.gate
            } else {
                self.cfg.tracker.tentative_gate
            };
            let tracks = &self.tracks;
            let hits = associate_with(
                which.len(),
                |i| &tracks[which[i]].t,
                &dets,
                &avail,
                gate,
                |i, k| match (tracks[which[i]].ident, dets[k as usize].ident) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                },
            );
            for (i, hit) in hits.into_iter().enumerate() {
                if let Some((k, inn)) = hit {
                    let j = which[i];
                    self.update(j, &dets[k as usize], &inn, time, sensor);
                    self.adopt_ident(j, dets[k as usize].ident);
                    used[k as usize] = true;
                    updated[j] = true;
                    into[k as usize] = Some(j);
                }
            }
        }

        if spec.looks == Looks::Scans {
            for (f, _) in self.tracks.iter_mut().zip(&updated).filter(|(_, u)| !**u) {
                let p = f.position_at(time);
                if spec.covers(p[0], p[1], f.sensors & bit(sensor) != 0) {
                    if let Some(m) = f.missed.get_mut(sensor as usize) {
                        *m = m.saturating_add(1);
                    }
                }
            }
        }

        for (k, d) in dets.iter().enumerate() {
            if !used[k] {
                let mut f = self.new_track(d, sensor);
                let j = self.tracks.len();
                if let Some(i) = d.ident.filter(|i| !self.idents.contains_key(i)) {
                    f.ident = Some(i);
                    self.idents.insert(i, j);
                }
                self.tracks.push(f);
                into[k] = Some(j);
            }
        }

        let mut confirmed = Vec::new();
        for f in &mut self.tracks {
            if f.t.id.is_none() && f.t.updates >= self.cfg.tracker.min_points {
                f.t.id = Some(self.next_id);
                confirmed.push(self.next_id);
                self.next_id += 1;
            }
        }
        self.counters.confirmed += confirmed.len() as u64;

        // Numbers before any removal, so that `assigned` can follow merges.
        let numbers: Vec<Option<u64>> = into
            .iter()
            .map(|j| j.and_then(|j| self.tracks[j].t.id))
            .collect();
        let (deleted, merged) = if spec.looks == Looks::Scans || time >= self.next_sweep {
            self.next_sweep = time + self.cfg.sweep_interval;
            self.sweep(time)
        } else {
            (Vec::new(), Vec::new())
        };
        let mut assigned = vec![None; detections.len()];
        for (k, &orig) in order.iter().enumerate() {
            let mut id = numbers[k];
            // Follow merges (a chain in one sweep is possible but short).
            for m in &merged {
                if id == Some(m.absorbed) {
                    id = Some(m.kept);
                }
            }
            if id.is_some_and(|i| deleted.contains(&i)) {
                id = None;
            }
            assigned[orig] = id;
        }
        Ok(ScanReport {
            time,
            sensor,
            assigned,
            confirmed,
            deleted,
            merged,
            rejected,
            duplicates,
        })
    }

    /// Predicts to `time` every track that could gate with one of `dets`
    /// (its predicted mean within the detections' box widened by its gate);
    /// returns their indices. A track far away that holds one of their
    /// addresses is predicted by [`Fuser::match_idents`].
    fn predict_candidates(&mut self, time: f64, dets: &[Detection]) -> Vec<usize> {
        if dets.is_empty() {
            return Vec::new();
        }
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        let mut rmax = 0.0_f64;
        for d in dets {
            lo = [lo[0].min(d.x), lo[1].min(d.y)];
            hi = [hi[0].max(d.x), hi[1].max(d.y)];
            rmax = rmax.max(d.r[0][0]).max(d.r[1][1]);
        }
        let gate = self.cfg.tracker.gate.max(self.cfg.tracker.tentative_gate);
        let q = self.cfg.tracker.q;
        let mut out = Vec::new();
        for (j, f) in self.tracks.iter_mut().enumerate() {
            let p = f.position_at(time);
            let (vx, vy) = f.variances_at(time, q);
            let half = gate * (vx.max(vy) + rmax).sqrt();
            let inside = p[0] >= lo[0] - half
                && p[0] <= hi[0] + half
                && p[1] >= lo[1] - half
                && p[1] <= hi[1] + half;
            if inside {
                if time > f.t.time {
                    f.t.predict(time, q, &self.imm);
                }
                out.push(j);
            }
        }
        out
    }

    /// Detections with an address update the track that holds it.
    fn match_idents(
        &mut self,
        dets: &[Detection],
        used: &mut [bool],
        updated: &mut [bool],
        into: &mut [Option<usize>],
        time: f64,
        sensor: u32,
    ) {
        for (k, d) in dets.iter().enumerate() {
            let Some(ident) = d.ident else { continue };
            let Some(&j) = self.idents.get(&ident) else {
                continue;
            };
            if updated[j] {
                // The same address twice in one look: the first report wins.
                self.counters.ident_repeats += 1;
                used[k] = true;
                continue;
            }
            let z = [d.x, d.y];
            let f = &mut self.tracks[j];
            if time > f.t.time {
                f.t.predict(time, self.cfg.tracker.q, &self.imm);
            }
            if !near(&f.t.est, &z, &d.r, self.cfg.ident_jump_m) {
                self.counters.ident_jumps += 1;
                f.ident = None;
                self.idents.remove(&ident);
                continue;
            }
            // The address is trusted beyond the gate; a track that has
            // fallen behind its aircraft widens its covariance so that it
            // catches up rather than dragging (and shedding the radar plots
            // that would then start a second track).
            let Some(mut inn) = innovation(&f.t.est, &z, &d.r) else {
                continue;
            };
            let gate = self.cfg.tracker.gate;
            if inn.mahalanobis() > gate {
                let k2 = (inn.mahalanobis() / gate).powi(2);
                f.t.inflate(k2);
                match innovation(&f.t.est, &z, &d.r) {
                    Some(i) => inn = i,
                    None => continue,
                }
            }
            self.update(j, d, &inn, time, sensor);
            used[k] = true;
            updated[j] = true;
            into[k] = Some(j);
        }
    }

    fn update(&mut self, j: usize, d: &Detection, inn: &Innovation, time: f64, sensor: u32) {
        let f = &mut self.tracks[j];
        f.t.update(&[d.x, d.y], &d.r, inn);
        f.missed.fill(0);
        f.last_update = time;
        f.sensors |= bit(sensor);
    }

    /// A track given a detection with an address takes it if it has none
    /// and no other track holds it.
    fn adopt_ident(&mut self, j: usize, ident: Option<u32>) {
        let Some(i) = ident else { return };
        if self.tracks[j].ident.is_none() && !self.idents.contains_key(&i) {
            self.tracks[j].ident = Some(i);
            self.idents.insert(i, j);
        }
    }
}
