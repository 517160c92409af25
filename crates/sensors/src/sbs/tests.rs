use super::*;

#[test]
fn airborne_position_with_empty_ids_and_dates() {
    let m = parse_line("MSG,3,,,4B1908,,,,,,,2525,,,33.96693,-118.25598,,,0,0,0,0").unwrap();
    assert_eq!(m.kind, Some(SbsKind::Msg(3)));
    assert_eq!(m.hex_ident, Some(0x4b1908));
    assert_eq!(m.altitude_ft, Some(2525.0));
    assert_eq!((m.lat, m.lon), (Some(33.96693), Some(-118.25598)));
    assert_eq!(m.on_ground, Some(false));
    assert_eq!(m.generated, None);
}

#[test]
fn full_layout_with_dates_and_padded_callsign() {
    let m = parse_line("MSG,1,145,256,7404F2,11267,2008/11/28,23:48:18.611,2008/11/28,23:53:19.161,RJA1118 ,,,,,,,,,,,").unwrap();
    assert_eq!(m.callsign.as_deref(), Some("RJA1118"));
    let g = m.generated.unwrap();
    assert_eq!(g.date, (2008, 11, 28));
    assert_eq!(g.ms_of_day, ((23 * 3600 + 48 * 60 + 18) * 1000) + 611);
    let v = parse_line("MSG,4,496,469,4CA767,27854,2010/02/19,17:58:13.039,2010/02/19,17:58:13.368,,,288.6,103.2,,,-832,,,,,").unwrap();
    assert_eq!(
        (v.ground_speed_kt, v.track_deg, v.vertical_rate_ft_min),
        (Some(288.6), Some(103.2), Some(-832.0))
    );
    let s = parse_line("MSG,6,496,237,4CA215,27864,2010/02/19,17:58:12.846,2010/02/19,17:58:13.368,,33325,,,,,,0271,0,0,0,-1").unwrap();
    assert_eq!(s.squawk.as_deref(), Some("0271"));
    assert_eq!(s.on_ground, Some(true));
}

#[test]
fn other_kinds_are_accepted() {
    assert_eq!(
        parse_line(
            "SEL,,496,2286,4CA4E5,27215,2010/02/19,18:06:07.710,2010/02/19,18:06:07.710,RYR1427"
        )
        .unwrap()
        .callsign
        .as_deref(),
        Some("RYR1427")
    );
    assert_eq!(
        parse_line("STA,,5,179,400AE7,10103,2008/11/28,14:58:51.153,2008/11/28,14:58:51.153,RM")
            .unwrap()
            .status
            .as_deref(),
        Some("RM")
    );
    assert_eq!(
        parse_line("CLK,,496,-1,,-1,2010/02/19,18:18:19.036,2010/02/19,18:18:19.036")
            .unwrap()
            .kind,
        Some(SbsKind::Clk)
    );
}

#[test]
fn malformed_and_impossible_lines_are_typed_errors() {
    assert_eq!(parse_line(""), Err(SbsError::Empty));
    assert!(matches!(parse_line("FOO,1"), Err(SbsError::UnknownType(_))));
    assert!(matches!(
        parse_line("MSG,9,,,ABCDEF"),
        Err(SbsError::BadTransmissionType(_))
    ));
    assert!(matches!(
        parse_line("MSG,3,,,XYZ,,,,,,,1,,,1,1"),
        Err(SbsError::BadField {
            field: "hex_ident",
            ..
        })
    ));
    assert!(matches!(
        parse_line("MSG,3,,,ABCDEF,,,,,,,1,,,95.0,1"),
        Err(SbsError::Implausible(Implausible::Latitude(_)))
    ));
    assert!(matches!(
        parse_line("MSG,3,,,ABCDEF,,,,,,,NaN,,,1,1"),
        Err(SbsError::Implausible(_))
    ));
    assert!(matches!(
        parse_line("MSG,6,,,ABCDEF,,,,,,,,,,,,,8888"),
        Err(SbsError::BadField {
            field: "squawk",
            ..
        })
    ));
    assert!(matches!(
        parse_line("MSG,3,,,ABCDEF,,2020/13/01,10:00:00.000"),
        Err(SbsError::BadField { field: "date", .. })
    ));
}

#[test]
fn deframer_splits_bounds_and_recovers() {
    let mut d = SbsDeframer::new(64);
    d.push(b"MSG,5,,,ADFE14,,,,,,,0,,,,,,,,,,\r\nMSG,8,,,4B19");
    assert_eq!(d.next_message().unwrap().unwrap().hex_ident, Some(0xadfe14));
    assert!(d.next_line().is_none());
    d.push(b"08,,,,,,,,,,,,,,,,,\n\n");
    assert_eq!(
        d.next_message().unwrap().unwrap().kind,
        Some(SbsKind::Msg(8))
    );
    assert!(d.next_line().is_none());

    d.push(&[b'x'; 100]);
    assert_eq!(d.next_line(), Some(Err(SbsError::LineTooLong { max: 64 })));
    d.push(&[b'x'; 100]);
    assert_eq!(d.next_line(), None);
    assert!(d.buffered() <= 100);
    d.push(b"tail of the long line\nMSG,5,,,A92D10,,,,,,,5550,,,,,,,,,,\n");
    assert_eq!(d.next_message().unwrap().unwrap().altitude_ft, Some(5550.0));
    d.push(b"\xff\xfe\n");
    assert_eq!(d.next_line(), Some(Err(SbsError::NotUtf8)));
}
