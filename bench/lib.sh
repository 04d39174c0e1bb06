# Sourced by the bench scripts (after scripts/env.sh, with $bin set to the
# server binary): starts Parlor's server on loopback for a benchmark, with the
# first admin (admin@bench.test / bench-password) and the built site, and
# stops every server it started.

bench_pids=()

# bench_server <log file> <port> [VAR=value ...]: starts the server with the
# given extra environment and waits until /readyz answers (20 s at most).
bench_server() {
  local log="$1" port="$2"
  shift 2
  env PARLOR_ADDR="127.0.0.1:$port" \
    PARLOR_ADMIN_EMAIL=admin@bench.test PARLOR_ADMIN_PASSWORD=bench-password \
    PARLOR_SITE_ROOT="$SITE_DIR" PARLOR_WIDGET_DIR="$WIDGET_DIR" PARLOR_LOG=warn \
    "$@" "$bin" >"$log" 2>&1 &
  bench_pids+=($!)
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0
    kill -0 "${bench_pids[-1]}" 2>/dev/null || break
    sleep 0.2
  done
  echo "the server on :$port did not become ready:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

# bench_stop: SIGTERM drains the live sessions; a server still up after 10 s
# is killed.
bench_stop() {
  local p
  for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${bench_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$p" 2>/dev/null; then kill -KILL "$p" 2>/dev/null || true; fi
  done
  bench_pids=()
}
