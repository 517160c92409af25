use super::*;

fn truth(time: f64, id: &str, x: f64, coop: bool) -> TruthRow {
    TruthRow {
        time,
        id: id.into(),
        x,
        y: 0.0,
        cooperative: Some(coop),
    }
}

fn track(time: f64, id: &str, x: f64) -> TrackRow {
    TrackRow {
        time,
        id: id.into(),
        x,
        y: 0.0,
        v: Some([0.0, 0.0]),
    }
}

const GRID: [f64; 4] = [0.0, 1.0, 2.0, 3.0];

/// One object at x = 0 over the grid, and another far away at x = 10 km.
fn two_objects() -> Vec<TruthRow> {
    GRID.iter()
        .flat_map(|&t| [truth(t, "a", 0.0, false), truth(t, "b", 10_000.0, true)])
        .collect()
}

#[test]
fn perfect_tracks_score_zero() {
    let tr: Vec<TrackRow> = GRID
        .iter()
        .flat_map(|&t| [track(t, "1", 0.0), track(t, "2", 10_000.0)])
        .collect();
    let r = score(&two_objects(), &tr, &GRID, 1.0, &[50.0, 200.0]);
    assert_eq!(
        (r.grid_times, r.objects, r.cooperative_objects),
        (4, 2, Some(1))
    );
    assert_eq!(
        (r.mean_alive, r.mean_tracks, r.tracks_per_object),
        (2.0, 2.0, 1.0)
    );
    for s in &r.scores {
        assert_eq!(
            (s.gospa, s.missed_targets, s.false_tracks, s.duplicates),
            (0.0, 0.0, 0.0, 0.0)
        );
        assert_eq!((s.id_changes, s.breaks), (0, 0));
    }
}

#[test]
fn one_object_two_tracks_is_one_duplicate() {
    let tr: Vec<TrackRow> = GRID
        .iter()
        .flat_map(|&t| {
            [
                track(t, "1", 0.0),
                track(t, "9", 5.0),
                track(t, "2", 10_000.0),
            ]
        })
        .collect();
    let r = score(&two_objects(), &tr, &GRID, 1.0, &[50.0]);
    let s = &r.scores[0];
    assert_eq!(s.duplicates, 1.0);
    // GOSPA pairs one of the two; the other is false at c = 50.
    assert_eq!((s.false_tracks, s.missed_targets), (1.0, 0.0));
    assert_eq!(s.gospa, 25.0);
    assert_eq!(r.tracks_per_object, 1.5);
    // Beyond c the extra track is no duplicate.
    let far: Vec<TrackRow> = tr
        .iter()
        .map(|t| TrackRow {
            x: if t.id == "9" { 80.0 } else { t.x },
            ..t.clone()
        })
        .collect();
    assert_eq!(
        score(&two_objects(), &far, &GRID, 1.0, &[50.0]).scores[0].duplicates,
        0.0
    );
    assert_eq!(
        score(&two_objects(), &far, &GRID, 1.0, &[200.0]).scores[0].duplicates,
        1.0
    );
}

#[test]
fn a_track_number_change_is_one_fragmentation() {
    let tr: Vec<TrackRow> = GRID
        .iter()
        .flat_map(|&t| {
            let id = if t < 2.0 { "1" } else { "7" };
            [track(t, id, 0.0), track(t, "2", 10_000.0)]
        })
        .collect();
    let s = &score(&two_objects(), &tr, &GRID, 1.0, &[50.0]).scores[0];
    assert_eq!((s.id_changes, s.breaks), (1, 0));
    assert_eq!(s.id_changes_per_object, 0.5);
    assert_eq!(s.gospa, 0.0);
}

#[test]
fn a_gap_then_another_track_is_a_change_and_a_break() {
    // Track 1 ends at 0, nothing at 1, track 3 from 2 on.
    let tr = [
        track(0.0, "1", 0.0),
        track(2.0, "3", 0.0),
        track(3.0, "3", 0.0),
    ];
    let t: Vec<TruthRow> = GRID.iter().map(|&t| truth(t, "a", 0.0, false)).collect();
    let s = &score(&t, &tr, &GRID, 1.0, &[50.0]).scores[0];
    // Present: "1" only at 0; "3" at 2 and 3; at 1 the truth is unpaired.
    assert_eq!((s.id_changes, s.breaks), (1, 1));
    assert_eq!(s.missed_targets, 0.25);
}

