"""watchfloor with independent TAK clients: pytak (XML over TCP and UDP), takproto
(negotiated TAK protocol v1 stream protobuf) and raw sockets.

Absence ("X did not get Y") is checked with a ping/pong barrier, not a sleep: the
pong is queued behind anything routed to that client before its ping."""

from __future__ import annotations

import asyncio
import socket

import takproto

import wfcot
from wfcot import Cot, new_uid

OFFER = "t-x-takp-v"


def uid_is(uid: str):
    return lambda e: e.uid == uid


def type_is(t: str):
    return lambda e: e.type == t


def tcp(server) -> str:
    return f"tcp://127.0.0.1:{server.tcp_port}"


def assert_sa(got: Cot, uid: str, callsign: str, lat: float, lon: float, cot_type: str = "a-f-G-U-C") -> None:
    assert (got.uid, got.type, got.callsign) == (uid, cot_type, callsign), got
    assert abs(got.lat - lat) < 1e-6 and abs(got.lon - lon) < 1e-6, got


async def test_sa_between_two_pytak_clients_of_one_group_not_to_another_group(server, clients):
    a = await clients.pytak(tcp(server), "alpha")
    b = await clients.pytak(tcp(server), "bravo")
    blue = await clients.pytak(f"tcp://127.0.0.1:{server.blue_port}", "blue")
    ua, ub, uc = new_uid("alpha"), new_uid("bravo"), new_uid("blue")
    await a.join(ua, "ALPHA", lat=10.0, lon=20.0)
    await b.join(ub, "BRAVO", lat=11.0, lon=21.0)
    await blue.join(uc, "BLUE", lat=12.0, lon=22.0)

    # Live updates after everyone identified.
    await a.send(wfcot.sa(ua, "ALPHA", 10.5, 20.5))
    await b.send(wfcot.sa(ub, "BRAVO", 11.5, 21.5))
    assert_sa(await b.wait_for(lambda e: e.uid == ua and e.lat == 10.5, what="alpha's update"), ua, "ALPHA", 10.5, 20.5)
    assert_sa(await a.wait_for(lambda e: e.uid == ub and e.lat == 11.5, what="bravo's update"), ub, "BRAVO", 11.5, 21.5)

    # The blue listener's client hears neither, and they never hear it.
    await blue.send(wfcot.sa(uc, "BLUE", 12.5, 22.5))
    for c in (a, b, blue):
        await c.sync()
    assert not blue.matching(lambda e: e.uid in (ua, ub)), blue.events
    assert not a.matching(uid_is(uc)) and not b.matching(uid_is(uc))
    # Nobody gets their own SA back.
    assert not a.matching(uid_is(ua)) and not b.matching(uid_is(ub))


async def test_late_joiner_gets_latest_sa_of_others_first(server, clients):
    a = await clients.pytak(tcp(server), "alpha")
    b = await clients.pytak(tcp(server), "bravo")
    ua, ub = new_uid("alpha"), new_uid("bravo")
    await a.join(ua, "ALPHA", lat=1.0, lon=1.0)
    await b.join(ub, "BRAVO", lat=2.0, lon=2.0)
    blue = await clients.pytak(f"tcp://127.0.0.1:{server.blue_port}", "blue")
    await blue.join(new_uid("blue"), "BLUE")  # another group: not in the replay
    await a.send(wfcot.sa(ua, "ALPHA", 1.25, 1.5))  # the latest, must win
    short = new_uid("short-lived")
    await a.send(wfcot.marker(short, stale_s=1))
    await b.wait_for(uid_is(short))
    await asyncio.sleep(1.3)  # let the short-lived marker go stale

    late = await clients.pytak(tcp(server), "late")
    await late.join(new_uid("late"), "LATE")
    offer_at = next(i for i, e in enumerate(late.events) if e.type == OFFER)
    replay = late.events[:offer_at]
    by_uid = {e.uid: e for e in replay}
    assert set(by_uid) == {ua, ub}, replay
    assert_sa(by_uid[ua], ua, "ALPHA", 1.25, 1.5)
    assert_sa(by_uid[ub], ub, "BRAVO", 2.0, 2.0)
    assert all(e.type.startswith("a-") for e in replay)


