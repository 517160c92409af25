use super::*;

#[test]
fn equator_and_pole_have_known_ecef() {
    let e = Geodetic {
        lat_deg: 0.0,
        lon_deg: 0.0,
        alt_m: 0.0,
    }
    .to_ecef();
    assert!((e.x - WGS84_A).abs() < 1e-9 && e.y.abs() < 1e-9 && e.z.abs() < 1e-9);
    let p = Geodetic {
        lat_deg: 90.0,
        lon_deg: 0.0,
        alt_m: 0.0,
    }
    .to_ecef();
    // semi-minor axis b = a (1 - f) = 6 356 752.314 245 m
    assert!((p.z - 6_356_752.314_245).abs() < 1e-3);
}

#[test]
fn known_point_matches_reference() {
    // Reference computed independently (closed form) for 45° N, 45° E, 1000 m.
    let g = Geodetic {
        lat_deg: 45.0,
        lon_deg: 45.0,
        alt_m: 1000.0,
    };
    let e = g.to_ecef();
    let n = WGS84_A / (1.0 - WGS84_E2 * 0.5_f64).sqrt();
    let xy = (n + 1000.0) * 0.5;
    assert!((e.x - xy).abs() < 1e-6 && (e.y - xy).abs() < 1e-6);
    assert!((e.x - 3_194_919.145).abs() < 1e-2);
    assert!((e.z - 4_488_055.516).abs() < 1e-2);
}

#[test]
fn geodetic_round_trip() {
    for &(lat, lon, alt) in &[
        (0.0, 0.0, 0.0),
        (31.7619, -106.485, 1140.0),
        (-33.8688, 151.2093, -30.0),
        (89.9999, 12.0, 5000.0),
        (-90.0, 0.0, 0.0),
        (60.0, 179.999, 12_000.0),
    ] {
        let g = Geodetic {
            lat_deg: lat,
            lon_deg: lon,
            alt_m: alt,
        };
        let back = g.to_ecef().to_geodetic();
        assert!(
            (back.lat_deg - lat).abs() < 1e-9,
            "lat {lat}: {}",
            back.lat_deg
        );
        if lat.abs() < 90.0 {
            assert!(
                (back.lon_deg - lon).abs() < 1e-9,
                "lon {lon}: {}",
                back.lon_deg
            );
        }
        assert!((back.alt_m - alt).abs() < 1e-6, "alt {alt}: {}", back.alt_m);
    }
}

#[test]
fn enu_round_trip_and_axes() {
    let frame = EnuFrame::new(Geodetic {
        lat_deg: 31.76,
        lon_deg: -106.48,
        alt_m: 1200.0,
    });
    let o = frame.geodetic_to_enu(&frame.origin());
    assert!(o.iter().all(|v| v.abs() < 1e-6));
    for enu in [
        [1000.0, -2000.0, 30.0],
        [-50_000.0, 75_000.0, 0.0],
        [0.0, 0.0, 10_000.0],
    ] {
        let back = frame.ecef_to_enu(&frame.enu_to_ecef(&enu));
        for k in 0..3 {
            assert!((back[k] - enu[k]).abs() < 1e-6);
        }
        let g = frame.enu_to_geodetic(&enu);
        let again = frame.geodetic_to_enu(&g);
        for k in 0..3 {
            assert!((again[k] - enu[k]).abs() < 1e-6);
        }
    }
    // A point slightly north of the origin is north in ENU.
    let north = frame.geodetic_to_enu(&Geodetic {
        lat_deg: 31.77,
        lon_deg: -106.48,
        alt_m: 1200.0,
    });
    assert!(north[1] > 1100.0 && north[1] < 1120.0, "{north:?}");
    assert!(north[0].abs() < 1e-6);
}

#[test]
fn polar_conversion_and_covariance() {
    let m = PolarMeasurement {
        range_m: 10_000.0,
        azimuth_deg: 90.0,
        sigma_range_m: 20.0,
        sigma_azimuth_deg: 0.1,
    };
    let (p, c) = m.to_local();
    assert!((p[0] - 10_000.0).abs() < 1e-9 && p[1].abs() < 1e-9);
    // Due east: range error lies along east, azimuth error along north.
    let cross = 10_000.0 * 0.1_f64.to_radians();
    assert!((c[0][0] - 400.0).abs() < 1e-6);
    assert!((c[1][1] - cross * cross).abs() < 1e-6);
    assert!(c[0][1].abs() < 1e-6 && (c[0][1] - c[1][0]).abs() < 1e-12);
    assert!(m.linearisation_ok());

    let north_east = PolarMeasurement {
        azimuth_deg: 45.0,
        ..m
    };
    let (p, c) = north_east.to_local();
    assert!((p[0] - p[1]).abs() < 1e-9);
    // Trace is invariant under rotation.
    assert!((c[0][0] + c[1][1] - 400.0 - cross * cross).abs() < 1e-6);
    let bad = PolarMeasurement {
        range_m: 200_000.0,
        sigma_range_m: 1.0,
        sigma_azimuth_deg: 1.0,
        ..m
    };
    assert!(!bad.linearisation_ok());
}

#[test]
fn site_plots_land_in_common_frame() {
    let frame = EnuFrame::new(Geodetic {
        lat_deg: 31.76,
        lon_deg: -106.48,
        alt_m: 0.0,
    });
    let site_pos = Geodetic {
        lat_deg: 31.80,
        lon_deg: -106.40,
        alt_m: 0.0,
    };
    let site = SensorSite::new(site_pos, &frame);
    let m = PolarMeasurement {
        range_m: 5_000.0,
        azimuth_deg: 30.0,
        sigma_range_m: 15.0,
        sigma_azimuth_deg: 0.2,
    };
    let (p, c) = site.polar_to_frame(&m);
    // Reference: the same point taken through geodetic coordinates.
    let (local, c_local) = m.to_local();
    let g = site.frame().enu_to_geodetic(&[local[0], local[1], 0.0]);
    let expect = frame.geodetic_to_enu(&g);
    assert!(
        (p[0] - expect[0]).abs() < 0.5 && (p[1] - expect[1]).abs() < 0.5,
        "{p:?} {expect:?}"
    );
    assert!((c[0][0] + c[1][1] - c_local[0][0] - c_local[1][1]).abs() < 1e-3);
    assert!((c[0][1] - c[1][0]).abs() < 1e-9);
}
