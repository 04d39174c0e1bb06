#!/usr/bin/env bash
# Bounded benchmarks whose figures go into docs/performance.md. Needs a build
# (scripts/build.sh). Starts its own servers on loopback with a throwaway
# database, measures, and stops them.
#
#   bench/run.sh [release|debug]
#
# Environment:
#   BENCH_STORE=sqlite|postgres  the store (default sqlite); postgres uses
#                                scripts/postgres.sh and a fresh database
#   BENCH_NODES=1|2              nodes (default 1; 2 needs postgres): visitors
#                                on node 1 (:3200), the operator on node 2 (:3201)
#   BENCH_IDLE, BENCH_RATE, BENCH_SECONDS   idle visitors on node 1, paced
#                                messages a second, and for how long
#   BENCH_FLOOD=5                throughput phase in seconds (0: none), with
#   BENCH_FLOOD_VISITORS=6000    visitors on node 1 (each may send 5 msg/s,
#                                so the offered load is at most 30,000 msg/s)
#   BENCH_FLOOD_WINDOW=1         and unacked messages each (6,000 in flight)
#   BENCH_BUNDLES=1|0            widget bytes and admin bundle sizes (default:
#                                1 for sqlite on 1 node, else 0)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
profile="${1:-release}"
store="${BENCH_STORE:-sqlite}"
nodes="${BENCH_NODES:-1}"
case "$store/$nodes" in
  sqlite/1 | postgres/1 | postgres/2) ;;
  sqlite/2) echo "BENCH_NODES=2 needs BENCH_STORE=postgres: nodes share live events through PostgreSQL" >&2; exit 2 ;;
  *) echo "BENCH_STORE is sqlite or postgres, BENCH_NODES 1 or 2" >&2; exit 2 ;;
esac
bundles="${BENCH_BUNDLES:-$([ "$store/$nodes" = sqlite/1 ] && echo 1 || echo 0)}"
bin="$CARGO_TARGET_DIR/$profile/parlor"
[ -x "$bin" ] || { echo "no $bin: run scripts/build.sh $profile" >&2; exit 1; }

. bench/lib.sh
data="$(mktemp -d)"
pg_admin=""
pg_version=""
cleanup() {
  bench_stop
  # Whatever the servers logged (PARLOR_LOG=warn: warnings and errors).
  for log in "$data"/node*.log; do
    if [ -s "$log" ]; then
      echo "$(basename "$log" .log) logged:" >&2
      tail -n 20 "$log" >&2
    fi
  done
  if [ -n "$pg_admin" ]; then
    psql -X -q "$pg_admin" -c 'DROP DATABASE IF EXISTS parlor_bench WITH (FORCE)' >/dev/null 2>&1 || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$store" = postgres ]; then
  pg_admin="$(scripts/postgres.sh start)"
  psql -X -q -v ON_ERROR_STOP=1 "$pg_admin" -c 'SET client_min_messages = warning' \
    -c 'DROP DATABASE IF EXISTS parlor_bench WITH (FORCE)' -c 'CREATE DATABASE parlor_bench'
  db="${pg_admin%/*}/parlor_bench"
  pg_version="$(psql -X -tAq "$pg_admin" -c 'SHOW server_version' | cut -d' ' -f1)"
else
  db="sqlite://$data/p.db"
fi

# start <n> <port> [demo addr]: node n's server, logs in $data/node<n>.log.
start() {
  bench_server "$data/node$1.log" "$2" PARLOR_DEMO_ADDR="${3:-}" PARLOR_DATABASE_URL="$db" \
    PARLOR_SOCKETS_PER_ADDRESS=1000000 PARLOR_REQUESTS_PER_ADDRESS=1000000
}
# Node 2 starts only once node 1 is ready, so first-run setup is not raced.
start 1 3200 127.0.0.1:8280
pid1="${bench_pids[0]}"
operator_url=ws://127.0.0.1:3200
operator_pid=0
if [ "$nodes" = 2 ]; then
  start 2 3201
  operator_url=ws://127.0.0.1:3201
  operator_pid="${bench_pids[1]}"
fi

config="$store${pg_version:+ $pg_version}, $nodes node"
[ "$nodes" = 1 ] || config+=s
echo "# Parlor bench: $config; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo

if [ "$bundles" = 1 ]; then
  echo "## Widget bytes (Chromium, demo host page)"
  node bench/widget-bytes.mjs http://127.0.0.1:8280/ http://127.0.0.1:3200
  echo
fi

echo "## Live connections (bench/src/bin/live_load.rs)"
cargo build -q -p parlor-bench --release --locked
channel="$(curl -sf http://127.0.0.1:8280/ | grep -o 'channels/[0-9a-f-]\{36\}' | head -1 | cut -d/ -f2)"
# In the background, so a signal to this script ends the run at once.
"$CARGO_TARGET_DIR/release/live-load" --url ws://127.0.0.1:3200 --operator-url "$operator_url" \
  --channel "$channel" --email admin@bench.test --password bench-password \
  --pid "$pid1" --operator-pid "$operator_pid" --label "$config" \
  --idle "${BENCH_IDLE:-2000}" --rate "${BENCH_RATE:-200}" --seconds "${BENCH_SECONDS:-10}" \
  --flood "${BENCH_FLOOD:-5}" --flood-visitors "${BENCH_FLOOD_VISITORS:-6000}" \
  --flood-window "${BENCH_FLOOD_WINDOW:-1}" &
load=$!
bench_pids=("$load" "${bench_pids[@]}")
wait "$load"

if [ "$bundles" = 1 ]; then
  echo
  echo "## Admin app bundle"
  echo '| file | raw | gzip | brotli |'
  echo '|---|---:|---:|---:|'
  pkg="$SITE_DIR/pkg/$(cat "$SITE_DIR/pkg/BUILD_ID")"
  for f in "$pkg"/parlor.js "$pkg"/parlor_bg.wasm "$pkg"/__wasm_split.*.js "$pkg"/parlor.css "$pkg"/split_*.wasm "$pkg"/chunk_*.wasm; do
    printf '| `%s` | %s | %s | %s |\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9 -c "$f" | wc -c)" "$(brotli -q 11 -c "$f" | wc -c)"
  done
fi
