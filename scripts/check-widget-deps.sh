#!/usr/bin/env bash
# The widget ships to every visitor: it must not pull in the server side.
set -euo pipefail
cd "$(dirname "$0")/.."
tree="$(cargo tree -p widget --target wasm32-unknown-unknown -e normal --prefix none --locked)"
bad="$(grep -E '^(tokio|sqlx[a-z-]*|app|server|chat-core|axum|hyper|regex) ' <<<"$tree" | sort -u || true)"
if [ -n "$bad" ]; then
  echo "widget depends on forbidden crates:"; echo "$bad"; exit 1
fi
echo "ok: widget's dependency tree has no tokio, sqlx, axum, regex, app, server or chat-core"
