#!/usr/bin/env bash
# Builds everything Parlor serves:
#   target/site/pkg/parlor{.js,_bg.wasm,.css}  the admin app's hydrate bundle
#   target/widget-dist/                         the visitor widget (Trunk)
#   $CARGO_TARGET_DIR/<profile>/parlor          the server
# Usage: scripts/build.sh [release|debug|wasm]
#   the server's profile; `wasm` builds the two bundles only (the tests use the
#   server binary `cargo test` builds). Wasm is always size-optimised.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
profile="${1:-release}"
say() { printf '\033[1;34m[build]\033[0m %s\n' "$*"; }

precompress() {
  for f in "$@"; do
    brotli -f -q 11 -k "$f"
    gzip -f -9 -k "$f"
  done
}

say "admin app (hydrate, wasm32)"
wasm_target_dir="$CARGO_TARGET_DIR$WASM_TARGET_SUFFIX"
# shellcheck disable=SC2086
$WASM_CARGO build -p app --lib --target wasm32-unknown-unknown --profile wasm-release \
  --no-default-features --features hydrate --target-dir "$wasm_target_dir" $WASM_CARGO_FLAGS
rm -rf "$SITE_DIR" && mkdir -p "$SITE_DIR/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$SITE_DIR/pkg" --out-name parlor \
  "$wasm_target_dir/wasm32-unknown-unknown/wasm-release/app.wasm"
# The size passes twice: 5 KB less brotli for about 20 s (docs/performance.md).
wasm-opt -Oz -Oz "$SITE_DIR/pkg/parlor_bg.wasm" -o "$SITE_DIR/pkg/parlor_bg.wasm"
cp style/main.css "$SITE_DIR/pkg/parlor.css"
cp -r public/. "$SITE_DIR/"
precompress "$SITE_DIR/pkg/parlor.js" "$SITE_DIR/pkg/parlor_bg.wasm" "$SITE_DIR/pkg/parlor.css"

say "visitor widget (Trunk)"
cargo fetch --locked -q   # Trunk builds offline
# shellcheck disable=SC2086
env $TRUNK_ENV CARGO_TARGET_DIR="$wasm_target_dir" trunk build --release --dist "$WIDGET_DIR" >/dev/null
precompress "$WIDGET_DIR"/*.js "$WIDGET_DIR"/*.wasm

case "$profile" in
  release) say "server (release)"; cargo build -p server --release --locked ;;
  debug) say "server (debug)"; cargo build -p server --locked ;;
  wasm) ;;
  *) echo "usage: $0 [release|debug|wasm]" >&2; exit 2 ;;
esac
say "done"
