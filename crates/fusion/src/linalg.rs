//! Fixed-size matrix helpers for the 2-D tracker.
//!
//! The filters only ever need 2×2 and 4×4 matrices, so plain arrays keep the
//! hot path free of allocation and of a heavy linear-algebra dependency.

/// A 2-vector.
pub type Vec2 = [f64; 2];
/// A 2×2 matrix, row major.
pub type Mat2 = [[f64; 2]; 2];
/// A 4-vector (state `x, vx, y, vy`).
pub type Vec4 = [f64; 4];
/// A 4×4 matrix, row major.
pub type Mat4 = [[f64; 4]; 4];

/// Inverse of a symmetric 2×2 matrix, or `None` when it is not positive definite.
pub fn inv2_spd(m: &Mat2) -> Option<Mat2> {
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    // A covariance must have a positive determinant and diagonal; anything
    // else means a corrupt detection or a diverged filter.
    if !(det > 0.0 && m[0][0] > 0.0 && det.is_finite()) {
        return None;
    }
    let inv_det = 1.0 / det;
    Some([
        [m[1][1] * inv_det, -m[0][1] * inv_det],
        [-m[1][0] * inv_det, m[0][0] * inv_det],
    ])
}

/// Quadratic form `v' M v` for 2-vectors.
pub fn quad2(v: &Vec2, m: &Mat2) -> f64 {
    v[0] * (m[0][0] * v[0] + m[0][1] * v[1]) + v[1] * (m[1][0] * v[0] + m[1][1] * v[1])
}

/// Determinant of a 2×2 matrix.
pub fn det2(m: &Mat2) -> f64 {
    m[0][0] * m[1][1] - m[0][1] * m[1][0]
}

/// Product `a b` of two 4×4 matrices.
pub fn mul4(a: &Mat4, b: &Mat4) -> Mat4 {
    let mut out = [[0.0; 4]; 4];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = (0..4).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    out
}

/// Transpose of a 4×4 matrix.
pub fn transpose4(a: &Mat4) -> Mat4 {
    let mut out = [[0.0; 4]; 4];
    for (i, row) in a.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            out[j][i] = *v;
        }
    }
    out
}

/// Averages a matrix with its transpose, removing round-off asymmetry.
pub fn symmetrise4(a: &mut Mat4) {
    for (i, j) in [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)] {
        let m = 0.5 * (a[i][j] + a[j][i]);
        a[i][j] = m;
        a[j][i] = m;
    }
}

/// Sum of two 4×4 matrices.
pub fn add4(a: &Mat4, b: &Mat4) -> Mat4 {
    let mut out = *a;
    for (i, row) in out.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell += b[i][j];
        }
    }
    out
}

/// Scales a 4×4 matrix.
pub fn scale4(a: &Mat4, s: f64) -> Mat4 {
    let mut out = *a;
    for row in out.iter_mut() {
        for cell in row.iter_mut() {
            *cell *= s;
        }
    }
    out
}

/// Outer product `u v'` of two 4-vectors.
pub fn outer4(u: &Vec4, v: &Vec4) -> Mat4 {
    let mut out = [[0.0; 4]; 4];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = u[i] * v[j];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_spd_is_inverse() {
        let m = [[4.0, 1.0], [1.0, 3.0]];
        let inv = inv2_spd(&m).unwrap();
        let prod00 = m[0][0] * inv[0][0] + m[0][1] * inv[1][0];
        let prod01 = m[0][0] * inv[0][1] + m[0][1] * inv[1][1];
        assert!((prod00 - 1.0).abs() < 1e-12);
        assert!(prod01.abs() < 1e-12);
    }

    #[test]
    fn non_positive_matrices_have_no_inverse() {
        assert!(inv2_spd(&[[1.0, 2.0], [2.0, 1.0]]).is_none());
        assert!(inv2_spd(&[[-1.0, 0.0], [0.0, -1.0]]).is_none());
        assert!(inv2_spd(&[[f64::NAN, 0.0], [0.0, 1.0]]).is_none());
    }

    #[test]
    fn product_with_identity_and_transpose() {
        let mut id = [[0.0; 4]; 4];
        for (i, row) in id.iter_mut().enumerate() {
            row[i] = 1.0;
        }
        let a = [
            [1.0, 2.0, 3.0, 4.0],
            [5.0, 6.0, 7.0, 8.0],
            [9.0, 1.0, 2.0, 3.0],
            [4.0, 5.0, 6.0, 7.0],
        ];
        assert_eq!(mul4(&a, &id), a);
        assert_eq!(transpose4(&transpose4(&a)), a);
        assert_eq!(transpose4(&a)[0][1], 5.0);
        assert!((quad2(&[1.0, 2.0], &[[2.0, 0.5], [0.5, 1.0]]) - 8.0).abs() < 1e-12);
    }
}
