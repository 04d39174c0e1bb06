#!/usr/bin/env bash
# The helpdesk's lists at scale: a desk of BENCH_TICKETS (100,000) tickets in
# four teams, then the Tickets page's queries timed over HTTP
# (bench/src/bin/ticket_load.rs). Bounded: BENCH_REQUESTS (200) per query,
# on loopback, with a throwaway database. Figures go to docs/performance.md.
#
#   bench/tickets.sh [release|debug]     BENCH_STORE=sqlite|postgres
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
profile="${1:-release}"
store="${BENCH_STORE:-sqlite}"
count="${BENCH_TICKETS:-100000}"
requests="${BENCH_REQUESTS:-200}"
bin="$CARGO_TARGET_DIR/$profile/parlor"
[ -x "$bin" ] || { echo "no $bin: run scripts/build.sh $profile" >&2; exit 1; }
case "$count" in ''|*[!0-9]*) echo "BENCH_TICKETS is a number" >&2; exit 2 ;; esac

. bench/lib.sh
data="$(mktemp -d)"
pg_admin=""
cleanup() {
  bench_stop
  [ -s "$data/node.log" ] && { echo "the server logged:" >&2; tail -n 20 "$data/node.log" >&2; }
  if [ -n "$pg_admin" ]; then
    psql -X -q "$pg_admin" -c 'DROP DATABASE IF EXISTS parlor_tickets_bench WITH (FORCE)' >/dev/null 2>&1 || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$store" = postgres ]; then
  pg_admin="$(scripts/postgres.sh start)"
  psql -X -q -v ON_ERROR_STOP=1 "$pg_admin" -c 'SET client_min_messages = warning' \
    -c 'DROP DATABASE IF EXISTS parlor_tickets_bench WITH (FORCE)' -c 'CREATE DATABASE parlor_tickets_bench'
  db="${pg_admin%/*}/parlor_tickets_bench"
  sql() { psql -X -q -tA -v ON_ERROR_STOP=1 "$db"; }
  series="generate_series(1, $count) AS n(i)"
  version="PostgreSQL $(psql -X -tAq "$pg_admin" -c 'SHOW server_version' | cut -d' ' -f1)"
else
  db="sqlite://$data/p.db"
  sql() { sqlite3 -bail "$data/p.db"; }
  series="(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count) SELECT i FROM n) AS n"
  version="SQLite $(sqlite3 --version | cut -d' ' -f1)"
fi

url=http://127.0.0.1:3210
bench_server "$data/node.log" 3210 PARLOR_DATABASE_URL="$db" PARLOR_REQUESTS_PER_ADDRESS=1000000

# Four teams with the default stages, through the API as an admin would.
jar="$data/cookies"
curl -sf -c "$jar" -H 'accept: application/json' -d 'email=admin@bench.test&password=bench-password' \
  "$url/api/login" >/dev/null
for name in Billing Shipping Returns Technical; do
  curl -sf -b "$jar" -H 'content-type: application/json' -H 'accept: application/json' \
    -d "{\"team\":{\"name\":\"$name\",\"assignment\":\"manual\",\"members\":[],\"live_chat\":false,\"channels\":[],\"web_form\":true,\"email_alias\":\"\",\"stages\":[]}}" \
    "$url/api/helpdesk/teams/create" >/dev/null
done

# The tickets, straight into the database: a fifth in each stage (two of
# five close), priorities spread, a third unassigned, one in seven about a
# printer.
started=$(date +%s)
sql <<SQL
WITH teams AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM helpdesk_teams),
stages AS (
    SELECT id, team_id, closes, ROW_NUMBER() OVER (PARTITION BY team_id ORDER BY position) - 1 AS k
    FROM helpdesk_stages)
INSERT INTO tickets (team_id, stage_id, title, description, customer_name, customer_email,
    assignee_id, priority, source, closed_at, created_at, updated_at)
SELECT t.id, s.id,
    CASE WHEN i % 7 = 0 THEN 'The printer jams on page ' || i ELSE 'Question ' || i || ' about an order' END,
    'Details of request ' || i, 'Customer ' || i, 'c' || i || '@example.com',
    CASE WHEN i % 3 = 0 THEN NULL ELSE 1 END, i % 4, 'email',
    CASE WHEN s.closes = 1 THEN 1700000000 + i ELSE NULL END,
    1700000000 + i, 1700000000 + 2 * i
FROM $series
JOIN teams t ON t.k = i % 4
JOIN stages s ON s.team_id = t.id AND s.k = i % 5;
ANALYZE;
SQL
team="$(sql <<<'SELECT MIN(id) FROM helpdesk_teams;' | tr -d ' ')"

echo "# Ticket lists: $count tickets, $version; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "Seeded in $(( $(date +%s) - started )) s. Each query $requests times after 10 warm-ups, one at a time, over HTTP."
echo
cargo build -q -p parlor-bench --release --locked
"$CARGO_TARGET_DIR/release/ticket-load" --url "$url" --email admin@bench.test \
  --password bench-password --team "$team" --requests "$requests"
