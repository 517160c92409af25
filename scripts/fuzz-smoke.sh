#!/usr/bin/env bash
# Builds every cargo-fuzz target of the workspace and runs each for a few
# seconds. cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the stable
# toolchain (the only one on our machines) accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${FUZZ_SECS:-5}
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked --version 0.13.2
fi
export RUSTC_BOOTSTRAP=1
# One target folder for every fuzz workspace: the crates they share (cot
# under all of them) are built with the sanitizer once, not once per crate.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$PWD/target/fuzz}"
for dir in crates/*/fuzz; do
    [ -f "$dir/Cargo.toml" ] || continue
    crate=$(dirname "$dir")
    for target in $(cd "$crate" && cargo fuzz list); do
        echo "--- fuzz $crate $target (${SECS}s)"
        (cd "$crate" && cargo fuzz run "$target" -- -max_total_time="$SECS" -rss_limit_mb=2048 2>&1 | tail -n 2)
    done
done
