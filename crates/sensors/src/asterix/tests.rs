use super::*;

/// Builds one data block from records.
fn block(category: u8, records: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = records.concat();
    let len = (body.len() + 3) as u16;
    let mut out = vec![category];
    out.extend(len.to_be_bytes());
    out.extend(body);
    out
}

/// Builds a record from (frn, item bytes), computing the FSPEC.
fn record(items: &[(usize, &[u8])]) -> Vec<u8> {
    let max = items.iter().map(|(f, _)| *f).max().unwrap_or(1);
    let octets = max.div_ceil(7);
    let mut fspec = vec![0u8; octets];
    for (frn, _) in items {
        let i = frn - 1;
        fspec[i / 7] |= 0x80 >> (i % 7);
    }
    for b in fspec.iter_mut().take(octets - 1) {
        *b |= 1;
    }
    let mut out = fspec;
    for (_, bytes) in items {
        out.extend_from_slice(bytes);
    }
    out
}

fn all(buf: &[u8]) -> Vec<Result<Record, AsterixError>> {
    data_blocks(buf)
        .flat_map(|b| match b {
            Ok(b) => decode_block(b).collect::<Vec<_>>(),
            Err(e) => vec![Err(e)],
        })
        .collect()
}

#[test]
fn cat048_fields_and_skipped_items() {
    let full = record(&[
        (1, &[25, 201]),
        (2, &[0x35, 0x6d, 0x4d]),
        (3, &[0xa1, 0x80]), // 2 octets: TYP 5, TST set
        (4, &[0xc5, 0xaf, 0xf1, 0xe0]),
        (5, &[0xa2, 0x00]), // V set, code 01000
        (6, &[0x05, 0x28]),
        (7, &[0xfe, 1, 2, 3, 4, 5, 6, 7]), // all seven subfields
        (8, &[0x3c, 0x66, 0x0c]),
        (9, &[0x10, 0xc2, 0x36, 0xd4, 0x18, 0x20]),
        (
            10,
            &[2, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x50],
        ),
        (11, &[0xf0, 0x0d]),
        (12, &[0xff, 0x80, 0x01, 0x00]),
        (13, &[0x40, 0x00, 0x40, 0x00]),
        (14, &[0x41, 0xc0]),
        (16, &[0x03, 0x04]),
        (19, &[0x3f, 0xff]),
        (20, &[0xc0, 0x00, 0x10, 1, 1, 2, 3, 4, 5, 6]),
        (27, &[3, 0xaa, 0xbb]),
        (28, &[2, 0xcc]),
    ]);
    let second = record(&[(1, &[1, 2]), (11, &[0x00, 0x07])]);
    let buf = block(48, &[full, second]);
    let got = all(&buf);
    assert_eq!(got.len(), 2, "{got:?}");
    let Ok(Record::Cat048(r)) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(r.source, Some(DataSource { sac: 25, sic: 201 }));
    assert_eq!(r.time_of_day_s, Some(27354.6015625));
    let d = r.descriptor.unwrap();
    assert_eq!(d.detection_type, 5);
    assert!(d.test && !d.simulated);
    let p = r.polar.unwrap();
    assert_eq!((p.rho_nm, p.theta_deg), (197.68359375, 340.13671875));
    let m = r.mode3a.unwrap();
    assert_eq!((m.octal().as_str(), m.not_validated), ("1000", true));
    assert_eq!(r.flight_level.unwrap().fl, 330.0);
    assert_eq!(r.aircraft_address, Some(0x3c660c));
    assert_eq!(r.aircraft_id.as_deref(), Some("DLH65A"));
    assert_eq!(r.track_number, Some(13));
    let c = r.cartesian.unwrap();
    assert_eq!((c.x_nm, c.y_nm), (-1.0, 2.0));
    let v = r.velocity.unwrap();
    assert!((v.ground_speed_mps - 1852.0).abs() < 1e-9);
    assert_eq!(v.heading_deg, 90.0);
    let t = r.track_status.unwrap();
    assert!(t.confirmed && t.end_of_track && t.ghost);
    assert_eq!(t.sensor, 2);
    assert_eq!(r.height_3d_ft, Some(-25.0));
    let Ok(Record::Cat048(r2)) = &got[1] else {
        panic!()
    };
    assert_eq!(r2.track_number, Some(7));
}

