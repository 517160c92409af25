"""Mutual TLS streaming CoT (``serve --tls``) with real clients: pytak with PEM files and
with a PKCS#12, a takproto-style client negotiating protobuf over Python ``ssl``, and the
connection data package opened as ATAK would. Refusals: no client certificate, another CA,
an expired certificate, a revoked one (without a restart: new handshakes refused, open
sessions closed); TLS garbage; group isolation from the users file, and the anonymous
group for a certificate whose user is not in it.

Skips (naming the command or flag) while the binary lacks ``certs``/``users``/``--tls``."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import xml.etree.ElementTree as ET
import zipfile

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

import wfcot
import wftrust
from wfcot import new_uid
from wftrust import TlsPytakClient, TlsStreamClient, Trust

USERS = {"alice": "blue", "bob": "blue", "dan": "blue", "carol": "red"}
REFUSED = 'watchfloor_tls_refused_total'


@pytest.fixture
def trust(server_factory, tmp_path) -> Trust:
    """CA, a certificate for each of USERS, the users file, and ``serve --tls``."""
    return wftrust.start(server_factory, tmp_path, users=USERS)


def url(t: Trust) -> str:
    return f"tls://127.0.0.1:{t.tls_port}"


class Made:
    """Clients made in a test, closed at its end."""

    def __init__(self) -> None:
        self.made: list = []

    async def pytak(self, t: Trust, name: str, keys: dict) -> TlsPytakClient:
        c = await TlsPytakClient.start_tls(url(t), name, keys)
        self.made.append(c)
        return c

    async def raw(self, t: Trust, name: str, ctx=None, **kw) -> TlsStreamClient:
        c = await TlsStreamClient.connect_tls(t.tls_port, ctx or t.ctx(name), name, **kw)
        self.made.append(c)
        return c

    async def close(self) -> None:
        for c in reversed(self.made):
            await c.close()


@pytest.fixture
async def made(server_factory):
    m = Made()
    yield m
    await m.close()


def uid_is(uid: str):
    return lambda e: e.uid == uid


async def exchange(a, b, ua: str, ub: str, lat: float) -> None:
    """``a`` and ``b`` (joined) each see the other's next SA."""
    await a.send(wfcot.sa(ua, "A", lat, 1.0))
    await b.send(wfcot.sa(ub, "B", lat + 0.5, 2.0))
    got = await b.wait_for(lambda e: e.uid == ua and e.lat == lat, what=f"{a.name}'s SA at {lat}")
    assert got.callsign == "A"
    got = await a.wait_for(lambda e: e.uid == ub and e.lat == lat + 0.5, what=f"{b.name}'s SA at {lat + 0.5}")
    assert got.callsign == "B"


async def test_pytak_pem_and_p12_clients_exchange_sa(trust, made):
    alice = await made.pytak(trust, "alice", wftrust.pytak_pem(trust, "alice"))
    bob = await made.pytak(trust, "bob", wftrust.pytak_p12(trust, "bob"))
    ua, ub = new_uid("alice"), new_uid("bob")
    await alice.join(ua, "ALICE", lat=10.0, lon=20.0)
    await bob.join(ub, "BOB", lat=11.0, lon=21.0)
    # Bob joined second: alice's SA came in his replay.
    first = await bob.wait_for(uid_is(ua), what="alice in the replay")
    assert (first.callsign, first.lat, first.lon) == ("ALICE", 10.0, 20.0)
    await exchange(alice, bob, ua, ub, 12.0)
    assert all(e.encoding == "xml" for e in alice.events + bob.events)


