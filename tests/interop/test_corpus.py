"""Real captured CoT (the shared corpus) relayed by watchfloor from one client to an XML
client (pytak) and a negotiated protobuf client (takproto): every broadcast event must
arrive with the same uid, type and point, in each receiver's own encoding.

The corpus is read from ``<workspace>/../shared/data/cot`` at test time (GPL/EPL files
are never copied into this repository); without it the test is skipped with a message."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from wfcot import new_uid
from wfserver import REPO

CORPUS = REPO.parent / "shared" / "data" / "cot"


def broadcast_samples() -> list[tuple[str, bytes, ET.Element]]:
    """Well-formed corpus events that are plain broadcasts: no addressees (``marti/dest``),
    no control (``t-x-*``) and no chat to a particular room."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared CoT corpus not found at {CORPUS} (expected <workspace>/../shared/data/cot)")
    out = []
    for f in sorted(CORPUS.glob("*.xml")):
        raw = f.read_bytes()
        try:
            root = ET.fromstring(raw.strip())
        except ET.ParseError:
            continue
        t = root.get("type", "")
        if t.startswith("t-x") or root.find("detail/marti/dest") is not None:
            continue
        chat = root.find("detail/__chat")
        if chat is not None and chat.get("chatroom") != "All Chat Rooms":
            continue
        out.append((f.name, raw, root))
    assert len(out) >= 40
    return out


def point(root: ET.Element) -> tuple[float, float]:
    p = root.find("point")
    return float(p.get("lat")), float(p.get("lon"))


async def test_corpus_events_are_relayed_to_xml_and_protobuf_clients(server, clients):
    samples = broadcast_samples()
    sender = await clients.raw(server.tcp_port, "corpus-sender")
    xml_rx = await clients.pytak(f"tcp://127.0.0.1:{server.tcp_port}", "pytak-rx")
    proto_rx = await clients.raw(server.tcp_port, "takproto-rx", negotiate=True)
    await sender.join(new_uid("sender"), "SENDER")
    await xml_rx.join(new_uid("xml-rx"), "XMLRX")
    await proto_rx.join(new_uid("proto-rx"), "PROTORX")
    await proto_rx.wait_upgraded()
    marks = {xml_rx: xml_rx.mark(), proto_rx: proto_rx.mark()}

    for _, raw, _ in samples:
        await sender.send_raw(raw + b"\n")
    await sender.sync()

    missing: dict[str, list[str]] = {}
    for rx in (xml_rx, proto_rx):
        await rx.sync()
        got = rx.events[marks[rx] :]
        used: set[int] = set()
        for name, _, root in samples:
            # Some captures share a uid (one device, several reports): match in order.
            hits = [i for i, e in enumerate(got) if i not in used and e.uid == root.get("uid") and e.type == root.get("type")]
            if not hits:
                missing.setdefault(rx.name, []).append(name)
                continue
            used.add(hits[0])
            lat, lon = point(root)
            e = got[hits[0]]
            assert e.encoding == ("proto" if rx is proto_rx else "xml"), (rx.name, name)
            assert math.isclose(e.lat, lat, abs_tol=1e-7) and math.isclose(e.lon, lon, abs_tol=1e-7), (rx.name, name, e)
            cs = root.find("detail/contact")
            if cs is not None and cs.get("callsign"):
                assert e.callsign == cs.get("callsign"), (rx.name, name, e)
    assert not missing, f"corpus events not relayed: {missing}"
