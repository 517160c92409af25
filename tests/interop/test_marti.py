"""The Marti API on ``serve --https`` (mutual TLS), as ATAK, WinTAK and iTAK call it:
version probes, data packages (upload, search, query, download with HEAD and Range), group
visibility, persistence across a restart, upload limits and bad uploads, the contact list,
CoT by uid, and a ``b-f-t-r`` file share addressed to one callsign.

Users: alice, bob and dave in ``blue``, carol in ``red``. Skips (naming what is missing)
while the binary lacks ``--https`` or does not serve the Marti routes on it."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import uuid
import zipfile
from pathlib import Path
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import quoteattr

import pytest

import wfcot
import wftrust
from wfcot import new_uid
from wftrust import Https, TlsStreamClient, Trust

USERS = {"alice": "blue", "bob": "blue", "dave": "blue", "carol": "red"}
SQLITE = re.compile(r"\.(sqlite|db)(-wal|-shm|-journal)?$|-wal$|-shm$|-journal$")


def require_marti(t: Trust) -> None:
    """Skips when the ``--https`` listener answers but has no Marti routes yet."""
    api = t.api("alice")
    if api.get("/Marti/api/version").status == 404 and api.get("/Marti/api/openapi.json").status == 404:
        pytest.skip("`serve --https` does not serve the Marti API yet (issue 3: marti crate not mounted)")


def start(server_factory, tmp_path, *extra: str) -> Trust:
    t = wftrust.start(server_factory, tmp_path, users=USERS, https=True, extra=extra)
    require_marti(t)
    return t


@pytest.fixture
def trust(server_factory, tmp_path) -> Trust:
    """``serve --tls --https`` with USERS."""
    return start(server_factory, tmp_path)


def package(name: str = "interop") -> bytes:
    """A small data package: manifest plus one CoT file, with some incompressible bytes."""
    uid = str(uuid.uuid4())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("MANIFEST/manifest.xml", (
            '<MissionPackageManifest version="2"><Configuration>'
            f'<Parameter name="uid" value="{uid}"/><Parameter name="name" value="{name}"/>'
            '</Configuration><Contents>'
            f'<Content ignore="false" zipEntry="{uid}/marker.cot"/></Contents></MissionPackageManifest>'
        ))
        z.writestr(f"{uid}/marker.cot", wfcot.marker(new_uid("pkg-marker")))
        z.writestr(f"{uid}/noise.bin", os.urandom(3000), compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()


def upload(api: Https, data: bytes, filename: str = "interop.zip", creator: str = "alice-device") -> wftrust.Resp:
    """``POST /Marti/sync/missionupload`` as ATAK sends it."""
    h = hashlib.sha256(data).hexdigest()
    body, headers = wftrust.multipart("assetfile", filename, data)
    q = f"hash={h}&filename={quote(filename, safe='')}&creatorUid={quote(creator)}"
    return api.request("POST", f"/Marti/sync/missionupload?{q}", body=body, headers=headers, timeout=30)


def path_of(url: str) -> str:
    """Path and query of a URL the server handed out (it points at this same listener)."""
    parts = urlsplit(url.strip())
    return parts.path + ("?" + parts.query if parts.query else "")


def search_hashes(api: Https) -> set[str]:
    r = api.get("/Marti/sync/search")
    assert r.status == 200, r
    body = r.json()
    assert body["resultCount"] == len(body["results"]), body
    return {str(p.get("Hash", "")).lower() for p in body["results"]}


def assert_visible(api: Https, data: bytes, url: str) -> None:
    """Everything a member of the sharing group can do with the package."""
    h = hashlib.sha256(data).hexdigest()
    assert h in search_hashes(api)
    r = api.get(f"/Marti/sync/missionquery?hash={h}")
    assert r.status == 200, r
    assert h in r.text()
    assert api.get(path_of(r.text())).body == data, "missionquery's URL does not serve the package"
    r = api.get(path_of(url))
    assert r.status == 200 and r.body == data, "download is not byte-identical"
    r = api.get(f"/Marti/sync/content?hash={h}")
    assert r.status == 200 and r.body == data
    r = api.request("HEAD", f"/Marti/sync/content?hash={h}")
    assert r.status == 200 and r.body == b"", r
    assert int(r.header("content-length") or -1) == len(data), r.headers
    r = api.get(f"/Marti/sync/content?hash={h}", headers={"Range": "bytes=100-199"})
    assert r.status == 206, r
    assert r.body == data[100:200]
    assert r.header("content-range") == f"bytes 100-199/{len(data)}", r.headers
    r = api.get(f"/Marti/api/sync/metadata/{h}/tool")
    assert r.status == 200 and r.body == data, r


def assert_invisible(api: Https, data: bytes) -> None:
    """A caller outside the sharing groups learns nothing: 404 everywhere, not in search."""
    h = hashlib.sha256(data).hexdigest()
    assert h not in search_hashes(api)
    for method, path, headers in [
        ("GET", f"/Marti/sync/missionquery?hash={h}", {}),
        ("GET", f"/Marti/sync/content?hash={h}", {}),
        ("HEAD", f"/Marti/sync/content?hash={h}", {}),
        ("GET", f"/Marti/sync/content?hash={h}", {"Range": "bytes=0-9"}),
        ("GET", f"/Marti/api/sync/metadata/{h}/tool", {}),
    ]:
        r = api.request(method, path, headers=headers)
        assert r.status == 404, f"{method} {path} {headers}: {r.status}"
        if method == "GET":
            wftrust.assert_api_error(r, 404)
        assert data[:50] not in r.body


def test_version_config_and_openapi(trust):
    api = trust.api("alice")
    r = api.get("/Marti/api/version")
    assert r.status == 200 and r.text().strip(), r
    r = api.get("/Marti/api/version/config")
    assert r.status == 200, r
    body = r.json()
    assert body["type"] == "ServerConfig" and body["version"] == "3", body
    assert body["data"]["api"] == "3" and body["data"]["version"], body
    assert body["data"]["hostname"] == "127.0.0.1", body
    spec = api.get("/Marti/api/openapi.json").json()
    assert "openapi" in spec and "/Marti/sync/missionupload" in spec["paths"], list(spec)
    wftrust.assert_api_error(api.get("/Marti/api/no-such-thing"), 404)


async def test_https_needs_a_client_certificate(trust):
    verdict = await https_verdict(trust.https_port, trust.ctx(None))
    assert verdict.startswith("refused"), verdict


async def https_verdict(port: int, ctx) -> str:
    """``accepted`` if a GET gets any HTTP answer, else ``refused: why``."""
    def go() -> str:
        try:
            r = Https(port, ctx).get("/Marti/api/version", timeout=5)
            return f"accepted ({r.status})"
        except Exception as e:  # noqa: BLE001 - any failure to talk HTTP is a refusal here
            return f"refused: {e!r}"
    return await asyncio.to_thread(go)


def test_data_package_lifecycle_groups_and_restart(trust):
    alice, bob, carol = trust.api("alice"), trust.api("bob"), trust.api("carol")
    data = package("lifecycle")
    r = upload(alice, data)
    assert r.status == 200, r
    url = r.text()
    h = hashlib.sha256(data).hexdigest()
    assert h in url, url
    assert_visible(alice, data, url)
    assert_visible(bob, data, url)  # same group
    assert_invisible(carol, data)  # red

    assert trust.server.stop(10) == 0
    trust.server.start()
    alice, carol = trust.api("alice"), trust.api("carol")
    assert_visible(alice, data, url)
    assert_invisible(carol, data)
    entry = next(p for p in alice.get("/Marti/sync/search").json()["results"] if p["Hash"].lower() == h)
    assert int(entry["Size"]) == len(data), entry


def test_itak_raw_upload_answers_metadata_and_respects_groups(trust):
    data = package("itak")
    h = hashlib.sha256(data).hexdigest()
    r = trust.api("bob").request("POST", "/Marti/sync/upload?name=itak.zip&keywords=interop&creatorUid=bob-device",
                                 body=data, headers={"Content-Type": "application/x-zip-compressed"})
    assert r.status == 200, r
    meta = r.json()
    assert meta["Hash"].lower() == h and int(meta["Size"]) == len(data), meta
    assert meta["CreatorUid"] == "bob-device" and meta["UID"], meta
    got = trust.api("alice").get(f"/Marti/sync/content?hash={h}")
    assert got.status == 200 and got.body == data
    assert_invisible(trust.api("carol"), data)


def test_oversized_upload_is_413_and_not_stored(server_factory, tmp_path):
    if wftrust.has_serve_flag("--max-upload-bytes"):
        t, limit = start(server_factory, tmp_path, "--max-upload-bytes", "65536"), 65536
    elif wftrust.has_serve_flag("--max-upload-mib"):
        t, limit = start(server_factory, tmp_path, "--max-upload-mib", "1"), 1 << 20
    else:
        pytest.skip("`watchfloor serve` has no --max-upload-bytes (or --max-upload-mib) flag")
    alice = t.api("alice")
    data = os.urandom(limit + limit // 4)
    r = upload(alice, data, "big.zip")
    wftrust.assert_api_error(r, 413)
    h = hashlib.sha256(data).hexdigest()
    assert alice.get(f"/Marti/sync/missionquery?hash={h}").status == 404
    assert h not in search_hashes(alice)
    # Just under the limit still goes through.
    small = os.urandom(limit - 4096)
    assert upload(alice, small, "small.zip").status == 200
    assert t.server.alive() and t.server.healthz()


def stored_files(t: Trust) -> set[Path]:
    """Files of the data dir other than databases and their journals."""
    return {p for p in wftrust.files_under(t.server.data_dir) if not SQLITE.search(p.name)}


def test_truncated_multipart_is_400_and_nothing_stored(trust):
    alice = trust.api("alice")
    before_files, before_hashes = stored_files(trust), search_hashes(alice)
    data = package("truncated")
    body, headers = wftrust.multipart("assetfile", "cut.zip", data)
    cut = body[: len(body) - 200]  # the closing boundary and the end of the file are gone
    h = hashlib.sha256(data).hexdigest()
    r = alice.request("POST", f"/Marti/sync/missionupload?hash={h}&filename=cut.zip&creatorUid=x",
                      body=cut, headers=headers)
    wftrust.assert_api_error(r, 400)
    assert search_hashes(alice) == before_hashes
    assert alice.get(f"/Marti/sync/missionquery?hash={h}").status == 404
    assert stored_files(trust) == before_files, "a truncated upload left a file behind"
    assert upload(alice, data, "whole.zip").status == 200  # the same package, whole, is fine


def test_filename_with_dot_dot_is_not_written_outside(trust, tmp_path):
    alice = trust.api("alice")
    marker = f"escape-{uuid.uuid4().hex}"
    data = package("escape")
    r = upload(alice, data, f"../../../{marker}.zip")
    assert r.status in (200, 400), r
    # Anywhere under this session's temporary folders, or next to the server's working
    # directory and the data dir's ancestors, where a joined "../" path would land.
    hits = list(tmp_path.parent.glob(f"**/{marker}*"))
    for d in [Path.cwd(), Path("/tmp"), *trust.server.data_dir.parents]:
        hits += list(d.glob(f"{marker}*"))
    assert not hits, f"upload escaped to {hits}"
    if r.status == 200:
        got = alice.get(path_of(r.text()))
        assert got.body == data
        disposition = got.header("content-disposition") or ""
        assert "/" not in disposition and "\\" not in disposition, disposition
        names = [p.get("Name", "") for p in alice.get("/Marti/sync/search").json()["results"]]
        assert not any("../" in n for n in names), names
    else:
        wftrust.assert_api_error(r, 400)


class Streams:
    """TLS stream clients of one test, closed at its end."""

    def __init__(self, t: Trust) -> None:
        self.t, self.made = t, []

    async def join(self, name: str, callsign: str, lat: float = 1.0, lon: float = 2.0) -> TlsStreamClient:
        c = await TlsStreamClient.connect_tls(self.t.tls_port, self.t.ctx(name), name)
        self.made.append(c)
        await c.join(new_uid(name), callsign, lat=lat, lon=lon)
        return c

    async def close(self) -> None:
        for c in reversed(self.made):
            await c.close()


@pytest.fixture
async def streams(trust):
    s = Streams(trust)
    yield s
    await s.close()


async def poll(check, what: str, timeout: float = 5.0):
    """Calls ``check()`` (blocking, in a thread) until it returns a truthy value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        got = await asyncio.to_thread(check)
        if got:
            return got
        if loop.time() > deadline:
            raise AssertionError(f"{what} within {timeout}s")
        await asyncio.sleep(0.1)


