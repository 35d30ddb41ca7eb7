"""Several app processes behind one address: N ``streamlit run`` processes and HAProxy in front.

One Streamlit process runs every session's script under one interpreter lock, so a team of
analysts needs several; a session's state lives in the process that serves it, so the proxy
routes by a cookie (``deploy/haproxy.cfg``, docs/several-processes.md). This module writes that
configuration for N apps, starts the apps (``src.appserver.running_app``) and HAProxy, and
stops them all on exit; ``python -m src.proxy N`` (scripts/serve-several.sh) serves until
Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from src.appserver import AppStartError, free_port, running_app, stop, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "haproxy.cfg"
#: The cookie HAProxy inserts to name a session's process (``cookie`` in the configuration).
COOKIE = "KCM_APP"
PROXY_PORT_ENV = "KCM_PROXY_PORT"
APT_INSTALL = "apt-get install -y haproxy"
#: Debian's haproxy lives in /usr/sbin, which a non-root PATH often lacks.
_SBIN_HAPROXY = Path("/usr/sbin/haproxy")
_SERVER_LINE = re.compile(r"^(\s*)server\s+app1\s+(\S+)\s+(.*)$", re.MULTILINE)
_ANY_SERVER_LINE = re.compile(r"^\s*server\s+app\d+\s.*\n", re.MULTILINE)


def haproxy_path() -> str | None:
    """The haproxy binary on PATH or Debian's, or None when it is not installed."""
    found = shutil.which("haproxy")
    if found:
        return found
    return str(_SBIN_HAPROXY) if _SBIN_HAPROXY.exists() else None


def config_for(app_ports: Sequence[int], template: str | None = None) -> str:
    """The committed configuration with one ``server`` line per app port.

    The first ``server app1`` line of the file is the pattern (its check and cookie options
    are kept); ``appK`` names the K-th port's process and is its cookie value.
    """
    text = CONFIG.read_text(encoding="utf-8") if template is None else template
    first = _SERVER_LINE.search(text)
    if first is None:
        raise ValueError("no `server app1 ADDRESS ...` line in the HAProxy configuration")
    indent, options = first.group(1), first.group(3)
    lines = [
        f"{indent}server app{k} 127.0.0.1:{port} "
        + re.sub(r"\bcookie\s+app1\b", f"cookie app{k}", options)
        + "\n"
        for k, port in enumerate(app_ports, start=1)
    ]
    at = first.start()
    rest = _ANY_SERVER_LINE.sub("", text[at:])
    return text[:at] + "".join(lines) + rest


@dataclass(frozen=True)
class Several:
    """What :func:`running_several` started: the proxy's address, the apps', their logs."""

    url: str
    app_urls: tuple[str, ...]
    proxy_log: Path
    app_logs: tuple[Path, ...]


def _start_apps(
    stack: ExitStack,
    logs: Sequence[Path],
    ports: Sequence[int | None],
    env: Mapping[str, str] | None,
    timeout_s: float,
) -> list[str]:
    """Start the apps at once (a cold start is mostly imports: two cores do two at a time);
    every one that came up is stopped with ``stack``, even when another failed."""
    managers: list[AbstractContextManager[str]] = [
        running_app(log, timeout_s, env, port) for log, port in zip(logs, ports, strict=True)
    ]
    with ThreadPoolExecutor(max_workers=len(managers)) as pool:
        futures = [pool.submit(m.__enter__) for m in managers]
        urls: list[str] = []
        failure: BaseException | None = None
        for manager, future in zip(managers, futures, strict=True):
            try:
                urls.append(future.result())
            except BaseException as exc:  # re-raised below, once the others are cleaned up
                failure = failure or exc
                continue
            stack.push(manager.__exit__)
    if failure is not None:
        raise failure
    return urls


@contextmanager
def running_proxy(
    app_urls: Sequence[str], log: Path, port: int | None = None, timeout_s: float = 30
) -> Iterator[str]:
    """Yield the address of HAProxy in front of ``app_urls`` (running, answering through to
    an app); stop it afterwards. Its log (one line per request) goes to ``log``."""
    binary = haproxy_path()
    if binary is None:
        raise AppStartError(f"haproxy is not installed: run `{APT_INSTALL}` as root")
    port = free_port() if port is None else port
    ports = [int(u.rsplit(":", 1)[1]) for u in app_urls]
    url = f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kcm-proxy-") as tmp:
        cfg = Path(tmp) / "haproxy.cfg"
        cfg.write_text(config_for(ports), encoding="utf-8")
        env = {**os.environ, PROXY_PORT_ENV: str(port)}
        with log.open("w", encoding="utf-8") as out:
            proxy = subprocess.Popen(
                [binary, "-f", str(cfg), "-db"], stdout=out, stderr=subprocess.STDOUT, env=env
            )
            try:
                wait_healthy(url, proxy, timeout_s, log, name="haproxy")
                yield url
            finally:
                stop(proxy, grace_s=10)


@contextmanager
def running_several(
    processes: int,
    log_dir: Path,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
    app_ports: Sequence[int] | None = None,
    timeout_s: float = 120,
) -> Iterator[Several]:
    """``processes`` apps (environment ``env``; on ``app_ports``, default free ones) and HAProxy
    in front (on ``port``, default a free one); all stopped afterwards, the proxy first."""
    if processes < 1:
        raise ValueError("processes must be at least 1")
    ports: Sequence[int | None] = [None] * processes if app_ports is None else app_ports
    if len(ports) != processes:
        raise ValueError(f"{processes} processes but {len(ports)} app ports")
    logs = tuple(log_dir / f"several-app{k}.log" for k in range(1, processes + 1))
    proxy_log = log_dir / "several-haproxy.log"
    with ExitStack() as stack:
        urls = _start_apps(stack, logs, ports, env, timeout_s)
        url = stack.enter_context(running_proxy(urls, proxy_log, port))
        yield Several(url, tuple(urls), proxy_log, logs)


def _stop(_signum: int, _frame: FrameType | None) -> None:
    """SIGTERM/SIGHUP unwind like Ctrl-C, so every process started here is stopped."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/serve-several.sh",
        description="N app processes on loopback ports behind HAProxy with sticky sessions.",
    )
    parser.add_argument("processes", type=int, help="app processes (one per core is a start)")
    parser.add_argument("--port", type=int, default=8600, help="the proxy's port (8600)")
    parser.add_argument(
        "--first-app-port", type=int, default=8601, help="app K listens on this + K - 1 (8601)"
    )
    parser.add_argument(
        "--logs", type=Path, default=ROOT / "artifacts", help="log folder (artifacts/)"
    )
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error("processes must be at least 1")
    app_ports = [args.first_app_port + k for k in range(args.processes)]
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    try:
        with running_several(args.processes, args.logs, port=args.port, app_ports=app_ports) as s:
            apps = ", ".join(s.app_urls)
            print(f"Karabakh Conflict Map on {s.url} ({args.processes} processes: {apps})")
            print(f"logs: {s.proxy_log} and {args.logs}/several-app*.log; Ctrl-C stops all")
            sys.stdout.flush()
            signal.pause()
    except KeyboardInterrupt:
        print("stopping ...", file=sys.stderr)
    except AppStartError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
