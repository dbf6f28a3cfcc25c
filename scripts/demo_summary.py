#!/usr/bin/env python3
"""Prints the demo's URLs and the ecosystem summary as the plugin answers it.

Reads the demo server's ready line (tests/cmd/grafana) and, when given, the line naming the
demo's Grafana server (scripts/demo_grafana.py), asks its /api/ds/query for an
ecosystemSummary, as a Grafana panel would, and prints one row per service with its status
and reasons. Waits until Prometheus has scraped every server before it asks.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request


def post(url, body):
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as err:
        return json.load(err)


def summary(base):
    now = int(time.time() * 1000)
    body = {
        "from": str(now - 5 * 60_000),
        "to": str(now),
        "queries": [
            {
                "refId": "A",
                "datasource": {"uid": "mcp", "type": "mahavishnu-mcp-datasource"},
                "queryType": "ecosystemSummary",
                "format": "table",
            }
        ],
    }
    result = post(base + "/api/ds/query", body)["results"]["A"]
    if result.get("error"):
        return None, result["error"]
    frame = result["frames"][0]
    names = [f["name"] for f in frame["schema"]["fields"]]
    columns = frame["data"]["values"]
    rows = [dict(zip(names, values)) for values in zip(*columns)]
    return rows, None


def cell(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def main():
    ready = json.load(open(sys.argv[1]))
    base = ready["url"]
    print(
        f"""
The MCP ecosystem demo is running (dark theme: add &theme=dark to a harness page).
  Dashboard:     {base}/harness/?view=dashboard&dashboard=mcp-ecosystem-overview&from=now-15m
                 ("MCP Ecosystem" as the browser harness draws it with @grafana/ui, not Grafana)
  Overview:      {base}/harness/?view=panel&uid=mcp&width=1000&height=460
  Query editor:  {base}/harness/?view=query&uid=mcp
  Config page:   {base}/harness/?view=config&uid=mcp
  Prometheus:    {ready['prometheus']}   (point a Grafana datasource of this plugin here)
  Scenario:      curl -X PUT http://{ready['simulatorControl']}/scenario/tool-failures"""
    )
    grafana = sys.argv[2] if len(sys.argv) > 2 else None
    if grafana and os.path.isfile(grafana):
        with open(grafana) as f:
            print(f.read().rstrip())
    print()
    deadline = time.time() + 60
    rows, error = summary(base)
    # A service that has no request rate yet has not been scraped twice: wait for it.
    while time.time() < deadline and (error or not rows or any(r.get("request rate") is None for r in rows)):
        time.sleep(1)
        rows, error = summary(base)
    if error:
        print("ecosystemSummary answered an error:", error)
        return
    # A few of the columns, the reasons last; all of them when the names change.
    wanted = ["service", "up", "status", "request rate", "5xx %", "p95 latency", "tool success %", "reasons"]
    present = [w for w in wanted if rows and w in rows[0]] or (list(rows[0]) if rows else [])
    table = [[cell(r.get(c)) for c in present] for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in table)) for i, c in enumerate(present)]
    print("Ecosystem summary (queryType ecosystemSummary, as the plugin answers it):")
    print("  " + "  ".join(c.ljust(w) for c, w in zip(present, widths)))
    for t in table:
        print("  " + "  ".join(v.ljust(w) for v, w in zip(t, widths)))
    print()


if __name__ == "__main__":
    main()
