#!/usr/bin/env bash
# A private PostgreSQL instance for Parlor's tests and benchmarks, listening on
# 127.0.0.1 only. It is kept apart from the system cluster, so tests never
# touch it and need no root rights once the instance exists.
#
#   scripts/postgres.sh [start]  ensure it runs; print its admin URL on stdout
#   scripts/postgres.sh stop     stop it if it runs
#   scripts/postgres.sh url      print the URL, start nothing
#
# Environment: PARLOR_PG_PORT (default 55432), PARLOR_PG_DIR (the data dir;
# default below). stdout carries only the URL; progress goes to stderr.
set -euo pipefail
say() { printf '[postgres] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

PORT="${PARLOR_PG_PORT:-55432}"
URL="postgres://parlor:parlor@127.0.0.1:${PORT}/parlor"
TIMEOUT=30 # seconds to wait for the server to accept connections

IS_ROOT=0
if [ "$(id -u)" = 0 ]; then IS_ROOT=1; fi
# initdb and postgres refuse to run as root, so root runs the cluster as the
# Debian package's `postgres` user. That user cannot enter /root (mode 700),
# so root's default is /var/tmp: reachable by everyone, sticky, and (unlike
# /tmp, often a tmpfs) kept across reboots. Other users keep it in $HOME.
if [ "$IS_ROOT" = 1 ]; then
  DATA="${PARLOR_PG_DIR:-/var/tmp/parlor-pg}"
else
  DATA="${PARLOR_PG_DIR:-$HOME/.cache/parlor/pg}"
fi
LOG="$DATA/server.log"

cmd="${1:-start}"
case "$cmd" in
  url) echo "$URL"; exit 0 ;;
  start|stop) ;;
  *) echo "usage: $0 [start|stop|url]" >&2; exit 2 ;;
esac

# Runs a server-side command as the cluster's owner. `cd /` first: postgres
# may not be allowed into the caller's working directory.
as_owner() {
  if [ "$IS_ROOT" = 1 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

. "$(dirname "$0")/apt.sh"

# Binaries: the version that made an existing cluster (a newer major version
# cannot open it), else the newest installed. Only ask apt when none is there,
# so the already-running path stays fast.
newest_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; fi
}
BIN=""
if [ -f "$DATA/PG_VERSION" ]; then
  ver="$(cat "$DATA/PG_VERSION")"
  BIN="/usr/lib/postgresql/$ver/bin"
  [ -x "$BIN/pg_ctl" ] || die "$DATA was made by PostgreSQL $ver, which is not installed; install postgresql-$ver or delete $DATA"
else
  BIN="$(newest_bin)"
  if [ -z "$BIN" ]; then
    [ "$cmd" = stop ] && { say "PostgreSQL is not installed; nothing to stop"; exit 0; }
    apt_install postgresql
    BIN="$(newest_bin)"
    [ -n "$BIN" ] || die "no /usr/lib/postgresql/*/bin/initdb after installing postgresql"
  fi
fi

# Is *our* postmaster alive? pg_ctl status alone trusts any live process
# whose pid matches postmaster.pid, which after a reboot may be a stranger;
# a postmaster's working directory is its data dir, so check that too.
running() {
  local pid
  [ -f "$DATA/postmaster.pid" ] || return 1
  pid="$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && [ "$(readlink "/proc/$pid/cwd" 2>/dev/null || true)" = "$(realpath "$DATA")" ]
}
ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 1; }
# Admin connection over the unix socket in the data dir (trust auth there;
# only the cluster's owner and root can enter that dir).
admin_psql() {
  "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DATA" -p "$PORT" -U postgres -d postgres "$@"
}
fail_with_log() {
  say "error: $*"
  if [ -f "$LOG" ]; then say "last lines of $LOG:"; tail -n 20 "$LOG" >&2; fi
  exit 1
}

if [ "$cmd" = stop ]; then
  if running; then
    say "stopping the server in $DATA"
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t "$TIMEOUT" stop >/dev/null
  else
    say "not running ($DATA)"
  fi
  exit 0
