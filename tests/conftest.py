"""Shared fixtures, each loaded once per session: ``small`` (the hand-made dataset under
tests/fixtures/valid, for exact expectations) and ``bundled`` (the app's own data/, for
expectations computed from it). Tests must not mutate them: copy a frame before changing it.
``data_dir`` is a writable copy of data/ for tests that import or save into it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from src.dataset import DATA_DIR, Dataset, load_dataset

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def small() -> Dataset:
    return load_dataset(FIXTURES / "valid")


@pytest.fixture(scope="session")
def bundled() -> Dataset:
    return load_dataset()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled data folder, without the local snapshot cache or lock
    (a test sees what a fresh clone has)."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("cache", ".kcm-*"))
    return target


# --- the app under Streamlit's AppTest (stream "shell") ----------------------------------------
# One factory for every AppTest file: the shell (dashboard.py) on a data folder, with URL
# parameters for its first run (where the session reads the URL), then optionally a page.

APP = Path(__file__).resolve().parent.parent / "dashboard.py"


@pytest.fixture
def app_factory(monkeypatch: pytest.MonkeyPatch):
    """``make(data_dir, page=None, **params)``: a run AppTest of the whole app."""
    from streamlit.testing.v1 import AppTest

    def make(data_dir: str | Path, page: str | None = None, **params: str) -> AppTest:
        monkeypatch.setenv("KCM_DATA_DIR", str(data_dir))
        at = AppTest.from_file(str(APP), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if page is not None and not at.exception:
            at.switch_page(page).run()  # AppTest opens a page only after a first run
        return at

    return make
