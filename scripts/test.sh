#!/usr/bin/env bash
# Everything CI checks, in order of cost: format, lints (host and both wasm
# bundles), the widget's dependency rule, unit + integration tests, then a
# build and the browser tests against a real server and Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
step() { printf '\n\033[1;34m[test]\033[0m %s\n' "$*"; }
wasm_target_dir="$CARGO_TARGET_DIR$WASM_TARGET_SUFFIX"
# A test run rebuilds what changed once; incremental caches would only grow
# in the shared target directory (tens of GB over a few sessions).
export CARGO_INCREMENTAL=0
# Each rebuilt test binary leaves the previous one behind (about 250 MB
# each). When the disk runs low, those not touched for two hours go:
# cargo links again whatever it still needs.
free_kb=$(df -Pk "$(dirname "$CARGO_TARGET_DIR")" | awk 'NR==2 {print $4}')
if [ -d "$CARGO_TARGET_DIR/debug/deps" ] && [ "${free_kb:-0}" -lt $((15 * 1024 * 1024)) ]; then
  step "low on disk: removing stale test binaries and incremental caches"
  find "$CARGO_TARGET_DIR/debug/deps" -maxdepth 1 -type f -perm -u+x \
    ! -name '*.so' ! -name '*.rlib' ! -name '*.rmeta' ! -name '*.d' -mmin +120 -delete
  rm -rf "$CARGO_TARGET_DIR/debug/incremental"
fi

step "cargo fmt --check"
cargo fmt --all --check
# The split tool is a workspace of its own (tools/wasm-split/Cargo.toml).
cargo fmt --manifest-path tools/wasm-split/Cargo.toml --check

step "clippy (host: every crate, every target)"
# The widget is excluded on the host: its leptos "csr" feature would unify
# into the server build and turn on client-only effects there.
cargo clippy --workspace --exclude widget --all-targets --locked -- -D warnings
cargo clippy --manifest-path tools/wasm-split/Cargo.toml --locked --all-targets \
  --target-dir "$CARGO_TARGET_DIR/host-tools" -- -D warnings
cargo test --manifest-path tools/wasm-split/Cargo.toml --locked -q \
  --target-dir "$CARGO_TARGET_DIR/host-tools"

step "clippy (wasm32: admin hydrate bundle and widget)"
if $WASM_CARGO clippy --version >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  $WASM_CARGO clippy -p app --lib --target wasm32-unknown-unknown --no-default-features \
    --features hydrate --target-dir "$wasm_target_dir" --locked $WASM_CARGO_FLAGS -- -D warnings
  # shellcheck disable=SC2086
  $WASM_CARGO clippy -p widget --target wasm32-unknown-unknown \
    --target-dir "$wasm_target_dir" --locked $WASM_CARGO_FLAGS -- -D warnings
else
  # Debian's rustc-web fallback ships no clippy; the host clippy above still
  # covers the shared code, and the wasm builds below still compile it.
  echo "skipped: the wasm toolchain ($WASM_CARGO) has no clippy"
fi

step "the widget never depends on the server side"
scripts/check-widget-deps.sh

step "layers import downward only (ARCHITECTURE.md, Layers)"
python3 scripts/check-layers.py

step "the widget's state: lints and unit tests on the host"
# Its own invocation, and only the lib (widget/src/state.rs, saved.rs): the
# browser half's dependencies (leptos "csr", web-sys) are wasm32-only, so
# this builds the protocol and serde, nothing the server build shares.
cargo clippy -p widget --lib --profile test --locked -- -D warnings
cargo test -p widget --lib --locked

step "protocol as the admin app's browser reads it (tag-first frames)"
cargo clippy -p parlor-protocol --features tag-first --all-targets --locked -- -D warnings
cargo test -p parlor-protocol --features tag-first --lib --locked framed

step "mail servers (postfix and dovecot on loopback)"
# The mail tests send and read real mail. scripts/mail.sh installs and
# starts Debian's postfix and dovecot on 127.0.0.1 and prints the
# PARLOR_TEST_* variables they read. Without them a laptop skips those
# tests and says why; CI never does.
if mail_env="$(scripts/mail.sh start)"; then
  set -a
  eval "$mail_env"
  set +a
elif [ "${CI:-}" = true ]; then
  echo "the mail servers could not be started, and CI must not skip their tests" >&2
  exit 1
else
  echo "skipped: the mail servers (scripts/mail.sh could not start them here)"
fi

step "unit and integration tests (SQLite)"
# The two-node and schema-parity tests need PostgreSQL: they run in the
# pass below.
cargo test --workspace --exclude widget --locked -- --skip two_nodes_ --skip schema_parity::

# The same integration suite again on PostgreSQL, in a database made anew
# for this run (each test makes its own schema in it). scripts/postgres.sh
# installs and starts a private instance on 127.0.0.1. Without one a laptop
# skips this pass and says why; CI never does.
step "integration tests (PostgreSQL, two nodes, nginx)"
# The deployment test runs docs/deploy/nginx.conf in Debian's nginx.
. scripts/apt.sh
if [ ! -x /usr/sbin/nginx ]; then
  apt_install nginx || echo "could not install nginx: its test will say it was skipped"
fi
if pg_url="$(scripts/postgres.sh start)"; then
  psql "$pg_url" -q -v ON_ERROR_STOP=1 \
    -c 'DROP DATABASE IF EXISTS parlor_test WITH (FORCE)' -c 'CREATE DATABASE parlor_test'
  PARLOR_TEST_POSTGRES="${pg_url%/*}/parlor_test" \
    cargo test -p chat-core -p parlor-mail -p server --tests --locked
elif [ "${CI:-}" = true ]; then
  echo "PostgreSQL could not be started, and CI must not skip its tests" >&2
  exit 1
else
  echo "skipped: the PostgreSQL pass (scripts/postgres.sh could not start PostgreSQL here)"
fi

step "build the wasm bundles (the server binary is the one cargo test built)"
scripts/build.sh wasm

step "the chat panel's bytes are within budget (bench/widget-budget.json)"
scripts/check-widget-size.sh

step "the admin app's first load is within its ceiling (bench/admin-budget.json)"
scripts/check-admin-size.sh

step "browser tests (Playwright + /usr/bin/chromium)"
PARLOR_BIN="$CARGO_TARGET_DIR/debug/parlor" PARLOR_SITE_ROOT="$SITE_DIR" PARLOR_WIDGET_DIR="$WIDGET_DIR" \
  npx playwright test --config end2end/playwright.config.mjs

step "all green"
