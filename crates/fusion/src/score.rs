//! What a watch officer needs to know of a tracker's output against truth,
//! on a time grid (format v2's scoring; v1 files score the same way on
//! their scan times).
//!
//! # Definitions
//! At each grid time g:
//! - **Present tracks**: a track (rows with one `track_id`) is present if
//!   its first row is at or before g and its last row at or after g (times
//!   equal within [`TIME_EPS`]). Its position is that of its latest row at
//!   or before g, moved on to g at that row's velocity (held when the file
//!   has no `vx,vy`).
//! - **Truths alive**: the truth rows at g. A truth is cooperative when the
//!   truth file has an `ident` column and the row's `ident` is not empty;
//!   without that column the kind is unknown and not reported.
//! - **GOSPA** (alpha = 2, order p, cut-off c) between present tracks and
//!   truths, with its optimal assignment ([`gospa_assignment`]); its parts
//!   are reported in p-th power units as [`Gospa`] is.
//! - **Missed targets**: truths the assignment leaves unpaired, in all and
//!   by kind. **False tracks**: present tracks it leaves unpaired.
//! - **Duplicates**: each present track is attached to its nearest truth if
//!   that truth is closer than c; a truth with k attached tracks adds k - 1.
//!   So one object carried by two tracks is one duplicate, whichever of the
//!   two GOSPA pairs with it.
//!
//! Over the grid:
//! - GOSPA, missed targets, false tracks, duplicates, present tracks and
//!   truths alive are means over grid times.
//! - **Id changes (fragmentation)**: along each truth's grid times, the
//!   `track_id` GOSPA pairs it with; each change of that id from the
//!   previous paired one is one id change (unpaired grid times are skipped).
//!   A return to being paired after unpaired grid times is one **break**,
//!   counted apart. Reported as totals and id changes per truth id.
//!
//! # Units
//! Seconds, metres, m/s.

use std::collections::{BTreeMap, HashMap};

use crate::detections::TIME_EPS;
use crate::gospa::{gospa_assignment, mean, Gospa, GospaParams};
use crate::scenario::ScenarioError;

/// One row of `truth.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthRow {
    /// Time (seconds).
    pub time: f64,
    /// `truth_id`, as text.
    pub id: String,
    /// East (metres).
    pub x: f64,
    /// North (metres).
    pub y: f64,
    /// Whether the target broadcasts an identity; `None` when the file
    /// does not say (no `ident` column, as in v1).
    pub cooperative: Option<bool>,
}

/// One row of a tracks file.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackRow {
    /// Time of the estimate (seconds).
    pub time: f64,
    /// `track_id`, opaque text.
    pub id: String,
    /// East (metres).
    pub x: f64,
    /// North (metres).
    pub y: f64,
    /// Velocity (m/s), when the file has `vx,vy`.
    pub v: Option<[f64; 2]>,
}

/// The positions of a file's columns, required then optional, found in
/// its header, and its numbered non-blank data lines.
struct Table<I> {
    need: Vec<usize>,
    optional: Vec<Option<usize>>,
    rows: I,
}

