"""Adding an article through the Add article page in real Chromium: paste a short article,
propose, save, and the map's claims layer (``window.kcm.count()``) grows by the new claims, at
once and for a new visitor; "Show its claims on the map" opens the map filtered to them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import app_on_data_copy, settled
from tests.e2e.mapprobe import COUNT_JS, map_frame, wait_for_claims

pytestmark = pytest.mark.e2e

ARTICLE = (
    "Fuel depot blast near Stepanakert\n\n"
    "At least 68 people were killed and more than 200 wounded in an explosion at a fuel depot "
    "near Stepanakert on Monday evening, the Nagorno-Karabakh health ministry said on Tuesday."
)


@pytest.fixture
def data_app(tmp_path: Path) -> Iterator[str]:
    """The app on a copy of the bundled data, which the test saves into."""
    with app_on_data_copy(tmp_path, "e2e-ingest-streamlit.log") as url:
        yield url


def paste_and_propose(page: Page, url: str) -> None:
    page.goto(f"{url}/Add_article")
    box = page.get_by_role("textbox", name="The article's text")
    expect(box).to_be_visible(timeout=90_000)
    settled(page)
    box.fill(ARTICLE)
    box.press("Control+Enter")  # a text area's value is sent on Ctrl+Enter or blur
    settled(page)
    # the article's date field (year, month, day), not the sidebar's From and To
    page.get_by_test_id("stMain").get_by_role("spinbutton").first.focus()
    page.keyboard.type("20230926")
    page.keyboard.press("Escape")  # close the calendar it may open
    page.keyboard.press("Tab")
    settled(page)
    page.get_by_role("button", name="Propose claims").click()
    expect(page.get_by_text("To be saved:")).to_be_visible(timeout=90_000)
    settled(page)


def test_paste_save_and_the_map_has_the_new_claims(page: Page, data_app: str):
    page.goto(data_app)
    before = map_frame(page).evaluate(COUNT_JS)["claims"]

    paste_and_propose(page, data_app)
    page.get_by_role("button", name=re.compile(r"^Save the article and \d+ claim")).click()
    saved = page.get_by_text(re.compile(r"Saved article \S+: \d+ claim"))
    expect(saved).to_be_visible(timeout=90_000)
    match = re.search(r"Saved article (\S+): (\d+) claim", saved.inner_text())
    assert match, saved.inner_text()
    added = int(match.group(2))
    assert added >= 1
    settled(page)

    page.get_by_role("button", name="Show its claims on the map").click()
    expect(page.get_by_text(f"{added} of ").first).to_be_visible(timeout=90_000)
    wait_for_claims(page, added)  # only the new article's claims, all placed

    page.goto(data_app)  # a new visitor: every claim, the new ones included
    wait_for_claims(page, before + added)
