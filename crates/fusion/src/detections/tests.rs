use super::*;

const V2_HEADER: &str = "time,det_id,sensor_id,x,y,r_xx,r_xy,r_yy,ident,range,azimuth";

#[test]
fn v2_rows_carry_sensor_covariance_and_ident() {
    let text = format!(
        "{V2_HEADER}\n\
         0.000,0,0,-1586.774,-12321.731,336.956,-21.909,392.386,,10397.909,160.83675\n\
         0.500,32,2,7249.193,-1689.498,25.000,0.000,25.000,7e5fe3,,\n"
    );
    let (d, rep) = read_detections(&text, Some(&[0, 1, 2])).unwrap();
    assert_eq!((rep.rows, rep.kept, rep.dropped()), (2, 2, 0));
    assert!(rep.problems().is_empty());
    assert_eq!(d[0].sensor_id, 0);
    assert_eq!(d[0].r, [[336.956, -21.909], [-21.909, 392.386]]);
    assert_eq!(d[0].ident, None);
    assert_eq!((d[1].sensor_id, d[1].ident), (2, Some(0x7e5fe3)));
    assert_eq!((d[1].x, d[1].time), (7249.193, 0.5));
}

#[test]
fn v1_rows_read_as_before() {
    let text = "time,det_id,sensor_id,x,y,r_xx,r_xy,r_yy\n0.000,0,0,1.5,-2.0,100,0,100\n\n1.000,1,0,3,4,100,1,90\n";
    let (d, rep) = read_detections(text, None).unwrap();
    assert_eq!(rep.kept, 2);
    let strict = crate::scenario::parse_detections(text).unwrap();
    assert_eq!(d, strict);
}

#[test]
fn bad_rows_are_counted_by_kind_and_dropped() {
    let text = format!(
        "{V2_HEADER}\n\
         1.000,0,0,10,20,100,0,100,,,\n\
         1.000,1,0,10,20\n\
         1.000,2,0,ten,20,100,0,100,,,\n\
         1.000,3,0,NaN,20,100,0,100,,,\n\
         1.000,4,2,10,20,25,0,25,zz,,\n\
         1.000,5,0,10,20,100,0,100,,,,extra\n\
         1.000,0,0,10,20,100,0,100,,,\n\
         1.000,6,9,10,20,100,0,100,,,\n\
         1.000,7,0,10,20,100,200,100,,,\n\
         1.000,8,0,10,20,-1,0,100,,,\n\
         0.500,9,0,10,20,100,0,100,,,\n\
         \u{fffd}\u{0},garbage\n\
         2.000,10,2,10,20,25,0,25,abc,,\n"
    );
    let (d, rep) = read_detections(&text, Some(&[0, 1, 2])).unwrap();
    assert_eq!(rep.rows, 13);
    assert_eq!(rep.kept, 2);
    assert_eq!(rep.truncated, 2, "{rep:?}");
    assert_eq!(rep.garbage, 4, "{rep:?}");
    assert_eq!(rep.duplicate, 1);
    assert_eq!(rep.unknown_sensor, 1);
    assert_eq!(rep.bad_covariance, 2);
    assert_eq!(rep.out_of_order, 1);
    assert_eq!(d[1].ident, Some(0xabc));
    let lines = rep.problems();
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert!(lines[0].contains("2 truncated") && lines[0].contains("line 3"));
    assert!(lines[5].contains("out of time order") && lines[5].contains("line 12"));
}

#[test]
fn foreign_or_missing_header_is_an_error() {
    assert!(read_detections("", None).is_err());
    let e = read_detections("time,truth_id,x,y\n0,1,2,3\n", None).unwrap_err();
    assert!(e.to_string().contains("det_id"), "{e}");
}

#[test]
fn arbitrary_text_never_panics() {
    let mut seed = 7u64;
    for _ in 0..200 {
        let mut s = String::from(V2_HEADER);
        s.push('\n');
        for _ in 0..40 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let c = b"0123456789.,-eE\nabcdef "[(seed >> 33) as usize % 23];
            s.push(c as char);
        }
        let (_, rep) = read_detections(&s, Some(&[0])).unwrap();
        assert_eq!(rep.kept + rep.dropped(), rep.rows);
    }
}

#[test]
fn v2_sensors_give_scan_times() {
    let json = r#"{"format_version":2,"params":{"duration":10},
        "sensors":[{"sensor_id":0,"kind":"radar","scan_period":4.0,"scan_phase":0.0},
                   {"sensor_id":1,"kind":"radar","scan_period":5.0,"scan_phase":2.3},
                   {"sensor_id":2,"name":"adsb","kind":"adsb","scan_period":3.0,"scan_phase":0.0}]}"#;
    let s = parse_sensors(json).unwrap();
    assert_eq!(s.format_version, 2);
    assert_eq!(s.ids(), Some(vec![0, 1, 2]));
    assert_eq!(s.scan_times(Some(1)), Some(vec![2.3, 7.3]));
    assert_eq!(
        s.scan_times(None),
        Some(vec![0.0, 2.3, 3.0, 4.0, 6.0, 7.3, 8.0, 9.0])
    );
    let v1 = parse_sensors(r#"{"sensors":[{"sensor_id":0,"kind":"radar","pd":0.9}]}"#).unwrap();
    assert_eq!((v1.format_version, v1.scan_times(None)), (1, None));
    assert!(parse_sensors(r#"{"sensors":[{"kind":"radar"}]}"#).is_err());
}
