"""Bad input against a real watchfloor: every case checks that the server is still up
(``/healthz`` and two other clients still exchanging events) and that the right counter
in ``/metrics`` moved."""

from __future__ import annotations

import asyncio
import socket
import time

from takproto.proto import TakMessage

import wfcot
from wfclients import stream_frame
from wfcot import new_uid

GOOD_DECL = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


def decode_errors(kind: str) -> str:
    return f'watchfloor_decode_errors_total{{kind="{kind}"}}'


async def wait_metric(server, key: str | tuple[str, ...], at_least: float, timeout: float = 5.0) -> float:
    """Polls ``/metrics`` until ``key`` (or the sum of several keys) >= ``at_least``;
    fails after ``timeout`` s."""
    keys = (key,) if isinstance(key, str) else key
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        m = await asyncio.to_thread(server.metrics)
        value = sum(m.get(k, 0.0) for k in keys)
        if value >= at_least:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"{key} = {value}, expected >= {at_least} within {timeout}s")
        await asyncio.sleep(0.05)


async def watchers(server, clients):
    """Two identified clients that keep talking while a third misbehaves."""
    w1 = await clients.raw(server.tcp_port, "watcher1")
    w2 = await clients.raw(server.tcp_port, "watcher2")
    await w1.join(new_uid("w1"), "WATCH1")
    await w2.join(new_uid("w2"), "WATCH2")
    return w1, w2


async def assert_alive(server, w1, w2, timeout: float = 5.0) -> None:
    """The process runs, /healthz is ok, and the watchers still exchange events."""
    assert server.alive(), server.log_tail()
    assert await asyncio.to_thread(server.healthz)
    for src, dst in ((w1, w2), (w2, w1)):
        uid = new_uid("still-alive")
        await src.send(wfcot.marker(uid, 7.0, 8.0))
        got = await dst.wait_for(lambda e: e.uid == uid, timeout, what="event after bad input")
        assert (got.lat, got.lon) == (7.0, 8.0)


async def test_garbage_bytes_are_skipped_and_the_next_event_still_arrives(server, clients):
    w1, w2 = await watchers(server, clients)
    before = server.metric(decode_errors("garbage"))
    bad = await clients.raw(server.tcp_port, "garbage")
    await bad.send_raw(b"\x00\x01GARBAGE\xff\xfe not xml at all >>> " * 50 + b"\n")
    ub = new_uid("after-garbage")
    await bad.send_raw(GOOD_DECL + wfcot.sa(ub, "AFTER", 1.5, 2.5))
    got = await w1.wait_for(lambda e: e.uid == ub, what="the event after the garbage")
    assert (got.lat, got.lon) == (1.5, 2.5)
    await wait_metric(server, decode_errors("garbage"), before + 1)
    await assert_alive(server, w1, w2)


async def test_truncated_event_is_dropped_and_the_stream_goes_on(server, clients):
    w1, w2 = await watchers(server, clients)
    skipped = decode_errors("truncated")
    before = await wait_metric(server, skipped, 0)
    bad = await clients.raw(server.tcp_port, "truncated")
    cut_uid, good_uid = new_uid("cut"), new_uid("after-cut")
    cut = wfcot.sa(cut_uid, "CUT")
    # The sender "restarted" mid-event: a new declaration and a whole event follow.
    # Cut at a tag boundary (after <point/>), so the cut is not inside a quoted value.
    head = cut[: cut.index(b"<detail>")]
    await bad.send_raw(GOOD_DECL + head + b"\n" + GOOD_DECL + wfcot.sa(good_uid, "GOOD", 3.0, 4.0))
    await w1.wait_for(lambda e: e.uid == good_uid, what="the whole event after the cut one")
    await wait_metric(server, skipped, before + 1)
    await w1.sync()
    assert not w1.matching(lambda e: e.uid == cut_uid)

    # A connection that ends in the middle of an event.
    conns = server.metric("watchfloor_connections")
    tail = await clients.raw(server.tcp_port, "truncated-at-eof")
    await tail.send_raw(GOOD_DECL + cut[: cut.index(b"<detail>") + 20])
    await tail.close()
    await assert_alive(server, w1, w2)
    for _ in range(100):
        if server.metric("watchfloor_connections") <= conns:
            break
        await asyncio.sleep(0.05)
    assert server.metric("watchfloor_connections") <= conns


