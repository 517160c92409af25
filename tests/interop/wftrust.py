"""Trust helpers for the TLS, enrollment and Marti interop tests.

- the ``watchfloor certs`` / ``users`` command line, and feature detection: a test whose
  command or ``serve`` flag is missing from the binary *skips* with a message naming it, so the
  suite stays green before the issue-3 wiring lands; once the command exists, failures fail;
- a trusted server (`start`): CA and client certificates, users, a server with ``--certs``;
- TLS contexts from PEM files or a PKCS#12, certificates and CSRs made with ``cryptography``;
- an HTTPS client (``http.client``), a TLS raw stream client and a TLS pytak client.

Every wait is bounded (seconds). Loopback only.
"""

from __future__ import annotations

import asyncio
import configparser
import datetime as dt
import functools
import http.client
import socket
import ssl
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import pytak
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, ed448, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import wfcot
from wfclients import PytakClient, StreamClient, _Collector, _names, _Sender
from wfserver import Server, free_port, server_binary

P12_PASSWORD = "atakatak"
ISSUE = "issue 3: trust and the TAK HTTP API"


# --- the command line ------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _help(*words: str) -> tuple[int, str]:
    """``watchfloor WORDS --help``: exit code and output (cached per run)."""
    r = subprocess.run(
        [str(server_binary()), *words, "--help"], capture_output=True, text=True, timeout=30
    )
    return r.returncode, r.stdout + r.stderr


def require_binary() -> None:
    """Fails (not skips) when there is no binary at all, as the other interop tests do."""
    if not server_binary().is_file():
        pytest.fail(
            f"watchfloor binary not found at {server_binary()}: run `cargo build -p watchfloor`",
            pytrace=False,
        )


def require_command(*words: str) -> None:
    """Skips unless ``watchfloor WORDS`` exists."""
    require_binary()
    code, text = _help(*words)
    if code != 0:
        pytest.skip(f"watchfloor has no `{' '.join(words)}` command yet ({ISSUE}): {text.strip()[:120]}")


def require_serve_flags(*flags: str) -> None:
    """Skips unless ``watchfloor serve`` takes every flag in ``flags``."""
    require_binary()
    _, text = _help("serve")
    missing = [f for f in flags if f not in text.split()]
    # clap prints `--flag <VALUE>`; split() keeps `--flag` as its own word.
    if missing:
        pytest.skip(f"`watchfloor serve` lacks {', '.join(missing)} ({ISSUE})")


def has_serve_flag(flag: str) -> bool:
    """Whether ``watchfloor serve`` takes ``flag``."""
    return flag in _help("serve")[1].split()


def cli(*args: str, stdin: Optional[str] = None, timeout: float = 60.0) -> subprocess.CompletedProcess:
    """Runs ``watchfloor ARGS``; fails the test with its output when it exits non-zero."""
    r = subprocess.run(
        [str(server_binary()), *args], input=stdin, capture_output=True, text=True, timeout=timeout
    )
    if r.returncode != 0:
        pytest.fail(
            f"`watchfloor {' '.join(args)}` exited {r.returncode}:\n{r.stdout}\n{r.stderr}", pytrace=False
        )
    return r


def certs_init(d: Path, hosts: Iterable[str] = ("127.0.0.1", "localhost")) -> Path:
    """``certs init --dir D --host ...``; checks the four files it must make."""
    args = ["certs", "init", "--dir", str(d)]
    for h in hosts:
        args += ["--host", h]
    cli(*args)
    for f in ("ca.pem", "server.pem", "server.key", "crl.pem"):
        assert (d / f).is_file(), f"`certs init` did not write {d / f}"
    return d


def certs_client(d: Path, name: str) -> None:
    """``certs client NAME --dir D``; checks the files it must make."""
    cli("certs", "client", name, "--dir", str(d))
    for f in (f"{name}.pem", f"{name}.key", f"{name}.p12", "truststore.p12", f"{name}.zip"):
        assert (d / f).is_file(), f"`certs client {name}` did not write {d / f}"


def certs_revoke(d: Path, name: str, data_dir: Optional[Path] = None) -> str:
    """``certs revoke NAME --dir D [--data-dir DATA]``; its output."""
    args = ["certs", "revoke", name, "--dir", str(d)]
    if data_dir is not None:
        args += ["--data-dir", str(data_dir)]
    return cli(*args).stdout


def users_disable(data_dir: Path, name: str) -> None:
    """``users disable NAME --data-dir D``."""
    cli("users", "disable", name, "--data-dir", str(data_dir))


