"""The dashboard page under Streamlit's AppTest: widgets, URL parameters, captions, notices."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = str(ROOT / "tests" / "fixtures" / "valid")


@pytest.fixture
def app(app_factory):
    def make(data_dir: str = FIXTURE, **params: str) -> AppTest:
        return app_factory(data_dir, **params)

    return make


def param(at: AppTest, key: str) -> list[str]:
    value = at.query_params[key]
    return [value] if isinstance(value, str) else list(value)


def as_shown(markdown: str) -> str:
    """Escaped markdown (``src.analysis.text.md``) as the reader sees it: escapes undone."""
    return re.sub(r"\\(.)", r"\1", markdown)


def headline(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "claims shown" in m.value)


def test_default_view_shows_everything(app):
    at = app()
    assert not at.exception
    assert headline(at).startswith("**4 of 4 claims shown**")
    assert at.radio(key="f_period").value == "all"
    assert dict(at.query_params) == {}


def test_unlocated_claims_are_listed(app):
    at = app()
    assert any("Claims with no place (1)" in s.value for s in at.subheader)


def test_url_sets_widgets(app):
    at = app(period="offensive", side="Azerbaijan", source="a001")
    assert at.radio(key="f_period").value == "offensive"
    assert at.multiselect(key="f_sides").value == ["Azerbaijan"]
    assert at.multiselect(key="f_sources").value == ["a001"]
    assert headline(at).startswith("**1 of 4 claims shown**")


def test_widget_change_updates_url_and_count(app):
    at = app()
    at.multiselect(key="f_types").set_value(["Statements and talks"]).run()
    assert param(at, "type") == ["Statements and talks"]
    assert headline(at).startswith("**2 of 4 claims shown**")
    at.radio(key="f_period").set_value("blockade").run()
    assert param(at, "period") == ["blockade"]
    assert headline(at).startswith("**0 of 4 claims shown**")
    assert any("No claims match" in i.value for i in at.info)


def test_date_range_in_url(app):
    at = app(**{"from": "2023-09-20", "to": "2023-09-20"})
    assert headline(at).startswith("**1 of 4 claims shown**")
    assert at.slider(key="f_range_all").value[0].isoformat() == "2023-09-20"


def test_bad_url_values_give_a_notice_not_a_crash(app):
    at = app(period="war", side="Martians", to="not-a-date", evil="<script>")
    assert not at.exception
    text = as_shown(" ".join(w.value for w in at.warning))  # the notices are escaped
    assert "'war'" in text
    assert "Martians" in text
    assert "not-a-date" in text
    assert "evil" in text
    assert headline(at).startswith("**4 of 4 claims shown**")
    # the URL is cleaned so that a copied link carries only what was understood
    assert "side" not in at.query_params
    assert "period" not in at.query_params


def test_broken_data_shows_the_problems(app):
    at = app(str(ROOT / "tests" / "fixtures" / "broken"))
    assert not at.exception
    assert any("do not pass validation" in e.value for e in at.error)
    assert any("events.csv:3: date_end" in c.value for c in at.code)


def test_bundled_data_renders(app):
    at = app(str(ROOT / "data"))
    assert not at.exception
    assert "claims shown" in headline(at)


def test_basemap_lives_in_the_url(app):
    at = app(basemap="osm")
    assert at.selectbox(key="f_basemap").value == "osm"
    at.selectbox(key="f_basemap").set_value("none").run()
    assert param(at, "basemap") == ["none"]
    at.selectbox(key="f_basemap").set_value("light").run()
    assert "basemap" not in at.query_params


def test_unknown_basemap_is_a_notice(app):
    at = app(basemap="satellite")
    assert any("satellite" in w.value for w in at.warning)
    assert at.selectbox(key="f_basemap").value == "light"


def test_search_text_is_shown_literally_not_as_markdown(app):
    at = app(q="[x](javascript:alert(1)) **bold**")
    line = headline(at)
    assert "[x](javascript" not in line
    assert "**bold**" not in line
    assert "\\[x\\]" in line
    assert "\\*\\*bold\\*\\*" in line


def test_playback_above_its_cap_says_how_to_narrow(app, monkeypatch):
    """Above the cap the map stays clustered and says why; at the cap playback runs."""
    import src.mapview.playback as playback

    monkeypatch.setattr(playback, "PLAYBACK_CAP", 1)
    at = app()
    at.toggle(key="f_playback").set_value(True).run()
    assert not at.exception
    warning = next(w.value for w in at.warning if "Playback draws at most" in w.value)
    assert "at most 1 claims and this view has 3 with a place" in warning
    assert "narrow the period or date range" in warning
    monkeypatch.setattr(playback, "PLAYBACK_CAP", 3)
    at.run()
    assert not at.exception
    assert not any("Playback draws at most" in w.value for w in at.warning)
