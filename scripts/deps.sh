#!/usr/bin/env bash
# Installs what the build and the tests need and is not there yet: Debian's Prometheus
# (prometheus, promtool), VictoriaMetrics (the second engine of tests/engines) and
# Node and npm for the frontend, chromium and the Inter font for the browser tests, the
# pinned Rust toolchain with its wasm target, the wasm-bindgen CLI of the version
# Cargo.lock pins, binaryen's wasm-opt (from npm, pinned), the cross-compiling tools of the
# Magefile's build:backend (zig from PyPI, cargo-zigbuild), Grafana's plugin validator
# (plugincheck2, for tests/packaging), and Go modules.
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
# build:backend checks each executable with file; zig comes from PyPI through pip.
command -v file >/dev/null || need_apt+=(file)
python3 -m pip --version >/dev/null 2>&1 || need_apt+=(python3-pip)
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

# wasm-opt shrinks the panel renderer's WebAssembly (scripts/build-wasm.sh): binaryen's
# npm build, at the version tools/binaryen's lock pins, installed beside wasm-bindgen (once:
# again when the lock changes). Debian's binaryen 108 broke the module's externref table.
if ! cmp -s tools/binaryen/package-lock.json "$tools/binaryen/package-lock.json" ||
  [ ! -x "$tools/binaryen/node_modules/.bin/wasm-opt" ]; then
  echo "installing binaryen (npm, tools/binaryen) into $tools/binaryen"
  rm -rf "$tools/binaryen"
  mkdir -p "$tools/binaryen"
  cp tools/binaryen/package.json tools/binaryen/package-lock.json "$tools/binaryen/"
  (cd "$tools/binaryen" && npm ci --ignore-scripts --prefer-offline --no-audit --no-fund >/dev/null)
fi

# The Magefile's build:backend cross-compiles with cargo-zigbuild, zig as the linker and C
# compiler (ring's C and assembly). Both pinned, both in the cache beside wasm-bindgen.
zig_version=0.15.2
zigbuild_version=0.24.1
if [ "$("$tools/bin/zig" version 2>/dev/null)" != "$zig_version" ]; then
  echo "installing zig $zig_version (PyPI ziglang) into $tools/ziglang-$zig_version"
  rm -rf "$tools/ziglang-$zig_version"
  PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$tools/ziglang-$zig_version" "ziglang==$zig_version"
  mkdir -p "$tools/bin"
  ln -sfn "../ziglang-$zig_version/ziglang/zig" "$tools/bin/zig"
fi
if [ "$("$tools/bin/cargo-zigbuild" --version 2>/dev/null)" != "cargo-zigbuild $zigbuild_version" ]; then
  echo "installing cargo-zigbuild $zigbuild_version into $tools/bin (a few minutes, once)"
  CARGO_TARGET_DIR="$tools/target-cargo-zigbuild" \
    cargo install --quiet --locked --root "$tools" --version "=$zigbuild_version" cargo-zigbuild
fi

# Grafana's plugin validator, at the version tools/plugin-validator/go.mod pins, built
# outside the clone; tests/packaging runs it on the plugin archives.
validator=$(cd tools/plugin-validator && go list -m -f '{{.Version}}' github.com/grafana/plugin-validator)
if ! go version -m "$tools/bin/plugincheck2" 2>/dev/null |
  grep -Eq "^[[:space:]]+(mod|dep)[[:space:]]+github.com/grafana/plugin-validator[[:space:]]+$validator[[:space:]]"; then
  echo "building plugincheck2 $validator into $tools/bin (a few minutes, once)"
  (cd tools/plugin-validator && go build -trimpath -o "$tools/bin/plugincheck2" \
    github.com/grafana/plugin-validator/pkg/cmd/plugincheck2)
fi

go mod download
(cd tests && go mod download)
(cd bench/peer && go mod download)
