#!/usr/bin/env bash
# Lighthouse (npm, on Debian's Chromium) on two host pages (the demo page and
# a Bootstrap shop page) with Parlor's origin allowed, with it blocked, and
# without the snippet: what the widget costs the host page's largest
# contentful paint, total blocking time and main-thread work (issue 16, item
# 8; bench/lighthouse.mjs). Run by hand, not in CI; the figures go into
# docs/performance.md. Needs a build (scripts/build.sh) and `npm ci`.
# Starts its own server on loopback with a throwaway database, and stops it.
#
#   bench/lighthouse.sh [release|debug] [runs each way, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
profile="${1:-release}"
runs="${2:-3}"
bin="$CARGO_TARGET_DIR/$profile/parlor"
[ -x "$bin" ] || { echo "no $bin: run scripts/build.sh $profile" >&2; exit 1; }
[ -d node_modules/lighthouse ] || { echo "no node_modules/lighthouse: run npm ci" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "no /usr/bin/chromium: apt-get install chromium" >&2; exit 1; }
# The shop page is built on Debian's Bootstrap 5.
. scripts/apt.sh
apt_install libjs-bootstrap5
port="${BENCH_PORT:-3210}"
demo_port="${BENCH_DEMO_PORT:-8290}"

. bench/lib.sh
data="$(mktemp -d)"
cleanup() {
  bench_stop
  if [ -s "$data/parlor.log" ]; then
    echo "parlor logged:" >&2
    tail -n 20 "$data/parlor.log" >&2
  fi
  rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_server "$data/parlor.log" "$port" PARLOR_DEMO_ADDR="127.0.0.1:$demo_port" \
  PARLOR_DATABASE_URL="sqlite://$data/p.db"

echo "# Lighthouse on two host pages ($profile server); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
CHROME_PATH=/usr/bin/chromium node bench/lighthouse.mjs "http://127.0.0.1:$demo_port/" "http://127.0.0.1:$port" "$runs"
