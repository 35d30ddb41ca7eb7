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
    """``make(data_dir, page=None, map_first=False, **params)``: a run AppTest of the app."""
    from streamlit.testing.v1 import AppTest

    def make(
        data_dir: str | Path, page: str | None = None, map_first: bool = False, **params: str
    ) -> AppTest:
        from src.ui.shell import FIRST_RUN_DONE

        monkeypatch.setenv("KCM_DATA_DIR", str(data_dir))
        at = AppTest.from_file(str(APP), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        # A session's first view of the map draws the map alone until the map's frame reports
        # it drawn (src/ui/shell.prepare), which AppTest, with no browser, never does: the
        # whole page is tested unless ``map_first`` (tests/test_app_map_first.py); the browser
        # tests go through both runs.
        if not map_first:
            at.session_state[FIRST_RUN_DONE] = True
        at.run()
        if page is not None and not at.exception:
            at.switch_page(page).run()  # AppTest opens a page only after a first run
        return at

    return make