#[test]
fn cat021_positions_and_kinematics() {
    let lat: i32 = (45.0 / (180.0 / f64::from(1 << 23))) as i32;
    let lon: i32 = (-7.5 / (180.0 / f64::from(1 << 23))) as i32;
    let mut pos = lat.to_be_bytes()[1..].to_vec();
    pos.extend(&lon.to_be_bytes()[1..]);
    let hr_lat = ((45.0 / (180.0 / f64::from(1u32 << 30))) as i32).to_be_bytes();
    let mut hr = hr_lat.to_vec();
    hr.extend(((-7.5 / (180.0 / f64::from(1u32 << 30))) as i32).to_be_bytes());
    let rec = record(&[
        (1, &[0, 1]),
        (2, &[0x01, 0x40]),
        (6, &pos),
        (7, &hr),
        (11, &[0xab, 0xcd, 0xef]),
        (12, &[0, 0, 128]),
        (17, &[0x01, 0x00]),
        (19, &[0x0f, 0xc0]),
        (21, &[0xff, 0xfc]),
        (24, &[0x7f, 0xff]),
        (26, &[0x80, 0x40, 0x80, 0x00]),
        (29, &[0x10, 0xc2, 0x36, 0xd4, 0x18, 0x20]),
        (31, &[0xf0, 0, 1, 0, 2, 0, 3, 4]),
        (
            34,
            &[0xc0, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ),
        (39, &[1, 0, 0, 0, 0, 0, 0, 0, 0]),
        (42, &[0x81, 0x00, 0x0a]),
        (48, &[3, 1, 2]),
        (49, &[1]),
    ]);
    let got = all(&block(21, &[rec]));
    let Ok(Record::Cat021(r)) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(r.ground_bit, Some(true));
    let p = r.position.unwrap();
    assert!((p.lat_deg - 45.0).abs() < 180.0 / f64::from(1 << 23));
    assert!((p.lon_deg + 7.5).abs() < 180.0 / f64::from(1 << 23));
    assert!((r.best_position().unwrap().lat_deg - 45.0).abs() < 1e-6);
    assert_eq!(r.target_address, Some(0xabcdef));
    assert_eq!(r.time_of_day_s(), Some(1.0));
    assert_eq!(r.mode3a.unwrap().octal(), "7700");
    assert_eq!(r.flight_level, Some(-1.0));
    assert!(r.barometric_vertical_rate_mps.unwrap() < 0.0);
    let g = r.ground_vector.unwrap();
    assert!(g.range_exceeded && g.track_deg == 180.0);
    assert_eq!(r.target_id.as_deref(), Some("DLH65A"));
    assert!(got[0].as_ref().unwrap().check().is_ok());
}

#[test]
fn cat034_service_message() {
    let rec = record(&[
        (1, &[25, 14]),
        (2, &[2]),
        (3, &[0x3a, 0x69, 0x2b]),
        (4, &[0x40]),
        (6, &[0x9c, 0x80, 0x01, 0x02, 0x03, 0x04]),
        (8, &[2, 0x08, 0x05, 0x10, 0x06]),
        (12, &[0x80, 0x01]),
    ]);
    let got = all(&block(34, &[rec]));
    let Ok(Record::Cat034(r)) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(r.message_type, Some(2));
    assert_eq!(r.time_of_day_s, Some(29906.3359375));
    assert_eq!(r.sector_azimuth_deg, Some(90.0));
    assert_eq!(r.message_counts, vec![(1, 5), (2, 6)]);
    assert_eq!(r.collimation_error, Some((-1.0, 360.0 / 16384.0)));
}

#[test]
fn unsupported_and_broken_blocks_do_not_stop_the_stream() {
    let mut buf = block(62, &[vec![0x80, 1, 2]]);
    // CAT048 record with only I130 whose compound FSPEC sets FX past its one octet.
    buf.extend(block(48, &[vec![0x02, 0x81, 0x00, 0x01]]));
    buf.extend(block(34, &[record(&[(1, &[1, 2]), (2, &[1])])]));
    let got = all(&buf);
    assert_eq!(got[0], Err(AsterixError::UnsupportedCategory(62)));
    assert!(matches!(
        got[1],
        Err(AsterixError::Truncated { .. } | AsterixError::FspecTooLong { .. })
    ));
    assert!(matches!(got[2], Ok(Record::Cat034(_))));
    assert_eq!(got.len(), 3);
}

#[test]
fn block_length_errors_end_a_raw_stream() {
    assert_eq!(
        all(&[48, 0, 2, 0]),
        vec![Err(AsterixError::BadBlockLength {
            len: 2,
            available: 4
        })]
    );
    assert_eq!(
        all(&[48, 0]),
        vec![Err(AsterixError::Truncated {
            what: "data block header"
        })]
    );
    assert_eq!(all(&[48, 0, 4, 0]), vec![Err(AsterixError::EmptyRecord)]);
    // Spare FRN 43 of CAT021: first bit of the seventh FSPEC octet.
    let rec = vec![0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x80, 0];
    assert_eq!(
        all(&block(21, &[rec])),
        vec![Err(AsterixError::UndefinedItem { frn: 43 })]
    );
}