async def test_takproto_client_negotiates_protobuf_over_tls(trust, made):
    p = await made.raw(trust, "alice", negotiate=True)
    x = await made.pytak(trust, "bob", wftrust.pytak_pem(trust, "bob"))
    up, ux = new_uid("proto"), new_uid("xml")
    await x.join(ux, "XRAY", lat=-33.5, lon=151.25)
    await p.identify(up, "PAPA", lat=48.125, lon=11.5)
    await p.wait_upgraded()
    assert p.responses == ["true"]
    await p.wait_for(uid_is(ux), what="xray in the replay")

    since = x.mark()
    await p.send(wfcot.sa(up, "PAPA", 48.25, 11.75))  # protobuf on the wire now
    got = await x.wait_for(lambda e: e.uid == up and e.lat == 48.25, since=since)
    assert got.encoding == "xml" and got.callsign == "PAPA"
    since = p.mark()
    await x.send(wfcot.sa(ux, "XRAY", -33.75, 151.5))
    got = await p.wait_for(lambda e: e.uid == ux and e.lat == -33.75, since=since)
    assert got.encoding == "proto" and got.callsign == "XRAY"
    assert got.proto.cotEvent.detail.group.name == "Cyan"
    await p.sync()
    assert p.events[-1].encoding == "proto"
    assert trust.server.metric("watchfloor_proto_upgrades_total") == 1


async def assert_still_serving(t: Trust, made: Made, lat: float) -> None:
    """Healthz, and two fresh TLS clients exchange SA."""
    assert t.server.alive() and t.server.healthz()
    a = await made.raw(t, "alice")
    b = await made.raw(t, "bob")
    ua, ub = new_uid("alice"), new_uid("bob")
    await a.join(ua, "A")
    await b.join(ub, "B")
    await exchange(a, b, ua, ub, lat)


async def test_no_client_certificate_is_refused(trust, made):
    before = trust.server.metric(REFUSED)
    verdict = await wftrust.tls_verdict(trust.tls_port, trust.ctx(None))
    assert verdict.startswith("refused"), verdict
    assert trust.server.metric(REFUSED) > before
    await assert_still_serving(trust, made, 30.0)


async def test_certificate_of_another_ca_is_refused(trust, made, tmp_path):
    other = wftrust.certs_init(tmp_path / "other-ca")
    wftrust.certs_client(other, "alice")  # same name, wrong CA
    ctx = wftrust.client_ctx(trust.ca, other / "alice.pem", other / "alice.key")
    verdict = await wftrust.tls_verdict(trust.tls_port, ctx)
    assert verdict.startswith("refused"), verdict
    await assert_still_serving(trust, made, 31.0)


async def test_expired_certificate_is_refused_and_unknown_user_is_anonymous(trust, made, tmp_path):
    now = wftrust.now_utc()
    out = tmp_path / "forged"
    # Signed by the real CA key: only the dates are wrong.
    old_pem, old_key = wftrust.issue_with_real_ca(
        trust.certs, out, "alice", not_before=now - dt.timedelta(days=30), not_after=now - dt.timedelta(days=1)
    )
    verdict = await wftrust.tls_verdict(trust.tls_port, wftrust.client_ctx(trust.ca, old_pem, old_key))
    assert verdict.startswith("refused"), verdict
    assert trust.server.wait_for_log("expired"), "the refusal should say the certificate expired"

    # The control: the same recipe with valid dates is accepted. Its CN "erin" is not in the
    # users file, so erin lands in the anonymous group and never hears blue alice.
    pem, key = wftrust.issue_with_real_ca(
        trust.certs, out, "erin", not_before=now - dt.timedelta(hours=1), not_after=now + dt.timedelta(days=1)
    )
    erin_ctx = wftrust.client_ctx(trust.ca, pem, key)
    assert await wftrust.tls_verdict(trust.tls_port, erin_ctx) == "accepted"
    alice = await made.raw(trust, "alice")
    erin = await made.raw(trust, "erin", ctx=erin_ctx)
    ua, ue = new_uid("alice"), new_uid("erin")
    await alice.join(ua, "ALICE")
    await erin.join(ue, "ERIN")
    await alice.send(wfcot.sa(ua, "ALICE", 5.0, 5.0))
    await erin.send(wfcot.sa(ue, "ERIN", 6.0, 6.0))
    await alice.sync()
    await erin.sync()
    assert not erin.matching(uid_is(ua)), "anonymous erin heard blue alice"
    assert not alice.matching(uid_is(ue)), "blue alice heard anonymous erin"


