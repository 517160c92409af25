//! Rectangular linear assignment by shortest augmenting paths.
//!
//! The Jonker–Volgenant family of algorithms in the rectangular form that
//! Crouse describes ("On implementing 2D rectangular assignment algorithms",
//! IEEE TAES 2016): one Dijkstra-like search per row over reduced costs, dual
//! variables kept so that reduced costs stay non-negative. `O(r² c)` for `r`
//! rows and `c ≥ r` columns. Forbidden pairs are `f64::INFINITY`.

use thiserror::Error;

/// Why an assignment could not be solved.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AssignError {
    /// The cost slice does not have `rows * cols` entries.
    #[error("cost matrix has {got} entries, expected {rows}x{cols}")]
    Shape {
        /// Rows requested.
        rows: usize,
        /// Columns requested.
        cols: usize,
        /// Entries given.
        got: usize,
    },
    /// A cost is NaN or minus infinity.
    #[error("cost at row {row}, column {col} is not a number or is -inf")]
    BadCost {
        /// Row of the bad entry.
        row: usize,
        /// Column of the bad entry.
        col: usize,
    },
    /// Some row cannot be given a column at finite cost.
    #[error("no complete assignment at finite cost exists")]
    Infeasible,
}

/// An optimal assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// For each row, its column, or `None` when it is left unassigned.
    pub col_for_row: Vec<Option<usize>>,
    /// Total cost, including the "not assigned" costs where they apply.
    pub cost: f64,
}

const NONE: usize = usize::MAX;

/// Minimum-cost assignment on a dense row-major `rows × cols` matrix.
///
/// With `rows <= cols` every row gets a column; otherwise every column gets a
/// row (the transpose is solved). Returns [`AssignError::Infeasible`] when that
/// cannot be done at finite cost.
pub fn solve(cost: &[f64], rows: usize, cols: usize) -> Result<Assignment, AssignError> {
    check(cost, rows, cols)?;
    if rows <= cols {
        let c4r = solve_wide(cost, rows, cols)?;
        let total = c4r
            .iter()
            .enumerate()
            .map(|(i, &j)| cost[i * cols + j])
            .sum();
        Ok(Assignment {
            col_for_row: c4r.into_iter().map(Some).collect(),
            cost: total,
        })
    } else {
        let mut t = vec![0.0; rows * cols];
        for i in 0..rows {
            for j in 0..cols {
                t[j * rows + i] = cost[i * cols + j];
            }
        }
        let r4c = solve_wide(&t, cols, rows)?;
        let mut col_for_row = vec![None; rows];
        let mut total = 0.0;
        for (j, &i) in r4c.iter().enumerate() {
            col_for_row[i] = Some(j);
            total += cost[i * cols + j];
        }
        Ok(Assignment {
            col_for_row,
            cost: total,
        })
    }
}

/// Minimum-cost partial assignment: row `i` may stay unassigned at cost
/// `row_miss[i]`, column `j` at `col_miss[j]`. Always feasible when the miss
/// costs are finite.
pub fn solve_with_misses(
    cost: &[f64],
    rows: usize,
    cols: usize,
    row_miss: &[f64],
    col_miss: &[f64],
) -> Result<Assignment, AssignError> {
    check(cost, rows, cols)?;
    if row_miss.len() != rows || col_miss.len() != cols {
        return Err(AssignError::Shape {
            rows,
            cols,
            got: row_miss.len() * col_miss.len(),
        });
    }
    let free_cols = col_miss.iter().all(|&c| c == 0.0);
    // Columns may go unused for free, so one dummy column per row suffices;
    // otherwise the square (rows+cols) augmentation with dummy rows is needed.
    let (ar, ac) = if free_cols {
        (rows, cols + rows)
    } else {
        (rows + cols, cols + rows)
    };
    let mut aug = vec![f64::INFINITY; ar * ac];
    for i in 0..rows {
        aug[i * ac..i * ac + cols].copy_from_slice(&cost[i * cols..(i + 1) * cols]);
        aug[i * ac + cols + i] = row_miss[i];
    }
    if !free_cols {
        for j in 0..cols {
            let r = rows + j;
            aug[r * ac + j] = col_miss[j];
            for k in 0..rows {
                aug[r * ac + cols + k] = 0.0;
            }
        }
    }
    check(&aug, ar, ac)?;
    let c4r = solve_wide(&aug, ar, ac)?;
    let mut col_for_row = vec![None; rows];
    let mut total = 0.0;
    let mut col_used = vec![false; cols];
    for (i, slot) in col_for_row.iter_mut().enumerate() {
        let j = c4r[i];
        if j < cols {
            *slot = Some(j);
            col_used[j] = true;
            total += cost[i * cols + j];
        } else {
            total += row_miss[i];
        }
    }
    total += col_used
        .iter()
        .zip(col_miss)
        .filter(|(used, _)| !**used)
        .map(|(_, c)| c)
        .sum::<f64>();
    Ok(Assignment {
        col_for_row,
        cost: total,
    })
}

