#!/usr/bin/env bash
# Set up (first run only) and run every check: ruff, the data validator, and the whole pytest
# suite, end-to-end browser tests included (they need Debian's chromium: apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev

if [[ ! -x "${KCM_CHROMIUM:-/usr/bin/chromium}" ]]; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "error: chromium is required in CI (apt-get install chromium)" >&2
    exit 1
  fi
  echo "note: no chromium found; browser tests will be skipped (apt-get install chromium)." >&2
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m src.events validate
exec .venv/bin/python -m pytest "$@"
