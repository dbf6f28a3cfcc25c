#!/usr/bin/env bash
# Installs what the build and the tests need and is not there yet: Debian's Prometheus
# (prometheus, promtool), Node and npm for the frontend, chromium and the Inter font for the
# browser tests, the pinned Rust toolchain with its wasm target, and Go modules.
# Safe to run again; it changes nothing that is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v promtool >/dev/null || need_apt+=(prometheus)
# The frontend (frontend/) builds with Node 20 or later and npm.
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
# The browser tests (tests/browser) drive Debian's chromium; Grafana's UI font is Inter.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -d /usr/share/fonts/opentype/inter ] || need_apt+=(fonts-inter)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: ${need_apt[*]} (run as root, or: sudo apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
  echo "installing Debian packages: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# rust-toolchain.toml pins the toolchain; rustup installs it on first use.
rustup show active-toolchain >/dev/null
cargo fetch --locked >/dev/null

(cd tests && go mod download)
(cd bench/peer && go mod download)