def users_enable(data_dir: Path, name: str) -> None:
    """``users enable NAME --data-dir D``."""
    cli("users", "enable", name, "--data-dir", str(data_dir))


def password_of(name: str) -> str:
    """The password the tests give user ``name``."""
    return f"{name}-Secret-42"


def users_add(data_dir: Path, name: str, groups: str) -> None:
    """``users add NAME --password-stdin --groups G --data-dir D``."""
    cli("users", "add", name, "--password-stdin", "--groups", groups, "--data-dir", str(data_dir),
        stdin=password_of(name) + "\n")
    assert (data_dir / "users.toml").is_file(), "`users add` did not write users.toml"


# --- a trusted server --------------------------------------------------------------------------


@dataclass
class Trust:
    """A running server with its certificate folder, ports and users."""

    server: Server
    certs: Path
    tls_port: int = 0
    https_port: int = 0
    enroll_port: int = 0
    users: dict[str, str] = field(default_factory=dict)

    @property
    def ca(self) -> Path:
        """The CA certificate (PEM)."""
        return self.certs / "ca.pem"

    def pem(self, name: str) -> tuple[Path, Path]:
        """``(NAME.pem, NAME.key)`` made by ``certs client``."""
        return self.certs / f"{name}.pem", self.certs / f"{name}.key"

    def ctx(self, name: Optional[str]) -> ssl.SSLContext:
        """A client context trusting the CA, presenting ``name``'s certificate (none if None)."""
        if name is None:
            return client_ctx(self.ca)
        cert, key = self.pem(name)
        return client_ctx(self.ca, cert, key)

    def api(self, name: Optional[str]) -> "Https":
        """An HTTPS client on the Marti port as ``name``."""
        return Https(self.https_port, self.ctx(name))


def start(
    server_factory,
    tmp_path: Path,
    *,
    users: dict[str, str],
    tls: bool = True,
    https: bool = False,
    enroll_port: Optional[int] = None,
    extra: Iterable[str] = (),
) -> Trust:
    """Makes a CA in ``tmp_path/certs``, a client certificate per user, the users (name →
    groups) in the server's data dir, and starts ``serve --certs`` with the listeners asked
    for. Skips when the binary lacks a command or flag this needs."""
    require_command("certs", "init")
    require_command("certs", "client")
    require_command("users", "add")
    flags = ["--certs"] + (["--tls"] if tls else []) + (["--https"] if https else [])
    flags += ["--enroll"] if enroll_port is not None else []
    require_serve_flags(*flags)
    certs = certs_init(tmp_path / "certs")
    for name in users:
        certs_client(certs, name)
    t = Trust(server=None, certs=certs, users=dict(users))  # type: ignore[arg-type]
    args = ["--certs", str(certs)]
    if tls:
        t.tls_port = free_port()
        args += ["--tls", f"127.0.0.1:{t.tls_port}"]
    if https:
        t.https_port = free_port()
        args += ["--https", f"127.0.0.1:{t.https_port}"]
    if enroll_port is not None:
        t.enroll_port = enroll_port
        args += ["--enroll", f"127.0.0.1:{enroll_port}"]

    def setup(s: Server) -> None:
        for name, groups in users.items():
            users_add(s.data_dir, name, groups)

    t.server = server_factory(*args, *extra, setup=setup)
    return t


# --- TLS contexts and certificates ---------------------------------------------------------------


def client_ctx(ca: Optional[Path], cert: Optional[Path] = None, key: Optional[Path] = None) -> ssl.SSLContext:
    """TLS 1.2+ client context verifying the server against ``ca`` (IP SAN 127.0.0.1)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if ca is not None:
        ctx.load_verify_locations(cafile=str(ca))
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if cert is not None:
        ctx.load_cert_chain(str(cert), str(key) if key else None)
    return ctx


def load_p12(data: bytes, password: str = P12_PASSWORD):
    """``(key, cert, extra_certs)`` of a PKCS#12 (``cryptography``)."""
    return pkcs12.load_key_and_certificates(data, password.encode())


def cn_of(cert: x509.Certificate) -> str:
    """The subject common name."""
    return cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def write_pem(d: Path, name: str, key, certs: list[x509.Certificate]) -> tuple[Path, Path]:
    """Writes ``NAME.pem`` (certs in order) and ``NAME.key`` (PKCS#8) into ``d``."""
    cert_path, key_path = d / f"{name}.pem", d / f"{name}.key"
    cert_path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def signing_hash(key) -> Optional[hashes.HashAlgorithm]:
    """The hash ``CertificateBuilder.sign`` needs for a CA key of this type: Ed25519/Ed448
    take none, RSA and ECDSA take SHA-256 (SHA-384 for P-384 and up)."""
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        return None
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.key_size >= 384:
        return hashes.SHA384()
    if isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        return hashes.SHA256()
    raise TypeError(f"unsupported CA key type {type(key).__name__}")


