#!/usr/bin/env bash
# Builds everything Parlor serves:
#   target/site/pkg/<build id>/          the admin app's hydrate bundle, split:
#     parlor{.js,_bg.wasm,.css}          what every page loads
#     split_<name>.wasm, chunk_<n>.wasm  sections, fetched when first opened
#     __wasm_split.<22 x _>.js           their loader
#     __wasm_split_manifest.json         which files each section needs
#   target/site/pkg/BUILD_ID             the id, read by the server at start
#   target/widget-dist/                  the visitor widget (Trunk)
#   $CARGO_TARGET_DIR/<profile>/parlor   the server
# Usage: scripts/build.sh [release|debug|wasm]
#   the server's profile; `wasm` builds the two bundles only (the tests use the
#   server binary `cargo test` builds). Wasm is always size-optimised.
# The build id is a hash of the bundle's files: a new build gets new URLs, so
# browsers cache /pkg/<id>/ for good, and a tab open across a deploy cannot
# mix two builds' modules (docs/admin-splitting.md).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
profile="${1:-release}"
say() { printf '\033[1;34m[build]\033[0m %s\n' "$*"; }
took() { say "  $1: $(($(date +%s) - $2)) s"; }

precompress() {
  for f in "$@"; do
    brotli -f -q 11 -k "$f"
    gzip -f -9 -k "$f"
  done
}

wasm_target_dir="$CARGO_TARGET_DIR$WASM_TARGET_SUFFIX"
# A host tool with its own lock (tools/wasm-split/Cargo.toml says why).
say "wasm-split tool (host)"
cargo build --release --locked -q --manifest-path tools/wasm-split/Cargo.toml \
  --target-dir "$CARGO_TARGET_DIR/host-tools"

say "admin app (hydrate, wasm32)"
t=$(date +%s)
# `cargo rustc` passes --emit-relocs (which the splitter needs) to the app's
# link only: in RUSTFLAGS it would rebuild every dependency, and the widget's
# Trunk build shares this target dir.
# shellcheck disable=SC2086
$WASM_CARGO rustc -p app --lib --target wasm32-unknown-unknown --profile wasm-release \
  --no-default-features --features hydrate --target-dir "$wasm_target_dir" $WASM_CARGO_FLAGS \
  -- -C link-arg=--emit-relocs
took "compile and link" "$t"
# Built beside the site, then moved in whole: a server running on the
# previous build keeps its files until it restarts.
mkdir -p "$SITE_DIR/pkg"
out=$(mktemp -d "$SITE_DIR/.build.XXXXXX")
trap 'rm -rf "$out"' EXIT
chmod 755 "$out"   # mktemp's 0700 would hide it from a server running as another user
t=$(date +%s)
"$CARGO_TARGET_DIR/host-tools/release/parlor-wasm-split" \
  "$wasm_target_dir/wasm32-unknown-unknown/wasm-release/app.wasm" "$out" "$out/main.wasm" parlor >/dev/null
# Split modules import the main module's functions by their linker names.
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
  --out-dir "$out" --out-name parlor "$out/main.wasm"
rm "$out/main.wasm"
# wasm-bindgen's import names end in hashes that do not compress; the JS
# glue and the main module get short ones (tools/wasm-split/src/names.rs).
"$CARGO_TARGET_DIR/host-tools/release/parlor-wasm-split" shorten-names \
  "$out/parlor_bg.wasm" "$out/parlor.js" parlor
# The glue minified (terser, pinned in package-lock.json): 2 KB brotli of
# every first load. As ES modules, so exports keep their names.
for f in "$out"/*.js; do
  terser "$f" --module --ecma 2020 --compress passes=2 --mangle -o "$f.min"
  mv "$f.min" "$f"
done
took "split and bindgen" "$t"
t=$(date +%s)
# The size passes twice: 5 KB less brotli for about 20 s (docs/performance.md).
# Two files at a time, one per core.
# Each file's messages go to a log of its own (two processes would
# interleave them); its "unknown name subsection" warnings are about names
# wasm-bindgen keeps, and are dropped.
find "$out" -name '*.wasm' -print0 | xargs -0 -P 2 -I{} sh -c \
  'wasm-opt -Oz -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$1" -o "$1" 2>"$1.log"' _ {} ||
  { cat "$out"/*.log >&2; exit 1; }
cat "$out"/*.log | { grep -v 'unknown name subsection' >&2 || true; }
rm -f "$out"/*.log
took "wasm-opt" "$t"
# The stylesheet without its comments, which are for the people editing it
# (0.5 KB brotli of every first load).
python3 -c 'import re, sys; sys.stdout.write(re.sub(r"/\*.*?\*/", "", open(sys.argv[1]).read(), flags=re.S))' \
  style/main.css >"$out/parlor.css"
precompress "$out"/*.wasm "$out"/*.js "$out/parlor.css"
id=$(cd "$out" && cat ./*.wasm ./*.js parlor.css __wasm_split_manifest.json | sha256sum | cut -c1-16)
# Same id, same files: a rebuild of the same code replaces nothing.
if [ -d "$SITE_DIR/pkg/$id" ]; then rm -rf "$out"; else mv "$out" "$SITE_DIR/pkg/$id"; fi
echo "$id" >"$SITE_DIR/pkg/BUILD_ID.new" && mv "$SITE_DIR/pkg/BUILD_ID.new" "$SITE_DIR/pkg/BUILD_ID"
# The previous build stays, for tabs opened on it; older ones go.
ls -1t "$SITE_DIR/pkg" | { grep -v -x -e BUILD_ID -e "$id" || true; } | tail -n +2 |
  while read -r old; do rm -rf "${SITE_DIR:?}/pkg/$old"; done
cp -r public/. "$SITE_DIR/"
say "  build id $id"

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