async def test_oversized_event_that_never_closes_drops_the_connection(server_factory, clients):
    server = server_factory("--max-event-bytes", "65536")
    w1, w2 = await watchers(server, clients)
    before = server.metric(decode_errors("too_large"))
    bad = await clients.raw(server.tcp_port, "huge")
    head = b'<event version="2.0" uid="huge" type="a-f-G" how="m-g" time="2020-01-01T00:00:00Z" ' \
           b'start="2020-01-01T00:00:00Z" stale="2030-01-01T00:00:00Z"><detail><remarks>'
    try:
        await bad.send_raw(head)
        for _ in range(16):  # 16 x 16 KiB: four times the limit, bounded
            await bad.send_raw(b"A" * 16384)
    except (ConnectionError, OSError, asyncio.TimeoutError):
        pass  # the server may close while we still write
    await bad.wait_closed_by_server(5)
    await wait_metric(server, decode_errors("too_large"), before + 1)
    await assert_alive(server, w1, w2)


async def test_malformed_event_between_two_good_ones(server, clients):
    w1, w2 = await watchers(server, clients)
    before = server.metric(decode_errors("malformed"))
    s = await clients.raw(server.tcp_port, "sender")
    us = new_uid("sender")
    await s.join(us, "SENDER")
    u1, u2 = new_uid("good1"), new_uid("good2")
    malformed = (
        b'<event version="2.0" uid="bad-nesting" type="a-h-G" how="m-g" time="2020-01-01T00:00:00Z" '
        b'start="2020-01-01T00:00:00Z" stale="2030-01-01T00:00:00Z"><point lat="1" lon="2">'
        b"<detail></point></detail></event>"
    )
    await s.send_raw(wfcot.marker(u1) + malformed + wfcot.marker(u2))
    await w1.wait_for(lambda e: e.uid == u1, what="first good event")
    await w1.wait_for(lambda e: e.uid == u2, what="second good event")
    await w2.wait_for(lambda e: e.uid == u2, what="second good event")
    assert not w1.matching(lambda e: e.uid == "bad-nesting")
    await wait_metric(server, decode_errors("malformed"), before + 1)
    # The sender's connection was kept.
    await s.sync()
    await assert_alive(server, w1, w2)


async def test_bad_magic_and_bad_varint_on_protobuf_connections(server, clients):
    w1, w2 = await watchers(server, clients)
    before = server.metric(decode_errors("bad_frame"))

    # A negotiated connection that then breaks the framing (wrong magic byte).
    p = await clients.raw(server.tcp_port, "negotiated", negotiate=True)
    await p.join(new_uid("p"), "PAPA")
    await p.wait_upgraded()
    await p.sync()
    await p.send_raw(b"\x42\x05hello")
    await p.wait_closed_by_server(5)
    await wait_metric(server, decode_errors("bad_frame"), before + 1)

    # A connection speaking protobuf from its first byte, with a varint that never ends.
    q = await clients.raw(server.tcp_port, "proto-from-start")
    await q.send_raw(b"\xbf" + b"\xff" * 11 + b"\x01")
    await q.wait_closed_by_server(5)
    await wait_metric(server, decode_errors("bad_frame"), before + 2)
    await assert_alive(server, w1, w2)


async def test_doctype_and_entity_bombs_are_rejected(server, clients):
    w1, w2 = await watchers(server, clients)
    before = server.metric(decode_errors("forbidden"))
    bomb_uid, xxe_uid = new_uid("bomb"), new_uid("xxe")
    lol = "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE event [<!ENTITY lol0 "lol">{lol}]>'.encode()
        + wfcot.event(bomb_uid, "a-h-G", detail="<remarks>&lol9;</remarks>")
    )
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE event [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + wfcot.event(xxe_uid, "a-h-G", detail="<remarks>&xxe;</remarks>")
    )
    for name, payload in (("bomb", bomb), ("xxe", xxe)):
        c = await clients.raw(server.tcp_port, name)
        try:
            await c.send_raw(payload)
        except (ConnectionError, OSError):
            pass
    await wait_metric(server, decode_errors("forbidden"), before + 2)
    await assert_alive(server, w1, w2)
    for w in (w1, w2):
        await w.sync()
        assert not w.matching(lambda e: e.uid in (bomb_uid, xxe_uid)), "entity-laden event delivered"
        assert not any(b"root:" in (e.raw or b"") for e in w.events)


