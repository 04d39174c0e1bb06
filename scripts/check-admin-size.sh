#!/usr/bin/env bash
# Fails when the admin app is over its budgets in bench/admin-budget.json,
# compressed as Parlor serves it (brotli -q 11):
# - the first load: what the signed-in inbox page downloads (the main wasm,
#   its JS glue, the split loader and the stylesheet; the inbox is in the
#   main bundle). Its ceiling only ever comes down, towards issue 17's target;
# - every file of every section (the split manifest's modules and chunks).
# Also prints what opening each section adds. Sizes are deterministic for a
# given build, so this gate is fair where a timing gate would not be.
# Usage: scripts/check-admin-size.sh [site dir]
set -euo pipefail
cd "$(dirname "$0")/.."
site="${1:-target/site}"
[ -f "$site/pkg/BUILD_ID" ] || { echo "no $site/pkg/BUILD_ID: build it first (scripts/build.sh wasm)" >&2; exit 1; }
pkg="$site/pkg/$(cat "$site/pkg/BUILD_ID")"
read -r ceiling target module_max < <(python3 -c 'import json; b = json.load(open("bench/admin-budget.json")); print(b["first_load"], b["first_load_target"], b["module"])')
. scripts/sizes.sh
failed=0

echo "first load (the inbox):"
brotli_total "$pkg"/parlor_bg.wasm "$pkg"/parlor.js "$pkg"/__wasm_split.*.js "$pkg"/parlor.css
printf '  first load: %d B brotli (ceiling %d B; target %d B, %d B to go)\n' \
  "$total" "$ceiling" "$target" "$((total > target ? total - target : 0))"
if [ "$total" -gt "$ceiling" ]; then
  echo "the admin app's first load is over its ceiling by $((total - ceiling)) B (bench/admin-budget.json)" >&2
  failed=1
fi

# section name, then its files, one section per line.
sections=$(python3 -c '
import json, re, sys
for name, files in json.load(open(sys.argv[1])).items():
    print(re.sub(r"_[0-9]+$", "", name), *files)' "$pkg/__wasm_split_manifest.json")
[ -n "$sections" ] || { echo "the split manifest names no section: the build did not split" >&2; exit 1; }
while read -r name files; do
  echo "section $name:"
  paths=()
  for f in $files; do paths+=("$pkg/$f.wasm"); done
  brotli_total "${paths[@]}"
  printf '  opening it first downloads %d B brotli more\n' "$total"
done <<<"$sections"

shopt -s nullglob
for f in "$pkg"/split_*.wasm "$pkg"/chunk_*.wasm; do
  n=$(brotli -c -q 11 "$f" | wc -c)
  if [ "$n" -gt "$module_max" ]; then
    echo "$(basename "$f") is $n B brotli, over the $module_max B a section's file may weigh (bench/admin-budget.json)" >&2
    failed=1
  fi
done
exit "$failed"