async def test_directed_marti_dest_reaches_only_its_addressee(server, clients):
    a, b, c = [await clients.raw(server.tcp_port, n) for n in ("a", "b", "c")]
    ua, ub, uc = new_uid("a"), new_uid("b"), new_uid("c")
    await a.join(ua, "ALPHA")
    await b.join(ub, "BRAVO")
    await c.join(uc, "CHARLIE")

    by_cs = new_uid("to-bravo")
    await a.send(wfcot.marker(by_cs, dest='<dest callsign="BRAVO"/>'))
    await b.wait_for(uid_is(by_cs))
    by_uid = new_uid("to-charlie")
    await a.send(wfcot.marker(by_uid, dest=f'<dest uid="{uc}"/>'))
    await c.wait_for(uid_is(by_uid))
    both = new_uid("to-both")
    await a.send(wfcot.marker(both, dest=f'<dest callsign="BRAVO"/><dest uid="{uc}"/>'))
    await b.wait_for(uid_is(both))
    await c.wait_for(uid_is(both))
    # An addressee in another listener group is out of reach.
    blue = await clients.raw(server.blue_port, "blue")
    await blue.join(new_uid("blue"), "BLUECS")
    to_blue = new_uid("to-blue")
    await a.send(wfcot.marker(to_blue, dest='<dest callsign="BLUECS"/>'))
    await a.sync()
    await blue.sync()
    assert not blue.matching(uid_is(to_blue)), "directed event crossed listener groups"
    await b.sync()
    await c.sync()
    assert not c.matching(uid_is(by_cs)), "callsign-addressed marker leaked to charlie"
    assert not b.matching(uid_is(by_uid)), "uid-addressed marker leaked to bravo"


async def test_nothing_is_received_before_identifying(server, clients):
    a = await clients.raw(server.tcp_port, "a")
    u = await clients.raw(server.tcp_port, "unidentified")
    ua = new_uid("a")
    await a.join(ua, "ALPHA", lat=6.0, lon=7.0)
    await u.send(wfcot.event(new_uid("not-sa"), "b-m-p-s-m", lat=1.0, lon=1.0))  # not an a-* SA
    mk = new_uid("marker")
    await a.send(wfcot.marker(mk))
    await a.sync()
    await u.sync()
    assert [e.type for e in u.events] == ["t-x-c-t-r"], u.events
    await u.join(new_uid("u"), "UNIFORM")
    assert_sa(await u.wait_for(uid_is(ua)), ua, "ALPHA", 6.0, 7.0)
    assert u.matching(uid_is(mk)), "cached marker not replayed on identifying"


async def test_ping_is_answered_to_the_sender_only(server, clients):
    a = await clients.raw(server.tcp_port, "a")
    b = await clients.raw(server.tcp_port, "b")
    await a.join(new_uid("a"), "ALPHA")
    await b.join(new_uid("b"), "BRAVO")
    mark_b = b.mark()
    mark_a = a.mark()
    await a.send(wfcot.ping())
    pong = await a.wait_for(type_is("t-x-c-t-r"), since=mark_a)
    assert pong.uid
    await b.sync()  # b's own ping: exactly one pong for b, and no ping relayed
    assert len(b.matching(type_is("t-x-c-t-r"), mark_b)) == 1
    assert not b.matching(type_is("t-x-c-t"))


async def test_disconnect_is_announced_with_link_uid(server, clients):
    a = await clients.raw(server.tcp_port, "a")
    b = await clients.pytak(tcp(server), "bravo")
    ua = new_uid("leaving")
    await a.join(ua, "LEAVING")
    await b.join(new_uid("b"), "BRAVO")
    await b.wait_for(uid_is(ua))
    await a.close()
    gone = await b.wait_for(lambda e: e.type == "t-x-d-d" and ua in e.link_uids, what="delete of the departed")
    link = gone.find("link")
    assert link is not None and link.get("uid") == ua