#[test]
fn a_target_never_tracked_is_one_missed_of_its_kind() {
    let tr: Vec<TrackRow> = GRID.iter().map(|&t| track(t, "1", 0.0)).collect();
    let r = score(&two_objects(), &tr, &GRID, 1.0, &[50.0, 200.0]);
    assert_eq!(r.mean_alive_cooperative, Some(1.0));
    let (s50, s200) = (&r.scores[0], &r.scores[1]);
    assert_eq!(s50.missed_targets, 1.0);
    assert_eq!(
        (s50.missed_cooperative, s50.missed_non_cooperative),
        (Some(1.0), Some(0.0))
    );
    assert_eq!((s50.gospa, s200.gospa), (25.0, 100.0));
    // Without an ident column the kind is unknown, not guessed.
    let v1: Vec<TruthRow> = two_objects()
        .into_iter()
        .map(|r| TruthRow {
            cooperative: None,
            ..r
        })
        .collect();
    let r = score(&v1, &tr, &GRID, 1.0, &[50.0]);
    assert_eq!(
        (r.scores[0].missed_targets, r.scores[0].missed_cooperative),
        (1.0, None)
    );
    assert_eq!(r.cooperative_objects, None);
}

#[test]
fn tracks_are_moved_to_the_grid_time_at_their_velocity() {
    // One row at 0.5 s, 20 m/s east: at 1 s it is at 10 m, then 30 m, 50 m.
    let tr = [
        TrackRow {
            time: 0.5,
            id: "k".into(),
            x: 0.0,
            y: 0.0,
            v: Some([20.0, 0.0]),
        },
        TrackRow {
            time: 3.0,
            id: "k".into(),
            x: 50.0,
            y: 0.0,
            v: Some([20.0, 0.0]),
        },
    ];
    let t: Vec<TruthRow> = GRID
        .iter()
        .map(|&t| truth(t, "a", 20.0 * (t - 0.5), false))
        .collect();
    let r = score(&t, &tr, &GRID, 1.0, &[50.0]);
    // At 0 the track is not yet present (missed); after that exact.
    assert_eq!(r.mean_tracks, 0.75);
    assert_eq!(r.scores[0].gospa, 25.0 / 4.0);
    // Without velocity the position is held: 10 m off at 1 s, 30 m at 2 s.
    let held: Vec<TrackRow> = tr
        .iter()
        .map(|r| TrackRow {
            v: None,
            ..r.clone()
        })
        .collect();
    assert!(
        (score(&t, &held, &GRID, 1.0, &[50.0]).scores[0].gospa - (25.0 + 10.0 + 30.0) / 4.0).abs()
            < 1e-9
    );
}

#[test]
fn files_parse_by_column_name() {
    let t = parse_truth(
        "time,truth_id,x,y,vx,vy,ident,manoeuvring,covered_by\n0.000,0,1,2,0,0,7e5fe3,0,1;2\n0.000,1,3,4,0,0,,1,\n",
    )
    .unwrap();
    assert_eq!(
        (t[0].cooperative, t[1].cooperative),
        (Some(true), Some(false))
    );
    assert_eq!(
        parse_truth("time,truth_id,x,y,vx,vy\n0.000,0,1,2,0,0\n").unwrap()[0].cooperative,
        None
    );
    let k = parse_tracks("time,track_id,x,y\n1.000,a,1,2\n").unwrap();
    assert_eq!((k[0].id.as_str(), k[0].v), ("a", None));
    let k = parse_tracks("time,track_id,x,y,vx,vy\n1.000,a,1,2,3,4\n").unwrap();
    assert_eq!(k[0].v, Some([3.0, 4.0]));
    let e = parse_tracks("time,track_id,x,y\n1.000,a,oops,2\n").unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
    assert!(parse_tracks("time,id,x,y\n").is_err());
    assert_eq!(truth_times(&t), vec![0.0]);
}
