#!/usr/bin/env bash
# Measures the running kiosk (release build) with the shared-corpus index: start-up to the
# first frame and to the first interactive frame (index open), resident memory, and the CPU
# the process uses over 60 s with no input. Prints one line per figure.
#
# Needs Xvfb and Mesa (see scripts/screenshots.sh), ../shared, and the shared-corpus index
# (`cargo run --release -- --config kiosk-config/shared-corpus.toml index build`).
# Usage: scripts/measure-kiosk.sh [CONFIG] [IDLE_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
config="${1:-kiosk-config/shared-corpus.toml}"
idle="${2:-60}"
cargo build --release --locked --quiet
work="$(mktemp -d)"
measure_config="$(dirname "$config")/.measure.toml"
sed -e "s|^register = .*|register = \"$work/requests.sqlite\"|" \
    -e "s|^key_file = .*|key_file = \"$work/register.key\"|" "$config" > "$measure_config"
grep -q '^\[requests\]' "$measure_config" || printf '\n[requests]\nregister = "%s"\nkey_file = "%s"\n' \
    "$work/requests.sqlite" "$work/register.key" >> "$measure_config"
cleanup() {
    [ -n "${kiosk_pid:-}" ] && kill "$kiosk_pid" 2>/dev/null || true
    [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$work" "$measure_config"
}
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ]; then
    Xvfb :96 -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    sleep 1
    export DISPLAY=:96
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}" LIBGL_ALWAYS_SOFTWARE=1
start_ns=$(date +%s%N)
RUST_LOG=kiosk=info ./target/release/kiosk --config "$measure_config" 2> "$work/log" &
kiosk_pid=$!
for _ in $(seq 1 600); do
    grep -q "first interactive frame" "$work/log" && break
    sleep 0.1
done
ready_ns=$(date +%s%N)
grep -q "first interactive frame" "$work/log" || { cat "$work/log"; echo "the kiosk did not become ready"; exit 1; }
first=$(grep "first frame drawn" "$work/log" | sed -E 's/.*ms=([0-9]+).*/\1/')
interactive=$(grep "first interactive frame" "$work/log" | sed -E 's/.*ms=([0-9]+).*/\1/')
echo "start-up: first frame ${first} ms, first interactive frame (index open) ${interactive} ms after the window code started; $(( (ready_ns - start_ns) / 1000000 )) ms wall from process launch to the log line"
sleep 3
rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$kiosk_pid/status")
echo "resident memory with the index open: $((rss_kb / 1024)) MB (VmRSS)"
ticks=$(getconf CLK_TCK)
cpu0=$(awk '{print $14 + $15}' "/proc/$kiosk_pid/stat")
sleep "$idle"
cpu1=$(awk '{print $14 + $15}' "/proc/$kiosk_pid/stat")
rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$kiosk_pid/status")
awk -v c=$((cpu1 - cpu0)) -v t="$ticks" -v s="$idle" \
    'BEGIN { printf "idle CPU over %d s with no input: %.2f s of CPU (%.2f %% of one core)\n", s, c / t, 100 * c / t / s }'
echo "resident memory after the idle period: $((rss_kb / 1024)) MB (VmRSS)"
