#!/usr/bin/env bash
# Builds the plotters contender of the latency strip benchmark (tests/browser/panel-budgets.mjs,
# part `plotters`) as scripts/build-wasm.sh builds the renderer: wasm32-unknown-unknown built
# for speed, wasm-bindgen (--target web) and wasm-opt -O3 at the same pinned versions.
#
#   bench/plotters/build.sh [out-dir]      default dist/bench-plotters (git-ignored)
#
# Writes <out-dir>/mcp_bench_plotters.js and mcp_bench_plotters_bg.wasm.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-dist/bench-plotters}
. scripts/wasm-tools.sh

manifest=bench/plotters/Cargo.toml
target=$(cargo metadata --manifest-path "$manifest" --format-version 1 --no-deps --locked |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
cargo build --locked --manifest-path "$manifest" --target wasm32-unknown-unknown --release
mkdir -p "$out"
"$bindgen" --target web --out-dir "$out" --out-name mcp_bench_plotters \
  "$target/wasm32-unknown-unknown/release/mcp_bench_plotters.wasm"
optimise "$out/mcp_bench_plotters_bg.wasm"
echo "$out/mcp_bench_plotters_bg.wasm: $(stat -c %s "$out/mcp_bench_plotters_bg.wasm") bytes"
