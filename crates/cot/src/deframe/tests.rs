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
fn an_event_inside_an_event_ends_the_outer_one() {
    // CoT never nests events; a new `<event` start tag inside one is the
    // sign that the outer one was cut off, so the outer part is dropped
    let outer = r#"<event uid="o"><detail>"#;
    let nested =
        format!(r#"{outer}<event uid="i"/><event uid="j"></event> a < b's </detail></event>"#);
    assert_eq!(
        all_chunkings(format!("{nested}{B}").as_bytes(), 4096),
        vec![
            truncated(outer.len()),
            event(r#"<event uid="i"/>"#),
            event(r#"<event uid="j"></event>"#),
            Err(DeframeError::Garbage { skipped: 25 }),
            event(B)
        ]
    );
}

#[test]
fn sloppy_text_inside_an_event() {
    let e = r#"<event uid="o"><detail> a < b's <eventual/> </detail></event>"#;
    assert_eq!(
        all_chunkings(format!("{e}{B}").as_bytes(), 4096),
        vec![event(e), event(B)]
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

/// A well-formed event with double quotes, as ATAK and pytak write them.
fn good(uid: &str) -> String {
    format!(
        r#"<event version="2.0" uid="{uid}" type="a-f-G" how="m-g" time="2020-01-01T00:00:00Z" start="2020-01-01T00:00:00Z" stale="2020-01-01T00:01:00Z"><point lat="1.0" lon="2.0" hae="0" ce="9" le="9"/><detail><contact callsign="{uid}"/></detail></event>"#
    )
}

fn truncated(skipped: usize) -> Result<Frame, DeframeError> {
    Err(DeframeError::Truncated { skipped })
}

#[test]
fn an_unbalanced_quote_costs_only_its_own_event() {
    // issue 9 item 5: the odd quote flips every later quote, so the scan
    // never left the bad event and nothing more came out
    let bad = r#"<event version="2.0 uid="x" type="a-f-G" time="2020-01-01T00:00:00Z"><point lat="1"/><detail/></event>"#;
    for sep in ["", "\n", "<?xml version=\"1.0\"?>"] {
        let stream = format!("{}{bad}{sep}{}{}", good("g0"), good("g1"), good("g2"));
        assert_eq!(
            all_chunkings(stream.as_bytes(), 4096),
            vec![
                event(&good("g0")),
                truncated(bad.len() + sep.len()),
                event(&good("g1")),
                event(&good("g2")),
            ],
            "separator {sep:?}"
        );
    }
}

#[test]
fn a_truncated_event_does_not_swallow_the_next() {
    let full = good("cut");
    // cut between tags, inside a tag, inside a quoted value (then a new
    // line, or straight into the next event's start tag)
    let cuts = [
        full[..full.find("<detail>").unwrap() + 8].to_string(),
        full[..full.find(" how=").unwrap() + 3].to_string(),
        format!("{}\n", &full[..full.find("callsign=").unwrap() + 12]),
        full[..full.find("callsign=").unwrap() + 12].to_string(),
        full[..full.find("lat=").unwrap() + 6].to_string(),
    ];
    for cut in cuts {
        let stream = format!("{cut}{}{}", good("g1"), good("g2"));
        assert_eq!(
            all_chunkings(stream.as_bytes(), 4096),
            vec![truncated(cut.len()), event(&good("g1")), event(&good("g2"))],
            "cut {cut:?}"
        );
    }
}

#[test]
fn an_event_start_tag_inside_a_closed_attribute_value_does_not_split() {
    let e = r#"<event version="2.0" uid="o" type="t" time="2020-01-01T00:00:00Z"><detail><remarks a="<event uid='z'/>" b='<event uid="y">' c="x <event>"/></detail></event>"#;
    let stream = format!("{e}{}", good("g1"));
    assert_eq!(
        all_chunkings(stream.as_bytes(), 4096),
        vec![event(e), event(&good("g1"))]
    );
    assert!(crate::parse_event(e.as_bytes()).is_ok());
}

#[test]
fn a_truncated_auth_block_does_not_swallow_the_next_event() {
    let cut = r#"<auth><cot username="u" password="p"#;
    let stream = format!("{cut}\n{}", good("g1"));
    assert_eq!(
        all_chunkings(stream.as_bytes(), 4096),
        vec![truncated(cut.len() + 1), event(&good("g1"))]
    );
}

#[test]
fn an_event_cut_inside_markup_opening_is_not_taken_for_a_dtd() {
    // `<!` cut before it says what it opens is no doctype: only `<!` and a
    // letter (`<!DOCTYPE`, `<!ENTITY`) is
    for cut in [
        r#"<event uid="x"><detail><!"#,
        r#"<event uid="x"><detail><!-"#,
        r#"<event uid="x"><detail><![CDA"#,
    ] {
        let stream = format!("{cut}{}", good("g1"));
        assert_eq!(
            all_chunkings(stream.as_bytes(), 4096),
            vec![truncated(cut.len()), event(&good("g1"))],
            "cut {cut:?}"
        );
    }
}
