//! Bad input: the server stays up, other clients keep receiving, and the
//! misbehaving connection is handled on purpose and counted.

use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use server::DecodeErrorKind;

use super::util::*;

/// A and B exchange an SA: proof the server still routes.
async fn still_routes(a: &mut Client, b: &mut Client, tag: &str) {
    a.send(&event(tag, "a-u-G", "")).await;
    assert!(
        b.wait_for(tag, WAIT).await.0.is_some(),
        "routing stopped ({tag})"
    );
}

#[tokio::test]
async fn garbage_and_malformed_events_are_skipped() {
    let server = start(config()).await;
    let addr = server.tcp_addrs[0];
    let mut a = joined(addr, "UID-A", "ALPHA").await;
    let mut b = joined(addr, "UID-B", "BRAVO").await;
    a.send_bytes(b"\x00\xff\xfegarbage garbage\n")
        .await
        .expect("send");
    a.send(&event("GOOD-1", "a-u-G", "")).await;
    a.send(r#"<event version="2.0" uid="BAD" type="a-u-G" time="never"><point lat="x"/></event>"#)
        .await;
    a.send(&event("GOOD-2", "a-u-G", "")).await;
    assert!(b.wait_for("GOOD-1", WAIT).await.0.is_some());
    assert!(b.wait_for("GOOD-2", WAIT).await.0.is_some());
    let m = server.metrics();
    assert!(m.decode_errors(DecodeErrorKind::Malformed) >= 1);
    assert!(m.decode_errors(DecodeErrorKind::Garbage) >= 1);
    server.shutdown().await;
}

#[tokio::test]
async fn entity_bomb_is_refused() {
    let server = start(config()).await;
    let addr = server.tcp_addrs[0];
    let mut a = joined(addr, "UID-A", "ALPHA").await;
    let mut b = joined(addr, "UID-B", "BRAVO").await;
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><event version="2.0" uid="BOMB" type="a-u-G" how="h-e" time="2024-01-01T00:00:00Z" start="2024-01-01T00:00:00Z" stale="2030-01-01T00:00:00Z"><point lat="0" lon="0" hae="0" ce="0" le="0"/><detail><remarks>&lol2;</remarks></detail></event>"#;
    let _ = a.send_bytes(bomb.as_bytes()).await;
    assert!(b.drain(QUIET).await.iter().all(|e| !e.contains("BOMB")));
    assert!(server.metrics().decode_errors(DecodeErrorKind::Forbidden) >= 1);
    let mut c = joined(addr, "UID-C", "CHARLIE").await;
    still_routes(&mut c, &mut b, "AFTER-BOMB").await;
    server.shutdown().await;
}

#[tokio::test]
async fn oversized_event_closes_that_connection_only() {
    let mut cfg = config();
    cfg.tak.max_event_bytes = 64 * 1024;
    let server = start(cfg).await;
    let addr = server.tcp_addrs[0];
    let mut a = joined(addr, "UID-A", "ALPHA").await;
    let mut b = joined(addr, "UID-B", "BRAVO").await;
    let mut big = Client::connect(addr).await;
    big.send(&sa("UID-BIG", "BIG", "Cyan")).await;
    let mut open = b"<event version=\"2.0\" uid=\"HUGE\" type=\"a-u-G\"><detail><remarks>".to_vec();
    open.extend(std::iter::repeat_n(b'x', 256 * 1024));
    let _ = big.send_bytes(&open).await;
    assert!(
        big.closed_within(WAIT).await,
        "oversized stream was not closed"
    );
    assert!(server.metrics().decode_errors(DecodeErrorKind::TooLarge) >= 1);
    still_routes(&mut a, &mut b, "AFTER-HUGE").await;
    server.shutdown().await;
}

#[tokio::test]
async fn silent_client_is_timed_out() {
    let mut cfg = config();
    cfg.tak.identify_timeout = Duration::from_millis(300);
    let server = start(cfg).await;
    let mut quiet = Client::connect(server.tcp_addrs[0]).await;
    assert!(quiet.closed_within(WAIT).await);
    assert_eq!(server.metrics().identify_timeouts.load(Relaxed), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_never_reads_does_not_stall_others() {
    let mut cfg = config();
    cfg.tak.outbound_queue = 64;
    cfg.tak.client_rate = 0;
    let server = start(cfg).await;
    let addr = server.tcp_addrs[0];
    // The sleeper identifies, then never reads a byte.
    let mut sleeper = Client::connect(addr).await;
    sleeper.send(&sa("UID-Z", "SLEEPER", "Cyan")).await;
    let mut a = joined(addr, "UID-A", "ALPHA").await;
    let mut b = joined(addr, "UID-B", "BRAVO").await;
    let pad = "x".repeat(4000);
    for i in 0..3000 {
        a.send(&event(
            &format!("FLOOD-{i}"),
            "a-u-G",
            &format!("<remarks>{pad}</remarks>"),
        ))
        .await;
    }
    let (last, _) = b.wait_for("FLOOD-2999", Duration::from_secs(20)).await;
    assert!(last.is_some(), "a reader was held up by the sleeper");
    let m = server.metrics();
    assert!(
        m.dropped_slow.load(Relaxed) + m.coalesced_slow.load(Relaxed) > 0,
        "slow client not counted"
    );
    drop(sleeper);
    server.shutdown().await;
}

#[tokio::test]
async fn a_flooding_client_is_paced() {
    let mut cfg = config();
    cfg.tak.client_rate = 50;
    let server = start(cfg).await;
    let addr = server.tcp_addrs[0];
    let mut flood = joined(addr, "UID-F", "FLOOD").await;
    let mut b = joined(addr, "UID-B", "BRAVO").await;
    let burst: String = (0..2000)
        .map(|i| event(&format!("F-{i}"), "a-u-G", ""))
        .collect();
    let writer = tokio::spawn(async move {
        let _ =
            tokio::time::timeout(Duration::from_secs(3), flood.send_bytes(burst.as_bytes())).await;
        flood
    });
    let mut c = joined(addr, "UID-C", "CHARLIE").await;
    still_routes(&mut c, &mut b, "DURING-FLOOD").await;
    assert!(
        server.metrics().throttled.load(Relaxed) > 0,
        "flood was not paced"
    );
    drop(writer.await);
    server.shutdown().await;
}

/// Issue 9 item 5: a broken event costs that event only, and is counted.
#[tokio::test]
async fn a_broken_event_costs_only_itself() {
    let server = start(config()).await;
    let addr = server.tcp_addrs[0];
    let mut a = joined(addr, "UID-A", "ALPHA").await;
    let mut b = joined(addr, "UID-B", "BRAVO").await;
    // An unbalanced quote: every later quote of the stream is shifted by it.
    let good = event("QUOTE-BAD", "a-u-G", "");
    let unbalanced = good.replacen(r#"version="2.0""#, r#"version="2.0"#, 1);
    a.send(&format!(
        "{unbalanced}{}",
        event("AFTER-QUOTE-1", "a-u-G", "")
    ))
    .await;
    a.send(&event("AFTER-QUOTE-2", "a-u-G", "")).await;
    assert!(b.wait_for("AFTER-QUOTE-1", WAIT).await.0.is_some());
    assert!(b.wait_for("AFTER-QUOTE-2", WAIT).await.0.is_some());
    // Cut off inside a value, then straight into the next event.
    let cut = &good[..good.find("how=").expect("how") + 6];
    a.send(&format!("{cut}{}", event("AFTER-CUT", "a-u-G", "")))
        .await;
    let (after, skipped) = b.wait_for("AFTER-CUT", WAIT).await;
    assert!(after.is_some(), "the event after a cut one was swallowed");
    assert!(skipped.iter().all(|e| !e.contains("QUOTE-BAD")));
    assert_eq!(
        server.metrics().decode_errors(DecodeErrorKind::Truncated),
        2
    );
    still_routes(&mut a, &mut b, "AFTER-BROKEN").await;
    server.shutdown().await;
}

/// Issue 9 item 6: characters XML 1.0 forbids never reach another client,
/// whether they came as XML or as TAK protocol v1.
#[tokio::test]
async fn forbidden_characters_are_scrubbed_from_xml_and_protobuf() {
    fn clean(e: &str) -> bool {
        !e.contains(['\u{1}', '\u{b}', '\u{1f}', '\u{fffe}']) && !e.contains("&#1;")
    }
    let server = start(config()).await;
    let addr = server.tcp_addrs[0];
    let mut a = joined(addr, "UID-A", "ALPHA").await;
    let mut b = joined(addr, "UID-B", "BRAVO").await;
    a.send(&event(
        "CTRL-XML",
        "a-u-G",
        "<remarks a=\"x\u{1}&#1;\">r\u{b}e&#x1F;m\u{fffe}</remarks><other keep=\"&#10;\"/>",
    ))
    .await;
    let (got, _) = b.wait_for("CTRL-XML", WAIT).await;
    let got = got.expect("the scrubbed XML event is delivered");
    assert!(clean(&got), "{got:?}");
    assert!(got.contains(r#"<remarks a="x">rem</remarks><other keep="&#10;"/>"#));

    let t = cot::Time::from_millis(
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_millis(),
        )
        .expect("ms"),
    );
    let mut e = cot::Event::new("CTRL-PROTO", "a-f-G-U-C", "m-g", t, t.plus_secs(60));
    e.detail.push_element(cot::Element::with_attrs(
        "contact",
        [("callsign", "PRO\u{1}TO"), ("endpoint", "*:-1:stcp")],
    ));
    e.detail.push_element(cot::Element::with_attrs(
        "remarks_x",
        [("note", "a\u{1f}b\u{fffe}")],
    ));
    let mut p = Client::connect(addr).await;
    p.send_bytes(&cot::proto::encode_event_stream(&e))
        .await
        .expect("send");
    let (got, _) = b.wait_for("CTRL-PROTO", WAIT).await;
    let got = got.expect("the scrubbed protobuf event is delivered");
    assert!(clean(&got), "{got:?}");
    assert!(got.contains(r#"callsign="PROTO""#) && got.contains(r#"note="ab""#));
    assert_eq!(server.metrics().events_scrubbed.load(Relaxed), 2);
    server.shutdown().await;
}