async def test_takproto_and_pytak_clients_see_each_other_in_their_own_encoding(server, clients):
    p = await clients.raw(server.tcp_port, "takproto", negotiate=True)
    x = await clients.pytak(tcp(server), "pytak-xml")
    up, ux = new_uid("proto"), new_uid("xml")
    await x.join(ux, "XRAY", lat=-33.5, lon=151.25)
    await p.identify(up, "PAPA", lat=48.125, lon=11.5)  # in XML: not yet negotiated
    await p.wait_upgraded()
    assert p.responses == ["true"]
    # The replay before the offer came as XML.
    assert_sa(await p.wait_for(uid_is(ux)), ux, "XRAY", -33.5, 151.25)

    since_x = x.mark()
    await p.send(wfcot.sa(up, "PAPA", 48.25, 11.75))  # now protobuf on the wire
    got = await x.wait_for(lambda e: e.uid == up and e.lat == 48.25, since=since_x)
    assert got.encoding == "xml"
    assert_sa(got, up, "PAPA", 48.25, 11.75)
    assert got.find("__group").get("name") == "Cyan"

    since_p = p.mark()
    await x.send(wfcot.sa(ux, "XRAY", -33.75, 151.5))
    got = await p.wait_for(lambda e: e.uid == ux and e.lat == -33.75, since=since_p)
    assert got.encoding == "proto"
    assert_sa(got, ux, "XRAY", -33.75, 151.5)
    assert got.proto.cotEvent.detail.group.name == "Cyan"
    # GeoChat both ways: the detail travels in xmlDetail.
    chat = wfcot.chat_all(up, "PAPA", "from protobuf")
    await p.send(chat)
    got = await x.wait_for(uid_is(wfcot.parse_xml(chat).uid))
    assert got.remarks() == "from protobuf" and got.find("__chat").get("chatroom") == "All Chat Rooms"
    chat = wfcot.chat_all(ux, "XRAY", "from xml")
    await x.send(chat)
    got = await p.wait_for(uid_is(wfcot.parse_xml(chat).uid))
    assert got.encoding == "proto" and got.remarks() == "from xml"
    assert got.find("__chat").get("chatroom") == "All Chat Rooms"
    await p.sync()  # the pong also comes as protobuf
    assert p.events[-1].encoding == "proto"
    assert server.metric("watchfloor_proto_upgrades_total") == 1


async def test_negotiation_of_an_unknown_version_is_refused_and_stays_xml(server, clients):
    q = await clients.raw(server.tcp_port, "v2", negotiate=True, version="2")
    other = await clients.raw(server.tcp_port, "other")
    uq, uo = new_uid("v2"), new_uid("other")
    await q.join(uq, "QUEBEC")
    await q.wait_for(lambda e: e.type == "t-x-takp-r", what="takp response")
    assert q.responses == ["false"] and not q.proto
    await other.join(uo, "OTHER")
    got = await q.wait_for(uid_is(uo))
    assert got.encoding == "xml"
    await q.send(wfcot.sa(uq, "QUEBEC", 7.0, 8.0))  # still XML from us too
    await other.wait_for(lambda e: e.uid == uq and e.lat == 7.0)


async def test_pytak_sending_protobuf_from_the_first_byte_is_understood(server, clients):
    x = await clients.raw(server.tcp_port, "xml")
    await x.join(new_uid("x"), "XRAY")
    pp = await clients.pytak(tcp(server), "pytak-proto", tak_proto=1)
    up = new_uid("pytak-proto")
    await pp.identify(up, "PROTO", lat=3.5, lon=4.5)
    assert_sa(await x.wait_for(uid_is(up)), up, "PROTO", 3.5, 4.5)


async def test_pytak_hello_without_link_is_harmless(server, clients):
    b = await clients.raw(server.tcp_port, "b")
    ub = new_uid("b")
    await b.join(ub, "BRAVO", lat=9.0, lon=9.5)
    before = server.metrics()
    hello_id = new_uid("hello")
    h = await clients.pytak(tcp(server), "hello", hello=True, host_id=hello_id)
    uh = new_uid("pytak")
    await h.join(uh, "HOTEL")
    assert_sa(await h.wait_for(uid_is(ub)), ub, "BRAVO", 9.0, 9.5)
    await b.wait_for(uid_is(uh))
    await b.sync()
    # TAK Server passes every t-x-d-d on, the hello included: it links
    # nothing, so receivers delete nothing.
    after = server.metrics()
    for kind in ("garbage", "malformed", "forbidden"):
        key = f'watchfloor_decode_errors_total{{kind="{kind}"}}'
        assert after.get(key, 0) == before.get(key, 0), key
    # Nothing was deleted from the picture: a newcomer still sees bravo.
    n = await clients.raw(server.tcp_port, "newcomer")
    await n.join(new_uid("n"), "NEW")
    assert n.matching(uid_is(ub))


async def test_a_delete_for_everyone_reaches_the_others_and_leaves_the_picture(server, clients):
    a = await clients.pytak(tcp(server), "alpha")
    b = await clients.raw(server.tcp_port, "b")
    ua = new_uid("a")
    await a.join(ua, "ALPHA")
    await b.join(new_uid("b"), "BRAVO")
    mk = new_uid("marker")
    await a.send(wfcot.marker(mk))
    await b.wait_for(uid_is(mk))
    await a.send(wfcot.delete(mk))
    got = await b.wait_for(lambda e: e.type == "t-x-d-d" and mk in e.link_uids, what="the delete")
    assert got.find("__forcedelete") is not None, "the delete arrives as sent"
    # A client joining afterwards is not replayed the deleted marker.
    n = await clients.raw(server.tcp_port, "newcomer")
    await n.join(new_uid("n"), "NEW")
    assert n.matching(uid_is(ua)), "the replay happened"
    assert not n.matching(uid_is(mk)), "a deleted marker was replayed"


