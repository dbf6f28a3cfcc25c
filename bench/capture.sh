#!/usr/bin/env bash
# Captures a real query_range answer: Debian's Prometheus scrapes the MCP simulator every
# second until it holds 40 scrapes, then answers a dashboard-like range query (a rate over
# the histogram buckets of every server, the last 10 s at a 1 s step). The answer is the
# seed that gen_payloads.py scales up.
#
#   bench/capture.sh [OUT]    (default bench/testdata/real_query_range.json)
#
# Needs /usr/bin/prometheus and the simulator (MCP_SIMULATOR_BINARY, else
# target/release/mcp-simulator, else target/debug/mcp-simulator). Everything binds
# 127.0.0.1 on free ports and is stopped by PID on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/bench/testdata/real_query_range.json}
prometheus=${MCP_PROMETHEUS:-/usr/bin/prometheus}
sim=${MCP_SIMULATOR_BINARY:-}
if [[ -z $sim ]]; then
  for c in "$root/target/release/mcp-simulator" "$root/target/debug/mcp-simulator"; do
    [[ -x $c ]] && sim=$c && break
  done
fi
[[ -x ${sim:-} ]] || { echo "capture: no simulator binary; run cargo build -p mcp-simulator" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

"$sim" --bind 127.0.0.1 --seed 7 --extra-servers 7 >"$work/sim.json" 2>"$work/sim.log" &
pids+=($!)
deadline=$((SECONDS + 20))
until [[ -s $work/sim.json ]]; do
  ((SECONDS < deadline)) || { echo "capture: simulator did not start" >&2; cat "$work/sim.log" >&2; exit 1; }
  sleep 0.1
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$work/sim.json" >"$work/prometheus.yml" <<'PY'
import json, sys
servers = json.loads(open(sys.argv[1]).readline())["servers"]
print("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:")
for s in servers:
    print(f"  - job_name: {json.dumps(s['job'])}\n    static_configs:\n      - targets: [{json.dumps(s['address'])}]")
PY
"$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$port" --enable-feature=exemplar-storage >"$work/prom.log" 2>&1 &
pids+=($!)
base="http://127.0.0.1:$port"

# Wait until 40 scrapes are stored (a deadline, no fixed sleep).
deadline=$((SECONDS + 120))
while :; do
  n=$(curl -fsS "$base/api/v1/query" --data-urlencode 'query=count_over_time(up{job="mahavishnu"}[2m])' 2>/dev/null |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else 0)' 2>/dev/null || echo 0)
  ((n >= 40)) && break
  ((SECONDS < deadline)) || { echo "capture: Prometheus stored only $n scrapes" >&2; tail -20 "$work/prom.log" >&2; exit 1; }
  sleep 0.5
done

end=$(python3 -c 'import time; print(int(time.time()))')
curl -fsS "$base/api/v1/query_range" \
  --data-urlencode 'query=rate(mcp_tool_duration_seconds_bucket[5s])' \
  --data-urlencode "start=$((end - 10))" --data-urlencode "end=$end" --data-urlencode 'step=1' >"$out"
python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["data"]["result"]
print("capture: %d series, %d points -> %s" % (len(d), sum(len(s["values"]) for s in d), sys.argv[1]))
PY
