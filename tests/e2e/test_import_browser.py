"""Imported datasets in a real headless Chromium through the real app (issue #10): the
imported claims are on the map beside the articles, and hostile text from an imported file
(``<script>``, ``&``, quotes, ``<b>``, RTL marks, Armenian and Russian) shows as text in the
popup, runs nothing and adds no element."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Dialog, Page

from src.appserver import AppStartError, running_app
from src.importers import apply_import, plan_import
from tests.e2e.conftest import ARTIFACTS, STARTUP_TIMEOUT_S, require_map_assets
from tests.e2e.mapprobe import map_frame, open_popup

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "import"


@pytest.fixture(scope="module")
def imported_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a copy of the bundled data with an ACLED and a UCDP file imported."""
    require_map_assets()
    data_dir = tmp_path_factory.mktemp("e2e-import") / "data"
    shutil.copytree(ROOT / "data", data_dir)
    apply_import(plan_import(data_dir, FIXTURES / "acled_current.csv", "acled_test"))
    apply_import(plan_import(data_dir, FIXTURES / "ucdp_ged.csv", "ucdp_test"))
    env = {**os.environ, "KCM_DATA_DIR": str(data_dir)}
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(
                running_app(ARTIFACTS / "e2e-import-streamlit.log", STARTUP_TIMEOUT_S, env)
            )
        except AppStartError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield url


def test_hostile_imported_text_is_text_in_the_popup(page: Page, imported_url: str) -> None:
    dialogs: list[str] = []

    def note(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", note)
    page.goto(imported_url)
    frame = map_frame(page, timeout=120)
    acled = open_popup(frame, "acled_test:AZE1001")
    assert '<script>alert(1)</script> & "shelling" near Khankendi; fatalities <10.' in acled
    assert "Ռազմական Ministry said: Вооружённые силы." in acled
    assert "Ministry of Defence of Azerbaijan" in acled
    page.goto(imported_url)  # one popup at a time
    frame = map_frame(page, timeout=120)
    ucdp = open_popup(frame, "ucdp_test:401")
    assert "Shelling of Stepanakert \u200fאבג\u200f <b>bold</b>" in ucdp
    popup = frame.locator(".leaflet-popup-content")
    assert popup.locator("script").count() == 0
    assert popup.locator("b", has_text="bold").count() == 0  # the popup's own <b> labels aside
    assert dialogs == []