async def test_geochat_all_rooms_team_room_and_direct(server, clients):
    a = await clients.pytak(tcp(server), "alpha")
    b = await clients.raw(server.tcp_port, "bravo")
    r = await clients.raw(server.tcp_port, "red")
    ua, ub, ur = new_uid("a"), new_uid("b"), new_uid("r")
    await a.join(ua, "ALPHA", team="Cyan")
    await b.join(ub, "BRAVO", team="Cyan")
    await r.join(ur, "ROMEO", team="Red")

    everyone = wfcot.chat_all(ua, "ALPHA", "hello all")
    uid_all = wfcot.parse_xml(everyone).uid
    await a.send(everyone)
    for c in (b, r):
        got = await c.wait_for(uid_is(uid_all))
        assert got.type == "b-t-f" and got.remarks() == "hello all"

    team = wfcot.chat_team(ua, "ALPHA", "Cyan", "cyan only")
    uid_team = wfcot.parse_xml(team).uid
    await a.send(team)
    assert (await b.wait_for(uid_is(uid_team))).remarks() == "cyan only"

    direct = wfcot.chat_direct(ua, "ALPHA", ur, "ROMEO", "just romeo")
    uid_direct = wfcot.parse_xml(direct).uid
    await a.send(direct)
    assert (await r.wait_for(uid_is(uid_direct))).remarks() == "just romeo"

    bare = wfcot.chat_direct(ua, "ALPHA", ur, "ROMEO", "by chat id", with_dest=False)
    uid_bare = wfcot.parse_xml(bare).uid
    await a.send(bare)
    await r.wait_for(uid_is(uid_bare))

    await b.sync()
    await r.sync()
    assert not r.matching(uid_is(uid_team)), "team chat leaked to another team"
    assert not b.matching(lambda e: e.uid in (uid_direct, uid_bare)), "direct chat leaked"
    assert not a.matching(lambda e: e.type == "b-t-f"), "sender got its own chat"


async def test_emergency_repeats_to_everyone_until_cancelled(server, clients):
    a = await clients.raw(server.tcp_port, "a")
    b = await clients.pytak(tcp(server), "bravo")
    ua = new_uid("a")
    await a.join(ua, "ALPHA")
    await b.join(new_uid("b"), "BRAVO")
    alert = f"{ua}-9-1-1"
    await a.send(wfcot.emergency(alert, ua, "ALPHA"))
    first = await b.wait_for(uid_is(alert))
    assert first.type == "b-a-o-tbl" and first.find("emergency").get("type") == "911 Alert"
    # Repeated every 3 s.
    await b.wait_count(uid_is(alert), 2, timeout=5)
    assert server.metric("watchfloor_emergencies_active") == 1

    late = await clients.raw(server.tcp_port, "late")
    await late.join(new_uid("late"), "LATE")
    await late.wait_for(uid_is(alert), timeout=4, what="active emergency for a late joiner")

    await a.send(wfcot.emergency_cancel(alert, "ALPHA"))
    cancel = await b.wait_for(lambda e: e.uid == alert and e.type == "b-a-o-can")
    after_b, after_late = b.mark(), late.mark()
    await asyncio.sleep(3.5)
    await b.sync()
    await late.sync()
    assert not b.matching(type_is("b-a-o-tbl"), after_b), "alert repeated after cancel"
    assert not late.matching(type_is("b-a-o-tbl"), after_late), "alert repeated after cancel"
    assert cancel.find("emergency").get("cancel") == "true"
    assert server.metric("watchfloor_emergencies_active") == 0

    # Also cancelled by an alert-typed event that says cancel="true".
    second = f"{ua}-second-9-1-1"
    await a.send(wfcot.emergency(second, ua, "ALPHA"))
    await b.wait_for(uid_is(second))
    assert server.metric("watchfloor_emergencies_active") == 1
    await a.send(wfcot.emergency(second, ua, "ALPHA").replace(b'<emergency type="911 Alert">', b'<emergency type="911 Alert" cancel="true">'))
    await b.wait_count(uid_is(second), 2)
    await a.sync()
    assert server.metric("watchfloor_emergencies_active") == 0


