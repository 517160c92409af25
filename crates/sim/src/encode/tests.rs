//! Every encoder checked by decoding its output with the `sensors` crate.

use super::*;
use sensors::asterix::{
    data_blocks as split, decode_block, CartesianPosition, Cat021, Cat034, Cat048, DataSource,
    FlightLevel, GroundVector, LatLon, Mode3A, PolarPosition, PolarVelocity, Record,
    SourcePosition, TargetReportDescriptor, TrackStatus,
};

fn decode_one(category: u8, record: Vec<u8>) -> Record {
    let blocks = data_blocks(category, &[record], 1400).unwrap();
    assert_eq!(blocks.len(), 1);
    let block = split(&blocks[0]).next().unwrap().unwrap();
    let mut records: Vec<_> = decode_block(block).collect();
    assert_eq!(records.len(), 1);
    records.pop().unwrap().unwrap()
}

fn close(a: Option<f64>, b: Option<f64>, lsb: f64) {
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!((a - b).abs() <= lsb / 2.0 + 1e-12, "{a} vs {b} (lsb {lsb})");
}

#[test]
fn fspec_sets_fx_on_all_but_the_last_octet() {
    let mut w = RecordWriter::default();
    w.item(1, &[0xaa]);
    w.item(9, &[0xbb]);
    assert_eq!(w.finish(), vec![0x81, 0x40, 0xaa, 0xbb]);
    assert_eq!(RecordWriter::default().finish(), vec![0]);
}

#[test]
fn cat048_round_trips_within_lsb() {
    let r = Cat048 {
        source: Some(DataSource { sac: 250, sic: 1 }),
        time_of_day_s: Some(45_296.123),
        descriptor: Some(TargetReportDescriptor {
            detection_type: 5,
            simulated: true,
            spi: true,
            fixed_transponder: false,
            test: true,
        }),
        polar: Some(PolarPosition {
            rho_nm: 123.456,
            theta_deg: 359.999,
        }),
        mode3a: Some(Mode3A {
            code: 0o4123,
            not_validated: false,
            garbled: true,
            not_from_last_scan: false,
        }),
        flight_level: Some(FlightLevel {
            fl: -3.25,
            not_validated: true,
            garbled: false,
        }),
        aircraft_address: Some(0xFE0012),
        aircraft_id: Some("SIM012".into()),
        track_number: Some(4095),
        cartesian: Some(CartesianPosition {
            x_nm: -12.3,
            y_nm: 200.0,
        }),
        velocity: Some(PolarVelocity {
            ground_speed_mps: 230.0,
            heading_deg: 91.0,
        }),
        track_status: Some(TrackStatus {
            confirmed: false,
            sensor: 2,
            end_of_track: true,
            ghost: false,
        }),
        height_3d_ft: Some(-1000.0),
    };
    let Record::Cat048(d) = decode_one(48, encode_cat048(&r).unwrap()) else {
        panic!()
    };
    assert_eq!(d.source, r.source);
    close(d.time_of_day_s, r.time_of_day_s, 1.0 / 128.0);
    assert_eq!(d.descriptor, r.descriptor);
    let (p, q) = (d.polar.unwrap(), r.polar.unwrap());
    close(Some(p.rho_nm), Some(q.rho_nm), 1.0 / 256.0);
    // 359.999 rounds up to the next LSB, which is north.
    assert!(
        p.theta_deg < 0.006 || (p.theta_deg - 359.999).abs() < 0.003,
        "{}",
        p.theta_deg
    );
    assert_eq!(d.mode3a, r.mode3a);
    assert_eq!(d.flight_level, r.flight_level);
    assert_eq!(d.aircraft_address, r.aircraft_address);
    assert_eq!(d.aircraft_id, r.aircraft_id);
    assert_eq!(d.track_number, r.track_number);
    let (c, e) = (d.cartesian.unwrap(), r.cartesian.unwrap());
    close(Some(c.x_nm), Some(e.x_nm), 1.0 / 128.0);
    close(Some(c.y_nm), Some(e.y_nm), 1.0 / 128.0);
    let (v, u) = (d.velocity.unwrap(), r.velocity.unwrap());
    close(
        Some(v.ground_speed_mps),
        Some(u.ground_speed_mps),
        1852.0 / 16_384.0,
    );
    close(Some(v.heading_deg), Some(u.heading_deg), 360.0 / 65_536.0);
    assert_eq!(d.track_status, r.track_status);
    close(d.height_3d_ft, r.height_3d_ft, 25.0);
}