def endpoints(api: Https) -> dict[str, dict]:
    r = api.get("/Marti/api/clientEndPoints")
    assert r.status == 200, r
    body = r.json()
    rows = body["data"] if isinstance(body, dict) else body
    return {row["uid"]: row for row in rows}


async def test_client_endpoints_list_only_reachable_clients(trust, streams):
    a = await streams.join("alice", "ALICE")
    b = await streams.join("bob", "BOB")
    c = await streams.join("carol", "CAROL")
    seen = await poll(lambda: (lambda e: e if {a.uid, b.uid} <= set(e) else None)(endpoints(trust.api("alice"))),
                      "alice's clientEndPoints lists alice and bob")
    assert c.uid not in seen, "blue alice sees red carol in clientEndPoints"
    assert seen[b.uid]["callsign"] == "BOB", seen[b.uid]
    for row in seen.values():
        assert {"callsign", "uid"} <= set(row), row
    red = endpoints(trust.api("carol"))
    assert c.uid in red and a.uid not in red and b.uid not in red, red


async def test_cot_xml_returns_the_latest_sa_of_a_connected_client(trust, streams):
    a = await streams.join("alice", "ALICE", lat=10.0, lon=20.0)
    b = await streams.join("bob", "BOB")
    await a.send(wfcot.sa(a.uid, "ALICE", 10.5, 20.5))
    await b.wait_for(lambda e: e.uid == a.uid and e.lat == 10.5, what="alice's update")

    def latest():
        r = trust.api("bob").get(f"/Marti/api/cot/xml/{quote(a.uid)}")
        if r.status != 200:
            return None
        ev = wfcot.parse_xml(r.body)
        return ev if ev.lat == 10.5 else None

    ev = await poll(latest, "cot/xml serves alice's latest SA")
    assert (ev.uid, ev.type, ev.callsign, ev.lon) == (a.uid, "a-f-G-U-C", "ALICE", 20.5)
    # Another group's uid and an unknown one look the same: 404 with an empty body, as TAK
    # Server answers (node-tak's Query.single reads any non-empty body as the event).
    for who, uid in (("carol", quote(a.uid)), ("bob", new_uid("nobody"))):
        r = trust.api(who).get(f"/Marti/api/cot/xml/{uid}")
        assert (r.status, r.body) == (404, b""), (who, r.status, r.body[:200])
    r = trust.api("bob").get(f"/Marti/api/cot/xml/{quote(a.uid)}/all")
    assert r.status == 200 and r.text().count(a.uid) >= 1, r
    assert a.uid not in trust.api("carol").get(f"/Marti/api/cot/xml/{quote(a.uid)}/all").text()