async def test_flooding_client_is_paced_and_others_keep_receiving(server_factory, clients):
    server = server_factory("--client-rate", "100")
    w1, w2 = await watchers(server, clients)
    flooder = await clients.raw(server.tcp_port, "flooder")
    uf = new_uid("flooder")
    await flooder.join(uf, "FLOOD", lat=-5.0, lon=1.0)
    before = server.metric("watchfloor_throttled_total")
    # 1,000 SA updates in one burst (about 500 KB; bounded). At 100 events/s with a
    # 5 s bucket, the first 500 pass at once and the rest need at least 5 more seconds.
    burst = b"".join(wfcot.sa(uf, "FLOOD", lat=i / 1000.0, lon=1.0) for i in range(1, 1001))
    flooder.writer.write(burst)
    # While the server works through the flood, the others still talk promptly.
    await assert_alive(server, w1, w2, timeout=3)
    await wait_metric(server, "watchfloor_throttled_total", before + 1)
    assert not w1.matching(lambda e: e.uid == uf and e.lat >= 0.999), "flood was not paced"
    # Paced, not dropped on the floor: updates past the burst keep reaching the watchers.
    await w1.wait_for(lambda e: e.uid == uf and e.lat >= 0.55, timeout=10, what="paced flood updates")
    assert server.alive()


async def test_client_that_never_reads_does_not_hold_up_others(server_factory, clients):
    server = server_factory("--outbound-queue", "64", "--client-rate", "0")
    w1, w2 = await watchers(server, clients)
    # A client with a tiny receive window that identifies and then never reads.
    sink = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sink.setblocking(False)
    try:
        await asyncio.wait_for(asyncio.get_running_loop().sock_connect(sink, ("127.0.0.1", server.tcp_port)), 5)
        await asyncio.get_running_loop().sock_sendall(sink, wfcot.sa(new_uid("sink"), "SINK"))
        s = await clients.raw(server.tcp_port, "sender")
        await s.join(new_uid("sender"), "SENDER")
        pad = "x" * 2000
        before = server.metric('watchfloor_drops_total{reason="slow_client"}')
        # 1,500 distinct markers of about 2.3 KB each: far more than 64 messages plus
        # the sink's socket buffers. Sent in chunks so our own writes stay bounded.
        for chunk in range(15):
            batch = b"".join(
                wfcot.marker(f"mk-{chunk}-{i}", extra=f"<remarks>{pad}</remarks>")
                for i in range(100)
            )
            await s.send_raw(batch)
        await wait_metric(server, 'watchfloor_drops_total{reason="slow_client"}', before + 1, timeout=10)
        await w2.wait_for(lambda e: e.uid == "mk-14-99", timeout=15, what="the last marker")
        await assert_alive(server, w1, w2)
    finally:
        sink.close()


async def test_client_that_never_identifies_is_closed(server_factory, clients):
    server = server_factory("--identify-timeout", "1")
    before = server.metric("watchfloor_identify_timeouts_total")
    silent = await clients.raw(server.tcp_port, "silent")
    pinger = await clients.raw(server.tcp_port, "pinger")
    await pinger.send(wfcot.ping())  # control traffic does not identify
    w1, w2 = await watchers(server, clients)
    await silent.wait_closed_by_server(4)
    await pinger.wait_closed_by_server(4)
    await wait_metric(server, "watchfloor_identify_timeouts_total", before + 2)
    assert not w1.closed.is_set() and not w2.closed.is_set()
    await assert_alive(server, w1, w2)


