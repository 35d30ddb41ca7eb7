"""The briefing view and "Share & export" on the dashboard, under Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from src.briefing.frame import CAVEAT_LINE, DEFAULT_TITLES

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = str(ROOT / "tests" / "fixtures" / "valid")


@pytest.fixture
def app(app_factory):
    def make(**params: str) -> AppTest:
        return app_factory(FIXTURE, **params)

    return make


def frame_html(at: AppTest) -> str:
    frames = [e for e in at.get("iframe") if "kcm-briefing-frame" in e.proto.srcdoc]
    assert len(frames) == 1, "expected the briefing frame once on the page"
    return frames[0].proto.srcdoc


def buttons(at: AppTest) -> dict[str, object]:
    return {b.key: b for b in at.get("download_button")}


def test_briefing_param_shows_the_frame_instead_of_the_page(app):
    at = app(briefing="1", period="offensive", side="Azerbaijan")
    assert not at.exception
    html = frame_html(at)
    assert DEFAULT_TITLES["offensive"].replace("'", "&#x27;") in html
    assert CAVEAT_LINE in html
    assert "claimant side: Azerbaijan" in html
    assert at.toggle(key="b_toggle_main").value is True
    assert not [t for t in at.toggle if t.key == "b_toggle_sidebar"]
    assert not any("claims shown**" in m.value for m in at.markdown)  # the normal page is gone
    assert [s.value for s in at.subheader] == ["Share & export"]
    assert any("display: none" in str(e.proto) for e in at.get("html"))  # sidebar hidden


def test_title_typed_by_the_user_goes_into_the_frame(app):
    at = app(briefing="1")
    at.text_input(key="b_title").input("Situation 20 Sept — <b>draft</b>").run()
    html = frame_html(at)
    assert "Situation 20 Sept — &lt;b&gt;draft&lt;/b&gt;" in html


def test_sidebar_toggle_turns_the_briefing_view_on_and_off(app):
    at = app(period="offensive")
    assert at.toggle(key="b_toggle_sidebar").value is False
    assert not [e for e in at.get("iframe") if "kcm-briefing-frame" in e.proto.srcdoc]
    at.toggle(key="b_toggle_sidebar").set_value(True).run()
    assert at.query_params["briefing"] in ("1", ["1"])
    assert at.query_params["period"] in ("offensive", ["offensive"])  # filters kept
    frame_html(at)
    at.toggle(key="b_toggle_main").set_value(False).run()
    assert "briefing" not in at.query_params
    assert any("claims shown**" in m.value for m in at.markdown)


def test_exports_and_links_on_the_normal_page(app):
    at = app(period="offensive", side="Azerbaijan")
    assert set(buttons(at)) == {
        "b_png_1920x1080",
        "b_png_1280x720",
        "b_html",
        "b_csv",
        "b_geojson",
        "b_acled",
    }
    links = [c.value for c in at.code]
    assert any(
        "period=offensive" in link and "side=Azerbaijan" in link and "briefing" not in link
        for link in links
    )
    assert any("briefing=1" in link and "side=Azerbaijan" in link for link in links)


def test_png_buttons_say_when_no_browser_is_available(app, monkeypatch, tmp_path):
    monkeypatch.setenv("KCM_CHROMIUM", str(tmp_path / "missing-chromium"))
    at = app(briefing="1")
    png = buttons(at)["b_png_1920x1080"]
    assert png.proto.disabled
    assert "needs a browser" in png.label
    errors = " ".join(e.value for e in at.error)
    assert "PNG export is unavailable" in errors
    assert "apt-get install chromium" in errors
    assert not buttons(at)["b_csv"].proto.disabled