fn columns<'a>(
    text: &'a str,
    need: &[&str],
    optional: &[&str],
) -> Result<Table<impl Iterator<Item = (usize, &'a str)>>, ScenarioError> {
    let mut lines = text.lines().enumerate();
    let header = lines
        .next()
        .map(|(_, h)| h.trim_end_matches('\r'))
        .unwrap_or("");
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    let find = |n: &str| names.iter().position(|h| *h == n);
    let need = need
        .iter()
        .map(|n| {
            find(n).ok_or_else(|| ScenarioError::Csv {
                line: 1,
                msg: format!("header {header:?} lacks the column {n:?}"),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let optional = optional.iter().map(|n| find(n)).collect();
    let rows = lines
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty());
    Ok(Table {
        need,
        optional,
        rows,
    })
}

fn num(f: &[&str], k: usize, line: usize, what: &str) -> Result<f64, ScenarioError> {
    f.get(k)
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite())
        .ok_or_else(|| ScenarioError::Csv {
            line,
            msg: format!("bad or missing {what}"),
        })
}

fn text_field(f: &[&str], k: usize, line: usize, what: &str) -> Result<String, ScenarioError> {
    match f.get(k).map(|s| s.trim()) {
        Some(s) if !s.is_empty() => Ok(s.to_owned()),
        _ => Err(ScenarioError::Csv {
            line,
            msg: format!("missing {what}"),
        }),
    }
}

/// Parses `truth.csv` (v1 or v2), by column names.
pub fn parse_truth(text: &str) -> Result<Vec<TruthRow>, ScenarioError> {
    let t = columns(text, &["time", "truth_id", "x", "y"], &["ident"])?;
    let (c, o) = (t.need, t.optional);
    t.rows
        .map(|(n, l)| {
            let f: Vec<&str> = l.split(',').collect();
            Ok(TruthRow {
                time: num(&f, c[0], n, "time")?,
                id: text_field(&f, c[1], n, "truth_id")?,
                x: num(&f, c[2], n, "x")?,
                y: num(&f, c[3], n, "y")?,
                cooperative: o[0].map(|k| f.get(k).is_some_and(|s| !s.trim().is_empty())),
            })
        })
        .collect()
}

/// Parses a tracks file (`time,track_id,x,y[,vx,vy]`), by column names.
pub fn parse_tracks(text: &str) -> Result<Vec<TrackRow>, ScenarioError> {
    let t = columns(text, &["time", "track_id", "x", "y"], &["vx", "vy"])?;
    let (c, o) = (t.need, t.optional);
    t.rows
        .map(|(n, l)| {
            let f: Vec<&str> = l.split(',').collect();
            let v = match (o[0], o[1]) {
                (Some(a), Some(b)) => Some([num(&f, a, n, "vx")?, num(&f, b, n, "vy")?]),
                _ => None,
            };
            Ok(TrackRow {
                time: num(&f, c[0], n, "time")?,
                id: text_field(&f, c[1], n, "track_id")?,
                x: num(&f, c[2], n, "x")?,
                y: num(&f, c[3], n, "y")?,
                v,
            })
        })
        .collect()
}

/// The distinct times of `truth` (the grid when no scenario gives one).
pub fn truth_times(truth: &[TruthRow]) -> Vec<f64> {
    let mut t: Vec<f64> = truth.iter().map(|r| r.time).collect();
    t.sort_by(f64::total_cmp);
    t.dedup_by(|a, b| (*a - *b).abs() < TIME_EPS);
    t
}

/// The scores at one cut-off distance.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CutoffScore {
    /// Cut-off distance c (metres).
    pub c: f64,
    /// Mean GOSPA (metres).
    pub gospa: f64,
    /// Mean localisation part (p-th power units).
    pub localisation: f64,
    /// Mean missed part, c^p / 2 per missed truth.
    pub missed_cost: f64,
    /// Mean false part, c^p / 2 per false track.
    pub false_cost: f64,
    /// Mean missed targets per grid time.
    pub missed_targets: f64,
    /// Mean missed cooperative targets (when the truth gives kinds).
    pub missed_cooperative: Option<f64>,
    /// Mean missed non-cooperative targets (when the truth gives kinds).
    pub missed_non_cooperative: Option<f64>,
    /// Mean false tracks per grid time.
    pub false_tracks: f64,
    /// Mean duplicate tracks per grid time.
    pub duplicates: f64,
    /// Id changes, all truths.
    pub id_changes: usize,
    /// Id changes per truth id.
    pub id_changes_per_object: f64,
    /// Returns to being paired after unpaired grid times, all truths.
    pub breaks: usize,
}

/// A tracks file scored against truth on a grid.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    /// Grid times scored.
    pub grid_times: usize,
    /// GOSPA order p.
    pub p: f64,
    /// Truth ids alive at one grid time at least.
    pub objects: usize,
    /// Of which cooperative (when the truth gives kinds).
    pub cooperative_objects: Option<usize>,
    /// Mean truths alive per grid time.
    pub mean_alive: f64,
    /// Mean cooperative truths alive (when the truth gives kinds).
    pub mean_alive_cooperative: Option<f64>,
    /// Mean non-cooperative truths alive (when the truth gives kinds).
    pub mean_alive_non_cooperative: Option<f64>,
    /// Mean present tracks per grid time.
    pub mean_tracks: f64,
    /// `mean_tracks / mean_alive` (0 without truths).
    pub tracks_per_object: f64,
    /// One entry per cut-off, in the order asked.
    pub scores: Vec<CutoffScore>,
}

/// Present tracks at `g`: (index into `ids`, position).
fn present(tracks: &[(&str, Vec<&TrackRow>)], g: f64) -> Vec<(usize, [f64; 2])> {
    let mut out = Vec::new();
    for (k, (_, rows)) in tracks.iter().enumerate() {
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            continue;
        };
        if first.time > g + TIME_EPS || last.time < g - TIME_EPS {
            continue;
        }
        let at = rows.partition_point(|r| r.time <= g + TIME_EPS);
        let Some(r) = at.checked_sub(1).and_then(|i| rows.get(i)) else {
            continue;
        };
        let dt = g - r.time;
        let [vx, vy] = r.v.unwrap_or([0.0, 0.0]);
        out.push((k, [r.x + vx * dt, r.y + vy * dt]));
    }
    out
}

/// Per truth id, what fragmentation counting needs.
#[derive(Default, Clone)]
struct Life {
    last: Option<usize>,
    gap: bool,
}

