use super::*;
use proptest::prelude::*;

/// Best total over all injective maps of the smaller side into the larger.
fn brute(cost: &[f64], rows: usize, cols: usize) -> f64 {
    fn rec(cost: &[f64], rows: usize, cols: usize, i: usize, used: &mut Vec<bool>) -> f64 {
        if i == rows {
            return 0.0;
        }
        let mut best = f64::INFINITY;
        for j in 0..cols {
            if !used[j] {
                used[j] = true;
                let c = cost[i * cols + j] + rec(cost, rows, cols, i + 1, used);
                used[j] = false;
                best = best.min(c);
            }
        }
        best
    }
    if rows <= cols {
        rec(cost, rows, cols, 0, &mut vec![false; cols])
    } else {
        let mut t = vec![0.0; rows * cols];
        for i in 0..rows {
            for j in 0..cols {
                t[j * rows + i] = cost[i * cols + j];
            }
        }
        rec(&t, cols, rows, 0, &mut vec![false; rows])
    }
}

/// Best partial assignment with miss costs, by enumeration.
fn brute_misses(cost: &[f64], rows: usize, cols: usize, rm: &[f64], cm: &[f64]) -> f64 {
    fn rec(
        c: &[f64],
        rows: usize,
        cols: usize,
        rm: &[f64],
        cm: &[f64],
        i: usize,
        used: &mut Vec<bool>,
    ) -> f64 {
        if i == rows {
            return (0..cols).filter(|&j| !used[j]).map(|j| cm[j]).sum();
        }
        let mut best = rm[i] + rec(c, rows, cols, rm, cm, i + 1, used);
        for j in 0..cols {
            if !used[j] {
                used[j] = true;
                best = best.min(c[i * cols + j] + rec(c, rows, cols, rm, cm, i + 1, used));
                used[j] = false;
            }
        }
        best
    }
    rec(cost, rows, cols, rm, cm, 0, &mut vec![false; cols])
}

fn matrix() -> impl Strategy<Value = (usize, usize, Vec<f64>)> {
    (1usize..5, 1usize..6).prop_flat_map(|(r, c)| {
        let cell = prop_oneof![4 => 0.0f64..100.0, 1 => Just(f64::INFINITY)];
        (Just(r), Just(c), proptest::collection::vec(cell, r * c))
    })
}

proptest! {
    #[test]
    fn matches_brute_force((rows, cols, cost) in matrix()) {
        let best = brute(&cost, rows, cols);
        match solve(&cost, rows, cols) {
            Ok(a) => {
                prop_assert!((a.cost - best).abs() < 1e-9, "{} vs {}", a.cost, best);
                let mut used: Vec<usize> = a.col_for_row.iter().flatten().copied().collect();
                prop_assert_eq!(used.len(), rows.min(cols));
                used.sort_unstable();
                used.dedup();
                prop_assert_eq!(used.len(), rows.min(cols));
            }
            Err(e) => {
                prop_assert_eq!(e, AssignError::Infeasible);
                prop_assert!(best.is_infinite());
            }
        }
    }

    #[test]
    fn misses_match_brute_force(
        (rows, cols, cost) in matrix(),
        rm in proptest::collection::vec(0.0f64..80.0, 5),
        cm in proptest::collection::vec(prop_oneof![Just(0.0f64), 0.0f64..50.0], 6),
    ) {
        let rm = &rm[..rows];
        let cm = &cm[..cols];
        let a = solve_with_misses(&cost, rows, cols, rm, cm).unwrap();
        let best = brute_misses(&cost, rows, cols, rm, cm);
        prop_assert!((a.cost - best).abs() < 1e-9, "{} vs {}", a.cost, best);
        let zeros = vec![0.0; cols];
        let free = solve_with_misses(&cost, rows, cols, rm, &zeros).unwrap();
        let best_free = brute_misses(&cost, rows, cols, rm, &zeros);
        prop_assert!((free.cost - best_free).abs() < 1e-9);
    }
}

#[test]
fn known_three_by_three() {
    let cost = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];
    let a = solve(&cost, 3, 3).unwrap();
    assert_eq!(a.col_for_row, vec![Some(1), Some(0), Some(2)]);
    assert!((a.cost - 5.0).abs() < 1e-12);
}

#[test]
fn tall_matrix_leaves_rows_out() {
    let cost = [1.0, 9.0, 2.0, 0.5];
    let a = solve(&cost, 4, 1).unwrap();
    assert_eq!(a.col_for_row, vec![None, None, None, Some(0)]);
}

#[test]
fn misses_prefer_leaving_out_expensive_pairs() {
    // Track 0 is 5 from its only detection but missing costs 3.
    let a = solve_with_misses(&[5.0, 1.0], 1, 2, &[3.0], &[0.0, 0.0]).unwrap();
    assert_eq!(a.col_for_row, vec![Some(1)]);
    let b = solve_with_misses(&[5.0], 1, 1, &[3.0], &[0.0]).unwrap();
    assert_eq!(b.col_for_row, vec![None]);
    assert!((b.cost - 3.0).abs() < 1e-12);
}

#[test]
fn bad_input_is_an_error() {
    assert!(matches!(
        solve(&[1.0, 2.0], 2, 2),
        Err(AssignError::Shape { .. })
    ));
    assert_eq!(
        solve(&[1.0, f64::NAN], 1, 2),
        Err(AssignError::BadCost { row: 0, col: 1 })
    );
    assert_eq!(solve(&[f64::INFINITY], 1, 1), Err(AssignError::Infeasible));
    assert!(solve(&[], 0, 0).unwrap().col_for_row.is_empty());
}
