"""Every page of the app on a data folder holding imported datasets beside the articles: no
page breaks on their claims (Unknown sides, blank v6 sub-types, dataset places, ranges)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from src.dataset import DATA_DIR, load_dataset
from src.importers import apply_import, plan_import

FIXTURES = Path(__file__).parent / "fixtures" / "import"
PAGES = [None, "pages/Claims.py", "pages/Timeline.py", "pages/Sources.py", "pages/Places.py"]


@pytest.fixture(scope="module")
def imported_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("imports") / "data"
    shutil.copytree(DATA_DIR, target)
    for name in ("acled_current.csv", "acled_v6_realtime.csv", "ucdp_ged.csv"):
        apply_import(plan_import(target, FIXTURES / name))
    return target


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_with_imported_claims(app_factory, imported_dir: Path, page: str | None) -> None:
    at = app_factory(imported_dir, page)
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(str(m.value) for m in at.markdown) + " ".join(str(c.value) for c in at.caption)
    if page is None:  # the map page counts every claim, the imported ones included
        total = len(load_dataset(imported_dir).events)
        assert f"of {total}" in shown
