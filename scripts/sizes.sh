# Sourced by the size checks: what each file weighs as Parlor serves it
# (brotli -q 11).
# brotli_total <file>...: prints each file's raw and brotli size and sets
# `total` to the brotli sum; fails when a file is missing (not built yet).
brotli_total() {
  local f n
  total=0
  for f in "$@"; do
    [ -f "$f" ] || { echo "no $f: build it first (scripts/build.sh wasm)" >&2; exit 1; }
    n=$(brotli -c -q 11 "$f" | wc -c)
    printf '  %-46s %9d B raw %8d B brotli\n' "$(basename "$f")" "$(stat -c%s "$f")" "$n"
    total=$((total + n))
  done
}
