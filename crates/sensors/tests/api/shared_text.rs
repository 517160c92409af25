//! The shared SBS-1 captures, read in place.

use std::collections::BTreeMap;

use crate::common::shared_data;
use sensors::sbs::{parse_line, SbsDeframer, SbsKind};

#[test]
#[ignore = "needs ../shared/data"]
fn sbs_capture_first_300_lines_parse_with_readme_counts() {
    let dir = shared_data("sbs");
    let text = std::fs::read_to_string(dir.join("node-sbs1-msgs-first300.txt")).unwrap();
    let mut counts = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let m = parse_line(line).unwrap_or_else(|e| panic!("line {}: {e}: {line}", i + 1));
        let Some(SbsKind::Msg(t)) = m.kind else {
            panic!("line {}", i + 1)
        };
        *counts.entry(t).or_insert(0) += 1;
    }
    let want: BTreeMap<u8, i32> = [(1, 1), (3, 10), (4, 8), (5, 229), (6, 3), (8, 49)].into();
    assert_eq!(counts, want);
}

#[test]
#[ignore = "needs ../shared/data"]
fn sbs_capture_through_the_deframer_in_odd_chunks() {
    let dir = shared_data("sbs");
    let bytes = std::fs::read(dir.join("node-sbs1-msgs-pos-vel-id.txt")).unwrap();
    let mut d = SbsDeframer::new(512);
    let mut msgs = Vec::new();
    for chunk in bytes.chunks(37) {
        d.push(chunk);
        while let Some(m) = d.next_message() {
            msgs.push(m.unwrap());
        }
    }
    assert_eq!(msgs.len(), 165);
    let callsigns: Vec<_> = msgs.iter().filter_map(|m| m.callsign.as_deref()).collect();
    assert!(callsigns.contains(&"SWR40"), "{callsigns:?}");
    assert!(callsigns.iter().all(|c| !c.ends_with(' ')));
    let positions = msgs.iter().filter(|m| m.lat.is_some()).count();
    assert!(positions > 0);
    assert!(msgs
        .iter()
        .filter_map(|m| m.lat)
        .all(|lat| (33.0..35.0).contains(&lat)));
    assert!(msgs.iter().any(|m| m.squawk.is_some()));
    assert!(msgs
        .iter()
        .any(|m| m.ground_speed_kt.is_some() && m.track_deg.is_some()));
}

#[test]
#[ignore = "needs ../shared/data"]
fn sbs_format_examples_all_kinds() {
    let dir = shared_data("sbs");
    let text = std::fs::read_to_string(dir.join("basestation-format-examples.txt")).unwrap();
    let mut kinds = Vec::new();
    for line in text.lines() {
        match parse_line(line) {
            Ok(m) => kinds.push(m.kind.unwrap()),
            // The documented MSG,2 example has 23 fields: one extra empty field
            // shifts speed into latitude, which validation must catch.
            Err(e) => {
                assert!(
                    line.starts_with("MSG,2,") && line.split(',').count() == 23,
                    "{line}"
                );
                assert!(matches!(e, sensors::sbs::SbsError::Implausible(_)), "{e}");
            }
        }
    }
    assert_eq!(kinds.len(), 12);
    for k in [
        SbsKind::Sel,
        SbsKind::Id,
        SbsKind::Air,
        SbsKind::Sta,
        SbsKind::Clk,
        SbsKind::Msg(8),
    ] {
        assert!(kinds.contains(&k), "{k:?}");
    }
}