fi

# --- start ---
if running && ! ready; then
  # Alive but not on this port (PARLOR_PG_PORT changed) or stuck: restart
  # it so the settings below apply.
  say "server in $DATA does not answer on 127.0.0.1:$PORT; restarting it"
  as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t "$TIMEOUT" stop >/dev/null || true
fi

if ! running; then
  # Someone else's server on our port would be mistaken for ours; refuse.
  if ready; then
    die "another server already listens on 127.0.0.1:$PORT; set PARLOR_PG_PORT to a free port"
  fi

  if [ ! -f "$DATA/PG_VERSION" ]; then
    if [ -d "$DATA" ] && [ -n "$(ls -A "$DATA")" ]; then
      die "$DATA is not empty but holds no cluster; delete it or set PARLOR_PG_DIR"
    fi
    mkdir -p "$DATA"
    if [ "$IS_ROOT" = 1 ]; then
      chown postgres:postgres "$DATA"
      # An explicit PARLOR_PG_DIR under a private dir (e.g. /root) is not
      # reachable by postgres; say so rather than loosen that dir's mode.
      runuser -u postgres -- test -w "$DATA" \
        || { rmdir "$DATA" 2>/dev/null || true
             die "user postgres cannot reach $DATA (a parent dir is private); choose another PARLOR_PG_DIR"; }
    fi
    chmod 700 "$DATA"
    say "initdb $DATA (PostgreSQL $(basename "$(dirname "$BIN")"))"
    # Socket connections: trust (the socket sits in the 700 data dir).
    # TCP: passwords (scram). C collation: identical results on every machine.
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --no-locale >"$DATA.initdb.log" 2>&1 \
      || { cat "$DATA.initdb.log" >&2; die "initdb failed"; }
    rm -f "$DATA.initdb.log"
    echo "include_if_exists = 'parlor.conf'" >> "$DATA/postgresql.conf"
  fi

  # Rewritten on every start, so a changed PARLOR_PG_PORT takes effect.
  # fsync and synchronous_commit stay on: Parlor promises durability, so the
  # benchmarks must measure a durable setup.
  sock_dir="${DATA//\'/\'\'}"
  cat > "$DATA/parlor.conf" <<CONF
# Written by scripts/postgres.sh; edits are lost on the next start.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$sock_dir'
max_connections = 400
fsync = on
synchronous_commit = on
full_page_writes = on
CONF
  if [ "$IS_ROOT" = 1 ]; then chown postgres:postgres "$DATA/parlor.conf"; fi

  # A postmaster.pid left by a crash or reboot whose process is gone would
  # make the start fail (or wait on a stranger's pid); remove it.
  if [ -f "$DATA/postmaster.pid" ]; then
    say "removing stale $DATA/postmaster.pid"
    rm -f "$DATA/postmaster.pid"
  fi

  say "starting on 127.0.0.1:$PORT (log: $LOG)"
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t "$TIMEOUT" start >/dev/null 2>&1 \
    || fail_with_log "the server did not start within ${TIMEOUT}s"
fi

# pg_ctl -w only watches the socket; wait for TCP too.
deadline=$((SECONDS + TIMEOUT))
until ready; do
  [ "$SECONDS" -lt "$deadline" ] || fail_with_log "no connections on 127.0.0.1:$PORT after ${TIMEOUT}s"
  sleep 0.1
done

# Role and database, only when missing. SUPERUSER: tests create a fresh
# schema or database per run.
state="$(admin_psql -tAc "select (select count(*) from pg_roles where rolname = 'parlor')
  || ',' || (select count(*) from pg_database where datname = 'parlor')")" \
  || fail_with_log "cannot connect over the socket in $DATA"
if [ "${state%,*}" = 0 ]; then
  say "creating role parlor"
  admin_psql -c "create role parlor login superuser password 'parlor'"
fi
if [ "${state#*,}" = 0 ]; then
  say "creating database parlor"
  admin_psql -c "create database parlor owner parlor"
fi

echo "$URL"
