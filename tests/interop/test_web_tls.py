"""The web COP behind TLS: when the server runs mutual TLS for TAK clients, the page, its
login and its WebSocket are served over HTTPS with the server's certificate, the session
cookie is ``Secure``, and a user sees only their groups' units (which came in over mTLS)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request

import aiohttp
import pytest

import wftrust
from test_tls import USERS, Made
from wfcot import new_uid
from wftrust import Trust


@pytest.fixture
def trust(server_factory, tmp_path) -> Trust:
    return wftrust.start(server_factory, tmp_path, users=USERS)


@pytest.fixture
async def made(server_factory):
    m = Made()
    yield m
    await m.close()


def web(t: Trust) -> str:
    return f"https://127.0.0.1:{t.server.web_port}"


async def test_the_page_is_https_only(trust):
    ctx = trust.ctx(None)  # trusts the CA, presents no client certificate
    # Plain HTTP on the web port gets no page.
    with pytest.raises((urllib.error.URLError, http.client.HTTPException, OSError)):
        urllib.request.urlopen(f"http://127.0.0.1:{trust.server.web_port}/api/web/session", timeout=5).read()
    with urllib.request.urlopen(f"{web(trust)}/", context=ctx, timeout=5) as r:
        assert r.status == 200 and b"<script" in r.read()

    async with aiohttp.ClientSession() as s:
        async with s.get(f"{web(trust)}/api/web/session", ssl=ctx) as r:
            body = await r.json()
            assert body["login_required"] is True and body["authenticated"] is False


async def test_logged_in_user_gets_the_feed_over_wss(trust, made):
    ctx = trust.ctx(None)
    alice, carol = await made.raw(trust, "alice"), await made.raw(trust, "carol")
    ua, uc = new_uid("alice"), new_uid("carol")
    await alice.join(ua, "ALICE")
    await carol.join(uc, "CAROL")
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as s:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            async with s.ws_connect(f"{web(trust)}/api/web/ws", ssl=ctx):
                pass
        assert refused.value.status == 401
        login = {"username": "bob", "password": wftrust.password_of("bob")}
        async with s.post(f"{web(trust)}/api/web/login", json=login, ssl=ctx) as r:
            assert r.status == 200, await r.text()
            cookie = r.headers.get("Set-Cookie", "")
            assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie
        async with s.ws_connect(f"{web(trust)}/api/web/ws", ssl=ctx) as ws:
            snap = json.loads((await ws.receive(timeout=10)).data)
            assert snap["t"] == "snapshot"
            uids = {o["uid"] for o in snap["objects"]}
            assert ua in uids, f"bob (blue) should see alice (blue): {sorted(uids)}"
            assert uc not in uids, "bob (blue) must not see carol (red)"
