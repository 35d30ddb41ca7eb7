"""A watcher that kills a process's helper processes (the PNG export's Playwright driver and
Chromium) when that process dies, even by SIGKILL, which no ``finally`` survives.

:class:`Guard` starts this file as a separate Python process in its own session (so a Ctrl-C
or a kill of the parent's process group does not take it down before it has cleaned up),
connected by a pipe that only the parent holds open. While the pipe is open the watcher keeps
a list of the parent's descendants. When it closes without the parent's "done" line (the
parent died: the kernel closes it), the watcher kills those that still run and every process
whose environment carries the guard's marker (``ENV_VAR=<marker>``), which also catches what
started after the last look; after "done" only the marked ones. Linux only (``/proc``);
elsewhere the guard does nothing.

Pure standard library, and runnable as a script with no package on ``sys.path``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Final

#: Set in the environment of every process the guarded code starts (``Guard.environ``).
ENV_VAR: Final = "KCM_GUARD_MARKER"
PROC: Final = Path("/proc")
#: How often the watcher refreshes its list of descendants.
POLL_S: Final = 0.2
#: What the parent writes before a normal close (no line: it died).
DONE: Final = b"done\n"
#: How long the watcher keeps killing after the parent is gone.
KILL_DEADLINE_S: Final = 10.0

Identity = tuple[int, str]  # pid and start time: a pid alone may be reused


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, start time) of ``pid`` from /proc, or None when it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the name may contain spaces and ")"
    return int(fields[1]), fields[19]


def _pids() -> list[int]:
    try:
        return [int(n) for n in os.listdir(PROC) if n.isdigit()]
    except OSError:
        return []


def descendants(root: int) -> set[Identity]:
    """Every living process below ``root``, with its start time."""
    parents: dict[int, list[tuple[int, str]]] = {}
    for pid in _pids():
        info = _stat(pid)
        if info is not None:
            parents.setdefault(info[0], []).append((pid, info[1]))
    found: set[Identity] = set()
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child[0])
    return found


def marked(marker: str) -> set[Identity]:
    """Every living process whose environment has ``ENV_VAR=marker``."""
    needle = f"{ENV_VAR}={marker}".encode()
    found: set[Identity] = set()
    for pid in _pids():
        try:
            environ = (PROC / str(pid) / "environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            info = _stat(pid)
            if info is not None:
                found.add((pid, info[1]))
    return found


def _kill(targets: set[Identity]) -> set[Identity]:
    """SIGKILL those still running as the same process; returns those still there."""
    alive: set[Identity] = set()
    for pid, started in targets:
        info = _stat(pid)
        if info is None or info[1] != started:
            continue  # gone, or the pid now belongs to someone else
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
        alive.add((pid, started))
    return alive


def watch(parent: int, marker: str, pipe: int) -> None:
    """The watcher's work: follow ``parent`` until ``pipe`` closes, then kill its helpers."""
    seen: set[Identity] = set()
    me = os.getpid()
    said = b""
    while True:
        seen |= {d for d in descendants(parent) if d[0] != me}
        ready, _, _ = select.select([pipe], [], [], POLL_S)
        if ready:
            chunk = os.read(pipe, 4096)
            if not chunk:
                break
            said += chunk
    if said.endswith(DONE):
        # The parent lives on and may run other helpers (another render in the same server):
        # only this guard's own marked processes are fair game.
        seen = set()
    deadline = time.monotonic() + KILL_DEADLINE_S
    while time.monotonic() < deadline:
        # Zombies still show in /proc until reaped; a killed one has no environ to match.
        left = _kill(seen | marked(marker))
        left = {t for t in left if not _zombie(t[0])}
        if not left:
            return
        seen = left
        time.sleep(POLL_S)


def _zombie(pid: int) -> bool:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return True
    return text[text.rindex(")") + 2 :].split()[0] in ("Z", "X")


class Guard:
    """``with Guard() as guard:`` start helpers with ``env=guard.environ()``; they die with us.

    On a normal exit the watcher finds nothing left to kill and ends; the ``with`` waits for it.
    """

    def __init__(self) -> None:
        self.marker = f"{os.getpid()}-{secrets.token_hex(8)}"
        self._proc: subprocess.Popen[bytes] | None = None

    def environ(self) -> dict[str, str]:
        """This process's environment plus the marker, for the guarded helpers."""
        return {**os.environ, ENV_VAR: self.marker}

    def __enter__(self) -> Guard:
        if PROC.is_dir():
            self._proc = subprocess.Popen(
                [
                    sys.executable,
                    "-I",
                    str(Path(__file__).resolve()),
                    str(os.getpid()),
                    self.marker,
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._proc is None:
            return
        if self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.write(DONE)
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=KILL_DEADLINE_S + 5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


if __name__ == "__main__":
    watch(int(sys.argv[1]), sys.argv[2], sys.stdin.fileno())
