"""Fixtures: a real ``watchfloor serve`` per test, on free loopback ports, with its own
data dir; its log goes to ``<repo>/test-artifacts/interop/<test>.<run>.log``."""

from __future__ import annotations

import re
from typing import Callable, Optional

import pytest

from wfclients import PytakClient, StreamClient
from wfserver import Server, server_binary


@pytest.fixture
def server_factory(request: pytest.FixtureRequest, tmp_path) -> Callable[..., Server]:
    """Makes started servers; each is stopped with SIGTERM at teardown, which must end
    the process with exit code 0 within 10 s."""
    binary = server_binary()
    if not binary.is_file():
        pytest.fail(
            f"watchfloor binary not found at {binary}: run `cargo build -p watchfloor` first "
            "(or set WATCHFLOOR_BIN)",
            pytrace=False,
        )
    made: list[Server] = []
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)

    def make(*extra_args: str, setup: Optional[Callable[[Server], None]] = None) -> Server:
        """``setup(server)`` runs after the data dir exists and before the process starts
        (e.g. to write the users file into it)."""
        s = Server(f"{base}-{len(made)}", tmp_path / f"data{len(made)}", list(extra_args))
        s.data_dir.mkdir(parents=True, exist_ok=True)
        made.append(s)
        if setup is not None:
            setup(s)
        s.start()
        return s

    yield make
    failures = []
    for s in made:
        if s.proc is None:
            continue
        code = s.stop(10.0)
        if code != 0:
            failures.append(f"{s.name}: exit code {code} after SIGTERM (log {s.log_path}):\n{s.log_tail()}")
    assert not failures, "\n".join(failures)


@pytest.fixture
def server(server_factory) -> Server:
    """A server with default settings."""
    return server_factory()


class Clients:
    """Makes test clients and closes them all at teardown."""

    def __init__(self) -> None:
        self.made: list = []

    async def raw(self, port: int, name: str = "", **kw) -> StreamClient:
        """A raw XML client (``negotiate=True`` makes it a takproto client)."""
        c = await StreamClient.connect(port, name, **kw)
        self.made.append(c)
        return c

    async def pytak(self, url: str, name: str = "", **kw) -> PytakClient:
        """A real pytak client on ``url``."""
        c = await PytakClient.start(url, name, **kw)
        self.made.append(c)
        return c

    async def close_all(self) -> None:
        """Closes every client made."""
        for c in reversed(self.made):
            await c.close()


@pytest.fixture
async def clients(server_factory):
    """Client factory; its clients are closed before the servers stop."""
    c = Clients()
    yield c
    await c.close_all()
