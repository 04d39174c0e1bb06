#!/usr/bin/env bash
# Installs everything Parlor's build and tests need, on a fresh Debian machine
# or a laptop. Idempotent: with everything present it takes seconds.
#
#   1. Debian packages: chromium (browser tests), brotli (size figures)
#   2. Node tools from package-lock.json: wasm-opt (binaryen 132), terser, Playwright
#   3. The wasm32 target: rustup's where it can be had, else Debian's
#      rustc-web + rust-web-src with -Zbuild-std (written to .wasm-env only,
#      so a normal rustup user never sees it)
#   4. wasm-bindgen-cli (the version in Cargo.lock) and trunk 0.21.14
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

. scripts/apt.sh

# 1. Debian packages.
apt_install chromium brotli

# 2. Node tools, pinned by package-lock.json. Never download a browser.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/playwright ] || [ ! -x node_modules/.bin/terser ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi

# 3. wasm32 toolchain.
sysroot="$(rustc --print sysroot)"
mode="${WASM_MODE:-auto}"
if [ "$mode" = auto ]; then
  if [ -d "$sysroot/lib/rustlib/wasm32-unknown-unknown/lib" ]; then
    mode=rustup
  elif say "rustup: adding wasm32-unknown-unknown" && timeout "${RUSTUP_TIMEOUT:-180}" rustup target add wasm32-unknown-unknown; then
    mode=rustup
  else
    say "rustup could not fetch the wasm32 target; using Debian's rustc-web"
    mode=debian
  fi
fi
if [ "$mode" = debian ]; then
  apt_install rustc-web cargo-web rust-web-src lld-22
  rustup toolchain list | grep -q '^debian-web' || rustup toolchain link debian-web /usr
  cat > .wasm-env <<'ENV'
# Written by scripts/setup.sh: wasm builds use Debian's rustc-web with build-std.
export WASM_CARGO="env RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22 cargo +debian-web"
export WASM_CARGO_FLAGS="-Zbuild-std=std,panic_abort"
export WASM_TARGET_SUFFIX="-debian-web"
export TRUNK_ENV="RUSTUP_TOOLCHAIN=debian-web RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22"
ENV
else
  cat > .wasm-env <<'ENV'
# Written by scripts/setup.sh: wasm builds use rustup's wasm32 target.
export WASM_CARGO="cargo"
export WASM_CARGO_FLAGS=""
export WASM_TARGET_SUFFIX=""
export TRUNK_ENV=""
ENV
fi

# 4. Pinned build tools. wasm-bindgen-cli must equal the crate in Cargo.lock.
wb_version="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "cargo install wasm-bindgen-cli $wb_version"
  # Not --locked: its lockfile pins a webpki-roots this registry lacks.
  cargo install wasm-bindgen-cli --version "$wb_version"
fi
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "0.21.14" ]; then
  say "cargo install trunk 0.21.14"
  # 0.22 needs rustc 1.96.1.
  cargo install trunk --locked --version 0.21.14
fi
say "ready (wasm mode: $mode)"
