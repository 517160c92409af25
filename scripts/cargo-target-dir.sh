#!/usr/bin/env bash
# Prints the folder cargo builds into: ./target unless CARGO_TARGET_DIR or a
# cargo config moves it. Scripts find the binaries under it (debug/watchfloor).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
