#!/usr/bin/env bash
# The project's one test command: exactly what CI runs (.ci/run calls this).
# Installs what the tests need, checks formatting, then builds once and runs every test.
# Tests that need the real data read ../shared (or $KIOSK_SHARED); with KIOSK_SHARED set,
# missing data fails them instead of skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
  echo "check.sh: cargo is not installed (install Rust with rustup first)" >&2
  exit 1
fi
rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo test"
cargo test --locked --all-targets 2>&1