def issue_with_real_ca(
    certs: Path, out: Path, cn: str, *, not_before: dt.datetime, not_after: dt.datetime
) -> tuple[Path, Path]:
    """A client certificate for ``cn`` signed with the server's own CA key ``certs/ca.key``.

    The key type is read from the PEM itself: ``load_pem_private_key`` returns an RSA, EC or
    Ed25519 key object whatever the PEM label (PKCS#8 ``PRIVATE KEY`` or ``EC PRIVATE KEY``),
    and :func:`signing_hash` picks the matching signature hash. Returns ``(pem, key)`` with
    the chain leaf + CA, as ``certs client`` writes it."""
    ca_key = serialization.load_pem_private_key((certs / "ca.key").read_bytes(), password=None)
    ca_cert = x509.load_pem_x509_certificate((certs / "ca.pem").read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
        .sign(ca_key, signing_hash(ca_key))
    )
    out.mkdir(parents=True, exist_ok=True)
    return write_pem(out, cn, key, [cert, ca_cert])


def make_csr(cn: str, org: str = "") -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    """A fresh P-256 key and a PEM CSR asking for ``CN=cn`` (and ``O=org``)."""
    key = ec.generate_private_key(ec.SECP256R1())
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(attrs)).sign(key, hashes.SHA256())
    return key, csr.public_bytes(serialization.Encoding.PEM)


def bare_base64(pem: bytes) -> bytes:
    """The base64 body of a PEM without its armour lines (the form ATAK posts)."""
    return b"".join(l for l in pem.splitlines() if l and not l.startswith(b"-----"))


def armour(body: str, label: str = "CERTIFICATE") -> bytes:
    """A headerless base64 body (enrollment answers) as PEM."""
    b64 = "".join(body.split())
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return ("-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)).encode()


def now_utc() -> dt.datetime:
    """Now, timezone-aware UTC."""
    return dt.datetime.now(dt.timezone.utc)


# --- HTTPS ----------------------------------------------------------------------------------------


@dataclass
class Resp:
    """One HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        """The body as JSON."""
        import json

        return json.loads(self.body)

    def text(self) -> str:
        """The body as UTF-8 text."""
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str) -> Optional[str]:
        """A header, case-insensitively."""
        return self.headers.get(name.lower())


class Https:
    """A tiny HTTPS client: one connection per request, 10 s timeout."""

    def __init__(self, port: int, ctx: ssl.SSLContext, host: str = "127.0.0.1") -> None:
        self.port, self.ctx, self.host = port, ctx, host

    def request(self, method: str, path: str, body: Optional[bytes] = None, headers: Optional[dict] = None,
                timeout: float = 10.0) -> Resp:
        """Sends one request and reads the whole answer."""
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            return Resp(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path: str, **kw) -> Resp:
        """GET."""
        return self.request("GET", path, **kw)


def basic(user: str, password: str) -> dict[str, str]:
    """An HTTP Basic ``Authorization`` header."""
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def multipart(field_name: str, filename: str, data: bytes, content_type: str = "application/zip",
              boundary: Optional[str] = None) -> tuple[bytes, dict[str, str]]:
    """A ``multipart/form-data`` body with one file part, and its headers."""
    boundary = boundary or f"wf-{uuid.uuid4().hex}"
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field_name}\"; filename=\"{filename}\"\r\n"
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def assert_api_error(r: Resp, status: int) -> dict:
    """Checks ``r`` is the API's JSON error shape with ``status``; returns the error object."""
    assert r.status == status, f"expected {status}, got {r.status}: {r.body[:300]!r}"
    try:
        err = r.json()["error"]
    except (ValueError, KeyError, TypeError):
        raise AssertionError(f"{status} answer is not the JSON error shape: {r.body[:300]!r}") from None
    assert err.get("status") == status, err
    assert isinstance(err.get("code"), str) and err["code"], err
    assert isinstance(err.get("message"), str), err
    return err


# --- stream clients over TLS ------------------------------------------------------------------------


class TlsStreamClient(StreamClient):
    """:class:`wfclients.StreamClient` over mutual TLS (Python ``ssl``): XML, or with
    ``negotiate`` TAK protocol v1 after the server's offer, as takproto-based tools do."""

    @classmethod
    async def connect_tls(cls, port: int, ctx: ssl.SSLContext, name: str = "", **kw) -> "TlsStreamClient":
        """Connects and completes the handshake (10 s at most)."""
        c = cls(name or f"tls{next(_names)}", **kw)
        c.reader, c.writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="127.0.0.1"), 10
        )
        c._task = asyncio.create_task(c._read_loop(), name=f"read-{c.name}")
        return c