async def test_a_broken_event_costs_only_itself(server, clients):
    """Issue 9 item 5: an unbalanced quote used to shift every later quote, so the
    connection stayed open and delivered nothing more; a cut-off event swallowed the
    event after it."""
    w1, w2 = await watchers(server, clients)
    before = server.metric(decode_errors("truncated"))
    s = await clients.raw(server.tcp_port, "sender")
    await s.join(new_uid("sender"), "SENDER")
    bad_uid, cut_uid = new_uid("unbalanced"), new_uid("cut")
    u1, u2, u3 = new_uid("after-quote"), new_uid("after-quote"), new_uid("after-cut")
    unbalanced = wfcot.marker(bad_uid).replace(b'version="2.0"', b'version="2.0', 1)
    await s.send_raw(unbalanced + wfcot.marker(u1, 1.0, 1.0))
    await s.send_raw(wfcot.marker(u2, 2.0, 2.0))
    # Cut off inside an attribute value, straight into the next event.
    whole = wfcot.marker(cut_uid)
    await s.send_raw(whole[: whole.index(b"how=") + 6] + wfcot.marker(u3, 3.0, 3.0))
    for uid in (u1, u2, u3):
        await w1.wait_for(lambda e, uid=uid: e.uid == uid, what=f"the good event {uid}")
    await wait_metric(server, decode_errors("truncated"), before + 2)
    await s.sync()  # the sender's connection was kept
    await w1.sync()
    assert not w1.matching(lambda e: e.uid in (bad_uid, cut_uid))
    await assert_alive(server, w1, w2)


FORBIDDEN = ("\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff")


def assert_clean(raw: bytes) -> None:
    """No character XML 1.0 forbids, literal or as a reference, in what a client got."""
    text = raw.decode("utf-8")
    assert not any(c in text for c in FORBIDDEN), raw
    assert "&#1;" not in text and "&#x1F;" not in text, raw


async def test_characters_xml_forbids_never_reach_clients(server, clients):
    """Issue 9 item 6: control characters (literal or as references) and U+FFFE/U+FFFF
    were forwarded unchanged; Python's expat, like ATAK's parser, refuses such an event
    (and this client's reader stops at it, as ATAK drops the whole event)."""
    w1, w2 = await watchers(server, clients)
    before = server.metric("watchfloor_events_scrubbed_total")
    s = await clients.raw(server.tcp_port, "xml-sender")
    await s.join(new_uid("xml-sender"), "XMLSENDER")
    ux = new_uid("ctrl-xml")
    await s.send_raw(wfcot.event(
        ux, "a-h-G", lat=1.0, lon=2.0,
        detail="<contact callsign='X\x01ML'/><remarks>b\x0bad&#x1F; ch&#1;ar\ufffes</remarks>",
    ))
    got = await w1.wait_for(lambda e: e.uid == ux, what="the scrubbed XML event")
    assert (got.callsign, got.remarks()) == ("XML", "bad chars")
    assert_clean(got.raw)

    # TAK protocol v1 from the first byte: strings go straight into the protobuf.
    up = new_uid("ctrl-proto")
    now = int(time.time() * 1000)
    msg = TakMessage()
    ev = msg.cotEvent
    ev.type, ev.uid, ev.how = "a-f-G-U-C", up, "m-g"
    ev.sendTime, ev.startTime, ev.staleTime = now, now, now + 120_000
    ev.lat, ev.lon, ev.hae, ev.ce, ev.le = 5.0, 6.0, 0.0, 9999999.0, 9999999.0
    ev.detail.contact.callsign = "PRO\x01TO"
    ev.detail.contact.endpoint = "*:-1:stcp"
    ev.detail.xmlDetail = "<remarks>x\x1fy\uffff</remarks>"
    p = await clients.raw(server.tcp_port, "proto-sender")
    await p.send_raw(stream_frame(msg))
    for w in (w1, w2):
        got = await w.wait_for(lambda e: e.uid == up, what="the scrubbed protobuf event")
        assert (got.callsign, got.remarks()) == ("PROTO", "xy")
        assert_clean(got.raw)
    await wait_metric(server, "watchfloor_events_scrubbed_total", before + 2)
    await assert_alive(server, w1, w2)
