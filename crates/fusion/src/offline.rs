//! Offline runs on recorded scenarios, the pure halves: detections cut into
//! scans for [`Tracker::process`](crate::Tracker::process), and a tracks
//! text scored against truth with GOSPA. Reading files and timing the
//! tracker are the tools' part (`sim::tracking`, `watchfloor track`).

use std::borrow::Cow;

use crate::gospa::{gospa, mean, Gospa, GospaParams};
use crate::scenario::{parse_positions, PositionRow, ScenarioError, ScenarioMeta};
use crate::tracker::Detection;

/// `dets` in time order; borrowed when they already are, as recorded
/// files are, so a large file is not held twice.
pub fn sorted_by_time(dets: &[Detection]) -> Cow<'_, [Detection]> {
    if dets.is_sorted_by(|a, b| a.time <= b.time) {
        dets.into()
    } else {
        let mut v = dets.to_vec();
        v.sort_by(|a, b| a.time.total_cmp(&b.time));
        v.into()
    }
}

/// Scan times: those of `meta` when given, else every time seen in the
/// detections, so that scans without any detection still count as misses.
pub fn scan_times(dets: &[Detection], meta: Option<&ScenarioMeta>) -> Vec<f64> {
    let mut times: Vec<f64> = meta.map(|m| m.scan_times()).unwrap_or_default();
    times.extend(dets.iter().map(|d| d.time));
    times.sort_by(f64::total_cmp);
    times.dedup();
    times
}

/// Each scan time with the detections of `sorted` (in time order, see
/// [`sorted_by_time`]) that arrived after the previous scan and by it.
pub fn scan_batches<'a>(
    sorted: &'a [Detection],
    times: &'a [f64],
) -> impl Iterator<Item = (f64, &'a [Detection])> + 'a {
    let mut k = 0;
    times.iter().map(move |&t| {
        let start = k;
        while k < sorted.len() && sorted[k].time <= t {
            k += 1;
        }
        (t, &sorted[start..k])
    })
}

/// Per-scan and mean GOSPA of tracks against truth.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// Mean over scans.
    pub mean: Gospa,
    /// Scans scored.
    pub scans: usize,
}

/// GOSPA at every time present in either text, averaged.
pub fn score_texts(truth: &str, tracks: &str, prm: GospaParams) -> Result<Score, ScenarioError> {
    let truth = parse_positions(truth)?;
    let tracks = parse_positions(tracks)?;
    let mut times: Vec<f64> = truth.iter().chain(&tracks).map(|r| r.time).collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    let at = |rows: &[PositionRow], t: f64| -> Vec<[f64; 2]> {
        let lo = rows.partition_point(|r| r.time < t);
        rows[lo..]
            .iter()
            .take_while(|r| r.time == t)
            .map(|r| [r.x, r.y])
            .collect()
    };
    let mut truth = truth;
    let mut tracks = tracks;
    truth.sort_by(|a, b| a.time.total_cmp(&b.time));
    tracks.sort_by(|a, b| a.time.total_cmp(&b.time));
    let per: Vec<Gospa> = times
        .iter()
        .map(|&t| gospa(&at(&truth, t), &at(&tracks, t), prm))
        .collect();
    Ok(Score {
        mean: mean(&per),
        scans: per.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det(time: f64) -> Detection {
        Detection {
            time,
            sensor_id: 0,
            x: 0.0,
            y: 0.0,
            r: [[1.0, 0.0], [0.0, 1.0]],
            ident: None,
        }
    }

    #[test]
    fn detections_fall_into_the_first_scan_at_or_after_them() {
        let dets = [det(0.0), det(0.5), det(2.0), det(1.0)];
        let sorted = sorted_by_time(&dets);
        assert!(matches!(sorted, Cow::Owned(_)));
        let meta = ScenarioMeta {
            first: 0.0,
            last: 3.0,
            interval: 1.0,
            q: None,
        };
        let times = scan_times(&sorted, Some(&meta));
        assert_eq!(times, [0.0, 0.5, 1.0, 2.0, 3.0]);
        let sizes: Vec<(f64, usize)> = scan_batches(&sorted, &times)
            .map(|(t, d)| (t, d.len()))
            .collect();
        assert_eq!(sizes, [(0.0, 1), (0.5, 1), (1.0, 1), (2.0, 1), (3.0, 0)]);
        assert!(matches!(sorted_by_time(&dets[..3]), Cow::Borrowed(_)));
    }

    #[test]
    fn malformed_positions_are_errors() {
        let e = score_texts(
            "time,truth_id,x,y\n0.0,1,2\n",
            "time,track_id,x,y\n",
            GospaParams::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
