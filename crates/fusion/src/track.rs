//! One track's filter state and life counters. Memory per track is fixed:
//! no history is kept, only the current estimate.

use crate::imm::{ImmConfig, ImmState};
use crate::kalman::{update, CvModel, Gaussian, Innovation};
use crate::linalg::{Mat2, Vec2};

/// Which motion filter a track runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum FilterState {
    Cv(Gaussian),
    Imm(ImmState),
}

/// A tentative or confirmed track.
#[derive(Debug, Clone)]
pub(crate) struct Track {
    /// Public id once confirmed.
    pub(crate) id: Option<u64>,
    pub(crate) filter: FilterState,
    /// Combined estimate at `time`, cached for gating.
    pub(crate) est: Gaussian,
    /// Time of `est` (seconds).
    pub(crate) time: f64,
    /// Number of detections associated so far (the initiating one included).
    pub(crate) updates: u32,
    /// Consecutive scans without a detection.
    pub(crate) misses: u32,
}

impl Track {
    pub(crate) fn new(filter: FilterState, time: f64) -> Self {
        let est = match &filter {
            FilterState::Cv(g) => *g,
            FilterState::Imm(s) => s.combined(),
        };
        Track {
            id: None,
            filter,
            est,
            time,
            updates: 1,
            misses: 0,
        }
    }

    /// A new track at detection `d`: its position with the detection's
    /// covariance, zero velocity of variance `velocity_var` per axis (Stone
    /// Soup's prior state with its position rows replaced by the
    /// measurement), in the filter `imm` says (`None`: constant velocity).
    pub(crate) fn start(
        d: &crate::tracker::Detection,
        velocity_var: f64,
        imm: Option<&ImmConfig>,
    ) -> Self {
        let v = velocity_var;
        let p = [
            [d.r[0][0], 0.0, d.r[0][1], 0.0],
            [0.0, v, 0.0, 0.0],
            [d.r[1][0], 0.0, d.r[1][1], 0.0],
            [0.0, 0.0, 0.0, v],
        ];
        let g = Gaussian {
            x: [d.x, 0.0, d.y, 0.0],
            p,
        };
        let filter = match imm {
            None => FilterState::Cv(g),
            Some(c) => FilterState::Imm(ImmState::new(g, c)),
        };
        Track::new(filter, d.time)
    }

    /// Predicts to `time` (seconds).
    pub(crate) fn predict(&mut self, time: f64, q: f64, imm: &ImmConfig) {
        let dt = time - self.time;
        self.filter = match &self.filter {
            FilterState::Cv(g) => FilterState::Cv(CvModel { q }.predict(g, dt)),
            FilterState::Imm(s) => FilterState::Imm(s.predict(imm, dt)),
        };
        self.est = match &self.filter {
            FilterState::Cv(g) => *g,
            FilterState::Imm(s) => s.combined(),
        };
        self.time = time;
    }

    /// Updates with a detection whose innovation against `est` is `inn`.
    pub(crate) fn update(&mut self, z: &Vec2, r: &Mat2, inn: &Innovation) {
        match &self.filter {
            FilterState::Cv(g) => {
                let g = update(g, inn, r);
                self.filter = FilterState::Cv(g);
                self.est = g;
            }
            FilterState::Imm(s) => {
                // The combined innovation was valid, so the per-mode ones are
                // too; keep the prediction if a mode still fails.
                if let Some(s) = s.update(z, r) {
                    self.filter = FilterState::Imm(s);
                    self.est = s.combined();
                }
            }
        }
        self.updates = self.updates.saturating_add(1);
        self.misses = 0;
    }

    /// Multiplies the covariance by `k` (at least 1): the estimate is
    /// known to be further off than the filter believes.
    pub(crate) fn inflate(&mut self, k: f64) {
        if !(k.is_finite() && k > 1.0) {
            return;
        }
        let scale = |g: &mut Gaussian| {
            for row in &mut g.p {
                for v in row {
                    *v *= k;
                }
            }
        };
        match &mut self.filter {
            FilterState::Cv(g) => scale(g),
            FilterState::Imm(s) => s.modes.iter_mut().for_each(scale),
        }
        self.est = match &self.filter {
            FilterState::Cv(g) => *g,
            FilterState::Imm(s) => s.combined(),
        };
    }

    pub(crate) fn miss(&mut self) {
        self.misses = self.misses.saturating_add(1);
    }
}
