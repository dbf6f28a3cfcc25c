#!/usr/bin/env bash
# The converter benchmark: our streaming parser + Arrow IPC against the Go peer (client_golang
# types decoded with json-iterator into grafana-plugin-sdk-go frames, then Frames.MarshalArrow;
# bench/peer/promframes), same payload files, both read
# as a stream in 64 KiB reads, each pinned to one core (taskset -c 0), each in its own
# process. Throughput: median of REPS runs per process, median over ROUNDS alternating
# processes; wall-clock and CPU-time throughput (CPU time: all threads, the Go garbage
# collector's included). Peak RSS: VmHWM of a separate one-run process. Both outputs are decoded by
# grafana-plugin-sdk-go and compared point by point.
#
#   bench/run_converter.sh [SIZES] [REPS]     e.g. bench/run_converter.sh 100,1000,10000 5
#   ROUNDS=3 (default)   PAYLOADS=target/bench-payloads (generated when missing)
#   PARSE_ONLY=1         both stop after parsing (no frames, no Arrow): the parsers alone,
#                        no peak RSS or comparison
#
# Prints one JSON line per process and a Markdown table of the ratios.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sizes=${1:-100,1000,10000}
reps=${2:-5}
rounds=${ROUNDS:-3}
payloads=${PAYLOADS:-$root/target/bench-payloads}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

IFS=, read -ra ns <<<"$sizes"
missing=()
for n in "${ns[@]}"; do [[ -s $payloads/payload_${n}x1000.json ]] || missing+=("$n"); done
if ((${#missing[@]})); then
  python3 bench/gen_payloads.py --out "$payloads" --series "$(IFS=,; echo "${missing[*]}")"
fi

cargo bench -q -p mcp-plugin --bench convert --no-run 2>/dev/null
rust=$(cargo bench -p mcp-plugin --bench convert --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "convert" and m.get("executable"):
        print(m["executable"])')
go build -C bench/peer -o "$tmp/peer" .
peer=$tmp/peer

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)  cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
results=$tmp/results.jsonl
for n in "${ns[@]}"; do
  f=$payloads/payload_${n}x1000.json
  for ((r = 1; r <= rounds; r++)); do
    taskset -c 0 "$rust" "$f" --reps "$reps" ${PARSE_ONLY:+--parse-only} | sed 's/^{/{"kind":"speed",/' | tee -a "$results"
    taskset -c 0 "$peer" convert "$f" -reps "$reps" ${PARSE_ONLY:+-parse-only} | sed 's/^{/{"kind":"speed",/' | tee -a "$results"
  done
  [[ -n ${PARSE_ONLY:-} ]] && continue
  taskset -c 0 "$rust" "$f" --reps 1 --out "$tmp/rust.frames" | sed 's/^{/{"kind":"rss",/' | tee -a "$results"
  taskset -c 0 "$peer" convert "$f" -reps 1 -out "$tmp/go.frames" | sed 's/^{/{"kind":"rss",/' | tee -a "$results"
  "$peer" compare "$tmp/rust.frames" "$tmp/go.frames"
  rm -f "$tmp/rust.frames" "$tmp/go.frames"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def pick(kind, impl, series):
    return [r for r in rows if r["kind"] == kind and r["impl"] == impl and r["series"] == series]
print()
print("| series x points | body MB | ours MB/s (wall) | Go peer MB/s (wall) | ratio (wall) | ours MB/s (CPU) | Go peer MB/s (CPU) | ratio (CPU) | ours peak RSS MB | Go peer peak RSS MB | peak RSS ratio |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for n in sorted({r["series"] for r in rows}):
    med = lambda impl, key: statistics.median(r[key] for r in pick("speed", impl, n))
    ow, gw = med("rust", "mb_per_s"), med("go-peer", "mb_per_s")
    oc, gc = med("rust", "mb_per_cpu_s"), med("go-peer", "mb_per_cpu_s")
    mb = pick("speed", "rust", n)[0]["bytes"] / 1e6
    speed = f"| {n} x 1000 | {mb:.1f} | {ow:.0f} | {gw:.0f} | {ow/gw:.2f}x | {oc:.0f} | {gc:.0f} | {oc/gc:.2f}x |"
    if not pick("rss", "rust", n):
        print(speed + " - | - | - |")
        continue
    ro = pick("rss", "rust", n)[0]["peak_rss_kb"] / 1024
    rg = pick("rss", "go-peer", n)[0]["peak_rss_kb"] / 1024
    print(speed + f" {ro:.1f} | {rg:.1f} | {ro/rg:.2f} |")
PY