async def test_revoked_certificate_is_refused_without_restart(trust, made):
    pid = trust.server.proc.pid
    alice = await made.pytak(trust, "alice", wftrust.pytak_pem(trust, "alice"))
    bob = await made.raw(trust, "bob")
    ua, ub = new_uid("alice"), new_uid("bob")
    await alice.join(ua, "ALICE")
    await bob.join(ub, "BOB")
    await exchange(alice, bob, ua, ub, 40.0)
    assert await wftrust.tls_verdict(trust.tls_port, trust.ctx("dan")) == "accepted"
    dan = await made.raw(trust, "dan")
    await dan.join(new_uid("dan"), "DAN")

    wftrust.certs_revoke(trust.certs, "dan")
    # The server notices the new CRL by itself; give it a bounded moment.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10.0
    verdict = await wftrust.tls_verdict(trust.tls_port, trust.ctx("dan"))
    while verdict == "accepted" and loop.time() < deadline:
        await asyncio.sleep(0.25)
        verdict = await wftrust.tls_verdict(trust.tls_port, trust.ctx("dan"))
    assert verdict.startswith("refused"), f"revoked dan still accepted after 10 s: {verdict}"
    assert trust.server.wait_for_log("revoked"), "the refusal should say the certificate is revoked"

    # The session dan had open before the revocation is closed too.
    await dan.wait_closed_by_server(10.0)
    assert trust.server.alive() and trust.server.proc.pid == pid
    await exchange(alice, bob, ua, ub, 41.0)  # the connections made before go on
    assert await wftrust.tls_verdict(trust.tls_port, trust.ctx("alice")) == "accepted"
    assert trust.server.metric(REFUSED) >= 1


async def test_tls_garbage_leaves_server_up(trust, made):
    before = trust.server.metric(REFUSED)
    rng = random.Random(20261128)
    blobs = [
        bytes(rng.getrandbits(8) for _ in range(4096)),
        b"\x16\x03\x01\x02\x00" + bytes(rng.getrandbits(8) for _ in range(512)),  # handshake header, junk
        b"\x16\x03\x03\xff\xff\x01",  # a record that announces 64 KiB and stops
        b"<event version='2.0'/>\n" * 20,  # plain CoT on the TLS port
        b"",  # connect and close
    ]
    for blob in blobs:
        _, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", trust.tls_port), 5)
        if blob:
            w.write(blob)
            try:
                await asyncio.wait_for(w.drain(), 5)
            except (ConnectionError, OSError):
                pass
        w.close()
        try:
            await asyncio.wait_for(w.wait_closed(), 2)
        except (asyncio.TimeoutError, ConnectionError, OSError):
            pass
    await assert_still_serving(trust, made, 50.0)
    # Handshakes of closed sockets fail at once; the announced-but-missing record may wait
    # for the server's handshake timeout, so count at least the others.
    assert trust.server.metric(REFUSED) >= before + 3


async def test_disjoint_groups_never_see_each_other(trust, made):
    alice = await made.pytak(trust, "alice", wftrust.pytak_pem(trust, "alice"))
    bob = await made.raw(trust, "bob")
    ua, ub, uc = new_uid("alice"), new_uid("bob"), new_uid("carol")
    await alice.join(ua, "ALICE", lat=1.0, lon=1.0)
    await bob.join(ub, "BOB", lat=2.0, lon=2.0)
    carol = await made.pytak(trust, "carol", wftrust.pytak_p12(trust, "carol"))
    await carol.join(uc, "CAROL", lat=3.0, lon=3.0)  # late joiner: its replay must hold no blue SA
    for i in range(3):
        await alice.send(wfcot.sa(ua, "ALICE", 1.0 + i, 1.0))
        await carol.send(wfcot.sa(uc, "CAROL", 3.0 + i, 3.0))
        await carol.send(wfcot.marker(new_uid("red-marker")))
    await bob.wait_for(lambda e: e.uid == ua and e.lat == 3.0, what="alice's last SA")
    for c in (alice, bob, carol):
        await c.sync()
    assert not carol.matching(lambda e: e.uid in (ua, ub)), carol.events
    assert not alice.matching(lambda e: e.uid == uc or e.uid.startswith("red-marker")), alice.events
    assert not bob.matching(lambda e: e.uid == uc or e.uid.startswith("red-marker")), bob.events


