//! GOSPA, the generalised optimal sub-pattern assignment metric (Rahmathullah,
//! García-Fernández and Svensson, 2017), with alpha = 2, on 2-D positions.
//!
//! For truths X and estimates Y, GOSPA^p = min over assignments of the sum of
//! d(x, y)^p over assigned pairs closer than `c`, plus c^p / 2 for every truth
//! and every estimate left out. Pairs farther than `c` apart are never worth
//! assigning, so the problem splits into clusters of points within `c` of each
//! other, found with a grid; each is solved exactly by [`crate::assign`].
//!
//! The parts are reported, as Stone Soup's `GOSPAMetric` does, in p-th power
//! units (`localisation + missed + false_tracks == total^p`); with the default
//! p = 1 they are plain metres.

use crate::assign::solve_with_misses;
use crate::grid::{Grid, UnionFind};

/// GOSPA parameters (alpha is fixed at 2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GospaParams {
    /// Cut-off distance (metres).
    pub c: f64,
    /// Order, at least 1.
    pub p: f64,
}

impl Default for GospaParams {
    fn default() -> Self {
        GospaParams { c: 50.0, p: 1.0 }
    }
}

/// GOSPA of one scan, or a mean over scans.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Gospa {
    /// The metric itself (metres).
    pub total: f64,
    /// Sum of d^p over assigned pairs.
    pub localisation: f64,
    /// c^p / 2 per missed truth.
    pub missed: f64,
    /// c^p / 2 per false estimate.
    pub false_tracks: f64,
}

/// GOSPA between `truth` and `est` positions (metres).
pub fn gospa(truth: &[[f64; 2]], est: &[[f64; 2]], prm: GospaParams) -> Gospa {
    gospa_assignment(truth, est, prm).0
}

/// GOSPA between `truth` and `est` positions (metres), with the optimal
/// assignment behind it: for each truth, the index of the estimate paired
/// with it (always closer than `c`), or `None` when the truth is missed.
/// Scoring tools read misses by kind and track-id changes from it.
pub fn gospa_assignment(
    truth: &[[f64; 2]],
    est: &[[f64; 2]],
    prm: GospaParams,
) -> (Gospa, Vec<Option<usize>>) {
    let (c, p) = (prm.c, prm.p);
    let mut pairs: Vec<Option<usize>> = vec![None; truth.len()];
    let half = c.powf(p) / 2.0;
    let grid = Grid::build(est, c);
    let mut edges: Vec<(u32, u32, f64)> = Vec::new();
    let mut cand = Vec::new();
    for (i, x) in truth.iter().enumerate() {
        cand.clear();
        grid.query([x[0] - c, x[1] - c], [x[0] + c, x[1] + c], &mut cand);
        for &j in &cand {
            let y = est[j as usize];
            let d = (x[0] - y[0]).hypot(x[1] - y[1]);
            if d < c {
                edges.push((i as u32, j, d.powf(p)));
            }
        }
    }
    let nt = truth.len();
    let mut uf = UnionFind::new(nt + est.len());
    for &(i, j, _) in &edges {
        uf.union(i as usize, nt + j as usize);
    }
    let mut keyed: Vec<(usize, usize)> = edges
        .iter()
        .enumerate()
        .map(|(k, e)| (uf.find(e.0 as usize), k))
        .collect();
    keyed.sort_unstable();

    let mut loc = 0.0;
    let mut assigned = 0usize;
    let mut start = 0;
    while start < keyed.len() {
        let root = keyed[start].0;
        let mut end = start + 1;
        while end < keyed.len() && keyed[end].0 == root {
            end += 1;
        }
        let cl: Vec<(u32, u32, f64)> = keyed[start..end].iter().map(|&(_, k)| edges[k]).collect();
        let mut rows: Vec<u32> = cl.iter().map(|e| e.0).collect();
        let mut cols: Vec<u32> = cl.iter().map(|e| e.1).collect();
        rows.sort_unstable();
        rows.dedup();
        cols.sort_unstable();
        cols.dedup();
        let mut cost = vec![f64::INFINITY; rows.len() * cols.len()];
        for &(i, j, d) in &cl {
            if let (Ok(r), Ok(k)) = (rows.binary_search(&i), cols.binary_search(&j)) {
                cost[r * cols.len() + k] = d;
            }
        }
        let rm = vec![half; rows.len()];
        let cm = vec![half; cols.len()];
        if let Ok(a) = solve_with_misses(&cost, rows.len(), cols.len(), &rm, &cm) {
            for (r, col) in a.col_for_row.iter().enumerate() {
                if let Some(k) = col {
                    loc += cost[r * cols.len() + k];
                    assigned += 1;
                    pairs[rows[r] as usize] = Some(cols[*k] as usize);
                }
            }
        }
        start = end;
    }
    let missed = half * (truth.len() - assigned) as f64;
    let false_tracks = half * (est.len() - assigned) as f64;
    let g = Gospa {
        total: (loc + missed + false_tracks).powf(1.0 / p),
        localisation: loc,
        missed,
        false_tracks,
    };
    (g, pairs)
}

