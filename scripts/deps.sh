#!/usr/bin/env bash
# Installs what the build and the tests need and is not there yet: Debian's Prometheus
# (prometheus, promtool), VictoriaMetrics (the second engine of tests/engines) and
# binaryen (wasm-opt), Node and npm for the frontend, chromium
# and the Inter font for the browser tests, the pinned Rust toolchain with its wasm target,
# the wasm-bindgen CLI of the version Cargo.lock pins, and Go modules.
# Safe to run again; it changes nothing that is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v promtool >/dev/null || need_apt+=(prometheus)
command -v victoria-metrics >/dev/null || need_apt+=(victoria-metrics)
# The frontend (frontend/) builds with Node 20 or later and npm.
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
# The browser tests (tests/browser) drive Debian's chromium; Grafana's UI font is Inter.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -d /usr/share/fonts/opentype/inter ] || need_apt+=(fonts-inter)
# wasm-opt shrinks the panel renderer's WebAssembly (scripts/build-wasm.sh).
command -v wasm-opt >/dev/null || need_apt+=(binaryen)
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
# A toolchain installed before its targets were listed lacks them.
rustup target list --installed | grep -qx wasm32-unknown-unknown ||
  rustup target add wasm32-unknown-unknown
cargo fetch --locked >/dev/null

# The wasm-bindgen CLI must match the wasm-bindgen crate exactly; built once from
# crates.io into a cache outside the clone (MCP_TOOLS_DIR), where CI finds it again.
tools=${MCP_TOOLS_DIR:-/var/cache/mcp-grafana}
bindgen=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p}' Cargo.lock)
if [ "$("$tools/bin/wasm-bindgen" --version 2>/dev/null)" != "wasm-bindgen $bindgen" ]; then
  echo "installing wasm-bindgen-cli $bindgen into $tools/bin (a few minutes, once)"
  mkdir -p "$tools"
  CARGO_TARGET_DIR="$tools/target-wasm-bindgen-cli" \
    cargo install --quiet --root "$tools" --version "=$bindgen" wasm-bindgen-cli
fi

(cd tests && go mod download)
(cd bench/peer && go mod download)
