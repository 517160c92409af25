"""The test harness finds the binary where cargo builds it: with ``CARGO_TARGET_DIR``
set (issue 9, item 14) ``scripts/test.sh``, these fixtures and the browser runner all
look in that folder, not in ``<repo>/target``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def env_with_target(target: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(target)
    env.pop("WATCHFLOOR_BIN", None)
    return env


def test_the_target_dir_script_asks_cargo(tmp_path):
    r = subprocess.run(["bash", str(REPO / "scripts" / "cargo-target-dir.sh")],
                       env=env_with_target(tmp_path), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(tmp_path)


def test_the_interop_fixtures_look_in_cargos_target_dir(tmp_path):
    code = "from wfserver import server_binary; print(server_binary())"
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO / "tests" / "interop",
                       env=env_with_target(tmp_path), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(tmp_path / "debug" / "watchfloor")


def test_the_browser_tests_look_in_cargos_target_dir(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node: the browser tests need it anyway")
    code = ("import { serverBinary } from './tests/browser/lib/server.mjs';"
            " console.log(serverBinary());")
    r = subprocess.run([node, "--input-type=module", "-e", code], cwd=REPO,
                       env=env_with_target(tmp_path), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(tmp_path / "debug" / "watchfloor")
