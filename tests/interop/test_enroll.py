"""Certificate enrollment (``serve --enroll``): pytak's own enrollment flow end to end, and
the two endpoints called directly: ``GET /Marti/api/tls/config`` and
``POST /Marti/api/tls/signClient/v2`` (PEM or bare base64 CSR, JSON or XML by ``Accept``),
Basic auth, the login rate limit, malformed CSRs, and the CN rule (the signed certificate
names the authenticated user, whatever the CSR asked).

pytak hard-codes the enrollment port 8446 (and ``clientUid=test``), so this server listens
there; the tests skip with a message when 8446 is taken."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

import wfcot
import wftrust
from wfcot import new_uid
from wftrust import Https, TlsPytakClient, TlsStreamClient, Trust

ENROLL_PORT = 8446  # pytak's DEFAULT_TAK_ENROLLMENT_PORT, not configurable there
SIGN = "/Marti/api/tls/signClient/v2?clientUid=interop-device"
CONFIG = "/Marti/api/tls/config"


@pytest.fixture
def trust(server_factory, tmp_path) -> Trust:
    """``serve --tls --enroll 127.0.0.1:8446`` with users alice and bob (blue)."""
    if not wftrust.port_is_free(ENROLL_PORT):
        pytest.skip(f"127.0.0.1:{ENROLL_PORT} is busy; pytak's enrollment port cannot be changed")
    return wftrust.start(server_factory, tmp_path, users={"alice": "blue", "bob": "blue"},
                         enroll_port=ENROLL_PORT)


def enroll(t: Trust) -> Https:
    """The enrollment port, verifying the server against the CA, with no client cert."""
    return Https(t.enroll_port, t.ctx(None))


def auth(name: str, password: str = "") -> dict[str, str]:
    return wftrust.basic(name, password or wftrust.password_of(name))


def uid_is(uid: str):
    return lambda e: e.uid == uid


async def test_pytak_enrolls_then_connects_and_exchanges_sa(trust, tmp_path):
    keys = {
        "PYTAK_TLS_CERT_ENROLLMENT_USERNAME": "alice",
        "PYTAK_TLS_CERT_ENROLLMENT_PASSWORD": wftrust.password_of("alice"),
        "PYTAK_TLS_CERT_ENROLLMENT_PASSPHRASE": "interop-passphrase",
        "PYTAK_TLS_CLIENT_CAFILE": str(trust.ca),
    }
    # pytak makes a 4096-bit RSA key, then two HTTPS calls, then the TLS connection.
    alice = await TlsPytakClient.start_tls(f"tls://127.0.0.1:{trust.tls_port}", "alice-enrolled", keys,
                                           setup_timeout=40.0)
    bob = await TlsStreamClient.connect_tls(trust.tls_port, trust.ctx("bob"), "bob")
    try:
        ua, ub = new_uid("alice"), new_uid("bob")
        await alice.join(ua, "ALICE", lat=7.0, lon=8.0)
        await bob.join(ub, "BOB", lat=9.0, lon=10.0)
        got = await bob.wait_for(uid_is(ua), what="alice's SA in bob's replay")
        assert got.callsign == "ALICE"
        await alice.send(wfcot.sa(ua, "ALICE", 7.5, 8.5))
        await bob.send(wfcot.sa(ub, "BOB", 9.5, 10.5))
        await bob.wait_for(lambda e: e.uid == ua and e.lat == 7.5, what="alice's update")
        await alice.wait_for(lambda e: e.uid == ub and e.lat == 9.5, what="bob's update")
    finally:
        await alice.close()
        await bob.close()
    log = trust.server.log_text()
    assert "enrolled" in log and "alice" in log, "the server should log the enrollment"


def test_tls_config_answers_certificate_config_xml(trust):
    r = enroll(trust).get(CONFIG, headers=auth("alice"))
    assert r.status == 200, r
    root = ET.fromstring(r.body)
    assert root.tag.endswith("certificateConfig"), root.tag
    entries = {e.get("name"): e.get("value") for e in root.iter() if e.tag.endswith("nameEntry")}
    assert entries.get("O"), entries
    assert "OU" in entries, entries

    r = enroll(trust).get(CONFIG)
    wftrust.assert_api_error(r, 401)
    assert (r.header("www-authenticate") or "").lower().startswith("basic"), r.headers


def sign(t: Trust, csr: bytes, accept: str | None, user: str = "alice", password: str = "") -> wftrust.Resp:
    headers = {"Content-Type": "application/pkcs10", **auth(user, password)}
    if accept is not None:
        headers["Accept"] = accept
    return enroll(t).request("POST", SIGN, body=csr, headers=headers)


def parse_signed(r: wftrust.Resp) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The signed certificate and the CA chain of a JSON or XML answer."""
    assert r.status == 200, f"{r.status}: {r.body[:300]!r}"
    if r.body.lstrip().startswith(b"<"):
        root = ET.fromstring(r.body)
        assert root.tag == "enrollment", root.tag
        leaf = root.findtext("signedCert") or ""
        cas = [e.text or "" for e in root.findall("ca")]
    else:
        body = r.json()
        leaf = body["signedCert"]
        cas = [body[k] for k in sorted(body) if k.startswith("ca")]
    assert cas, "no CA certificate in the answer"
    for text in [leaf, *cas]:
        assert "-----BEGIN" not in text, "TAK answers carry PEM bodies without armour lines"
    cert = x509.load_pem_x509_certificate(wftrust.armour(leaf))
    return cert, [x509.load_pem_x509_certificate(wftrust.armour(c)) for c in cas]


