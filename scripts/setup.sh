#!/usr/bin/env bash
# Create .venv (if needed), install the pinned requirements and the project itself (editable,
# which puts the `kcm` command in .venv/bin), and fetch the map's front-end assets from the
# npm registry so the map works with no internet. Safe to run repeatedly.
#   scripts/setup.sh          runtime requirements
#   scripts/setup.sh --dev    plus test tools (pytest, ruff, mypy)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
REQS=requirements.txt
[[ "${1:-}" == "--dev" ]] && REQS=requirements-dev.txt

if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(cat requirements.txt "$REQS" pyproject.toml | sha256sum | cut -c1-16)"
quiet_pip() {  # pip, minus the warnings some machines' pip.conf causes on every package
  .venv/bin/python -m pip "$@" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
  return "${PIPESTATUS[0]}"
}
if [[ ! -f "$stamp" ]]; then
  quiet_pip install --quiet --upgrade pip
  quiet_pip install --quiet -r "$REQS"
  quiet_pip install --quiet --no-deps -e .
  touch "$stamp"
fi

# Leaflet & plugins, served by the app itself from static/vendor (never committed).
if ! .venv/bin/kcm assets fetch; then
  echo "warning: map assets could not be fetched; the map will load them from CDNs (needs internet)." >&2
fi
