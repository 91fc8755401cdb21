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

# The request tests print through a real CUPS queue (cups-pdf) and read the spooled PDF back
# with pdftotext; they start cupsd and create their queues themselves.
need=()
command -v cupsd >/dev/null || [ -x /usr/sbin/cupsd ] || need+=(cups)
[ -f /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd ] || need+=(printer-driver-cups-pdf)
command -v pdftotext >/dev/null || need+=(poppler-utils)
# The watchdog test runs the real kiosk window on a virtual X server (Mesa is in the image).
command -v Xvfb >/dev/null || need+=(xvfb)
if [ ${#need[@]} -gt 0 ]; then
  echo "== apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    cups printer-driver-cups-pdf poppler-utils xvfb >/dev/null
fi
# The fleet tests start their own PostgreSQL cluster in a temporary folder (as the postgres
# user: initdb refuses root); they need the server binaries only.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== apt-get install postgresql"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
if ! LC_ALL=C lpstat -r 2>/dev/null | grep -q "scheduler is running"; then
  echo "== starting cupsd"
  /usr/sbin/cupsd
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo test"
# Benchmarks are compiled here (so they cannot rot) but run only by `cargo bench`: they print
# figures, they are not tests.
cargo test --locked --benches --examples --no-run 2>&1
cargo test --locked --lib --bins --tests 2>&1