async def test_udp_xml_from_pytak_reaches_stream_clients(server, clients):
    x = await clients.raw(server.tcp_port, "xml")
    p = await clients.raw(server.tcp_port, "proto", negotiate=True)
    await x.join(new_uid("x"), "XRAY")
    await p.join(new_uid("p"), "PAPA")
    await p.wait_upgraded()
    u = await clients.pytak(f"udp+wo://127.0.0.1:{server.udp_port}", "udp-xml")
    uid = new_uid("udp-xml")
    await u.send(wfcot.sa(uid, "UNIFORM", 21.5, 22.5))
    assert_sa(await x.wait_for(uid_is(uid)), uid, "UNIFORM", 21.5, 22.5)
    got = await p.wait_for(uid_is(uid))
    assert got.encoding == "proto"
    assert_sa(got, uid, "UNIFORM", 21.5, 22.5)
    assert server.metric('watchfloor_events_in_total{transport="udp"}') >= 1


async def test_udp_mesh_protobuf_datagram_reaches_stream_clients(server, clients):
    x = await clients.raw(server.tcp_port, "xml")
    await x.join(new_uid("x"), "XRAY")
    uid = new_uid("mesh")
    datagram = bytes(takproto.xml2proto(wfcot.sa(uid, "MESH", 31.5, 32.5), takproto.TAKProtoVer.MESH))
    assert datagram[:3] == b"\xbf\x01\xbf"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(datagram, ("127.0.0.1", server.udp_port))
    assert_sa(await x.wait_for(uid_is(uid)), uid, "MESH", 31.5, 32.5)


async def test_udp_protobuf_from_pytak_tak_proto_reaches_stream_clients(server, clients):
    """pytak with TAK_PROTO=1 to a unicast address frames each datagram as a *stream*
    message (0xBF, varint length), not mesh (0xBF 0x01 0xBF): the server should accept
    both on UDP, as a TAK Server's proto-or-CoT UDP input would see either."""
    x = await clients.raw(server.tcp_port, "xml")
    await x.join(new_uid("x"), "XRAY")
    u = await clients.pytak(f"udp+wo://127.0.0.1:{server.udp_port}", "udp-proto", tak_proto=1)
    uid = new_uid("udp-proto")
    await u.send(wfcot.sa(uid, "UDPPROTO", 41.5, 42.5))
    assert_sa(await x.wait_for(uid_is(uid)), uid, "UDPPROTO", 41.5, 42.5)


async def test_restart_with_the_same_data_dir_keeps_the_picture(server, clients):
    a = await clients.raw(server.tcp_port, "a")
    ua = new_uid("before-restart")
    await a.join(ua, "ALPHA", lat=50.5, lon=-4.25)
    gone = new_uid("stale-before-restart")
    await a.send(wfcot.marker(gone, stale_s=1))
    kept = new_uid("marker-before-restart")
    await a.send(wfcot.marker(kept, stale_s=24 * 3600))
    deleted = new_uid("deleted-before-restart")
    await a.send(wfcot.marker(deleted, stale_s=24 * 3600))
    await a.send(wfcot.delete(deleted))
    await a.sync()
    # Stopped with the client still connected: what the store holds must survive.
    assert server.stop() == 0
    await asyncio.sleep(1.2)  # the short-lived marker is stale by now
    server.start()

    late = await clients.pytak(tcp(server), "after-restart")
    await late.join(new_uid("late"), "LATE")
    offer_at = next(i for i, e in enumerate(late.events) if e.type == OFFER)
    replay = late.events[:offer_at]
    got = [e for e in replay if e.uid == ua]
    assert got, f"SA from before the restart not replayed: {replay}"
    assert_sa(got[0], ua, "ALPHA", 50.5, -4.25)
    assert not [e for e in replay if e.uid == gone]
    assert [e for e in replay if e.uid == kept], f"a client's marker did not survive: {replay}"
    assert not [e for e in replay if e.uid == deleted], "a deleted marker came back"


async def test_kill_9_loses_at_most_the_last_batch(server, clients):
    """The README promises writes are committed at least every 200 ms: what
    was sent a second before a SIGKILL comes back."""
    a = await clients.raw(server.tcp_port, "a")
    await a.join(new_uid("a"), "ALPHA")
    kept = new_uid("marker-before-kill")
    await a.send(wfcot.marker(kept, stale_s=24 * 3600))
    await a.sync()
    await asyncio.sleep(1.0)
    server.kill()
    server.stop()
    server.start()
    late = await clients.raw(server.tcp_port, "after-kill")
    await late.join(new_uid("late"), "LATE")
    assert late.matching(uid_is(kept)), "a marker sent a second before SIGKILL was lost"
