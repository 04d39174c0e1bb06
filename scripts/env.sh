# Sourced by the build and test scripts: where builds go and which tools run.
# The cargo target directory lives outside the work tree so it survives a
# fresh checkout on the same machine (and CI can reuse it).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parlor/target}"
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -f .wasm-env ]; then
  echo "missing .wasm-env: run scripts/setup.sh first" >&2
  exit 1
fi
# shellcheck source=/dev/null
. ./.wasm-env
SITE_DIR="$PWD/target/site"
WIDGET_DIR="$PWD/target/widget-dist"
