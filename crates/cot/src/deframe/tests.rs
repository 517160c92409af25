#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use super::*;

const A: &str = r#"<event version="2.0" uid="a" type="t" time="2020-01-01T00:00:00Z"><detail><remarks note="</event>"><![CDATA[</event>]]><!-- </event> --></remarks></detail></event>"#;
const B: &str = r#"<event uid='b' type='t' time='2020-01-01T00:00:00Z'/>"#;

type Out = Vec<Result<Frame, DeframeError>>;

fn run(d: &mut XmlDeframer, chunks: &[&[u8]]) -> Out {
    let mut out = Vec::new();
    for c in chunks {
        d.push(c);
        out.extend(std::iter::from_fn(|| d.next_frame()));
    }
    out
}

fn all_chunkings(stream: &[u8], max: usize) -> Out {
    let whole = run(&mut XmlDeframer::new(max), &[stream]);
    for size in 1..stream.len().min(64) {
        let chunks: Vec<&[u8]> = stream.chunks(size).collect();
        assert_eq!(
            run(&mut XmlDeframer::new(max), &chunks),
            whole,
            "chunk size {size}"
        );
    }
    whole
}

fn event(s: &str) -> Result<Frame, DeframeError> {
    Ok(Frame::Event(Bytes::copy_from_slice(s.as_bytes())))
}

#[test]
fn cuts_events_whatever_the_chunking() {
    let stream = format!(
        "\u{feff}<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n{A}\r\n<?xml version=\"1.0\"?>{B}<!-- <event> -->  {A}"
    );
    let out = all_chunkings(stream.as_bytes(), 4096);
    assert_eq!(out, vec![event(A), event(B), event(A)]);
    for f in out.into_iter().flatten() {
        assert!(crate::parse_event(f.bytes()).is_ok());
    }
}

#[test]
fn auth_preamble_is_its_own_frame() {
    let auth = r#"<auth><cot username="u" password="p>" uid="x"/></auth>"#;
    let out = all_chunkings(format!("{auth}{B}").as_bytes(), 4096);
    assert_eq!(
        out,
        vec![
            Ok(Frame::Auth(Bytes::copy_from_slice(auth.as_bytes()))),
            event(B)
        ]
    );
}

#[test]
fn garbage_is_reported_once_per_run_and_good_events_survive() {
    let stream = format!("junk <notcot> more</x>{A}\x00\x01{B} trailing");
    let out = all_chunkings(stream.as_bytes(), 4096);
    assert_eq!(
        out,
        vec![
            Err(DeframeError::Garbage { skipped: 22 }),
            event(A),
            Err(DeframeError::Garbage { skipped: 2 }),
            event(B),
        ]
    );
}

#[test]
fn malformed_event_between_good_ones_is_a_frame_of_its_own() {
    let bad = r#"<event uid="x"><detail><unclosed></event>"#;
    let out = all_chunkings(format!("{B}{bad}{B}").as_bytes(), 4096);
    assert_eq!(out, vec![event(B), event(bad), event(B)]);
    assert!(crate::parse_event(bad.as_bytes()).is_err());
}

#[test]
fn a_new_declaration_ends_a_truncated_event() {
    let cut = r#"<event uid="x" type="t"><detail>"#;
    let stream = format!("{cut}<?xml version='1.0'?>{B}");
    let out = all_chunkings(stream.as_bytes(), 4096);
    assert_eq!(
        out,
        vec![
            Err(DeframeError::Truncated { skipped: cut.len() }),
            event(B)
        ]
    );
}

#[test]
fn nested_events_and_sloppy_text() {
    let nested = r#"<event uid="o"><detail><event uid="i"/><event uid="j"></event> a < b's </detail></event>"#;
    assert_eq!(
        all_chunkings(format!("{nested}{B}").as_bytes(), 4096),
        vec![event(nested), event(B)]
    );
}

#[test]
fn oversized_event_drops_the_connection() {
    let mut d = XmlDeframer::new(1 << 20);
    d.push(b"<event uid='x'><detail><remarks>");
    let chunk = vec![b'a'; 64 * 1024];
    let mut errors = Vec::new();
    for _ in 0..128 {
        d.push(&chunk);
        errors.extend(std::iter::from_fn(|| d.next_frame()));
        assert!(d.buffered() <= (1 << 20) + chunk.len());
    }
    assert_eq!(errors, vec![Err(DeframeError::TooLarge { limit: 1 << 20 })]);
    assert_eq!(d.buffered(), 0);
    d.push(B.as_bytes());
    assert_eq!(d.next_frame(), None, "stopped for good");
    // the same limit whatever the chunking: one byte over is too large
    let exact = all_chunkings(B.as_bytes(), B.len());
    assert_eq!(exact, vec![event(B)]);
    let over = all_chunkings(B.as_bytes(), B.len() - 1);
    assert_eq!(
        over,
        vec![Err(DeframeError::TooLarge { limit: B.len() - 1 })]
    );
}

#[test]
fn doctype_anywhere_drops_the_connection() {
    let top = all_chunkings(
        format!("<!DOCTYPE x [<!ENTITY a 'b'>]>{B}").as_bytes(),
        4096,
    );
    assert_eq!(top, vec![Err(DeframeError::Doctype)]);
    let inside = all_chunkings(
        format!("<event><!ENTITY x 'y'></event>{B}").as_bytes(),
        4096,
    );
    assert_eq!(inside, vec![Err(DeframeError::Doctype)]);
}

#[test]
fn endless_garbage_is_reported_every_max_bytes_and_not_buffered() {
    let mut d = XmlDeframer::new(1000);
    let out = run(&mut d, &[&[b'x'; 2500]]);
    assert_eq!(
        out,
        vec![
            Err(DeframeError::Garbage { skipped: 1000 }),
            Err(DeframeError::Garbage { skipped: 1000 })
        ]
    );
    assert_eq!(d.buffered(), 0);
}

#[test]
fn take_remaining_hands_over_what_follows_the_last_event() {
    let mut d = XmlDeframer::new(4096);
    d.push(format!("{B}\n \u{bf}\u{1}rest").as_bytes());
    assert_eq!(d.next_frame(), Some(event(B)));
    assert_eq!(d.take_remaining(), "\u{bf}\u{1}rest".as_bytes());
    assert_eq!(d.buffered(), 0);
    assert_eq!(d.next_frame(), None);
}

#[test]
fn a_byte_order_mark_inside_garbage_counts_as_garbage() {
    // found by fuzzing: the count depended on where reads were cut
    let stream = format!("ab\u{feff}cd{B}");
    let out = all_chunkings(stream.as_bytes(), 4096);
    assert_eq!(
        out,
        vec![Err(DeframeError::Garbage { skipped: 7 }), event(B)]
    );
}
