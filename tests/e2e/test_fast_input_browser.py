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
from tests.e2e.mapprobe import wait_for_claims

pytestmark = pytest.mark.e2e

SIDEBAR = "[data-testid='stSidebar']"


@pytest.fixture(scope="module")
def data():
    return load_dataset()


def located(data, state: FilterState) -> int:
    shown = apply_filters(data.events, state)
    return int((shown["place_id"] != "").sum())


def settled(page: Page) -> None:
    """Wait until no script run is in progress (the status widget is gone)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def test_fast_slider_presses_end_where_the_keys_left_it(page: Page, app_url, data):
    page.goto(f"{app_url}/?period=offensive")
    wait_for_claims(page, located(data, FilterState(period="offensive")))
    thumb = page.locator(f"{SIDEBAR} [data-testid='stSlider'] input[type='range']").last
    thumb.focus()
    for key in ("ArrowLeft", "ArrowLeft", "ArrowRight", "ArrowLeft", "ArrowLeft"):
        page.keyboard.press(key)  # no delay: each press starts a rerun before the last ends
    state = FilterState(period="offensive", date_to=date(2023, 9, 19))
    page.wait_for_url(re.compile(r"to=2023-09-19"))
    wait_for_claims(page, located(data, state))
    settled(page)
    expect(thumb).to_have_attribute("aria-valuetext", "19 Sep 2023")
    assert "to=2023-09-19" in page.url and "period=offensive" in page.url
    wait_for_claims(page, located(data, state))  # and the map still agrees once all is quiet
    counted = len(apply_filters(data.events, state))
    expect(page.get_by_text(f"{counted} of {len(data.events)} claims shown").first).to_be_visible()


def test_fast_filter_clicks_end_on_the_last_choice(page: Page, app_url, data):
    page.goto(app_url)
    wait_for_claims(page, located(data, FilterState()))
    sidebar = page.locator(SIDEBAR)
    for label in ("Blockade", "Offensive", "All dates", "Background", "Offensive"):
        sidebar.get_by_text(re.compile(rf"^{label}")).first.click()  # one after the other
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
