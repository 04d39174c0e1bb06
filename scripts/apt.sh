# Sourced by the scripts that need Debian packages: apt_install installs
# those of its arguments that are missing, and does nothing (fast) when all
# are there. Uses sudo unless run as root.
apt_install() {
  local missing=() sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    printf '\033[1;34m[apt]\033[0m installing %s\n' "${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
