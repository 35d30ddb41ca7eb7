"""Fast input in a real browser: key presses and clicks quicker than the reruns they start.

Each press starts its own rerun, and a rerun can reach the server with the query string from
before the previous rerun's update. The widgets must stay the truth: after the burst, the
slider, the markers drawn and the URL all say what the last input said.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from src.dataset import load_dataset
from src.filters import FilterState, apply_filters
from tests.e2e.conftest import settled
from tests.e2e.mapprobe import wait_for_claims

pytestmark = pytest.mark.e2e

SIDEBAR = "[data-testid='stSidebar']"


@pytest.fixture(scope="module")
def data():
    return load_dataset()


def located(data, state: FilterState) -> int:
    shown = apply_filters(data.events, state)
    return int((shown["place_id"] != "").sum())


def test_fast_slider_presses_end_where_the_keys_left_it(page: Page, app_url, data):
    page.goto(f"{app_url}/?period=blockade")
    wait_for_claims(page, located(data, FilterState(period="blockade")))
    thumbs = page.locator(f"{SIDEBAR} [data-testid='stSlider'] input[type='range']")
    # no delay between presses: each starts a rerun before the last one ends. The final
    # value is reached only by the last press, so seeing it means every press was handled.
    thumbs.first.focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowLeft", "ArrowRight", "ArrowRight"):
        page.keyboard.press(key)  # 12 Dec 2022 -> 15 Dec 2022
    thumbs.last.focus()
    for key in ("ArrowLeft", "ArrowLeft", "ArrowRight", "ArrowLeft", "ArrowLeft"):
        page.keyboard.press(key)  # 18 Sep 2023 -> 15 Sep 2023
    state = FilterState(period="blockade", date_from=date(2022, 12, 15), date_to=date(2023, 9, 15))
    page.wait_for_url(re.compile(r"from=2022-12-15.*to=2023-09-15"))
    wait_for_claims(page, located(data, state))
    settled(page)
    expect(thumbs.first).to_have_attribute("aria-valuetext", "15 Dec 2022")
    expect(thumbs.last).to_have_attribute("aria-valuetext", "15 Sep 2023")
    assert "from=2022-12-15" in page.url
    assert "to=2023-09-15" in page.url
    assert "period=blockade" in page.url
    wait_for_claims(page, located(data, state))  # and the map still agrees once all is quiet
    counted = len(apply_filters(data.events, state))
    expect(page.get_by_text(f"{counted} of {len(data.events)} claims shown").first).to_be_visible()


def test_fast_filter_clicks_end_on_the_last_choice(page: Page, app_url, data):
    page.goto(app_url)
    wait_for_claims(page, located(data, FilterState()))
    sidebar = page.locator(SIDEBAR)
    # one after the other, no waiting; only the last click chooses the offensive
    for label in ("Blockade", "Background", "All dates", "Blockade", "Offensive"):
        sidebar.get_by_text(re.compile(rf"^{label}")).first.click()
    state = FilterState(period="offensive")
    page.wait_for_url(re.compile(r"period=offensive"))
    wait_for_claims(page, located(data, state))
    settled(page)
    checked = sidebar.locator("[data-testid='stRadio'] input:checked")
    expect(checked).to_have_count(1)
    expect(sidebar.locator("[data-testid='stRadio'] label:has(input:checked)")).to_contain_text(
        "Offensive"
    )
    assert re.search(r"period=offensive(&|$)", page.url)
    wait_for_claims(page, located(data, state))
    counted = len(apply_filters(data.events, state))
    expect(page.get_by_text(f"{counted} of {len(data.events)} claims shown").first).to_be_visible()
