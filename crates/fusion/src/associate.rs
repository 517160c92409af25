//! Gating and global-nearest-neighbour association.
//!
//! Detections go into a uniform grid whose cell is about one gate across;
//! each track asks only the cells its gate's bounding box covers. Tracks and
//! detections joined by a gate form clusters (union-find), and each cluster
//! is an independent linear assignment in which every track may instead take
//! its "missed" option at cost `gate`: exactly Stone Soup's
//! `DistanceHypothesiser(missed_distance=gate)` with `GNNWith2DAssignment`,
//! since pairs in different clusters can never compete.

use crate::assign::solve_with_misses;
use crate::grid::{Grid, UnionFind};
use crate::kalman::{innovation, Innovation};
use crate::track::Track;
use crate::tracker::Detection;

/// One gated track–detection pair.
struct Edge {
    track: u32,
    det: u32,
    dist: f64,
    inn: Innovation,
}

/// For each track, the chosen detection (an index into `dets`) and its
/// innovation, or `None` for a miss. Only detections listed in `avail` are
/// considered. `gate` is a Mahalanobis distance (dimensionless).
pub(crate) fn associate(
    tracks: &[Track],
    dets: &[Detection],
    avail: &[u32],
    gate: f64,
) -> Vec<Option<(u32, Innovation)>> {
    associate_with(tracks.len(), |i| &tracks[i], dets, avail, gate, |_, _| true)
}

/// [`associate`] over `n` tracks given by `track(i)`, where a pair is
/// considered only if `compatible(track index, detection index)` (the
/// fuser's rule that two different aircraft addresses never pair).
pub(crate) fn associate_with<'a>(
    n: usize,
    track: impl Fn(usize) -> &'a Track,
    dets: &[Detection],
    avail: &[u32],
    gate: f64,
    compatible: impl Fn(usize, u32) -> bool,
) -> Vec<Option<(u32, Innovation)>> {
    let mut out = vec![None; n];
    if n == 0 || avail.is_empty() {
        return out;
    }
    let pts: Vec<[f64; 2]> = avail
        .iter()
        .map(|&k| {
            let d = &dets[k as usize];
            [d.x, d.y]
        })
        .collect();
    let (mut rx, mut ry) = (0.0_f64, 0.0_f64);
    for &k in avail {
        rx = rx.max(dets[k as usize].r[0][0]);
        ry = ry.max(dets[k as usize].r[1][1]);
    }
    // Exact half-sides of the gate ellipse's bounding box, using the largest
    // measurement noise of the scan so that no detection can be missed.
    let half: Vec<[f64; 2]> = (0..n)
        .map(&track)
        .map(|t| {
            [
                gate * (t.est.p[0][0] + rx).max(0.0).sqrt(),
                gate * (t.est.p[2][2] + ry).max(0.0).sqrt(),
            ]
        })
        .collect();
    let mut widths: Vec<f64> = half.iter().map(|h| h[0].max(h[1])).collect();
    let mid = widths.len() / 2;
    let (_, median, _) = widths.select_nth_unstable_by(mid, f64::total_cmp);
    let grid = Grid::build(&pts, (2.0 * *median).max(1.0));

    let mut edges = Vec::new();
    let mut cand = Vec::new();
    for (ti, &h) in half.iter().enumerate() {
        let t = track(ti);
        let c = [t.est.x[0], t.est.x[2]];
        cand.clear();
        grid.query(
            [c[0] - h[0], c[1] - h[1]],
            [c[0] + h[0], c[1] + h[1]],
            &mut cand,
        );
        for &local in &cand {
            let k = avail[local as usize];
            if !compatible(ti, k) {
                continue;
            }
            let d = &dets[k as usize];
            let Some(inn) = innovation(&t.est, &[d.x, d.y], &d.r) else {
                continue;
            };
            let dist = inn.mahalanobis();
            if dist < gate {
                edges.push(Edge {
                    track: ti as u32,
                    det: local,
                    dist,
                    inn,
                });
            }
        }
    }
    if edges.is_empty() {
        return out;
    }

    let nt = n;
    let mut uf = UnionFind::new(nt + avail.len());
    for e in &edges {
        uf.union(e.track as usize, nt + e.det as usize);
    }
    let mut keyed: Vec<(usize, usize)> = edges
        .iter()
        .enumerate()
        .map(|(k, e)| (uf.find(e.track as usize), k))
        .collect();
    keyed.sort_unstable();

    let mut start = 0;
    while start < keyed.len() {
        let root = keyed[start].0;
        let mut end = start + 1;
        while end < keyed.len() && keyed[end].0 == root {
            end += 1;
        }
        let cluster: Vec<&Edge> = keyed[start..end].iter().map(|&(_, k)| &edges[k]).collect();
        solve_cluster(&cluster, avail, gate, &mut out);
        start = end;
    }
    out
}

fn solve_cluster(
    cluster: &[&Edge],
    avail: &[u32],
    gate: f64,
    out: &mut [Option<(u32, Innovation)>],
) {
    let mut ts: Vec<u32> = cluster.iter().map(|e| e.track).collect();
    ts.sort_unstable();
    ts.dedup();
    if ts.len() == 1 {
        // A lone track simply takes its nearest detection: every gated
        // distance is below the missed cost.
        if let Some(best) = cluster.iter().min_by(|a, b| a.dist.total_cmp(&b.dist)) {
            out[best.track as usize] = Some((avail[best.det as usize], best.inn));
        }
        return;
    }
    let mut ds: Vec<u32> = cluster.iter().map(|e| e.det).collect();
    ds.sort_unstable();
    ds.dedup();
    let (rows, cols) = (ts.len(), ds.len());
    let mut cost = vec![f64::INFINITY; rows * cols];
    for e in cluster {
        if let (Ok(i), Ok(j)) = (ts.binary_search(&e.track), ds.binary_search(&e.det)) {
            cost[i * cols + j] = e.dist;
        }
    }
    let Ok(a) = solve_with_misses(&cost, rows, cols, &vec![gate; rows], &vec![0.0; cols]) else {
        return;
    };
    for (i, col) in a.col_for_row.iter().enumerate() {
        let Some(j) = *col else { continue };
        let (t, d) = (ts[i], ds[j]);
        if let Some(e) = cluster.iter().find(|e| e.track == t && e.det == d) {
            out[t as usize] = Some((avail[d as usize], e.inn));
        }
    }
}