async def test_connection_package_imports_like_atak(trust, made, tmp_path):
    z = zipfile.ZipFile(trust.certs / "alice.zip")
    names = set(z.namelist())
    want = {"MANIFEST/manifest.xml", "cert/alice.pref", "cert/alice.p12", "cert/truststore.p12"}
    assert want <= names, names
    manifest = ET.fromstring(z.read("MANIFEST/manifest.xml"))
    assert manifest.tag == "MissionPackageManifest"
    listed = {c.get("zipEntry") for c in manifest.iter("Content")}
    assert want - {"MANIFEST/manifest.xml"} <= listed, listed

    pref = ET.fromstring(z.read("cert/alice.pref"))
    entries = {e.get("key"): (e.text or "") for e in pref.iter("entry")}
    assert entries.get("connectString0") == "127.0.0.1:8089:ssl", entries
    password = entries.get("clientPassword") or wftrust.P12_PASSWORD
    assert password == wftrust.P12_PASSWORD
    for key in ("certificateLocation", "caLocation"):
        assert entries.get(key) in names, (key, entries.get(key))

    key, cert, chain = wftrust.load_p12(z.read(entries["certificateLocation"]), password)
    assert key is not None and cert is not None
    assert wftrust.cn_of(cert) == "alice"
    ca = x509.load_pem_x509_certificate(trust.ca.read_bytes())
    cert.verify_directly_issued_by(ca)
    tkey, tcert, tchain = wftrust.load_p12(z.read(entries["caLocation"]), entries.get("caPassword") or password)
    assert tkey is None, "the truststore must not carry a private key"
    trusted = ([tcert] if tcert else []) + list(tchain)
    assert ca in trusted, "truststore.p12 does not hold the server's CA"

    # As ATAK does after the import: the p12 and the truststore from the package, nothing else.
    d = tmp_path / "imported"
    d.mkdir()
    (d / "alice.p12").write_bytes(z.read(entries["certificateLocation"]))
    (d / "ca.pem").write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in trusted))
    alice = await made.pytak(trust, "alice-imported", {
        "PYTAK_TLS_CLIENT_CERT": str(d / "alice.p12"),
        "PYTAK_TLS_CLIENT_PASSWORD": password,
        "PYTAK_TLS_CLIENT_CAFILE": str(d / "ca.pem"),
    })
    bob = await made.raw(trust, "bob")
    ua, ub = new_uid("alice"), new_uid("bob")
    await alice.join(ua, "ALICE")
    await bob.join(ub, "BOB")
    await exchange(alice, bob, ua, ub, 60.0)


def test_package_zip_is_a_valid_zip(trust):
    """Every entry reads back (CRC checked) and the p12 opens with the default password."""
    with zipfile.ZipFile(trust.certs / "bob.zip") as z:
        assert z.testzip() is None
        key, cert, _ = wftrust.load_p12(z.read("cert/bob.p12"))
        assert wftrust.cn_of(cert) == "bob"
    with open(trust.certs / "bob.p12", "rb") as f:
        assert wftrust.cn_of(wftrust.load_p12(f.read())[1]) == "bob"


async def test_a_disabled_user_is_refused_and_their_session_closed(trust, made):
    dan = await made.raw(trust, "dan")
    await dan.join(new_uid("dan"), "DAN")
    wftrust.users_disable(trust.server.data_dir, "dan")
    await dan.wait_closed_by_server(10.0)
    verdict = await wftrust.tls_verdict(trust.tls_port, trust.ctx("dan"))
    assert verdict != "accepted", f"a disabled user's certificate still connects: {verdict}"
    assert trust.server.wait_for_log("disabled")
    wftrust.users_enable(trust.server.data_dir, "dan")
    again = await made.raw(trust, "dan")
    await again.join(new_uid("dan"), "DAN")
