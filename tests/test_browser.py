"""Which browser src.browser picks: the configured one, then Debian's, then one on the PATH."""

from __future__ import annotations

from pathlib import Path

import pytest

from src import browser


def executable(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_configured_path_wins_even_when_missing(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    assert browser.chromium_path({"KCM_CHROMIUM": missing, "PATH": ""}) == missing


def test_debian_launcher_before_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    debian = executable(tmp_path, "debian-chromium")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    executable(bindir, "google-chrome")
    monkeypatch.setattr(browser, "DEFAULT_PATH", str(debian))
    assert browser.chromium_path({"PATH": str(bindir)}) == str(debian)


def test_falls_back_to_a_chrome_on_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browser, "DEFAULT_PATH", str(tmp_path / "absent"))
    chrome = executable(tmp_path, "google-chrome")
    assert browser.chromium_path({"PATH": str(tmp_path)}) == str(chrome)
    assert browser.chromium_path({"PATH": str(tmp_path / "empty")}) is None


def test_render_uses_the_shared_definition() -> None:
    from src.briefing import render

    assert render.chromium_path is browser.chromium_path
    assert render.CHROMIUM_ARGS is browser.CHROMIUM_ARGS
