"""A session's first view of the map: the map alone, then the whole page (src/ui/shell.prepare).

The map's frame reports its first drawn claims (static/kcm/map.js), which reruns the page; in
AppTest, with no frame, a plain rerun stands for that report.
"""

from __future__ import annotations

from pathlib import Path

from src.ui.sidebar import FILTERS_PENDING_KEY

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = str(ROOT / "tests" / "fixtures" / "valid")
MAP_JS = ROOT / "static" / "kcm" / "map.js"


def headline(at) -> str:
    return next(m.value for m in at.markdown if "claims shown" in m.value)


def test_the_first_view_draws_the_map_before_the_filters(app_factory):
    at = app_factory(FIXTURE, map_first=True, side="Azerbaijan", period="offensive")
    assert not at.exception
    # the view is the link's, read without drawing the filters
    assert headline(at).startswith("**1 of 4 claims shown**")
    assert not at.sidebar.multiselect
    assert not at.sidebar.radio
    assert not at.sidebar.slider
    assert [b.label for b in at.sidebar.button] == ["Show the filters now"]
    assert any("as soon as the map is drawn" in c.value for c in at.sidebar.caption)
    # nothing under the map yet: no sources line, no tables
    assert not any(m.value.startswith("**Sources:**") for m in at.markdown)
    assert not at.subheader

    at.run()  # the map's report (or the button): the whole page, with the same view
    assert not at.exception
    assert headline(at).startswith("**1 of 4 claims shown**")
    assert at.multiselect(key="f_sides").value == ["Azerbaijan"]
    assert at.radio(key="f_period").value == "offensive"
    assert FILTERS_PENDING_KEY not in [b.key for b in at.sidebar.button]
    assert any(m.value.startswith("**Sources:**") for m in at.markdown)
    # and the link still says what it said
    side = at.query_params["side"]
    assert (side if isinstance(side, list) else [side]) == ["Azerbaijan"]


def test_the_button_shows_the_filters_if_the_map_never_reports(app_factory):
    at = app_factory(FIXTURE, map_first=True)
    at.sidebar.button(key=FILTERS_PENDING_KEY).click().run()
    assert not at.exception
    assert at.radio(key="f_period").value == "all"
    assert at.multiselect(key="f_sides").value == []


def test_only_the_first_run_of_a_session_on_the_map_is_map_first(app_factory):
    # another page first: the session's first run is not the map's, so the map is whole
    at = app_factory(FIXTURE, page="pages/Sources.py", map_first=True)
    assert not at.exception
    assert at.sidebar.multiselect  # the filters are drawn on the Sources page
    at.switch_page("pages/Map.py").run()
    assert at.multiselect(key="f_sides") is not None
    assert FILTERS_PENDING_KEY not in [b.key for b in at.sidebar.button]


def test_a_link_asking_for_playback_or_the_briefing_gets_the_whole_page(app_factory):
    for params in ({"playback": "1"}, {"briefing": "1"}):
        at = app_factory(FIXTURE, map_first=True, **params)
        assert not at.exception
        assert FILTERS_PENDING_KEY not in [b.key for b in at.sidebar.button], params


def test_the_frame_looks_for_the_button_the_sidebar_draws():
    # the one contract between the page and its map's frame: the button's key, which
    # Streamlit puts in the element's class as st-key-<key>
    assert f'"st-key-{FILTERS_PENDING_KEY}"' in MAP_JS.read_text(encoding="utf-8")