/// Scores `tracks` against `truth` at each time of `grid`, with GOSPA
/// order `p` and each cut-off of `cs` (see the module's definitions).
pub fn score(truth: &[TruthRow], tracks: &[TrackRow], grid: &[f64], p: f64, cs: &[f64]) -> Report {
    let mut truth: Vec<&TruthRow> = truth.iter().collect();
    truth.sort_by(|a, b| a.time.total_cmp(&b.time));
    let mut by_id: BTreeMap<&str, Vec<&TrackRow>> = BTreeMap::new();
    for r in tracks {
        by_id.entry(&r.id).or_default().push(r);
    }
    let tracks: Vec<(&str, Vec<&TrackRow>)> = by_id
        .into_iter()
        .map(|(id, mut rows)| {
            rows.sort_by(|a, b| a.time.total_cmp(&b.time));
            (id, rows)
        })
        .collect();
    let kinds_known = truth.iter().all(|r| r.cooperative.is_some()) && !truth.is_empty();

    let mut objects: HashMap<&str, bool> = HashMap::new();
    let (mut alive, mut alive_coop, mut n_tracks) = (0usize, 0usize, 0usize);
    let mut per_c: Vec<Vec<Gospa>> = vec![Vec::new(); cs.len()];
    let mut counts = vec![[0usize; 5]; cs.len()]; // missed, coop, non-coop, false, dup
    let mut lives: Vec<HashMap<&str, Life>> = vec![HashMap::new(); cs.len()];
    let mut changes = vec![(0usize, 0usize); cs.len()];

    for &g in grid {
        let lo = truth.partition_point(|r| r.time < g - TIME_EPS);
        let now: Vec<&TruthRow> = truth[lo..]
            .iter()
            .take_while(|r| r.time <= g + TIME_EPS)
            .copied()
            .collect();
        let tpos: Vec<[f64; 2]> = now.iter().map(|r| [r.x, r.y]).collect();
        for r in &now {
            let coop = r.cooperative == Some(true);
            objects.insert(&r.id, coop);
            alive += 1;
            alive_coop += usize::from(coop);
        }
        let est = present(&tracks, g);
        n_tracks += est.len();
        let epos: Vec<[f64; 2]> = est.iter().map(|e| e.1).collect();
        for (ci, &c) in cs.iter().enumerate() {
            let (gs, pairs) = gospa_assignment(&tpos, &epos, GospaParams { c, p });
            per_c[ci].push(gs);
            let n = &mut counts[ci];
            for (r, pair) in now.iter().zip(&pairs) {
                if pair.is_none() {
                    n[0] += 1;
                    if r.cooperative == Some(true) {
                        n[1] += 1;
                    } else {
                        n[2] += 1;
                    }
                }
            }
            n[3] += epos.len() - pairs.iter().flatten().count();
            n[4] += duplicates(&tpos, &epos, c);
            for (r, pair) in now.iter().zip(&pairs) {
                let life = lives[ci].entry(&r.id).or_default();
                match pair.map(|j| est[j].0) {
                    Some(k) => {
                        if life.last.is_some_and(|l| l != k) {
                            changes[ci].0 += 1;
                        }
                        if life.gap {
                            changes[ci].1 += 1;
                        }
                        life.last = Some(k);
                        life.gap = false;
                    }
                    None => life.gap = life.last.is_some(),
                }
            }
        }
    }

    let ng = grid.len().max(1) as f64;
    let nobj = objects.len();
    let mean_alive = alive as f64 / ng;
    let kind = |v: f64| kinds_known.then_some(v);
    let scores = cs
        .iter()
        .enumerate()
        .map(|(ci, &c)| {
            let m = mean(&per_c[ci]);
            let n = counts[ci];
            CutoffScore {
                c,
                gospa: m.total,
                localisation: m.localisation,
                missed_cost: m.missed,
                false_cost: m.false_tracks,
                missed_targets: n[0] as f64 / ng,
                missed_cooperative: kind(n[1] as f64 / ng),
                missed_non_cooperative: kind(n[2] as f64 / ng),
                false_tracks: n[3] as f64 / ng,
                duplicates: n[4] as f64 / ng,
                id_changes: changes[ci].0,
                id_changes_per_object: if nobj > 0 {
                    changes[ci].0 as f64 / nobj as f64
                } else {
                    0.0
                },
                breaks: changes[ci].1,
            }
        })
        .collect();
    Report {
        grid_times: grid.len(),
        p,
        objects: nobj,
        cooperative_objects: kinds_known.then(|| objects.values().filter(|c| **c).count()),
        mean_alive,
        mean_alive_cooperative: kind(alive_coop as f64 / ng),
        mean_alive_non_cooperative: kind((alive - alive_coop) as f64 / ng),
        mean_tracks: n_tracks as f64 / ng,
        tracks_per_object: if alive > 0 {
            n_tracks as f64 / alive as f64
        } else {
            0.0
        },
        scores,
    }
}

/// Duplicates at one time: each estimate attached to its nearest truth
/// closer than `c`; k attached to one truth add k - 1.
fn duplicates(truth: &[[f64; 2]], est: &[[f64; 2]], c: f64) -> usize {
    let mut attached = vec![0usize; truth.len()];
    for e in est {
        let nearest = truth
            .iter()
            .enumerate()
            .map(|(i, t)| (i, (t[0] - e[0]).hypot(t[1] - e[1])))
            .filter(|(_, d)| *d < c)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = nearest {
            attached[i] += 1;
        }
    }
    attached.iter().map(|k| k.saturating_sub(1)).sum()
}

#[cfg(test)]
mod tests;
