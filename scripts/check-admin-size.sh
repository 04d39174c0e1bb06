#!/usr/bin/env bash
# Fails when the admin app's first load (what the signed-in inbox page
# downloads: the hydrate bundle's wasm, its JS glue and the stylesheet) is
# over its ceiling in bench/admin-budget.json, compressed as Parlor serves it
# (brotli -q 11). The ceiling only ever comes down, towards issue 17's
# target (also in that file). Sizes are deterministic for a given build, so
# this gate is fair where a timing gate would not be.
# Usage: scripts/check-admin-size.sh [site dir]
set -euo pipefail
cd "$(dirname "$0")/.."
site="${1:-target/site}"
read -r ceiling target < <(python3 -c 'import json; b = json.load(open("bench/admin-budget.json")); print(b["first_load"], b["first_load_target"])')
. scripts/sizes.sh
brotli_total "$site"/pkg/parlor_bg.wasm "$site"/pkg/parlor.js "$site"/pkg/parlor.css
printf '  first load: %d B brotli (ceiling %d B; target %d B, %d B to go)\n' \
  "$total" "$ceiling" "$target" "$((total > target ? total - target : 0))"
if [ "$total" -gt "$ceiling" ]; then
  echo "the admin app's first load is over its ceiling by $((total - ceiling)) B (bench/admin-budget.json)" >&2
  exit 1
fi
