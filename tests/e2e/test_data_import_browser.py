"""Importing a file through the Data page in real Chromium: upload, check, import, and the
imported events are on the map at once, credited in the legend, their hostile notes shown as
text in the popup (no element injected, no script run)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT, app_on_data_copy, settled, whole_page
from tests.e2e.mapprobe import map_frame, open_popup, wait_for_claims

pytestmark = pytest.mark.e2e

ACLED = ROOT / "tests" / "fixtures" / "dataui" / "acled_small.csv"
DATASET = "ACLED e2e"
DATASET_ID = "acled_e2e"


@pytest.fixture
def data_app(tmp_path: Path) -> Iterator[str]:
    """The app on a copy of the bundled data, which the test imports into."""
    with app_on_data_copy(tmp_path, "e2e-data-streamlit.log") as url:
        yield url


def test_import_through_the_data_page_puts_the_events_on_the_map(page: Page, data_app: str):
    page.goto(f"{data_app}/Data")
    expect(page.get_by_text("Datasets loaded")).to_be_visible(timeout=90_000)
    settled(page)
    page.locator("input[type='file']").set_input_files(str(ACLED))
    expect(page.get_by_text("Column mapping")).to_be_visible(timeout=60_000)
    name = page.get_by_role("textbox", name="Dataset name")
    name.fill(DATASET)
    name.press("Enter")
    settled(page)
    page.get_by_role("button", name="Check the import").click()
    expect(page.get_by_text("row-level problem(s)")).to_be_visible(timeout=60_000)
    problems = page.get_by_test_id("stCode")  # the report's problem list, not the preview note
    expect(problems.get_by_text("acled_small.csv:4: latitude")).to_be_visible()
    page.get_by_role("button", name=f"Import 2 claim(s) into “{DATASET}”").click()
    expect(page.get_by_text("Imported.")).to_be_visible(timeout=60_000)
    settled(page)

    page.goto(f"{data_app}/?dataset={DATASET_ID}")
    expect(page.get_by_text("2 of 122 claims shown").first).to_be_visible(timeout=90_000)
    wait_for_claims(page, 2)
    frame = map_frame(page)
    legend = frame.locator(".kcm-legend").inner_text()
    assert "Datasets shown" in legend
    assert DATASET in legend
    assert "ACLED" in legend.split("Datasets shown", 1)[1]
    text = open_popup(frame, f"{DATASET_ID}:ARM9001")
    assert '<img src=x onerror="window.kcmPwned=1">' in text  # the notes, as text
    assert "<b id=kcm-injected>bold</b>" in text
    assert "Ստեփանակերտ" in text
    assert frame.locator("#kcm-injected").count() == 0
    assert frame.locator(".leaflet-popup-content img").count() == 0
    assert frame.evaluate("() => window.kcmPwned === undefined")
    whole_page(page)  # the page under the map and the filters (its notes in the options)
    assert page.locator("#kcm-injected").count() == 0
