//! The pipeline's output side: running the tracker's due scans, attributing
//! detections to tracks, timing tracks out, publishing, operator marks.

use fusion::ScanOutput;

use crate::error::FeedsError;
use crate::mark::{Affiliation, Mark, MAX_REMARKS};
use crate::pipeline::Pipeline;
use crate::publish;
use crate::timebase::{cot_time, unix_s};
use crate::tracks::{attribute, Pending, TrackState};

impl Pipeline {
    /// When [`Pipeline::handle_timeout`] next has work: the tracker's next
    /// due scan or the next publication, whichever is first. `None` before
    /// any input was accepted.
    pub fn poll_timeout(&self) -> Option<cot::Time> {
        let next = match (self.tracker.poll_timeout(), self.next_publish) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        next.map(cot_time)
    }

    /// Runs everything due at `now`: the tracker's scans whose late window
    /// closed, track time-outs (announced as `t-x-d-d`), and the
    /// publication of every live track when its interval has passed.
    pub fn handle_timeout(&mut self, now: cot::Time) {
        let now = unix_s(now);
        self.last_now = self.last_now.max(now);
        let outputs = self.tracker.handle_timeout(now);
        let cutoff = now - self.cfg.tracker.late_window;
        let mut due: Vec<Pending> = Vec::new();
        self.pending.retain(|p| {
            let is_due = p.time <= cutoff;
            if is_due {
                due.push(p.clone());
            }
            !is_due
        });
        due.sort_by(|a, b| a.time.total_cmp(&b.time));
        self.apply(&outputs, &due, now);
        self.time_out(now);
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
        let id = track_uid
            .strip_prefix(self.cfg.uid_prefix.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
            .and_then(|n| n.parse::<u64>().ok());
        let Some(t) = id
            .and_then(|id| self.tracks.get_mut(&id))
            .filter(|t| !t.retired)
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

    /// Uids of the live (published or publishable) tracks, in id order.
    pub fn track_uids(&self) -> Vec<String> {
        self.tracks
            .iter()
            .filter(|(_, t)| !t.retired)
            .map(|(id, _)| publish::uid(&self.cfg.uid_prefix, *id))
            .collect()
    }

    fn apply(&mut self, outputs: &[ScanOutput], due: &[Pending], now: f64) {
        let gate = self.cfg.tracker.gate;
        let mut k = 0;
        for (i, out) in outputs.iter().enumerate() {
            for r in &out.tracks {
                self.tracks
                    .entry(r.id)
                    .and_modify(|t| t.report = *r)
                    .or_insert_with(|| TrackState::new(*r));
            }
            for id in &out.deleted {
                // A track that timed out was announced then.
                if let Some(t) = self.tracks.remove(id).filter(|t| !t.retired) {
                    self.announce_end(&t, now);
                }
            }
            // Scans of several sensors at the same instant come out one after
            // the other; their detections are attributed against the last.
            if outputs.get(i + 1).is_some_and(|n| n.time == out.time) {
                continue;
            }
            // Detections with no scan of their own were dropped as stale by
            // the tracker; they are skipped.
            while due.get(k).is_some_and(|p| p.time < out.time) {
                k += 1;
            }
            while let Some(p) = due.get(k).filter(|p| p.time == out.time) {
                if let Some(t) =
                    attribute(p, &out.tracks, gate).and_then(|id| self.tracks.get_mut(&id))
                {
                    t.absorb(p);
                }
                k += 1;
            }
        }
    }

    fn time_out(&mut self, now: f64) {
        let limit = self.cfg.track_timeout_s;
        let expired: Vec<u64> = self
            .tracks
            .iter()
            .filter(|(_, t)| !t.retired && now - t.last_update > limit)
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            if let Some(t) = self.tracks.get_mut(&id) {
                t.retired = true;
                let t = t.clone();
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
        let events: Vec<cot::Event> = self
            .tracks
            .values()
            .filter(|t| !t.retired)
            .map(|t| publish::track_event(t, &self.ctx, now))
            .collect();
        for t in self.tracks.values_mut().filter(|t| !t.retired) {
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
