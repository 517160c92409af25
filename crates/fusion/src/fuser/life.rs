//! The sweep: which tracks end (deleted by the sensors that cover them, or
//! merged into an older track of the same object).

use super::{mahalanobis2, Fused, Fuser, Looks, Merge};
use crate::grid::Grid;
use crate::track::Track;

impl Fuser {
    /// Deletes and merges at `time`; returns the numbers deleted and the
    /// merges, and keeps the counters.
    pub(super) fn sweep(&mut self, time: f64) -> (Vec<u64>, Vec<Merge>) {
        let mut deleted = Vec::new();
        let before = self.tracks.len();
        let mut keep = Vec::with_capacity(before);
        for f in &self.tracks {
            keep.push(!self.ends(f, time));
        }
        let mut k = 0;
        self.tracks.retain(|f| {
            let kept = keep[k];
            k += 1;
            if !kept {
                deleted.extend(f.t.id);
            }
            kept
        });
        self.counters.deleted += deleted.len() as u64;
        let merged = self.merge(time);
        if self.tracks.len() != before {
            self.rebuild_idents();
        }
        (deleted, merged)
    }

    /// Whether `f` ends at `time` by the deletion rule of the module.
    fn ends(&self, f: &Fused, time: f64) -> bool {
        let tc = &self.cfg.tracker;
        // Only a confirmed track is held to the covariance bound: a new one
        // seen by a slow sensor grows past it before that sensor's second
        // look (its prior velocity is wide), and ends by its looks instead.
        let (vx, vy) = f.variances_at(time, tc.q);
        if f.t.id.is_some() && vx + vy > tc.max_position_trace {
            return true;
        }
        let p = f.position_at(time);
        let (mut covering, mut all_missed, mut sum) = (0u32, true, 0u64);
        for (s, spec) in self.sensors.iter().enumerate() {
            let Some(last) = self.activity[s] else {
                continue;
            };
            if last < time - self.cfg.live_periods * spec.period
                || !spec.covers(p[0], p[1], f.sensors & super::bit(s as u32) != 0)
            {
                continue;
            }
            covering += 1;
            let missed = match spec.looks {
                Looks::Scans => u64::from(f.missed[s]),
                Looks::Reports if last > f.last_update => {
                    // Whole periods of reporting since the last update.
                    ((last - f.last_update) / spec.period).floor() as u64
                }
                Looks::Reports => 0,
            };
            sum += missed;
            if missed < u64::from(tc.max_misses) {
                all_missed = false;
            }
        }
        if covering == 0 {
            return time - f.last_update > self.coast_s;
        }
        if f.t.id.is_some() {
            all_missed
        } else {
            sum >= u64::from(tc.max_misses)
        }
    }

