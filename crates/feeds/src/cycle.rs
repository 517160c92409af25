//! The pipeline's output side: handing due detections to the fuser, keeping
//! each track's sensors and identity, announcing ends and merges,
//! publishing, operator marks.

use fusion::fuser::ScanReport;

use crate::error::FeedsError;
use crate::mark::{Affiliation, Mark, MAX_REMARKS};
use crate::pipeline::Pipeline;
use crate::publish;
use crate::stats::Reject;
use crate::timebase::{cot_time, unix_s};
use crate::tracks::{Pending, TrackState};

impl Pipeline {
    /// When [`Pipeline::handle_timeout`] next has work: the end of the
    /// oldest waiting detection's late window or the next publication,
    /// whichever is first. `None` before any input was accepted.
    pub fn poll_timeout(&self) -> Option<cot::Time> {
        let due = self
            .pending
            .iter()
            .map(|p| p.det.time)
            .min_by(f64::total_cmp)
            .map(|t| t + self.cfg.tracker.late_window);
        let next = match (due, self.next_publish) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        next.map(cot_time)
    }

    /// Runs everything due at `now`: the detections whose late window
    /// closed go to the fuser in time order, one scan per sensor and time;
    /// tracks it ends or merges are announced (`t-x-d-d`); every live track
    /// is published when its interval has passed.
    pub fn handle_timeout(&mut self, now: cot::Time) {
        let now = unix_s(now);
        self.last_now = self.last_now.max(now);
        let cutoff = now - self.cfg.tracker.late_window;
        let mut due: Vec<Pending> = Vec::new();
        self.pending.retain(|p| {
            let is_due = p.det.time <= cutoff;
            if is_due {
                due.push(p.clone());
            }
            !is_due
        });
        due.sort_by(|a, b| {
            a.det
                .time
                .total_cmp(&b.det.time)
                .then(a.det.sensor_id.cmp(&b.det.sensor_id))
        });
        let mut start = 0;
        while start < due.len() {
            let (t, s) = (due[start].det.time, due[start].det.sensor_id);
            let end = start
                + due[start..]
                    .iter()
                    .take_while(|p| p.det.time == t && p.det.sensor_id == s)
                    .count();
            let batch = &due[start..end];
            let dets: Vec<fusion::Detection> = batch.iter().map(|p| p.det).collect();
            match self.fuser.scan(s, t, &dets) {
                Ok(rep) => self.apply(&rep, batch, now),
                // Only a time behind one already handed over can fail here,
                // and `submit` refuses those; count rather than trust.
                Err(_) => {
                    for _ in batch {
                        self.stats.reject(Reject::Late);
                    }
                }
            }
            self.closed = Some(self.closed.map_or(t, |c| c.max(t)));
            start = end;
        }
        self.stats.ident_jumps = self.fuser.counters().ident_jumps;
        if self.next_publish.is_some_and(|t| now >= t) {
            self.publish_all(now);
            self.next_publish = Some(now + self.cfg.publish_interval_s);
        }
    }

    /// The next CoT event to route, oldest first.
    pub fn poll_event(&mut self) -> Option<cot::Event> {
        self.events.pop_front()
    }

    /// Marks the live track `track_uid` (as published) with an affiliation and
    /// remarks, replacing any earlier mark; the mark stays for the track's life
    /// and the track is republished at once with it.
    pub fn mark(
        &mut self,
        track_uid: &str,
        affiliation: Affiliation,
        remarks: Option<String>,
    ) -> Result<(), FeedsError> {
        if let Some(r) = &remarks {
            if r.len() > MAX_REMARKS {
                return Err(FeedsError::RemarksTooLong(MAX_REMARKS));
            }
        }
        let Some(t) = self
            .track_id(track_uid)
            .and_then(|id| self.tracks.get_mut(&id))
        else {
            return Err(FeedsError::UnknownTrack(
                track_uid.chars().take(128).collect(),
            ));
        };
        t.mark = Some(Mark {
            affiliation,
            remarks,
        });
        t.published = true;
        let e = publish::track_event(t, &self.ctx, self.last_now);
        self.stats.tracks_published += 1;
        self.queue(e);
        Ok(())
    }

    /// Whether `track_uid` (as published) is a live track, one
    /// [`Pipeline::mark`] would take.
    pub fn has_track(&self, track_uid: &str) -> bool {
        self.track_id(track_uid)
            .is_some_and(|id| self.tracks.contains_key(&id))
    }

    fn track_id(&self, track_uid: &str) -> Option<u64> {
        track_uid
            .strip_prefix(self.cfg.uid_prefix.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
            .and_then(|n| n.parse::<u64>().ok())
    }

    /// Uids of the live (published or publishable) tracks, in id order.
    pub fn track_uids(&self) -> Vec<String> {
        self.tracks
            .keys()
            .map(|id| publish::uid(&self.cfg.uid_prefix, *id))
            .collect()
    }

    /// Takes what one scan changed into the pipeline's tracks.
    fn apply(&mut self, rep: &ScanReport, batch: &[Pending], now: f64) {
        for &id in &rep.confirmed {
            if let Some(f) = self.fuser.track(id) {
                self.tracks.insert(id, TrackState::new(f.report));
            }
        }
        // Merges first: `assigned` already names the kept track.
        for m in &rep.merged {
            if let Some(gone) = self.tracks.remove(&m.absorbed) {
                if let Some(kept) = self.tracks.get_mut(&m.kept) {
                    kept.merge(&gone);
                }
                self.stats.tracks_merged += 1;
                tracing::debug!(kept = m.kept, absorbed = m.absorbed, "tracks merged");
                self.announce_end(&gone, now);
            }
        }
        for (p, id) in batch.iter().zip(&rep.assigned) {
            if let Some(t) = id.and_then(|id| self.tracks.get_mut(&id)) {
                t.absorb(p);
            }
        }
        for id in &rep.deleted {
            if let Some(t) = self.tracks.remove(id) {
                self.announce_end(&t, now);
            }
        }
    }

    fn announce_end(&mut self, t: &TrackState, now: f64) {
        if t.published {
            let e = publish::delete_event(t, &self.ctx, now);
            self.stats.tracks_deleted += 1;
            self.queue(e);
        }
    }

    fn publish_all(&mut self, now: f64) {
        // The estimates as of the last scan handed over; publishing moves
        // them on to `now`, at most `max_extrapolation_s`.
        if let Some(at) = self.fuser.last_time() {
            for f in self.fuser.tracks_at(at) {
                if let Some(t) = self.tracks.get_mut(&f.report.id) {
                    t.report = f.report;
                }
            }
        }
        let events: Vec<cot::Event> = self
            .tracks
            .values()
            .map(|t| publish::track_event(t, &self.ctx, now))
            .collect();
        for t in self.tracks.values_mut() {
            t.published = true;
        }
        self.stats.tracks_published += events.len() as u64;
        for e in events {
            self.queue(e);
        }
    }

    fn queue(&mut self, e: cot::Event) {
        if self.events.len() >= self.cfg.max_queued_events {
            self.events.pop_front();
            self.stats.events_dropped += 1;
        }
        self.events.push_back(e);
    }
}
