#!/usr/bin/env bash
# Checks the Prometheus configuration and rules with promtool: syntax of prometheus.yml and
# the rule files, then the rule unit tests in tests/. Exit status is non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
PROMTOOL="${PROMTOOL:-promtool}"
if ! command -v "$PROMTOOL" >/dev/null 2>&1; then
  echo "check.sh: $PROMTOOL not found; install Debian's prometheus package or set PROMTOOL" >&2
  exit 1
fi
"$PROMTOOL" check config prometheus.yml
"$PROMTOOL" check rules rules/*.yml
"$PROMTOOL" test rules tests/*.yml
