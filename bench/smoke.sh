#!/usr/bin/env bash
# A short smoke of every benchmark (seconds, not minutes): each runs once on tiny inputs and
# must produce its figures; no time is asserted. The full runs and their figures are in
# docs/PERFORMANCE.md.
#
#   bench/smoke.sh     (MCP_PLUGIN_BINARY as for the Go tests; default target/debug/gpx_mcp)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "smoke: payload generator"
# 100 series of 10 points: two special values (NaN, ±Inf) and one label with escapes.
python3 bench/gen_payloads.py --series 100 --points 10 --out "$tmp" >/dev/null
payload=$tmp/payload_100x10.json

echo "smoke: Rust converter harness"
cargo test -q -p mcp-plugin --bench convert -- "$payload" --out "$tmp/rust.frames" --chunk 1000

echo "smoke: criterion matrix benchmark (test mode: each benchmark once)"
MCP_BENCH_SERIES=2 cargo test -q -p mcp-plugin --bench matrix

echo "smoke: panel renderer benchmarks (test mode: each benchmark once)"
cargo test -q -p mcp-render --bench render

echo "smoke: Go peer converter and the comparison of both outputs"
(cd bench/peer && go run . convert "$payload" -out "$tmp/go.frames" -chunk 1000 &&
  go run . compare "$tmp/rust.frames" "$tmp/go.frames" &&
  go run . convert "$payload" -parse-only -chunk 1000)

echo "smoke: end to end and footprint through the Go host"
(cd bench/peer && go test -count=1 ./e2e -v)

echo "smoke: ecosystemSummary against the slowest of its calls (a small ecosystem, once)"
(cd tests && MCP_BENCH_EXTRA_SERVERS=1 MCP_BENCH_TOOLS=5 \
  go test -count=1 ./querytypes/ -run '^$' -bench EcosystemSummary -benchtime 1x)

echo "smoke: the panel's budgets in chromium through the harness (once each; after the page build)"
node tests/browser/panel-budgets.mjs 1 paint,redraw,profile,strip