/// Mean of per-scan values, part by part.
pub fn mean(scans: &[Gospa]) -> Gospa {
    if scans.is_empty() {
        return Gospa::default();
    }
    let n = scans.len() as f64;
    let sum = |f: fn(&Gospa) -> f64| scans.iter().map(f).sum::<f64>() / n;
    Gospa {
        total: sum(|g| g.total),
        localisation: sum(|g| g.localisation),
        missed: sum(|g| g.missed),
        false_tracks: sum(|g| g.false_tracks),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: GospaParams = GospaParams { c: 50.0, p: 1.0 };

    #[test]
    fn empty_sets_score_zero() {
        assert_eq!(gospa(&[], &[], P), Gospa::default());
    }

    #[test]
    fn one_missed_and_one_false() {
        let g = gospa(&[[0.0, 0.0]], &[], P);
        assert_eq!((g.total, g.missed, g.false_tracks), (25.0, 25.0, 0.0));
        let g = gospa(&[], &[[0.0, 0.0]], P);
        assert_eq!((g.total, g.missed, g.false_tracks), (25.0, 0.0, 25.0));
    }

    #[test]
    fn matched_pair_at_known_distance() {
        let g = gospa(&[[0.0, 0.0]], &[[3.0, 4.0]], P);
        assert!((g.total - 5.0).abs() < 1e-12 && (g.localisation - 5.0).abs() < 1e-12);
        assert_eq!(g.missed + g.false_tracks, 0.0);
        let g2 = gospa(
            &[[0.0, 0.0]],
            &[[3.0, 4.0]],
            GospaParams { c: 50.0, p: 2.0 },
        );
        assert!((g2.total - 5.0).abs() < 1e-12 && (g2.localisation - 25.0).abs() < 1e-12);
    }

    #[test]
    fn beyond_cutoff_is_one_missed_and_one_false() {
        let g = gospa(&[[0.0, 0.0]], &[[60.0, 0.0]], P);
        assert_eq!(
            (g.localisation, g.missed, g.false_tracks),
            (0.0, 25.0, 25.0)
        );
        assert_eq!(g.total, 50.0);
    }

    #[test]
    fn optimal_assignment_not_greedy() {
        // Greedy would pair truth 0 with estimate 0 (distance 10) and leave
        // truth 1 at 45; optimal pairs crosswise for 20 + 20.
        let truth = [[0.0, 0.0], [30.0, 0.0]];
        let est = [[10.0, 0.0], [-20.0, 0.0]];
        let g = gospa(&truth, &est, P);
        assert!((g.total - 40.0).abs() < 1e-9, "{g:?}");
        let (_, pairs) = gospa_assignment(&truth, &est, P);
        assert_eq!(pairs, [Some(1), Some(0)]);
        // Many far-apart pairs: independent clusters add up.
        let truth: Vec<[f64; 2]> = (0..100).map(|i| [i as f64 * 1000.0, 0.0]).collect();
        let est: Vec<[f64; 2]> = truth.iter().map(|t| [t[0] + 1.0, 0.0]).collect();
        assert!((gospa(&truth, &est, P).total - 100.0).abs() < 1e-9);
    }

    #[test]
    fn mean_of_parts() {
        let m = mean(&[gospa(&[[0.0, 0.0]], &[], P), gospa(&[], &[], P)]);
        assert_eq!((m.total, m.missed), (12.5, 12.5));
    }
}
