#!/usr/bin/env bash
# Start N app processes on 127.0.0.1:8601.. and HAProxy with sticky sessions in front on
# http://127.0.0.1:8600 (deploy/haproxy.cfg, docs/several-processes.md); Ctrl-C or SIGTERM
# stops them all. Usage: scripts/serve-several.sh N [--port P] [--first-app-port Q]
# KCM_DATA_DIR picks the data folder, as for scripts/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 1 ]]; then
  echo "usage: scripts/serve-several.sh N [--port 8600] [--first-app-port 8601]" >&2
  exit 2
fi
if ! command -v haproxy >/dev/null && [[ ! -x /usr/sbin/haproxy ]]; then
  echo "error: haproxy is not installed; run as root: apt-get install -y haproxy" >&2
  exit 1
fi
scripts/setup.sh
# exec: the signals reach the Python launcher, which stops every process it started.
exec .venv/bin/python -m src.proxy "$@"
