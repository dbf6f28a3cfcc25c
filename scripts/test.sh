#!/usr/bin/env bash
# Runs every test: dependency licences, the plugin manifest, formatting and lints, Rust unit
# tests, the frontend's checks, unit tests and build (dist/), the plugin archives
# (Magefile.go), Prometheus config and rule tests, and the Go end-to-end tests that drive the
# built plugin as Grafana does, against real Prometheus. Installs what it needs first
# (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { printf '\n==> %s\n' "$*"; }

step "dependencies"
scripts/deps.sh

target=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

step "Licences: every Cargo.lock, go.mod and package-lock.json against scripts/licences.toml"
python3 -m unittest discover -s scripts -p 'licences_test.py'
scripts/licences.py

step "Plugin manifest: its structure, and Grafana's schema when given (skipped with the reason otherwise)"
(cd tests && go test -count=1 -v ./manifest/)

step "Rust: format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The panel renderer's browser half (canvas, wasm-bindgen API) compiles for wasm32 only.
cargo clippy --locked -p mcp-render --target wasm32-unknown-unknown -- -D warnings

step "Rust: unit tests"
cargo test --workspace --locked

step "Panel renderer: WebAssembly build, within its size budget"
scripts/build-wasm.sh

step "Fuzz targets: corpus and regressions on stable, a short libFuzzer run of each"
FUZZ_SECONDS="${FUZZ_SECONDS:-10}" fuzz/smoke.sh

step "Rust: binaries for the end-to-end tests"
cargo build --locked -p mcp-plugin -p mcp-simulator

step "Frontend: install, types, lints, format, unit tests, build (dist/)"
(
  cd frontend
  export npm_config_cache="${npm_config_cache:-/var/cache/mcp-grafana/npm}"
  npm ci --prefer-offline --no-audit --no-fund
  npm run typecheck
  npm run lint
  # Also tests/browser's scripts, which have no package of their own.
  npm run format
  npm test
  MCP_PLUGIN_BINARY="$target/debug/gpx_mcp" npm run build
)

step "Packages: the backend for linux/amd64 (release, static), both plugin archives"
# The Magefile's build:backend builds every platform Grafana runs; CI builds one (the cost of
# the others is in docs/PERFORMANCE.md), and tests/packaging expects that one.
export MCP_PLATFORMS="${MCP_PLATFORMS:-linux/amd64}" MCP_REQUIRE_PACKAGES=1
go run mage.go build:backend archive

step "Prometheus: config, rules and rule unit tests"
provisioning/prometheus/check.sh

step "Go: format, vet, end-to-end tests (tests/packaging checks the archives)"
unformatted=$(gofmt -l Magefile.go mage.go)
if [ -n "$unformatted" ]; then
  echo "gofmt needed on: $unformatted" >&2
  exit 1
fi
go vet -tags mage .
cd "$root/tests"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "gofmt needed on: $unformatted" >&2
  exit 1
fi
go vet ./...
export MCP_PLUGIN_BINARY="$target/debug/gpx_mcp"
export MCP_SIMULATOR_BINARY="$target/debug/mcp-simulator"
# One package at a time: the load and cancellation tests measure the plugin, not the
# other packages competing for two cores.
# The manifest package ran above.
go test -p 1 -count=1 -timeout 25m $(go list ./... | grep -v '/tests/manifest$')

step "Browser: the plugin's pages in Chromium over the real backend, on Grafana 10.4 and 13 (tests/browser)"
cd "$root"
(cd tests && go build -o "$target/harness-grafana" ./cmd/grafana)
# The same module.js against the oldest and the newest Grafana line plugin.json names: the
# page built once with the frontend's @grafana packages (10.4), once with tests/browser/grafana-13's.
(
  cd tests/browser/grafana-13
  export npm_config_cache="${npm_config_cache:-/var/cache/mcp-grafana/npm}"
  npm ci --ignore-scripts --prefer-offline --no-audit --no-fund
)
frontend/node_modules/.bin/tsc -p tests/browser/page
node tests/browser/page/build.mjs
GRAFANA_NODE_MODULES=tests/browser/grafana-13/node_modules MCP_HARNESS_PAGE=tests/browser/page/dist-13 \
  node tests/browser/page/build.mjs
MCP_GRAFANA_BINARY="$target/harness-grafana" node --test --test-concurrency=1 tests/browser/
MCP_GRAFANA_BINARY="$target/harness-grafana" MCP_HARNESS_PAGE=tests/browser/page/dist-13 \
  node --test --test-concurrency=1 tests/browser/

step "Benchmarks: smoke run of each (no timing asserted)"
cd "$root"
(cd bench/peer && test -z "$(gofmt -l .)" && go vet ./...)
bench/smoke.sh
