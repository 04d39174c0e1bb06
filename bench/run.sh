#!/usr/bin/env bash
# Bounded benchmarks whose figures go into docs/performance.md. Needs a build
# (scripts/build.sh). Starts its own server on loopback with a throwaway
# database, measures, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
profile="${1:-release}"
bin="$CARGO_TARGET_DIR/$profile/parlor"
data="$(mktemp -d)"
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
PARLOR_ADDR=127.0.0.1:3200 PARLOR_DEMO_ADDR=127.0.0.1:8280 PARLOR_DATABASE_URL="sqlite://$data/p.db" \
  PARLOR_ADMIN_EMAIL=admin@bench.test PARLOR_ADMIN_PASSWORD=bench-password PARLOR_SITE_ROOT="$SITE_DIR" PARLOR_WIDGET_DIR="$WIDGET_DIR" \
  PARLOR_LOG=warn "$bin" >/dev/null &
pid=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:3200/healthz >/dev/null && break; sleep 0.2; done
echo "## Widget bytes (Chromium, demo host page)"
node bench/widget-bytes.mjs http://127.0.0.1:8280/ http://127.0.0.1:3200
echo
echo "## Live connections (bench/src/bin/live_load.rs)"
cargo build -q -p parlor-bench --release --locked
channel="$(curl -sf http://127.0.0.1:8280/ | grep -o 'channels/[0-9a-f-]\{36\}' | head -1 | cut -d/ -f2)"
"$CARGO_TARGET_DIR/release/live-load" --url ws://127.0.0.1:3200 --channel "$channel" \
  --email admin@bench.test --password bench-password --pid "$pid" --idle "${BENCH_IDLE:-2000}" --rate "${BENCH_RATE:-200}" --seconds "${BENCH_SECONDS:-10}"
echo
echo "## Admin app bundle"
echo '| file | raw | gzip | brotli |'
echo '|---|---:|---:|---:|'
for f in "$SITE_DIR"/pkg/parlor.js "$SITE_DIR"/pkg/parlor_bg.wasm "$SITE_DIR"/pkg/parlor.css; do
  printf '| `%s` | %s | %s | %s |\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9 -c "$f" | wc -c)" "$(brotli -q 11 -c "$f" | wc -c)"
done
