//! Scan processing and the asynchronous ingest path.

use super::{Detection, ScanOutput, Tracker, TrackerError};
use crate::associate::associate;
use crate::track::Track;

impl Tracker {
    /// Processes one scan: every detection is taken to be at `scan_time`
    /// (seconds), which must not go back in time. Malformed detections are
    /// skipped and counted in [`ScanOutput::rejected`].
    pub fn process(
        &mut self,
        scan_time: f64,
        detections: &[Detection],
    ) -> Result<ScanOutput, TrackerError> {
        if !scan_time.is_finite() {
            return Err(TrackerError::BadDetection);
        }
        if let Some(last) = self.last_time {
            if scan_time < last {
                return Err(TrackerError::OutOfOrder {
                    time: scan_time,
                    last,
                });
            }
        }
        self.last_time = Some(scan_time);
        let cfg = self.cfg;
        let imm = cfg.filter.imm().copied().unwrap_or_default();
        let dets: Vec<Detection> = detections
            .iter()
            .filter(|d| d.is_valid())
            .map(|d| Detection {
                time: scan_time,
                ..*d
            })
            .collect();
        let rejected = detections.len() - dets.len();
        let mut used = vec![false; dets.len()];

        for t in self.confirmed.iter_mut().chain(self.tentative.iter_mut()) {
            t.predict(scan_time, cfg.q, &imm);
        }

        // Confirmed tracks first, on every detection.
        let all: Vec<u32> = (0..dets.len() as u32).collect();
        let hits = associate(&self.confirmed, &dets, &all, cfg.gate);
        apply(&mut self.confirmed, &hits, &dets, &mut used);
        let mut deleted = Vec::new();
        self.confirmed.retain(|t| {
            let keep =
                t.misses < cfg.max_misses && t.est.position_trace() <= cfg.max_position_trace;
            if !keep {
                deleted.extend(t.id);
            }
            keep
        });

        // Then the initiator's tentative tracks, on what is left.
        let left: Vec<u32> = (0..dets.len() as u32)
            .filter(|&k| !used[k as usize])
            .collect();
        let hits = associate(&self.tentative, &dets, &left, cfg.tentative_gate);
        apply(&mut self.tentative, &hits, &dets, &mut used);
        let mut promoted = Vec::new();
        self.tentative.retain_mut(|t| {
            if t.updates >= cfg.min_points {
                promoted.push(t.clone());
                return false;
            }
            t.misses < cfg.max_misses && t.est.position_trace() <= cfg.max_position_trace
        });
        for mut t in promoted {
            t.id = Some(self.next_id);
            self.next_id += 1;
            self.confirmed.push(t);
        }

        for (k, d) in dets.iter().enumerate() {
            if !used[k] {
                let t = self.new_track(d);
                self.tentative.push(t);
            }
        }

        Ok(ScanOutput {
            time: scan_time,
            tracks: self.confirmed.iter().filter_map(Self::report).collect(),
            deleted,
            rejected,
        })
    }

    /// Queues a detection from an asynchronous sensor, received at `now`
    /// (seconds). It is processed by [`Tracker::handle_timeout`] once `now`
    /// passes its time plus [`super::Config::late_window`]. A detection that
    /// arrives after that window, or that is older than a scan already
    /// processed, is refused.
    pub fn ingest(&mut self, det: Detection, now: f64) -> Result<(), TrackerError> {
        if !det.is_valid() {
            return Err(TrackerError::BadDetection);
        }
        let last = self.last_time.unwrap_or(f64::NEG_INFINITY);
        if det.time < last || det.time + self.cfg.late_window < now {
            return Err(TrackerError::TooLate {
                time: det.time,
                last: last.max(now - self.cfg.late_window),
            });
        }
        if self.pending.len() >= self.cfg.max_pending {
            return Err(TrackerError::Full(self.cfg.max_pending));
        }
        self.pending.push(det);
        Ok(())
    }

    /// Queued detections dropped because a scan passed to
    /// [`Tracker::process`] overtook them (mixing the two paths).
    pub fn late_dropped(&self) -> u64 {
        self.late_dropped
    }

    /// When [`Tracker::handle_timeout`] next has work (seconds), if any.
    pub fn poll_timeout(&self) -> Option<f64> {
        self.pending
            .iter()
            .map(|d| d.time)
            .min_by(f64::total_cmp)
            .map(|t| t + self.cfg.late_window)
    }

    /// Processes, in time order, every queued detection whose late window
    /// has closed at `now` (seconds). Detections of one sensor at one time
    /// form one scan.
    pub fn handle_timeout(&mut self, now: f64) -> Vec<ScanOutput> {
        let cutoff = now - self.cfg.late_window;
        let mut ready: Vec<Detection> = Vec::new();
        self.pending.retain(|d| {
            let due = d.time <= cutoff;
            if due {
                ready.push(*d);
            }
            !due
        });
        ready.sort_by(|a, b| {
            a.time
                .total_cmp(&b.time)
                .then(a.sensor_id.cmp(&b.sensor_id))
        });
        let mut out = Vec::new();
        let mut start = 0;
        while start < ready.len() {
            let (t, s) = (ready[start].time, ready[start].sensor_id);
            let mut end = start + 1;
            while end < ready.len() && ready[end].time == t && ready[end].sensor_id == s {
                end += 1;
            }
            // Only a scan given to `process` meanwhile can make a queued
            // batch stale; it is dropped and counted.
            match self.process(t, &ready[start..end]) {
                Ok(o) => out.push(o),
                Err(_) => self.late_dropped += (end - start) as u64,
            }
            start = end;
        }
        out
    }
}

fn apply(
    tracks: &mut [Track],
    hits: &[Option<(u32, crate::kalman::Innovation)>],
    dets: &[Detection],
    used: &mut [bool],
) {
    for (t, hit) in tracks.iter_mut().zip(hits) {
        match hit {
            Some((k, inn)) => {
                let d = &dets[*k as usize];
                t.update(&[d.x, d.y], &d.r, inn);
                used[*k as usize] = true;
            }
            None => t.miss(),
        }
    }
}