fn check(cost: &[f64], rows: usize, cols: usize) -> Result<(), AssignError> {
    if cost.len() != rows.saturating_mul(cols) {
        return Err(AssignError::Shape {
            rows,
            cols,
            got: cost.len(),
        });
    }
    if let Some(k) = cost
        .iter()
        .position(|c| c.is_nan() || *c == f64::NEG_INFINITY)
    {
        return Err(AssignError::BadCost {
            row: k / cols.max(1),
            col: k % cols.max(1),
        });
    }
    Ok(())
}

/// Core solver for `rows <= cols`; returns the column of every row.
fn solve_wide(cost: &[f64], rows: usize, cols: usize) -> Result<Vec<usize>, AssignError> {
    let mut u = vec![0.0; rows];
    let mut v = vec![0.0; cols];
    let mut col4row = vec![NONE; rows];
    let mut row4col = vec![NONE; cols];
    let mut shortest = vec![f64::INFINITY; cols];
    let mut pred = vec![0usize; cols];
    let mut seen_rows = vec![false; rows];
    let mut seen_cols = vec![false; cols];
    let mut remaining: Vec<usize> = Vec::with_capacity(cols);

    for cur in 0..rows {
        shortest.fill(f64::INFINITY);
        seen_rows.fill(false);
        seen_cols.fill(false);
        remaining.clear();
        remaining.extend((0..cols).rev());
        let mut min_val = 0.0;
        let mut i = cur;
        let sink = loop {
            seen_rows[i] = true;
            let mut best = NONE;
            let mut lowest = f64::INFINITY;
            for (k, &j) in remaining.iter().enumerate() {
                let r = min_val + cost[i * cols + j] - u[i] - v[j];
                if r < shortest[j] {
                    pred[j] = i;
                    shortest[j] = r;
                }
                // Prefer a free column on ties: it ends the search sooner.
                if shortest[j] < lowest || (shortest[j] == lowest && row4col[j] == NONE) {
                    lowest = shortest[j];
                    best = k;
                }
            }
            if best == NONE || !lowest.is_finite() {
                return Err(AssignError::Infeasible);
            }
            min_val = lowest;
            let j = remaining.swap_remove(best);
            seen_cols[j] = true;
            if row4col[j] == NONE {
                break j;
            }
            i = row4col[j];
        };
        u[cur] += min_val;
        for r in 0..rows {
            if seen_rows[r] && r != cur {
                u[r] += min_val - shortest[col4row[r]];
            }
        }
        for j in 0..cols {
            if seen_cols[j] {
                v[j] -= min_val - shortest[j];
            }
        }
        let mut j = sink;
        loop {
            let i = pred[j];
            row4col[j] = i;
            std::mem::swap(&mut col4row[i], &mut j);
            if i == cur {
                break;
            }
        }
    }
    Ok(col4row)
}

#[cfg(test)]
mod tests;
