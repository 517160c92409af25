//! Codec throughput on a typical ATAK self-SA (corpus 013/023 style):
//! XML parse and write, stream deframing, and the TAK protocol conversions
//! both ways.
//!
//! Run: `cargo bench -p cot -- --warm-up-time 1 --measurement-time 2`

#![allow(missing_docs, clippy::unwrap_used)] // criterion macros; a bench may unwrap

use std::hint::black_box;

use cot::proto::{self, ProtoDeframer};
use cot::{parse_event, to_xml, XmlDeframer};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const SA: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<event version="2.0" uid="ANDROID-48:5A:3F:49:93:24" type="a-f-G-U-C" time="2024-01-13T20:43:37.842Z" start="2024-01-13T20:43:37.842Z" stale="2024-01-13T20:44:52.842Z" how="m-g"><point lat="37.954121501941216" lon="-87.97179289978664" hae="80.85387849113384" ce="4.9" le="9999999.0"/><detail><takv os="29" version="4.8.1.8 (7939f102).1592931989-CIV" device="SAMSUNG SM-G975U1" platform="ATAK-CIV"/><contact endpoint="*:-1:stcp" callsign="GEMINI"/><uid Droid="GEMINI"/><precisionlocation altsrc="GPS" geopointsrc="GPS"/><__group role="Team Member" name="Cyan"/><status battery="78"/><track course="114.66817017909176" speed="0.0"/><_flow-tags_ TAK-Server-e87a0e02420b44a08f6032bcf1877745="2024-01-13T20:43:38Z"/></detail></event>"#;

fn codec(c: &mut Criterion) {
    let bytes = SA.as_bytes();
    let event = parse_event(bytes).unwrap();
    let framed = proto::encode_event_stream(&event);
    let mut d = ProtoDeframer::new(1 << 20);
    d.push(&framed);
    let payload = d.next_payload().unwrap().unwrap();
    assert!(proto::decode_event(&payload).is_ok());

    let mut g = c.benchmark_group("sa");
    g.throughput(Throughput::Elements(1));
    g.bench_function("parse_event", |b| {
        b.iter(|| parse_event(black_box(bytes)).unwrap())
    });
    g.bench_function("to_xml", |b| b.iter(|| to_xml(black_box(&event))));
    g.bench_function("xml_to_proto_stream", |b| {
        b.iter(|| proto::encode_event_stream(&parse_event(black_box(bytes)).unwrap()))
    });
    g.bench_function("proto_to_xml", |b| {
        b.iter(|| to_xml(&proto::decode_event(black_box(&payload)).unwrap()))
    });
    g.finish();

    let mut stream = Vec::new();
    for _ in 0..100 {
        stream.extend_from_slice(bytes);
        stream.push(b'\n');
    }
    let mut proto_stream = Vec::new();
    for _ in 0..100 {
        proto_stream.extend_from_slice(&framed);
    }
    let mut g = c.benchmark_group("stream_100");
    g.throughput(Throughput::Elements(100));
    g.bench_function("xml_deframe", |b| {
        b.iter(|| {
            let mut d = XmlDeframer::new(1 << 20);
            let mut n = 0;
            for chunk in black_box(&stream).chunks(4096) {
                d.push(chunk);
                while let Some(f) = d.next_frame() {
                    f.unwrap();
                    n += 1;
                }
            }
            assert_eq!(n, 100);
        })
    });
    g.bench_function("proto_deframe", |b| {
        b.iter(|| {
            let mut d = ProtoDeframer::new(1 << 20);
            let mut n = 0;
            for chunk in black_box(&proto_stream).chunks(4096) {
                d.push(chunk);
                while let Some(f) = d.next_payload() {
                    f.unwrap();
                    n += 1;
                }
            }
            assert_eq!(n, 100);
        })
    });
    g.finish();
}

criterion_group!(benches, codec);
criterion_main!(benches);
