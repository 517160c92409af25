"""Starts and stops a real ``watchfloor serve`` process on free loopback ports."""

from __future__ import annotations

import functools
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "interop"


@functools.lru_cache(maxsize=None)
def cargo_target_dir() -> Path:
    """Where cargo puts its binaries, as cargo says (``CARGO_TARGET_DIR`` or a cargo
    config may move it away from ``<repo>/target``); ``<repo>/target`` without cargo."""
    try:
        r = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps"],
            cwd=REPO, capture_output=True, text=True, timeout=120, check=True,
        )
        return Path(json.loads(r.stdout)["target_directory"])
    except (OSError, subprocess.SubprocessError, ValueError, KeyError):
        return REPO / "target"


def server_binary() -> Path:
    """The binary under test: ``$WATCHFLOOR_BIN`` or cargo's ``debug/watchfloor``."""
    return Path(os.environ.get("WATCHFLOOR_BIN") or cargo_target_dir() / "debug" / "watchfloor")


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port the kernel just handed out on 127.0.0.1 (TCP or UDP)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_SAMPLE = re.compile(r"^(watchfloor_[a-zA-Z0-9_]+)(\{[^}]*\})?\s+([0-9.eE+-]+|NaN|[+-]Inf)\s*$")


def parse_metrics(text: str) -> dict[str, float]:
    """Prometheus text to ``{"name{labels}": value}`` (label sets kept verbatim)."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        m = _SAMPLE.match(line.strip())
        if m:
            out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


class Server:
    """One server process with its own ports and data dir. ``start`` and ``stop`` can be
    called again (restart with the same data dir and ports)."""

    def __init__(self, name: str, data_dir: Path, extra_args: Optional[list[str]] = None) -> None:
        self.name = name
        self.data_dir = data_dir
        self.extra_args = list(extra_args or [])
        self.tcp_port = free_port()
        self.blue_port = free_port()
        self.udp_port = free_port(socket.SOCK_DGRAM)
        self.http_port = free_port()
        self.web_port = free_port()
        self.proc: Optional[subprocess.Popen] = None
        self.runs = 0
        self.log_path: Optional[Path] = None
        self._log = None

    @property
    def base(self) -> str:
        """Base URL of the plain HTTP listener."""
        return f"http://127.0.0.1:{self.http_port}"

    def args(self) -> list[str]:
        """The command line."""
        return [
            str(server_binary()), "serve",
            "--tcp", f"127.0.0.1:{self.tcp_port}",
            "--tcp", f"127.0.0.1:{self.blue_port}#blue",
            "--udp", f"127.0.0.1:{self.udp_port}",
            "--http", f"127.0.0.1:{self.http_port}",
            "--web", f"127.0.0.1:{self.web_port}",
            "--data-dir", str(self.data_dir),
            *self.extra_args,
        ]

    def start(self, timeout: float = 15.0) -> None:
        """Starts the process and waits until ``/healthz`` answers ``ok``."""
        binary = server_binary()
        if not binary.is_file():
            raise RuntimeError(
                f"watchfloor binary not found at {binary}: build it with `cargo build -p watchfloor` "
                "or point WATCHFLOOR_BIN at it"
            )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.runs += 1
        self.log_path = ARTIFACTS / f"{self.name}.{self.runs}.log"
        self._log = open(self.log_path, "wb")
        env = dict(os.environ)
        env.setdefault("RUST_LOG", "info")
        env.setdefault("RUST_BACKTRACE", "1")
        env.setdefault("NO_COLOR", "1")
        self.proc = subprocess.Popen(self.args(), stdout=self._log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"watchfloor exited with {self.proc.returncode} at start; log:\n{self.log_tail()}")
            try:
                if self.healthz(timeout=1.0):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"watchfloor /healthz not ready within {timeout}s; log:\n{self.log_tail()}")
            time.sleep(0.05)

    def healthz(self, timeout: float = 2.0) -> bool:
        """Whether ``GET /healthz`` says ok."""
        with urllib.request.urlopen(self.base + "/healthz", timeout=timeout) as r:
            return r.status == 200 and r.read().strip() == b"ok"

    def metrics(self) -> dict[str, float]:
        """The parsed ``/metrics`` counters."""
        with urllib.request.urlopen(self.base + "/metrics", timeout=5) as r:
            return parse_metrics(r.read().decode("utf-8"))

    def metric(self, key: str) -> float:
        """One counter (0 when absent), e.g. ``watchfloor_drops_total{reason="slow_client"}``."""
        return self.metrics().get(key, 0.0)

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, then the exit code (killed and -9 after ``timeout`` s)."""
        if self.proc is None:
            return 0
        code: int
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                code = -9
        else:
            code = self.proc.returncode
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None
        return code

    def kill(self) -> None:
        """SIGKILL (only on a hung server)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def log_text(self) -> str:
        """The log of the current (or last) run."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text("utf-8", errors="replace")

    def wait_for_log(self, needle: str, timeout: float = 5.0) -> bool:
        """Whether `needle` (case-insensitive) appears in the log within `timeout` s.

        The server writes its log line after it has answered the peer, so a
        client can see a refusal a moment before the line reaches the file.
        """
        deadline = time.monotonic() + timeout
        while True:
            if needle.lower() in self.log_text().lower():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the log."""
        return "\n".join(self.log_text().splitlines()[-lines:])
