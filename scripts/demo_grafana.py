#!/usr/bin/env python3
"""Starts a Grafana server for the demo, when one is installed here.

  demo_grafana.py find
      prints the Grafana server the demo would run (GRAFANA_HOME's bin/, else `grafana` or
      `grafana-server` on PATH) and exits 0, or exits 1 when there is none.
  demo_grafana.py start --state DIR --prometheus URL [--dist DIR]
      writes DIR/grafana/grafana.ini and its provisioning (the repository's datasources
      pointed at URL, its dashboards), starts that Grafana on a free loopback port with the
      built plugins (dist/, allowed unsigned) and its own data directory under DIR, waits
      until /api/health answers, writes its pid to DIR/grafana/pid and prints its URLs.
      Grafana keeps running; the caller stops it by that pid.

Nothing is downloaded: without a Grafana server the demo shows the browser harness page.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DASHBOARDS = os.path.join(ROOT, "provisioning", "dashboards")
DATASOURCES = os.path.join(ROOT, "provisioning", "datasources", "mcp.yml")
# The host name the repository's provisioning gives Prometheus (the compose stack's service).
COMPOSE_PROMETHEUS = "http://prometheus:9090"
HEALTH_TIMEOUT_S = 120


def find():
    """(executable, home, subcommand) of the Grafana server to run, or None."""
    home = os.environ.get("GRAFANA_HOME")
    if home:
        for name, sub in (("grafana", ["server"]), ("grafana-server", [])):
            exe = os.path.join(home, "bin", name)
            if os.access(exe, os.X_OK):
                return exe, os.path.abspath(home), sub
        raise SystemExit(f"GRAFANA_HOME={home} has no executable bin/grafana or bin/grafana-server")
    for name, sub in (("grafana", ["server"]), ("grafana-server", [])):
        exe = shutil.which(name)
        if exe:
            return exe, home_of(exe), sub
    return None


def home_of(exe):
    """Grafana's home (conf/defaults.ini, public/): above bin/ in a tarball, Debian's otherwise."""
    for home in (os.path.dirname(os.path.dirname(os.path.realpath(exe))), "/usr/share/grafana"):
        if os.path.isfile(os.path.join(home, "conf", "defaults.ini")):
            return home
    raise SystemExit(f"found {exe} but not Grafana's home (conf/defaults.ini); set GRAFANA_HOME")


def plugin_ids(dist):
    ids = []
    for name in sorted(os.listdir(dist)):
        manifest = os.path.join(dist, name, "plugin.json")
        if os.path.isfile(manifest):
            with open(manifest) as f:
                ids.append(json.load(f)["id"])
    if len(ids) < 2:
        raise SystemExit(f"{dist} holds {ids or 'no plugin'}; build both plugins first (scripts/demo.sh does)")
    return ids


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def configure(state, prometheus, dist, port):
    """Writes grafana.ini and the provisioning under state/grafana; returns the ini's path."""
    base = os.path.join(state, "grafana")
    prov = os.path.join(base, "provisioning")
    with open(DATASOURCES) as f:
        datasources = f.read()
    if COMPOSE_PROMETHEUS not in datasources:
        raise SystemExit(f"{DATASOURCES} no longer names {COMPOSE_PROMETHEUS}; update {__file__}")
    write(os.path.join(prov, "datasources", "mcp.yml"), datasources.replace(COMPOSE_PROMETHEUS, prometheus))
    # The repository's provider, pointed at the repository's dashboards.
    with open(os.path.join(DASHBOARDS, "dashboards.yml")) as f:
        provider = f.read()
    write(
        os.path.join(prov, "dashboards", "dashboards.yml"),
        provider.replace("path: /etc/grafana/provisioning/dashboards", f"path: {DASHBOARDS}"),
    )
    for sub in ("plugins", "alerting", "notifiers"):
        os.makedirs(os.path.join(prov, sub), exist_ok=True)
    home_dashboard = os.path.join(DASHBOARDS, "mcp-ecosystem-overview.json")
    ini = f"""# Written by scripts/demo_grafana.py for this demo run.
[server]
http_addr = 127.0.0.1
http_port = {port}

[paths]
data = {os.path.join(base, "data")}
logs = {os.path.join(base, "logs")}
plugins = {dist}
provisioning = {prov}

[plugins]
allow_loading_unsigned_plugins = {",".join(plugin_ids(dist))}

[auth.anonymous]
enabled = true
org_role = Viewer

[dashboards]
default_home_dashboard_path = {home_dashboard}

[analytics]
reporting_enabled = false
check_for_updates = false
check_for_plugin_updates = false

[news]
news_feed_enabled = false

[log]
mode = file
"""
    path = os.path.join(base, "grafana.ini")
    write(path, ini)
    return path


def healthy(url):
    try:
        with urllib.request.urlopen(url + "/api/health", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(args):
    found = find()
    if not found:
        raise SystemExit("no Grafana server: neither GRAFANA_HOME nor grafana or grafana-server on PATH")
    exe, home, sub = found
    dist = os.path.abspath(args.dist)
    port = free_port()
    ini = configure(os.path.abspath(args.state), args.prometheus, dist, port)
    base = os.path.dirname(ini)
    log = open(os.path.join(base, "grafana.log"), "w")
    proc = subprocess.Popen(
        [exe, *sub, "--homepath", home, "--config", ini], cwd=home, stdout=log, stderr=subprocess.STDOUT
    )
    write(os.path.join(base, "pid"), f"{proc.pid}\n")
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while not healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            if proc.poll() is None:
                proc.terminate()
            sys.stderr.write(f"Grafana ({exe}) did not answer {url}/api/health; the end of {log.name}:\n")
            with open(log.name) as f:
                sys.stderr.write("".join(f.readlines()[-30:]))
            raise SystemExit(1)
        time.sleep(0.2)
    with open(os.path.join(DASHBOARDS, "mcp-ecosystem-overview.json")) as f:
        uid = json.load(f)["uid"]
    print(f"  Grafana:       {url}/d/{uid}   ({exe}; anonymous viewer, or admin / admin)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("find")
    s = sub.add_parser("start")
    s.add_argument("--state", required=True)
    s.add_argument("--prometheus", required=True)
    s.add_argument("--dist", default=os.path.join(ROOT, "dist"))
    args = parser.parse_args()
    if args.command == "find":
        found = find()
        if not found:
            sys.exit(1)
        print(found[0])
    else:
        start(args)


if __name__ == "__main__":
    main()
