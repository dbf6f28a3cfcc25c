#!/usr/bin/env bash
# Runs the demo on this machine: builds what is missing, then starts the MCP ecosystem
# simulator, Debian's Prometheus scraping it (exemplar storage and the project's rules on),
# the real gpx_mcp plugin, and a Grafana-shaped page (tests/cmd/grafana) that shows the
# plugin's query editor, config page, overview panel and the "MCP Ecosystem" dashboard live
# over them. When a Grafana server is installed (GRAFANA_HOME, or grafana or grafana-server
# on PATH) it starts that too, with both plugins and the provisioning, on a free port
# (scripts/demo_grafana.py). Prints the URLs and the ecosystem summary as the plugin
# answers it. Ctrl-C stops everything it started.
#
#   scripts/demo.sh [--scenario NAME]
#     NAME: healthy (default), tool-failures, pool-exhaustion, service-down,
#           latency-spike, slow-failures; switch later with the printed curl command.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scenario=healthy
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) scenario=${2:?--scenario needs a name}; shift 2 ;;
    --scenario=*) scenario=${1#--scenario=}; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

state=${XDG_RUNTIME_DIR:-/tmp}/mcp-grafana-demo
if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
  echo "A demo is already running (pid $(cat "$state/pid")); stop it with Ctrl-C in its terminal"
  echo "or: kill $(cat "$state/pid")"
  cat "$state/urls" 2>/dev/null || true
  exit 0
fi

mkdir -p "$state"
log=$state/build.log
: >"$log"
n=0
total=6
progress() { n=$((n + 1)); printf '[%d/%d] %s\n' "$n" "$total" "$*"; }
# Build output goes to the log, shown when a step fails.
trap 'echo "failed; the last lines of $log:" >&2; tail -n 30 "$log" >&2' ERR

progress "dependencies (Debian packages, Rust toolchain, Go modules)"
scripts/deps.sh >>"$log" 2>&1

target=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

progress "the plugin (gpx_mcp) and the simulator"
cargo build --locked -p mcp-plugin -p mcp-simulator >>"$log" 2>&1

progress "the panel renderer (WebAssembly)"
scripts/build-wasm.sh >>"$log" 2>&1

progress "the frontend (dist/)"
(
  cd frontend
  export npm_config_cache="${npm_config_cache:-/var/cache/mcp-grafana/npm}"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --prefer-offline --no-audit --no-fund
  fi
  MCP_PLUGIN_BINARY="$target/debug/gpx_mcp" npm run build
) >>"$log" 2>&1

progress "the Grafana-shaped page and its server"
node tests/browser/page/build.mjs >>"$log" 2>&1
(cd tests && go build -o "$target/harness-grafana" ./cmd/grafana) >>"$log" 2>&1
trap - ERR

progress "starting the simulator ($scenario), Prometheus and the plugin"
export MCP_PLUGIN_BINARY="$target/debug/gpx_mcp" MCP_SIMULATOR_BINARY="$target/debug/mcp-simulator"
rm -f "$state/ready.json" "$state/grafana-url"
"$target/harness-grafana" -repo "$root" -scenario "$scenario" -stdin=false \
  >"$state/ready.json" 2>"$state/server.log" &
server=$!
echo "$server" >"$state/pid"
grafana_pid=$state/grafana/pid
rm -f "$grafana_pid"
cleanup() {
  if [ -s "$grafana_pid" ]; then
    kill "$(cat "$grafana_pid")" 2>/dev/null || true
  fi
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -f "$state/pid" "$state/urls" "$grafana_pid"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

deadline=$((SECONDS + 120))
until [ -s "$state/ready.json" ]; do
  if ! kill -0 "$server" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
    echo "the demo server did not start; its log:" >&2
    tail -n 40 "$state/server.log" >&2
    exit 1
  fi
  sleep 0.2
done

if grafana=$(python3 scripts/demo_grafana.py find); then
  echo "starting Grafana ($grafana) with the plugins and the provisioning"
  prometheus=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["prometheus"])' "$state/ready.json")
  python3 scripts/demo_grafana.py start --state "$state" --prometheus "$prometheus" >"$state/grafana-url"
fi
python3 scripts/demo_summary.py "$state/ready.json" "$state/grafana-url" | tee "$state/urls"
echo "Press Ctrl-C to stop."
wait "$server"
