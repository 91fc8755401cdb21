#!/usr/bin/env bash
# Renders every kiosk screen to PNG under Xvfb, in the normal and the elderly mode, from the
# shipped demo data, at the three screens of the halls (1920x1080 landscape, 1080x1920 portrait,
# 1366x768): assets/screenshots/NN-screen-WIDTHxHEIGHT-mode.png (the README shows some of them).
#
# Needs: xvfb and Mesa (apt-get install -y --no-install-recommends xvfb xauth libgl1 libegl1
# libgl1-mesa-dri libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 libx11-xcb1).
# Usage: scripts/screenshots.sh [OUT_DIR] [CONFIG] [SIZE ...]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-assets/screenshots}"
config="${2:-kiosk-config/kiosk.toml}"
shift $(( $# > 2 ? 2 : $# ))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1920x1080 1080x1920 1366x768)
work="$(mktemp -d)"
trap 'rm -rf "$work"; [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true' EXIT

# The same configuration with the request register in a scratch folder (the staff area reads it).
shots_config="$(dirname "$config")/.screens.toml"
sed -e "s|^register = .*|register = \"$work/requests.sqlite\"|" \
    -e "s|^key_file = .*|key_file = \"$work/register.key\"|" "$config" > "$shots_config"
trap 'rm -rf "$work" "$shots_config"; [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true' EXIT

if [ -z "${DISPLAY:-}" ]; then
    display=":97"
    Xvfb "$display" -screen 0 1920x1920x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    sleep 1
    export DISPLAY="$display"
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}" LIBGL_ALWAYS_SOFTWARE=1
cargo build --locked --example screens
for size in "${sizes[@]}"; do
    ./target/debug/examples/screens "$out" "$shots_config" "$size"
done
# Smaller files for the repository where pngquant is installed (apt-get install pngquant).
if command -v pngquant >/dev/null; then
    pngquant --force --ext .png --quality 85-98 --speed 3 "$out"/*.png
fi