#[test]
fn cat021_round_trips_within_lsb() {
    let r = Cat021 {
        source: Some(DataSource { sac: 250, sic: 10 }),
        address_type: Some(0),
        ground_bit: Some(false),
        simulated: Some(true),
        track_number: Some(17),
        time_of_applicability_position_s: Some(100.5),
        position: Some(LatLon {
            lat_deg: 31.3312,
            lon_deg: -109.2001,
        }),
        position_high_res: Some(LatLon {
            lat_deg: -31.3312345,
            lon_deg: 179.9999999,
        }),
        time_of_applicability_velocity_s: Some(86_399.999),
        true_airspeed_kt: Some(450.0),
        target_address: Some(0xFE0001),
        time_of_reception_position_s: Some(3600.25),
        time_of_reception_velocity_s: Some(3600.5),
        geometric_height_ft: Some(35_012.5),
        mode3a: Some(Mode3A {
            code: 0o7000,
            not_validated: false,
            garbled: false,
            not_from_last_scan: false,
        }),
        roll_angle_deg: Some(-12.34),
        flight_level: Some(350.25),
        magnetic_heading_deg: Some(270.0),
        barometric_vertical_rate_mps: Some(-5.0),
        geometric_vertical_rate_mps: Some(7.5),
        ground_vector: Some(GroundVector {
            ground_speed_mps: 240.0,
            track_deg: 45.0,
            range_exceeded: false,
        }),
        time_of_report_transmission_s: Some(3600.75),
        target_id: Some("SIM001".into()),
        emitter_category: Some(3),
        selected_altitude_ft: Some(-2500.0),
    };
    let Record::Cat021(d) = decode_one(21, encode_cat021(&r).unwrap()) else {
        panic!()
    };
    assert_eq!(d.source, r.source);
    assert_eq!(
        (d.address_type, d.ground_bit, d.simulated),
        (Some(0), Some(false), Some(true))
    );
    assert_eq!(d.track_number, r.track_number);
    close(
        d.time_of_applicability_position_s,
        r.time_of_applicability_position_s,
        1.0 / 128.0,
    );
    let lsb23 = 180.0 / f64::from(1u32 << 23);
    let lsb30 = 180.0 / f64::from(1u32 << 30);
    let (p, q) = (d.position.unwrap(), r.position.unwrap());
    close(Some(p.lat_deg), Some(q.lat_deg), lsb23);
    close(Some(p.lon_deg), Some(q.lon_deg), lsb23);
    let (p, q) = (d.position_high_res.unwrap(), r.position_high_res.unwrap());
    close(Some(p.lat_deg), Some(q.lat_deg), lsb30);
    close(Some(p.lon_deg), Some(q.lon_deg), lsb30);
    // Just below midnight rounds to midnight, which wraps to zero.
    close(d.time_of_applicability_velocity_s, Some(0.0), 1.0 / 128.0);
    assert_eq!(d.true_airspeed_kt, r.true_airspeed_kt);
    assert_eq!(d.target_address, r.target_address);
    close(
        d.time_of_reception_position_s,
        r.time_of_reception_position_s,
        1.0 / 128.0,
    );
    close(
        d.time_of_reception_velocity_s,
        r.time_of_reception_velocity_s,
        1.0 / 128.0,
    );
    close(d.geometric_height_ft, r.geometric_height_ft, 6.25);
    assert_eq!(d.mode3a, r.mode3a);
    close(d.roll_angle_deg, r.roll_angle_deg, 0.01);
    close(d.flight_level, r.flight_level, 0.25);
    close(
        d.magnetic_heading_deg,
        r.magnetic_heading_deg,
        360.0 / 65_536.0,
    );
    let vr = 6.25 * 0.3048 / 60.0;
    close(
        d.barometric_vertical_rate_mps,
        r.barometric_vertical_rate_mps,
        vr,
    );
    close(
        d.geometric_vertical_rate_mps,
        r.geometric_vertical_rate_mps,
        vr,
    );
    let (g, h) = (d.ground_vector.unwrap(), r.ground_vector.unwrap());
    close(
        Some(g.ground_speed_mps),
        Some(h.ground_speed_mps),
        1852.0 / 16_384.0,
    );
    close(Some(g.track_deg), Some(h.track_deg), 360.0 / 65_536.0);
    assert!(!g.range_exceeded);
    close(
        d.time_of_report_transmission_s,
        r.time_of_report_transmission_s,
        1.0 / 128.0,
    );
    assert_eq!(d.target_id, r.target_id);
    assert_eq!(d.emitter_category, r.emitter_category);
    close(d.selected_altitude_ft, r.selected_altitude_ft, 25.0);
}

