#!/usr/bin/env bash
# Starts the release build with SQLite under ./data and the demo host page.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export PARLOR_DEMO_ADDR="${PARLOR_DEMO_ADDR:-127.0.0.1:8080}"
export PARLOR_SITE_ROOT="$SITE_DIR" PARLOR_WIDGET_DIR="$WIDGET_DIR"
echo "Parlor admin:     ${PARLOR_PUBLIC_URL:-http://${PARLOR_ADDR:-127.0.0.1:3000}}/"
echo "Demo host page:   http://$PARLOR_DEMO_ADDR/"
exec "$CARGO_TARGET_DIR/release/parlor"
