# Sourced by scripts/build-wasm.sh and bench/plotters/build.sh: the WebAssembly tools both
# builds use, at the versions the repository pins (scripts/deps.sh installs them).
#
#   bindgen    wasm-bindgen at the version Cargo.lock pins
#   wasm_opt   binaryen's wasm-opt at the version tools/binaryen pins
#   optimise <file.wasm>   wasm-opt -O3 over it in place, with the features the module uses
root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=${MCP_TOOLS_DIR:-/var/cache/mcp-grafana}
want=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p}' "$root_dir/Cargo.lock")
bindgen=${WASM_BINDGEN:-$tools/bin/wasm-bindgen}
if [ ! -x "$bindgen" ] || [ "$("$bindgen" --version)" != "wasm-bindgen $want" ]; then
  echo "wasm-bindgen $want is not at $bindgen: run scripts/deps.sh" >&2
  exit 1
fi
wasm_opt=${WASM_OPT:-$tools/binaryen/node_modules/.bin/wasm-opt}
want_opt=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packages"]["node_modules/binaryen"]["version"].split(".")[0])' "$root_dir/tools/binaryen/package-lock.json")
if [ ! -x "$wasm_opt" ] || [ "$("$wasm_opt" --version | cut -d" " -f3)" != "$want_opt" ]; then
  echo "wasm-opt $want_opt (binaryen, tools/binaryen) is not at $wasm_opt: run scripts/deps.sh" >&2
  exit 1
fi

optimise() {
  "$wasm_opt" -O3 --strip-debug --strip-producers --enable-bulk-memory --enable-sign-ext \
    --enable-mutable-globals --enable-nontrapping-float-to-int --enable-reference-types \
    --enable-multivalue "$1" -o "$1.opt"
  mv "$1.opt" "$1"
}
