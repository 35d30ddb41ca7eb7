"""No helper outlives a killed parent: the guard itself, and the PNG export's Chromium when
``kcm briefing png`` is SIGKILLed mid-render (issue #9). Every wait polls with a deadline."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from src.procguard import ENV_VAR

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "valid"
DEADLINE_S = 60.0


def _state(pid: int) -> str | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()[0]


def _alive(pid: int) -> bool:
    return _state(pid) not in (None, "Z", "X")  # a zombie has exited; only its entry is left


def _with_marker(prefix: str) -> list[int]:
    """Living processes whose environment has ``KCM_GUARD_MARKER=<prefix>…``."""
    needle = f"{ENV_VAR}={prefix}".encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            environ = Path(f"/proc/{name}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(e.startswith(needle) for e in environ) and _alive(int(name)):
            found.append(int(name))
    return found


def _children(pid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                text = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            if int(text[text.rindex(")") + 2 :].split()[1]) == pid:
                out.append(int(name))
    return out


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in _children(todo.pop()):
            found.add(child)
            todo.append(child)
    return found


def _until(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


GUARDED = textwrap.dedent(
    """
    import subprocess, sys, time
    from src.procguard import Guard
    guard = Guard().__enter__()
    # one helper in a session of its own, told the marker; one plain child, not told
    marked = subprocess.Popen(["sleep", "1000"], env=guard.environ(), start_new_session=True)
    plain = subprocess.Popen(["sleep", "1000"], start_new_session=True)
    time.sleep(1)  # the parent works on for a moment, as a render does; the watcher looks
    print(marked.pid, plain.pid, flush=True)
    if sys.argv[1] == "exit":
        guard.__exit__(None, None, None)
        print("done", flush=True)
    sys.stdin.read()
    """
)


def _start_guarded(mode: str) -> tuple[subprocess.Popen[str], int, int]:
    proc = subprocess.Popen(
        [sys.executable, "-c", GUARDED, mode],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    marked, plain = (int(p) for p in proc.stdout.readline().split())
    return proc, marked, plain


def test_the_guard_kills_marked_and_seen_helpers_when_its_parent_is_killed() -> None:
    proc, marked, plain = _start_guarded("stay")
    try:
        assert _alive(marked)
        assert _alive(plain)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        _until(lambda: not _alive(marked) and not _alive(plain), "the helpers to die")
    finally:
        for pid in (marked, plain):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_normal_exit_kills_only_the_marked_helpers() -> None:
    proc, marked, plain = _start_guarded("exit")
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "done"  # the guard has finished its sweep
        assert not _alive(marked)
        assert _alive(plain)  # the parent lives on: its other children are its business
    finally:
        proc.kill()
        proc.wait(30)
        if _alive(plain):
            os.kill(plain, signal.SIGKILL)


def test_a_killed_png_export_leaves_no_browser_behind(tmp_path: Path) -> None:
    out = tmp_path / "view.png"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "src.briefing",
            "png",
            "--out",
            str(out),
            "--data",
            str(SMALL),
            "--offline",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    prefix = f"{proc.pid}-"
    helpers: set[int] = set()
    try:
        _until(lambda: _with_marker(prefix) or proc.poll() is not None, "Chromium to start")
        assert proc.poll() is None, "the export finished before its browser was seen"
        helpers = _descendants(proc.pid) | set(_with_marker(prefix))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        _until(
            lambda: not _with_marker(prefix) and not any(_alive(p) for p in helpers),
            "the driver and Chromium to die",
        )
    finally:
        for pid in helpers | set(_with_marker(prefix)):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert len(helpers) >= 2  # the Playwright driver and at least the browser were there
    assert not out.exists()
