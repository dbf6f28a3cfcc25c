#!/usr/bin/env python3
"""Scales a real Prometheus query_range answer up to benchmark payloads.

    bench/gen_payloads.py [--seed bench/testdata/real_query_range.json]
                          [--out target/bench-payloads] [--series 100,1000,10000]
                          [--points 1000]

Each payload has N series of P points. Series i takes the labels of seed series
i mod len(seed), with its `instance` made unique, and the seed series' value strings
in turn, exactly as Prometheus formatted them; timestamps continue the seed's step.
Every 500th value becomes "NaN", every 1000th "+Inf" or "-Inf", and every 100th series
carries a label whose value needs JSON escapes (quote, backslash, \\u00e9, a surrogate
pair), so the comparison of both converters covers them. The output is written as
Prometheus writes it (compact JSON) to payload_<N>x<P>.json. Deterministic: the same
seed gives the same bytes.
"""

import argparse
import json
import os
import sys

ESCAPED = 'say "hi" \\ caf\u00e9 \U0001F600'


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", default=os.path.join(here, "testdata", "real_query_range.json"))
    ap.add_argument("--out", default=os.path.join(here, "..", "target", "bench-payloads"))
    ap.add_argument("--series", default="100,1000,10000")
    ap.add_argument("--points", type=int, default=1000)
    a = ap.parse_args()

    seed = json.load(open(a.seed))
    if seed.get("status") != "success" or seed["data"]["resultType"] != "matrix":
        sys.exit(f"gen_payloads: {a.seed} is not a successful matrix answer")
    series = [s for s in seed["data"]["result"] if len(s["values"]) >= 2]
    if not series:
        sys.exit(f"gen_payloads: {a.seed} has no series with two points or more")
    t0 = float(series[0]["values"][0][0])
    step = float(series[0]["values"][1][0]) - t0
    os.makedirs(a.out, exist_ok=True)

    for n in (int(x) for x in a.series.split(",") if x.strip()):
        path = os.path.join(a.out, f"payload_{n}x{a.points}.json")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write('{"status":"success","data":{"resultType":"matrix","result":[')
            k = 0
            for i in range(n):
                src = series[i % len(series)]
                labels = dict(src["metric"])
                labels["instance"] = f"{labels.get('instance', 'host')}-{i // len(series)}"
                if i % 100 == 99:
                    labels["note"] = ESCAPED
                if i:
                    f.write(",")
                f.write('{"metric":')
                f.write(json.dumps(labels, separators=(",", ":"), ensure_ascii=(i % 200 == 99)))
                f.write(',"values":[')
                vals = [v[1] for v in src["values"]]
                parts = []
                for p in range(a.points):
                    k += 1
                    if k % 1000 == 0:
                        v = "+Inf" if (k // 1000) % 2 else "-Inf"
                    elif k % 500 == 0:
                        v = "NaN"
                    else:
                        v = vals[p % len(vals)]
                    t = t0 + p * step
                    ts = str(int(t)) if t == int(t) else f"{t:.3f}".rstrip("0")
                    parts.append(f'[{ts},"{v}"]')
                f.write(",".join(parts))
                f.write("]}")
            f.write("]}}")
        print(f"gen_payloads: {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
