#!/usr/bin/env bash
# Set up (first run only) and run every check: ruff, mypy, the data validator, and the pytest
# suite, browser tests included; arguments go to pytest (scripts/test.sh tests/e2e -x).
# The browser tests need Debian's chromium and fonts-dejavu-core (the PNG tests measure text),
# and haproxy (the several-processes test starts its own, never the system service): run as
# root this installs them with apt-get when missing; otherwise it stops and prints the command.
# Browser tests are never skipped, and pytest's "no tests ran" (exit code 5) is passed on as a
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev

browser() {  # the Chromium the tests will drive (src/browser.py decides), or nothing
  .venv/bin/python -c 'from src.browser import chromium_path; print(chromium_path() or "")'
}
has_dejavu() {
  [[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] \
    || { command -v fc-list >/dev/null && fc-list 2>/dev/null | grep -qi "DejaVu Sans"; }
}

packages=()
chromium="$(browser)"
if [[ -n "${KCM_CHROMIUM:-}" ]]; then
  if [[ ! -x "$KCM_CHROMIUM" ]]; then
    echo "error: KCM_CHROMIUM=$KCM_CHROMIUM is not an executable browser." >&2
    exit 1
  fi
elif [[ -z "$chromium" || ! -x "$chromium" ]]; then
  packages+=(chromium)
fi
has_dejavu || packages+=(fonts-dejavu-core)
# Debian's haproxy is in /usr/sbin, often missing from a non-root PATH (src/proxy.py looks there).
command -v haproxy >/dev/null || [[ -x /usr/sbin/haproxy ]] || packages+=(haproxy)

if ((${#packages[@]})); then
  install="apt-get update && apt-get install -y ${packages[*]}"
  if [[ "$(id -u)" != 0 ]]; then
    echo "error: the browser tests need packages that are not installed: ${packages[*]}" >&2
    echo "Install them and run scripts/test.sh again:" >&2
    echo "  sudo sh -c '$install'" >&2
    [[ " ${packages[*]} " == *" chromium "* ]] \
      && echo "(or set KCM_CHROMIUM to a Chromium/Chrome binary)" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null; then
    echo "error: the browser tests need ${packages[*]}; there is no apt-get to install them." >&2
    exit 1
  fi
  echo "installing ${packages[*]} with apt-get ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
  if [[ " ${packages[*]} " == *" haproxy "* ]] && command -v systemctl >/dev/null \
    && systemctl is-active --quiet haproxy 2>/dev/null; then
    # the package starts its service where systemd runs; the tests start their own haproxy
    systemctl disable --now haproxy >/dev/null 2>&1 || true
  fi
  chromium="$(browser)"
  if [[ -z "${KCM_CHROMIUM:-}" && ( -z "$chromium" || ! -x "$chromium" ) ]]; then
    echo "error: chromium was installed but no browser is found (see src/browser.py)." >&2
    exit 1
  fi
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/kcm validate
# exec: pytest's own exit code is the script's (5, "no tests ran", included).
exec .venv/bin/python -m pytest "$@"
