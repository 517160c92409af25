//! Conformance against the shared corpus of real CoT messages
//! (`<workspace>/../shared/data/cot`). The files are GPL/EPL/MIT licensed
//! and are read in place, never copied. The tests are `#[ignore]`d: they run
//! with `--include-ignored` (`scripts/test.sh` passes it where the folder
//! exists, and counts them as skipped where it does not).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::fs;
use std::path::PathBuf;

use cot::proto::{self, ProtoDeframer};
use cot::{
    parse_event, parse_f64, to_xml, Detail, Event, Frame, Node, Time, XmlDeframer, XmlError,
};

/// The corpus folder; a test that needs it is `#[ignore]`d, so it runs only
/// when asked to (`scripts/test.sh` does where the folder exists), and then
/// a missing folder is a failure, not a pass.
fn corpus_dir() -> PathBuf {
    let dir = shared_data().join("cot");
    assert!(
        dir.is_dir(),
        "{} is absent: this test needs ../shared/data",
        dir.display()
    );
    dir
}

/// `$WATCHFLOOR_SHARED_DATA`, or `<workspace>/../shared/data`.
fn shared_data() -> PathBuf {
    std::env::var_os("WATCHFLOOR_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn xml_files(dir: &PathBuf) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Spec templates whose timestamps are the literal placeholder `TIME`.
fn is_template(name: &str) -> bool {
    ["061-", "062-", "063-"].iter().any(|p| name.starts_with(p))
}

const TYPED: [&str; 6] = [
    "contact",
    "__group",
    "precisionlocation",
    "status",
    "takv",
    "track",
];

/// The detail up to what TAK protocol conversion may change: elements
/// named like typed submessages first (in field order), their attributes
/// sorted and their numbers normalised.
fn canon(d: &Detail) -> Vec<Node> {
    let mut nodes = d.children.clone();
    for n in &mut nodes {
        if let Node::Element(e) = n {
            if TYPED.contains(&e.name.as_str()) {
                e.attrs.sort();
                for (k, v) in &mut e.attrs {
                    if ["speed", "course", "battery"].contains(&k.as_str()) {
                        *v = format!("{:?}", parse_f64(v));
                    }
                }
            }
        }
    }
    let rank = |n: &Node| match n {
        Node::Element(e) => TYPED
            .iter()
            .position(|t| *t == e.name)
            .unwrap_or(TYPED.len()),
        _ => TYPED.len(),
    };
    nodes.sort_by_key(rank);
    nodes
}

fn ms(t: Time) -> Time {
    Time::from_millis(t.millis())
}

/// `got` is `want` after a trip through TAK protocol v1.
fn assert_same_via_proto(name: &str, got: &Event, want: &Event) {
    assert_eq!(got.uid, want.uid, "{name}");
    assert_eq!(got.kind, want.kind, "{name}");
    assert_eq!(got.how, want.how, "{name}");
    assert_eq!(
        (got.time, got.start, got.stale),
        (ms(want.time), ms(want.start), ms(want.stale)),
        "{name}"
    );
    assert_eq!(got.access, want.access, "{name}");
    let p = |e: &Event| {
        let p = e.point;
        [p.lat, p.lon, p.hae, p.ce, p.le].map(f64::to_bits)
    };
    assert_eq!(p(got), p(want), "{name}");
    assert_eq!(canon(&got.detail), canon(&want.detail), "{name}");
}

#[test]
#[ignore = "needs ../shared/data"]
fn every_corpus_event_parses_and_round_trips() {
    let dir = corpus_dir();
    let files = xml_files(&dir);
    assert!(files.len() >= 60, "corpus has {} files", files.len());
    for (name, bytes) in &files {
        let parsed = parse_event(bytes);
        if is_template(name) {
            assert!(
                matches!(parsed, Err(XmlError::BadTime { attr: "time", .. })),
                "{name}: {parsed:?}"
            );
            continue;
        }
        let e = parsed.unwrap_or_else(|err| panic!("{name}: {err}"));
        // XML -> model -> XML -> model
        let xml = to_xml(&e);
        let again = parse_event(&xml).unwrap_or_else(|err| panic!("{name} rewritten: {err}"));
        assert_eq!(to_xml(&again), xml, "{name}");
        assert_eq!(again.detail, e.detail, "{name}");
        assert_eq!(
            (&again.uid, &again.kind, again.stale),
            (&e.uid, &e.kind, e.stale),
            "{name}"
        );
        // XML -> proto bytes -> model
        let framed = proto::encode_event_stream(&e);
        let mut d = ProtoDeframer::new(1 << 20);
        d.push(&framed);
        let payload = d.next_payload().unwrap().unwrap();
        let via = proto::decode_event(&payload).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_same_via_proto(name, &via, &e);
        let mesh = proto::decode_mesh_event(&proto::encode_event_mesh(&e)).unwrap();
        assert_same_via_proto(name, &mesh, &e);
    }
}

#[test]
#[ignore = "needs ../shared/data"]
fn the_deliberately_odd_files_are_accepted() {
    let dir = corpus_dir();
    // 021 declares encoding="utf-16" on ASCII bytes: read as UTF-8 anyway
    let e = parse_event(&fs::read(dir.join("021-pc-sa-utf16-decl.xml")).unwrap()).unwrap();
    assert_eq!(e.uid, "pc-0834cb51-df3f-4f96-9787-db227b07d2d0.NMEA.SA");
    assert_eq!(e.time.micros() % 1_000_000, 400_000);
    assert_eq!(e.detail.callsign().as_deref(), Some("SkrienJ-LT"));
    // 031 has a comment before its declaration: tolerated
    let e = parse_event(&fs::read(dir.join("031-medevac-9line-b-r-f-h-c.xml")).unwrap()).unwrap();
    assert_eq!(e.kind, "b-r-f-h-c");
    let medevac = e.detail.child("_medevac_").unwrap();
    assert!(medevac
        .attr("zone_prot_marker")
        .unwrap()
        .contains("NaN,NaN"));
    // 028: ce/le "nan"; 037: exponent notation; 048: point after detail
    let e =
        parse_event(&fs::read(dir.join("028-fileshare-marti-nan-b-f-t-r.xml")).unwrap()).unwrap();
    assert!(e.point.ce.is_nan() && e.point.le.is_nan());
    let e = parse_event(&fs::read(dir.join("037-designated-point-b-m-p-a.xml")).unwrap()).unwrap();
    assert_eq!(e.point.ce, 9_999_999.0);
    let e =
        parse_event(&fs::read(dir.join("048-uas-sensor-fov-version2-a-f-A-M-H-Q.xml")).unwrap())
            .unwrap();
    assert_eq!((e.how.as_str(), e.point.lat), ("", 39.1));
    // 043: &#10; inside an attribute
    let e =
        parse_event(&fs::read(dir.join("043-emergency-custom-wearos-b-a-o.xml")).unwrap()).unwrap();
    assert_eq!(
        e.detail.callsign().as_deref(),
        Some("SP-Dev\nManual Alert: Gunshot")
    );
}

#[test]
#[ignore = "needs ../shared/data"]
fn the_whole_corpus_as_one_stream_deframes_identically_in_any_chunks() {
    let dir = corpus_dir();
    let files = xml_files(&dir);
    let stream: Vec<u8> = files.iter().flat_map(|(_, b)| b.iter().copied()).collect();
    for chunk in [1, 2, 7, 64, 1000, stream.len()] {
        let mut d = XmlDeframer::new(64 * 1024);
        let mut frames = Vec::new();
        for c in stream.chunks(chunk) {
            d.push(c);
            frames.extend(std::iter::from_fn(|| d.next_frame()));
        }
        assert_eq!(frames.len(), files.len(), "chunk {chunk}");
        for ((name, bytes), f) in files.iter().zip(frames) {
            let Ok(Frame::Event(f)) = f else {
                panic!("{name}: {f:?}")
            };
            let alone = parse_event(bytes).map(|e| to_xml(&e));
            assert_eq!(parse_event(&f).map(|e| to_xml(&e)), alone, "{name}");
        }
    }
}

#[test]
#[ignore = "needs ../shared/data"]
fn takproto_binaries_decode_to_their_xml() {
    let dir = corpus_dir();
    let pdir = dir.join("proto");
    let mut names: Vec<String> = fs::read_dir(&pdir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bin"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 11);
    for name in names {
        let bytes = fs::read(pdir.join(&name)).unwrap();
        let source = if name.starts_with("takproto-test") {
            "060"
        } else {
            &name[4..7]
        };
        let (_, xml) = xml_files(&dir)
            .into_iter()
            .find(|(n, _)| n.starts_with(source))
            .unwrap();
        let want = parse_event(&xml).unwrap();
        let got = if name.contains("mesh") {
            proto::decode_mesh_event(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
        } else {
            let mut d = ProtoDeframer::new(1 << 16);
            d.push(&bytes);
            let payload = d.next_payload().unwrap().unwrap();
            assert_eq!(d.next_payload(), None, "{name}: one frame");
            assert_eq!(d.buffered(), 0, "{name}: nothing left");
            proto::decode_event(&payload).unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        if name.starts_with("gen-022") || name.starts_with("gen-055") {
            // takproto 3.0.1 dropped these two xmlDetails (the binaries
            // hold no `<` at all): what it did send must still match
            let mut partial = want.clone();
            let kept = canon(&got.detail);
            partial
                .detail
                .children
                .retain(|n| kept.contains(&canon_one(n)));
            assert_eq!(kept.len(), partial.detail.children.len(), "{name}");
            assert_same_via_proto(&name, &got, &partial);
        } else {
            assert_same_via_proto(&name, &got, &want);
        }
    }
}

fn canon_one(n: &Node) -> Node {
    let d = Detail {
        children: vec![n.clone()],
    };
    canon(&d).remove(0)
}
