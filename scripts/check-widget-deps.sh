#!/usr/bin/env bash
# The widget ships to every visitor: it must not pull in the server side.
set -euo pipefail
cd "$(dirname "$0")/.."
tree="$(cargo tree -p widget --target wasm32-unknown-unknown -e normal --prefix none --locked)"
# regex is not listed: leptos_config depends on it, but nothing the widget
# calls reaches it, so it never ends up in the wasm (bench/ reports the size).
bad="$(grep -E '^(tokio|sqlx[a-z-]*|app|server|chat-core|axum|hyper|mio) ' <<<"$tree" | sort -u || true)"
if [ -n "$bad" ]; then
  echo "widget depends on forbidden crates:"; echo "$bad"; exit 1
fi
echo "ok: widget's dependency tree has no tokio, mio, sqlx, axum, hyper, app, server or chat-core"
