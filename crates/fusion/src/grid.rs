//! Spatial helpers: a uniform grid for range queries and a union-find for
//! splitting gated tracks and detections into independent clusters.
//!
//! The grid is built once per scan by sorting points on their cell, so a
//! query costs the number of cells its box covers plus the points found,
//! and gating `n` tracks against `m` detections is about `O((n + m) log m)`
//! rather than `O(n m)`.

use std::collections::HashMap;

/// Points bucketed in square cells of a fixed side (metres).
#[derive(Debug, Clone)]
pub struct Grid {
    cell: f64,
    /// Cell -> range in `order`.
    cells: HashMap<(i64, i64), (u32, u32)>,
    /// Point indices sorted by cell.
    order: Vec<u32>,
    len: usize,
}

fn cell_of(p: [f64; 2], cell: f64) -> (i64, i64) {
    // `as` saturates for huge values, which only merges far-away cells.
    ((p[0] / cell).floor() as i64, (p[1] / cell).floor() as i64)
}

impl Grid {
    /// Buckets `points` (metres) in cells of side `cell` metres. Points with a
    /// non-finite coordinate are left out. A non-positive `cell` is taken as 1 m.
    pub fn build(points: &[[f64; 2]], cell: f64) -> Grid {
        let cell = if cell.is_finite() && cell > 0.0 {
            cell
        } else {
            1.0
        };
        let mut keyed: Vec<((i64, i64), u32)> = points
            .iter()
            .enumerate()
            .filter(|(_, p)| p[0].is_finite() && p[1].is_finite())
            .map(|(i, p)| (cell_of(*p, cell), i as u32))
            .collect();
        keyed.sort_unstable();
        let mut cells = HashMap::with_capacity(keyed.len());
        let mut start = 0usize;
        while start < keyed.len() {
            let key = keyed[start].0;
            let mut end = start + 1;
            while end < keyed.len() && keyed[end].0 == key {
                end += 1;
            }
            cells.insert(key, (start as u32, end as u32));
            start = end;
        }
        Grid {
            cell,
            cells,
            order: keyed.into_iter().map(|(_, i)| i).collect(),
            len: points.len(),
        }
    }

    /// Appends to `out` the indices of points in the cells overlapping the box
    /// `[min, max]` (metres): a superset of the points inside it.
    pub fn query(&self, min: [f64; 2], max: [f64; 2], out: &mut Vec<u32>) {
        let lo = cell_of(min, self.cell);
        let hi = cell_of(max, self.cell);
        let nx = (hi.0 as i128 - lo.0 as i128 + 1).max(0);
        let ny = (hi.1 as i128 - lo.1 as i128 + 1).max(0);
        // A box larger than the occupied cells is cheaper to answer by a scan.
        if nx.saturating_mul(ny) > self.cells.len() as i128 {
            for (&(cx, cy), &(a, b)) in &self.cells {
                if cx >= lo.0 && cx <= hi.0 && cy >= lo.1 && cy <= hi.1 {
                    out.extend_from_slice(&self.order[a as usize..b as usize]);
                }
            }
            return;
        }
        for cx in lo.0..=hi.0 {
            for cy in lo.1..=hi.1 {
                if let Some(&(a, b)) = self.cells.get(&(cx, cy)) {
                    out.extend_from_slice(&self.order[a as usize..b as usize]);
                }
            }
        }
    }

    /// Number of points given to [`Grid::build`].
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the grid was built from no points.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Disjoint sets over `0..n` with path halving and union by size.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singleton sets.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// Representative of the set holding `x`.
    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] as usize != x {
            let gp = self.parent[self.parent[x] as usize];
            self.parent[x] = gp;
            x = gp as usize;
        }
        x
    }

    /// Merges the sets holding `a` and `b`.
    pub fn union(&mut self, a: usize, b: usize) {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        if self.size[ra] < self.size[rb] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb] = ra as u32;
        self.size[ra] += self.size[rb];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_finds_exactly_what_a_scan_finds() {
        let mut pts = Vec::new();
        for i in 0..40 {
            for j in 0..40 {
                pts.push([i as f64 * 37.3 - 700.0, j as f64 * 29.1 - 500.0]);
            }
        }
        pts.push([f64::NAN, 0.0]);
        let g = Grid::build(&pts, 50.0);
        for (min, max) in [([-100.0, -80.0], [60.0, 90.0]), ([-1e9, -1e9], [1e9, 1e9])] {
            let mut out = Vec::new();
            g.query(min, max, &mut out);
            let inside: Vec<u32> = (0..pts.len() as u32)
                .filter(|&k| {
                    let p = pts[k as usize];
                    p[0] >= min[0] && p[0] <= max[0] && p[1] >= min[1] && p[1] <= max[1]
                })
                .collect();
            for k in &inside {
                assert!(out.contains(k));
            }
            assert!(out.len() >= inside.len());
            assert!(!out.contains(&(pts.len() as u32 - 1)));
        }
        assert_eq!(g.len(), 1601);
    }

    #[test]
    fn union_find_groups() {
        let mut uf = UnionFind::new(6);
        uf.union(0, 1);
        uf.union(2, 3);
        uf.union(1, 3);
        assert_eq!(uf.find(0), uf.find(2));
        assert_ne!(uf.find(0), uf.find(4));
        assert_ne!(uf.find(4), uf.find(5));
    }
}
