"""The sensors crate's ASTERIX decoder agrees with an independent implementation
(PyPI libasterix) on hundreds of random CAT048 and CAT021 records that
libasterix encodes (crates/sensors/tests/cross_check.py)."""
import os
import subprocess
import sys
from pathlib import Path

from wfserver import cargo_target_dir

ROOT = Path(__file__).resolve().parents[2]


def test_libasterix_and_sensors_decode_the_same_fields():
    env = dict(os.environ)
    decode = cargo_target_dir() / "debug" / "examples" / "decode"
    if decode.exists():
        env["SENSORS_DECODE"] = str(decode)
    script = ROOT / "crates" / "sensors" / "tests" / "cross_check.py"
    r = subprocess.run([sys.executable, str(script), "--records", "400", "--seed", "11"],
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert " 0 mismatches" in r.stdout, r.stdout
