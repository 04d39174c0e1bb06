#!/usr/bin/env bash
# Fails when the chat panel's bundle (what opening the chat downloads: the
# JS glue and the wasm, whose stylesheet is inside it) is over its budget in
# bench/widget-budget.json, compressed as Parlor serves it (brotli -q 11).
# Sizes are deterministic for a given build, so this gate is fair where a
# timing gate would not be. Usage: scripts/check-widget-size.sh [dist dir]
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-target/widget-dist}"
budget=$(python3 -c 'import json; print(json.load(open("bench/widget-budget.json"))["open_chat"])')
. scripts/sizes.sh
brotli_total "$dist"/widget-*.js "$dist"/widget-*_bg.wasm
printf '  open-chat total: %d B brotli (budget %d B)\n' "$total" "$budget"
if [ "$total" -gt "$budget" ]; then
  echo "the chat panel is over its size budget by $((total - budget)) B (bench/widget-budget.json)" >&2
  exit 1
fi
