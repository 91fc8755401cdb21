#!/usr/bin/env bash
# 信创 hardware (Kunpeng, Phytium and other ARM64 machines): cross-builds the release of the kiosk
# for aarch64-unknown-linux-gnu with Debian's cross linker, then under qemu-user runs the library
# tests and a headless `kiosk index build` + `kiosk search` of the demo data with the aarch64
# binary. Not part of CI (.ci/run): a cold cross build takes far longer than CI allows.
#
# Usage: scripts/cross-aarch64.sh            (as root where packages are missing: apt-get installs)
# Environment: SKIP_TESTS=1 skips the library tests (build and headless search only).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=aarch64-unknown-linux-gnu
SYSROOT=/usr/aarch64-linux-gnu

need=()
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
if [ ${#need[@]} -gt 0 ]; then
  echo "== apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if ! rustup target list --installed | grep -qx "$TARGET"; then
  echo "== rustup target add $TARGET"
  if ! rustup target add "$TARGET"; then
    echo "cross-aarch64.sh: cannot install the Rust standard library for $TARGET (see the error above)" >&2
    exit 1
  fi
fi

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L $SYSROOT"
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
export AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
# Line tables are enough off the build machine; full debug info only slows the cross build.
export CARGO_PROFILE_RELEASE_DEBUG=line-tables-only

started=$(date +%s)
echo "== cargo build --release --target $TARGET"
cargo build --locked --release --target "$TARGET" --bin kiosk
bin="target/$TARGET/release/kiosk"
file "$bin"
echo "   built in $(( $(date +%s) - started )) s"

if [ "${SKIP_TESTS:-0}" != 1 ]; then
  echo "== library tests under qemu-aarch64"
  started=$(date +%s)
  cargo test --locked --release --target "$TARGET" --lib
  echo "   library tests built and run in $(( $(date +%s) - started )) s"
fi

echo "== headless index build and search under qemu-aarch64"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repo=$(pwd)
sed -e "s|\.\./index/demo|$tmp/index|" -e "s|\"\.\./assets|\"$repo/assets|g" \
  kiosk-config/kiosk.toml >"$tmp/kiosk.toml"
cp -r kiosk-config/synonyms.txt kiosk-config/areas.toml kiosk-config/places.toml \
  kiosk-config/holidays "$tmp/"
run() { qemu-aarch64 -L "$SYSROOT" "$bin" --config "$tmp/kiosk.toml" "$@"; }
run index build | tail -1
hits=$(run search --json 养老金)
echo "$hits" | head -3
if ! echo "$hits" | grep -q '"id":"qh-gi-0001"'; then
  echo "cross-aarch64.sh: the aarch64 kiosk did not find qh-gi-0001 for 养老金" >&2
  exit 1
fi
echo "== aarch64: release built, library tests passed, headless search answered"
