#!/usr/bin/env bash
# Builds the overview panel's renderer (crates/render) for the browser:
# wasm32-unknown-unknown with the `wasm` profile, wasm-bindgen (--target web) at the
# version Cargo.lock pins, then binaryen's wasm-opt at the version tools/binaryen pins.
#
#   scripts/build-wasm.sh [out-dir]      default dist/wasm (git-ignored)
#
# Writes <out-dir>/mcp_render_bg.wasm, mcp_render.js (its default export `init(url)`
# loads the .wasm) and mcp_render.d.ts, prints the .wasm's size raw and gzipped, and fails
# when the gzipped size is over the budget: 120 KB, read as 120,000 bytes (decimal).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist/wasm}
budget=120000
# wasm-bindgen and wasm-opt at their pinned versions ($bindgen, $wasm_opt, optimise).
. scripts/wasm-tools.sh

target=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
cargo build --locked -p mcp-render --target wasm32-unknown-unknown --profile wasm
mkdir -p "$out"
"$bindgen" --target web --out-dir "$out" --out-name mcp_render \
  "$target/wasm32-unknown-unknown/wasm/mcp_render.wasm"
wasm=$out/mcp_render_bg.wasm
# -O3, as the crate is built for speed (opt-level 3): 9 % smaller gzip and no slower.
optimise "$wasm"
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "$wasm: $raw bytes, $gz bytes gzip (budget $budget)"
if [ "$gz" -gt "$budget" ]; then
  echo "the panel's .wasm is over its budget of 120 KB (120,000 bytes) gzip" >&2
  exit 1
fi