def file_share(sender_uid: str, sender_cs: str, to_cs: str, url: str, data: bytes, filename: str) -> bytes:
    """The ``b-f-t-r`` ATAK sends to push a data package to one contact."""
    share_uid = str(uuid.uuid4())
    h = hashlib.sha256(data).hexdigest()
    detail = (
        f"<fileshare filename={quoteattr(filename)} senderUrl={quoteattr(url.strip())} "
        f"sizeInBytes=\"{len(data)}\" sha256=\"{h}\" senderUid={quoteattr(sender_uid)} "
        f"senderCallsign={quoteattr(sender_cs)} name={quoteattr(filename)}/>"
        f"<ackrequest uid={quoteattr(str(uuid.uuid4()))} ackrequested=\"true\" tag={quoteattr(filename)}/>"
        f"<marti><dest callsign={quoteattr(to_cs)}/></marti>"
    )
    return wfcot.event(share_uid, "b-f-t-r", detail=detail, how="h-e", stale_s=600)


async def test_file_share_reaches_only_its_addressee(trust, streams):
    a = await streams.join("alice", "ALICE")
    b = await streams.join("bob", "BOB")
    d = await streams.join("dave", "DAVE")
    c = await streams.join("carol", "CAROL")
    data = package("shared")
    r = await asyncio.to_thread(upload, trust.api("alice"), data, "shared.zip")
    assert r.status == 200, r
    share = file_share(a.uid, "ALICE", "BOB", r.text(), data, "shared.zip")
    share_uid = wfcot.parse_xml(share).uid
    await a.send(share)
    got = await b.wait_for(lambda e: e.uid == share_uid, what="the file share")
    assert got.type == "b-f-t-r"
    fs = got.find("fileshare")
    assert fs is not None and fs.get("sha256") == hashlib.sha256(data).hexdigest()
    for other in (d, c, a):
        await other.sync()
        assert not other.matching(lambda e: e.uid == share_uid), f"{other.name} got bob's file share"
    dl = await asyncio.to_thread(trust.api("bob").get, path_of(fs.get("senderUrl")))
    assert dl.status == 200 and dl.body == data
    assert (await asyncio.to_thread(trust.api("carol").get, path_of(fs.get("senderUrl")))).status == 404
