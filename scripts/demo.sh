#!/usr/bin/env bash
# Runs the demo stack on this machine: the MCP ecosystem simulator on the ports of
# provisioning/prometheus/prometheus.yml and Debian's Prometheus scraping it with the
# project's recording and alert rules, exemplar storage on. Ctrl-C stops both.
#
#   PROM_PORT (default 9090)   Prometheus port on 127.0.0.1
#   SCENARIO  (default healthy) healthy|tool-failures|pool-exhaustion|service-down|latency-spike
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
prom_port="${PROM_PORT:-9090}"
scenario="${SCENARIO:-healthy}"

scripts/deps.sh
cargo build --locked --release -p mcp-simulator -p mcp-plugin
target=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$target/release/mcp-simulator" --scenario "$scenario" --control-port 8690 \
  --server-port mahavishnu=8680 --server-port akosha=8682 --server-port session-buddy=8678 \
  >"$work/simulator.json" 2>"$work/simulator.log" &
pids+=($!)

prometheus --config.file="$root/provisioning/prometheus/prometheus.yml" \
  --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prom_port" \
  --enable-feature=exemplar-storage \
  >"$work/prometheus.log" 2>&1 &
pids+=($!)

deadline=$((SECONDS + 60))
until curl -fsS "http://127.0.0.1:$prom_port/-/ready" >/dev/null 2>&1; do
  if [ $SECONDS -ge $deadline ]; then
    echo "Prometheus did not become ready; its log:" >&2
    cat "$work/prometheus.log" >&2
    exit 1
  fi
  sleep 0.5
done

cat <<MSG
MCP ecosystem demo is running (scenario: $scenario).
  Prometheus:          http://127.0.0.1:$prom_port   (targets, rules, alerts)
  Simulator metrics:   http://127.0.0.1:8680/metrics (mahavishnu), :8682 (akosha), :8678 (session-buddy)
  Switch scenario:     curl -X PUT http://127.0.0.1:8690/scenario/tool-failures
  Datasource plugin:   $target/release/gpx_mcp with $root/plugin.json; point a
                       mahavishnu-mcp-datasource at http://127.0.0.1:$prom_port in Grafana 10+.
Press Ctrl-C to stop.
MSG
wait "${pids[0]}"