    /// Finds confirmed tracks that have stayed close to an older one and
    /// merges them into it.
    fn merge(&mut self, time: f64) -> Vec<Merge> {
        let conf: Vec<usize> = (0..self.tracks.len())
            .filter(|&j| self.tracks[j].t.id.is_some())
            .collect();
        if conf.len() < 2 {
            for &j in &conf {
                self.tracks[j].close = None;
            }
            return Vec::new();
        }
        let q = self.cfg.tracker.q;
        let at: Vec<Track> = conf
            .iter()
            .map(|&j| {
                let mut t = self.tracks[j].t.clone();
                if time > t.time {
                    t.predict(time, q, &self.imm);
                }
                t
            })
            .collect();
        let pts: Vec<[f64; 2]> = at.iter().map(|t| [t.est.x[0], t.est.x[2]]).collect();
        let traces: Vec<f64> = at.iter().map(|t| t.est.position_trace()).collect();
        let gate = self.cfg.merge_gate;
        let halves: Vec<f64> = traces
            .iter()
            .map(|tr| gate * (2.0 * tr).max(0.0).sqrt())
            .collect();
        let mut sorted = halves.clone();
        let mid = sorted.len() / 2;
        let (_, median, _) = sorted.select_nth_unstable_by(mid, f64::total_cmp);
        let grid = Grid::build(&pts, (2.0 * *median).max(1.0));

        // For each younger track, the closest older one it is close to.
        let mut partner: Vec<Option<(usize, f64)>> = vec![None; conf.len()];
        let mut cand = Vec::new();
        for a in 0..conf.len() {
            let h = halves[a];
            cand.clear();
            grid.query(
                [pts[a][0] - h, pts[a][1] - h],
                [pts[a][0] + h, pts[a][1] + h],
                &mut cand,
            );
            for &b in &cand {
                let b = b as usize;
                // Each pair once, from the track with the larger covariance,
                // whose box is sure to hold the other (see `halves`).
                if b == a || traces[b] > traces[a] || (traces[b] == traces[a] && b < a) {
                    continue;
                }
                let (fa, fb) = (&self.tracks[conf[a]], &self.tracks[conf[b]]);
                if let (Some(x), Some(y)) = (fa.ident, fb.ident) {
                    if x != y {
                        continue;
                    }
                }
                let (ga, gb) = (&at[a].est, &at[b].est);
                let dp = [ga.x[0] - gb.x[0], ga.x[2] - gb.x[2]];
                let dv = [ga.x[1] - gb.x[1], ga.x[3] - gb.x[3]];
                let pos =
                    |g: &crate::kalman::Gaussian| [[g.p[0][0], g.p[0][2]], [g.p[2][0], g.p[2][2]]];
                let vel =
                    |g: &crate::kalman::Gaussian| [[g.p[1][1], g.p[1][3]], [g.p[3][1], g.p[3][3]]];
                let d2 = mahalanobis2(dp, pos(ga), pos(gb));
                if d2 >= gate * gate || mahalanobis2(dv, vel(ga), vel(gb)) >= gate * gate {
                    continue;
                }
                let (ida, idb) = (fa.t.id, fb.t.id);
                let (young, old) = if ida > idb { (a, b) } else { (b, a) };
                if partner[young].is_none_or(|(_, d)| d2 < d) {
                    partner[young] = Some((old, d2));
                }
            }
        }

        let mut merges: Vec<(usize, usize)> = Vec::new();
        for (y, p) in partner.iter().enumerate() {
            let j = conf[y];
            let Some((o, _)) = *p else {
                self.tracks[j].close = None;
                continue;
            };
            let Some(old_id) = self.tracks[conf[o]].t.id else {
                continue;
            };
            let count = match self.tracks[j].close {
                Some((id, c)) if id == old_id => c + 1,
                _ => 1,
            };
            self.tracks[j].close = Some((old_id, count));
            if count >= self.cfg.merge_after {
                merges.push((y, o));
            }
        }
        if merges.is_empty() {
            return Vec::new();
        }
        // Oldest partners first, so that a chain ends in the oldest number.
        merges.sort_by_key(|&(y, o)| (self.tracks[conf[o]].t.id, self.tracks[conf[y]].t.id));
        let mut gone = vec![false; conf.len()];
        let mut out = Vec::new();
        for (y, o) in merges {
            if gone[y] || gone[o] {
                continue;
            }
            let young = self.tracks[conf[y]].clone();
            let old = &mut self.tracks[conf[o]];
            let (Some(kept), Some(absorbed)) = (old.t.id, young.t.id) else {
                continue;
            };
            // The better estimate survives, under the older number.
            let best = if traces[y] < traces[o] {
                &at[y]
            } else {
                &at[o]
            };
            old.t = Track {
                id: Some(kept),
                updates: old.t.updates.saturating_add(young.t.updates),
                ..best.clone()
            };
            old.ident = old.ident.or(young.ident);
            old.sensors |= young.sensors;
            old.last_update = old.last_update.max(young.last_update);
            for (m, n) in old.missed.iter_mut().zip(young.missed.iter()) {
                *m = (*m).min(*n);
            }
            old.close = None;
            gone[y] = true;
            out.push(Merge {
                time,
                kept,
                absorbed,
            });
        }
        // Indices of `conf` are increasing, so removing from the back keeps
        // the earlier ones valid.
        for (i, &j) in conf.iter().enumerate().rev() {
            if gone[i] {
                self.tracks.remove(j);
            }
        }
        self.counters.merges += out.len() as u64;
        out
    }
}