def check_signed(t: Trust, r: wftrust.Resp, key, user: str) -> x509.Certificate:
    cert, chain = parse_signed(r)
    ca = x509.load_pem_x509_certificate(t.ca.read_bytes())
    assert chain[0] == ca, "ca0 is not the server's CA"
    cert.verify_directly_issued_by(ca)
    assert wftrust.cn_of(cert) == user
    assert cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return cert


async def test_sign_client_v2_pem_and_bare_base64_json_and_xml(trust, tmp_path):
    key, pem = wftrust.make_csr("alice", "watchfloor")
    r = sign(trust, pem, "application/json")
    assert "json" in (r.header("content-type") or ""), r.headers
    check_signed(trust, r, key, "alice")

    key, pem = wftrust.make_csr("alice")
    r = sign(trust, wftrust.bare_base64(pem), "application/xml")  # ATAK's form of the body
    assert "xml" in (r.header("content-type") or ""), r.headers
    cert = check_signed(trust, r, key, "alice")

    for accept in (None, "*/*"):
        k, p = wftrust.make_csr("alice")
        r = sign(trust, p, accept)
        check_signed(trust, r, k, "alice")
        assert r.body.lstrip().startswith(b"{"), f"Accept {accept!r} should give JSON"

    wftrust.assert_api_error(sign(trust, wftrust.make_csr("alice")[1], "image/png"), 400)

    # The enrolled certificate works on the streaming port as alice (blue: hears bob).
    certpath, keypath = wftrust.write_pem(tmp_path, "alice-enrolled", key,
                                          [cert, x509.load_pem_x509_certificate(trust.ca.read_bytes())])
    a = await TlsStreamClient.connect_tls(trust.tls_port, wftrust.client_ctx(trust.ca, certpath, keypath), "a")
    b = await TlsStreamClient.connect_tls(trust.tls_port, trust.ctx("bob"), "b")
    try:
        ub = new_uid("bob")
        await b.join(ub, "BOB")
        await a.join(new_uid("alice"), "ALICE")
        await a.wait_for(uid_is(ub), what="bob in the replay of the enrolled client")
    finally:
        await a.close()
        await b.close()


def test_signed_cn_is_the_authenticated_user_not_the_csr(trust):
    key, pem = wftrust.make_csr("bob", "someone-else")  # authenticated as alice
    cert = check_signed(trust, sign(trust, pem, "application/json"), key, "alice")
    assert wftrust.cn_of(cert) != "bob"