#[test]
fn cat034_round_trips_within_lsb() {
    let r = Cat034 {
        source: Some(DataSource { sac: 250, sic: 2 }),
        message_type: Some(2),
        time_of_day_s: Some(12.0),
        sector_azimuth_deg: Some(45.0),
        antenna_rotation_period_s: Some(4.8),
        message_counts: vec![(1, 12), (3, 2047)],
        data_filter: Some(4),
        source_position: Some(SourcePosition {
            height_m: 1420.0,
            position: LatLon {
                lat_deg: 31.4,
                lon_deg: -109.35,
            },
        }),
        collimation_error: Some((-0.5, 1.0)),
    };
    let Record::Cat034(d) = decode_one(34, encode_cat034(&r).unwrap()) else {
        panic!()
    };
    assert_eq!(d.source, r.source);
    assert_eq!(d.message_type, r.message_type);
    close(d.time_of_day_s, r.time_of_day_s, 1.0 / 128.0);
    close(d.sector_azimuth_deg, r.sector_azimuth_deg, 360.0 / 256.0);
    close(
        d.antenna_rotation_period_s,
        r.antenna_rotation_period_s,
        1.0 / 128.0,
    );
    assert_eq!(d.message_counts, r.message_counts);
    assert_eq!(d.data_filter, r.data_filter);
    let (p, q) = (d.source_position.unwrap(), r.source_position.unwrap());
    assert_eq!(p.height_m, q.height_m);
    let lsb23 = 180.0 / f64::from(1u32 << 23);
    close(Some(p.position.lat_deg), Some(q.position.lat_deg), lsb23);
    close(Some(p.position.lon_deg), Some(q.position.lon_deg), lsb23);
    let (c, e) = (d.collimation_error.unwrap(), r.collimation_error.unwrap());
    close(Some(c.0), Some(e.0), 1.0 / 128.0);
    close(Some(c.1), Some(e.1), 360.0 / 16_384.0);
}

#[test]
fn unencodable_values_are_errors_not_wraps() {
    let far = Cat048 {
        polar: Some(PolarPosition {
            rho_nm: 256.5,
            theta_deg: 0.0,
        }),
        ..Cat048::default()
    };
    assert!(matches!(
        encode_cat048(&far),
        Err(EncodeError::OutOfRange { .. })
    ));
    let nan = Cat048 {
        time_of_day_s: Some(f64::NAN),
        ..Cat048::default()
    };
    assert!(encode_cat048(&nan).is_err());
    let name = Cat021 {
        target_id: Some("sim-1".into()),
        ..Cat021::default()
    };
    assert!(matches!(
        encode_cat021(&name),
        Err(EncodeError::BadCharacters { .. })
    ));
    let long = Cat021 {
        target_id: Some("ABCDEFGHI".into()),
        ..Cat021::default()
    };
    assert!(encode_cat021(&long).is_err());
    assert!(data_blocks(48, &[vec![0; 100]], 50).is_err());
}

#[test]
fn blocks_split_to_fit_the_limit_and_decode_back() {
    let record = encode_cat048(&Cat048 {
        source: Some(DataSource { sac: 1, sic: 2 }),
        track_number: Some(7),
        ..Cat048::default()
    })
    .unwrap();
    let records = vec![record; 100];
    let blocks = data_blocks(48, &records, 64).unwrap();
    assert!(blocks.iter().all(|b| b.len() <= 64));
    let joined: Vec<u8> = blocks.concat();
    let decoded: usize = split(&joined)
        .map(|b| decode_block(b.unwrap()).count())
        .sum();
    assert_eq!(decoded, 100);
}