class TlsPytakClient(PytakClient):
    """A real pytak ``CLITool`` on ``tls://``, configured only through pytak's own
    ``PYTAK_TLS_*`` keys (``tls`` maps key → value)."""

    @classmethod
    async def start_tls(cls, url: str, name: str, tls: dict[str, str], setup_timeout: float = 10.0) -> "TlsPytakClient":
        """Builds the section, lets pytak connect (and enroll, if asked) and runs it."""
        parser = configparser.ConfigParser(interpolation=None)
        parser["interop"] = {"COT_URL": url, "COT_HOST_ID": f"{name}@interop", "MAX_IN_QUEUE": "5000",
                             "PYTAK_NO_HELLO": "1", **tls}
        c = cls(name, parser["interop"])
        c.tool = pytak.CLITool(c.section)
        await asyncio.wait_for(c.tool.setup(), setup_timeout)
        c.tool.add_tasks({_Sender(c.tool.tx_queue, c.section, c.outbox), _Collector(c.tool.rx_queue, c.section, c)})
        c._run = asyncio.create_task(c._run_tool(), name=f"pytak-{name}")
        return c


def pytak_pem(t: Trust, name: str) -> dict[str, str]:
    """pytak TLS keys for ``name``'s PEM certificate and key."""
    cert, key = t.pem(name)
    return {"PYTAK_TLS_CLIENT_CERT": str(cert), "PYTAK_TLS_CLIENT_KEY": str(key), "PYTAK_TLS_CLIENT_CAFILE": str(t.ca)}


def pytak_p12(t: Trust, name: str) -> dict[str, str]:
    """pytak TLS keys for ``name``'s PKCS#12."""
    return {"PYTAK_TLS_CLIENT_CERT": str(t.certs / f"{name}.p12"), "PYTAK_TLS_CLIENT_PASSWORD": P12_PASSWORD,
            "PYTAK_TLS_CLIENT_CAFILE": str(t.ca)}


async def tls_verdict(port: int, ctx: ssl.SSLContext, timeout: float = 5.0) -> str:
    """Connects, identifies and pings. ``"accepted"`` when the pong comes back, else
    ``"refused: <why>"`` (handshake error, TLS alert or the server closing). A server that
    neither answers nor closes within ``timeout`` s is a failure of the test."""
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="127.0.0.1"), timeout
        )
    except asyncio.TimeoutError:
        raise AssertionError(f"tls handshake neither completed nor failed within {timeout}s") from None
    except (ssl.SSLError, ConnectionError, OSError, asyncio.IncompleteReadError) as e:
        return f"refused: handshake: {e!r}"
    try:
        # With TLS 1.3 the server checks the client certificate after the client's handshake
        # is done: a refusal then arrives as an alert on the first read.
        writer.write(wfcot.sa(wfcot.new_uid("probe"), "PROBE") + wfcot.ping())
        await asyncio.wait_for(writer.drain(), timeout)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        seen = b""
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"server neither answered nor closed within {timeout}s (got {seen[:200]!r})")
            data = await asyncio.wait_for(reader.read(65536), left)
            if not data:
                return "refused: closed by server"
            seen += data
            if b"t-x-c-t-r" in seen:
                return "accepted"
    except asyncio.TimeoutError:
        # Before OSError: asyncio.TimeoutError is the builtin TimeoutError, an OSError.
        raise AssertionError(f"server neither answered nor closed within {timeout}s") from None
    except (ssl.SSLError, ConnectionError, OSError, asyncio.IncompleteReadError) as e:
        return f"refused: {e!r}"
    finally:
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), 2)
        except (asyncio.TimeoutError, ssl.SSLError, OSError):
            pass


def port_is_free(port: int) -> bool:
    """Whether 127.0.0.1:``port`` can be bound right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def files_under(root: Path) -> set[Path]:
    """Every regular file below ``root`` (empty if it does not exist)."""
    if not root.exists():
        return set()
    return {p for p in root.rglob("*") if p.is_file()}