def test_wrong_password_401_and_a_loop_is_rate_limited(trust):
    before = trust.server.metric("watchfloor_logins_refused_total")
    r = enroll(trust).get(CONFIG, headers=auth("alice", "wrong-password"))
    wftrust.assert_api_error(r, 401)
    statuses = []
    for _ in range(30):
        r = enroll(trust).get(CONFIG, headers=auth("alice", "wrong-password"), timeout=15)
        statuses.append(r.status)
    assert set(statuses) <= {401, 429}, statuses
    limited = 429 in statuses
    if not limited:
        # "401 after the limit" is allowed only if the limit then holds for the right password too.
        limited = enroll(trust).get(CONFIG, headers=auth("alice")).status in (401, 429)
    assert limited, f"31 wrong passwords in a row were not rate limited: {statuses}"
    assert trust.server.alive() and trust.server.healthz()
    assert trust.server.metric("watchfloor_logins_refused_total") >= before + 31
    log = trust.server.log_text().lower()
    assert "alice" in log and ("rate" in log or "limit" in log), "rate limiting should be logged"
    # Another user is not locked out by alice's attacker.
    assert enroll(trust).get(CONFIG, headers=auth("bob")).status == 200


def test_malformed_csr_is_400(trust):
    _, pem = wftrust.make_csr("alice")
    der = x509.load_pem_x509_csr(pem).public_bytes(serialization.Encoding.DER)
    broken_sig = bytearray(der)
    broken_sig[-5] ^= 0xFF  # inside the signature
    bodies = {
        "empty": b"",
        "garbage": b"\x00\xffnot a csr at all\x10" * 10,
        "bad base64": b"-----BEGIN CERTIFICATE REQUEST-----\n@@@###!!!\n-----END CERTIFICATE REQUEST-----\n",
        "truncated": pem[: len(pem) // 2],
        "bad signature": wftrust.armour(base64.b64encode(bytes(broken_sig)).decode(),
                                        "CERTIFICATE REQUEST"),
        "a certificate": trust.ca.read_bytes(),
    }
    for what, body in bodies.items():
        r = sign(trust, body, "application/json")
        assert r.status == 400, f"{what}: {r.status} {r.body[:200]!r}"
        wftrust.assert_api_error(r, 400)
    assert trust.server.alive() and trust.server.healthz()
    # And a good one still goes through.
    key, pem = wftrust.make_csr("alice")
    check_signed(trust, sign(trust, pem, None), key, "alice")


def test_enrollment_port_needs_no_client_cert_and_wrong_user_is_401(trust):
    r = enroll(trust).get(CONFIG, headers=auth("nobody", "whatever"))
    wftrust.assert_api_error(r, 401)
    r = sign(trust, wftrust.make_csr("nobody")[1], None, user="nobody", password="whatever")
    wftrust.assert_api_error(r, 401)


def test_a_revoked_user_cannot_enroll_again_until_enabled(trust, tmp_path):
    """Revoking a lost phone locks its user out: the password no longer buys a new
    certificate, nor does the old one connect, until an administrator re-admits them."""
    key, pem = wftrust.make_csr("alice")
    check_signed(trust, sign(trust, pem, "application/json"), key, "alice")
    out = wftrust.certs_revoke(trust.certs, "alice", trust.server.data_dir)
    assert "disabled" in out, out

    r = sign(trust, wftrust.make_csr("alice")[1], "application/json")
    wftrust.assert_api_error(r, 401)
    r = enroll(trust).get(CONFIG, headers=auth("alice"))
    wftrust.assert_api_error(r, 401)
    # bob is untouched.
    key, pem = wftrust.make_csr("bob")
    check_signed(trust, sign(trust, pem, "application/json", user="bob"), key, "bob")

    wftrust.users_enable(trust.server.data_dir, "alice")
    key, pem = wftrust.make_csr("alice")
    check_signed(trust, sign(trust, pem, "application/json"), key, "alice")
