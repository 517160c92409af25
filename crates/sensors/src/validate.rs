//! Plausibility checks shared by every decoder: values that parse but cannot be
//! physical are reported as a typed [`Implausible`] rather than passed on.

/// A decoded value that cannot describe a real target.
///
/// The decoder that finds one drops the message and the caller counts it by
/// variant; nothing is clamped silently.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum Implausible {
    /// A number is NaN or infinite.
    #[error("{field} is not a finite number")]
    NotFinite {
        /// Name of the field.
        field: &'static str,
    },
    /// Latitude outside [-90, 90] degrees.
    #[error("latitude {0} outside [-90, 90] degrees")]
    Latitude(f64),
    /// Longitude outside [-180, 180] degrees.
    #[error("longitude {0} outside [-180, 180] degrees")]
    Longitude(f64),
    /// A range, distance or standard deviation below zero.
    #[error("{field} is negative ({value})")]
    Negative {
        /// Name of the field.
        field: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A value above what the source can report (e.g. rho beyond 256 NM).
    #[error("{field} {value} above the limit {limit}")]
    TooLarge {
        /// Name of the field.
        field: &'static str,
        /// The offending value.
        value: f64,
        /// The largest plausible value, in the field's unit.
        limit: f64,
    },
    /// A value outside an interval such as a confidence in [0, 1].
    #[error("{field} {value} outside its allowed interval")]
    OutOfInterval {
        /// Name of the field.
        field: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A covariance matrix that is not symmetric positive definite.
    #[error("covariance is not positive definite")]
    Covariance,
}

/// Requires a finite number.
pub fn finite(field: &'static str, value: f64) -> Result<f64, Implausible> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Implausible::NotFinite { field })
    }
}

/// Requires a finite WGS-84 latitude and longitude in degrees.
pub fn check_lat_lon(lat_deg: f64, lon_deg: f64) -> Result<(), Implausible> {
    if !finite("lat", lat_deg)?.abs().le(&90.0) {
        return Err(Implausible::Latitude(lat_deg));
    }
    if !finite("lon", lon_deg)?.abs().le(&180.0) {
        return Err(Implausible::Longitude(lon_deg));
    }
    Ok(())
}

/// Requires a radar slant range in [0, 256] nautical miles (CAT048 I040 cannot
/// encode more; a converted or simulated value can).
pub fn check_rho_nm(rho_nm: f64) -> Result<(), Implausible> {
    let rho = finite("rho_nm", rho_nm)?;
    if rho < 0.0 {
        return Err(Implausible::Negative {
            field: "rho_nm",
            value: rho,
        });
    }
    if rho > 256.0 {
        return Err(Implausible::TooLarge {
            field: "rho_nm",
            value: rho,
            limit: 256.0,
        });
    }
    Ok(())
}

/// Requires a 2x2 covariance (square metres) that is symmetric positive definite.
pub fn check_cov2(xx: f64, xy: f64, yx: f64, yy: f64) -> Result<(), Implausible> {
    for (field, v) in [("r_xx", xx), ("r_xy", xy), ("r_yx", yx), ("r_yy", yy)] {
        finite(field, v)?;
    }
    // Symmetric within rounding of printed decimals.
    let symmetric = (xy - yx).abs() <= 1e-9 * (1.0 + xy.abs().max(yx.abs()));
    if !symmetric || xx <= 0.0 || yy <= 0.0 || xx * yy - xy * xy <= 0.0 {
        return Err(Implausible::Covariance);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lat_lon_bounds() {
        assert!(check_lat_lon(90.0, -180.0).is_ok());
        assert_eq!(check_lat_lon(90.5, 0.0), Err(Implausible::Latitude(90.5)));
        assert_eq!(
            check_lat_lon(0.0, 181.0),
            Err(Implausible::Longitude(181.0))
        );
        assert!(matches!(
            check_lat_lon(f64::NAN, 0.0),
            Err(Implausible::NotFinite { .. })
        ));
    }

    #[test]
    fn rho_bounds() {
        assert!(check_rho_nm(255.99).is_ok());
        assert!(matches!(
            check_rho_nm(-1.0),
            Err(Implausible::Negative { .. })
        ));
        assert!(matches!(
            check_rho_nm(300.0),
            Err(Implausible::TooLarge { .. })
        ));
        assert!(check_rho_nm(f64::INFINITY).is_err());
    }

    #[test]
    fn covariance_must_be_positive_definite() {
        assert!(check_cov2(100.0, 0.0, 0.0, 100.0).is_ok());
        assert!(check_cov2(100.0, 100.0, 100.0, 100.0).is_err());
        assert!(check_cov2(-1.0, 0.0, 0.0, 1.0).is_err());
        assert!(check_cov2(1.0, 0.5, 0.4, 1.0).is_err());
        assert!(check_cov2(1.0, f64::NAN, f64::NAN, 1.0).is_err());
    }
}
