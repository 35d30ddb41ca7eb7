"""The four analysis pages under Streamlit's AppTest, checked against the data.

Expected values come from the same pure functions the pages call, applied to the data the page
loads, so a page that drops, double-counts or ignores a filter fails here.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from src.analysis.coverage import coverage_matrix
from src.analysis.incidents import contested_incidents
from src.analysis.timeline import chronology
from src.dataset import Dataset
from src.filters import FilterState, apply_filters

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = str(ROOT / "data")
FIXTURE = str(ROOT / "tests" / "fixtures" / "valid")
PAGES = {
    "claims": "pages/Claims.py",
    "timeline": "pages/Timeline.py",
    "sources": "pages/Sources.py",
    "places": "pages/Places.py",
}
AZ = FilterState(sides=("Azerbaijan",))


@pytest.fixture(scope="module")
def data(bundled: Dataset) -> Dataset:
    return bundled


@pytest.fixture
def app(app_factory):
    """Open a page (``None``: the map, the default page) on the bundled data."""

    def make(name: str | None, data_dir: str = BUNDLED, **params: str) -> AppTest:
        return app_factory(data_dir, PAGES[name] if name else None, **params)

    return make


def summary(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "claims in view" in m.value)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def chart_domain(at: AppTest) -> list[dict]:
    """The x domain of the page's one Vega-Lite chart (the timeline's span layer)."""
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    return spec["layer"][0]["encoding"]["x"]["scale"]["domain"]


def table(at: AppTest, index: int) -> pd.DataFrame:
    """An ``st.table``'s data with the markdown escaping the page applies undone."""
    return at.table[index].value.map(lambda v: unmd(v) if isinstance(v, str) else v)


def unmd(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


# --- all pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_bundled_data(app, data, name):
    at = app(name)
    assert not at.exception
    n = len(data.events)
    assert summary(at).startswith(f"**{n} of {n} claims in view**")
    assert any("not independently verified" in c.value for c in at.caption)
    assert not at.warning


@pytest.mark.parametrize("name", PAGES)
def test_side_in_the_url_narrows_the_page(app, data, name):
    at = app(name, side="Azerbaijan")
    assert not at.exception
    shown = len(apply_filters(data.events, AZ))
    assert 0 < shown < len(data.events)
    assert summary(at).startswith(f"**{shown} of {len(data.events)} claims in view**")
    assert at.multiselect(key="f_sides").value == ["Azerbaijan"]
    assert at.query_params["side"] in ("Azerbaijan", ["Azerbaijan"])


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_small_fixture(app, name):
    at = app(name, FIXTURE)
    assert not at.exception
    assert summary(at).startswith("**4 of 4 claims in view**")


@pytest.mark.parametrize("name", PAGES)
def test_broken_data_shows_the_problems(app, name):
    at = app(name, str(ROOT / "tests" / "fixtures" / "broken"))
    assert not at.exception
    assert any("do not pass validation" in e.value for e in at.error)


@pytest.mark.parametrize("name", PAGES)
def test_bad_url_gives_a_notice(app, name):
    at = app(name, side="Martians")
    assert not at.exception
    assert any("Martians" in w.value for w in at.warning)


# --- claims ----------------------------------------------------------------------------------


def test_claims_counts_contested_incidents(app, data):
    at = app("claims")
    contested = contested_incidents(data.events)
    assert len(contested) == 11
    assert metric(at, "Contested incidents") == str(len(contested))
    assert metric(at, "Incidents in view") == str(data.events["incident_id"].nunique())
    assert len(at.table) == data.events["incident_id"].nunique()  # one card each
    flagged = [
        m.value for m in at.markdown if m.value.startswith("#### ") and "contested" in m.value
    ]
    assert sorted(v.split(" ")[1] for v in flagged) == contested


def test_only_contested_toggle(app, data):
    at = app("claims")
    at.toggle(key="claims_only_contested").set_value(True).run()
    assert len(at.table) == len(contested_incidents(data.events))


def test_landmine_card_shows_every_claim_and_figure(app, data):
    at = app("claims")
    heads = [m.value for m in at.markdown if m.value.startswith("#### ")]
    card = table(at, next(i for i, h in enumerate(heads) if h.startswith("#### I017")))
    claims = data.events[data.events["incident_id"] == "I017"]
    assert sorted(card.index) == sorted(claims["event_id"])
    assert card.loc["E049", "Killed"] == "11"
    assert card.loc["E046", "Killed"] == "6"
    assert card.loc["E050", "Killed"] == "not stated"  # the denial states no figure
    assert card.loc["E050", "Status"] == "Disputed · issues a denial"
    assert "Azerbaijani authorities (Azerbaijan)" in card["Claimant (side)"].tolist()
    assert card.loc["E048", "Articles"].startswith("a003: ")
    assert "four police officers" in card.loc["E048", "Says"]  # the short quote
    text = " ".join(m.value for m in at.markdown)
    assert "Claimed killed differ \\(6, 11\\)" in text


def test_claims_side_filter_and_whole_incidents(app, data):
    at = app("claims", side="Azerbaijan")
    shown = apply_filters(data.events, AZ)
    assert metric(at, "Contested incidents") == str(len(contested_incidents(shown)))
    assert metric(at, "Claims compared") == str(len(shown))
    at.toggle(key="claims_whole").set_value(True).run()
    whole = data.events[data.events["incident_id"].isin(shown["incident_id"])]
    assert metric(at, "Claims compared") == str(len(whole))
    assert metric(at, "Contested incidents") == str(len(contested_incidents(whole)))


# --- timeline --------------------------------------------------------------------------------


def test_timeline_chronology_matches_data(app, data):
    at = app("timeline")
    days = chronology(data.events, {})
    heads = [s.value for s in at.subheader]
    assert len(heads) == len(days)
    tuesday = next(d for d in days if d.label == "Tuesday 19 September 2023")
    assert f"Tuesday 19 September 2023 · {len(tuesday.entries)} claim(s)" in heads
    assert chart_domain(at)[0]["year"] < 1990  # the whole window, back to the 1988 war
    assert at.radio(key="timeline_zoom").value == "window"
    at.radio(key="timeline_zoom").set_value("offensive").run()
    assert not at.exception
    lo, hi = chart_domain(at)
    assert (lo["year"], lo["month"], lo["date"]) == (2023, 9, 18)  # down to hours
    assert (hi["year"], hi["month"], hi["date"]) == (2023, 9, 21)


def test_timeline_side_filter(app, data):
    at = app("timeline", side="Azerbaijan")
    entries = [line for m in at.markdown for line in m.value.splitlines() if line.startswith("- ")]
    assert len(entries) == len(apply_filters(data.events, AZ))
    assert all("(Azerbaijan)" in line for line in entries)


# --- sources ---------------------------------------------------------------------------------


def test_sources_coverage_row_of_a003(app, data):
    at = app("sources")
    matrix = frame_with(at, "I001")
    expected = coverage_matrix(data.events, data.sources["source_id"])
    assert list(matrix.index) == list(data.sources["source_id"])
    assert matrix.loc["a003"].tolist() == expected.loc["a003"].tolist()
    assert matrix.loc["a003", "I026"] == 4
    assert matrix.loc["a003", "I002"] == 0
    articles = table(at, 0)
    carried = data.events["source_ids"].str.split(";").map(lambda ids: "a003" in ids)
    assert articles.loc["a003", "Claims"] == int(carried.sum())
    assert articles.loc["a003", "Incidents only it reports"] == "I014"
    assert len(at.expander) == len(data.sources)


def test_sources_side_filter(app, data):
    at = app("sources", side="Azerbaijan")
    matrix = frame_with(at, "I017")
    expected = coverage_matrix(apply_filters(data.events, AZ), data.sources["source_id"])
    assert matrix.loc["a003"].tolist() == expected.loc["a003"].tolist()
    assert (
        matrix.values.sum() < coverage_matrix(data.events, data.sources["source_id"]).values.sum()
    )
    disagreements = frame_with(at, "Discrepancy")
    assert set(disagreements["Incident"]) <= set(
        contested_incidents(apply_filters(data.events, AZ))
    )


# --- places ----------------------------------------------------------------------------------


def test_places_gazetteer_distance_and_stated_check(app, data):
    at = app("places")
    gaz = frame_with(at, "Claims in view").set_index("place_id")
    assert len(gaz) == len(data.places)
    counts = data.events["place_id"].value_counts()
    assert gaz.loc["nagorno_karabakh", "Claims in view"] == counts["nagorno_karabakh"]
    assert "Khankendi" in gaz.loc["stepanakert", "Aliases"]
    assert gaz.loc["yevlakh", "Coordinates from"].startswith("Wikipedia infobox")
    assert metric(at, "Geodesic distance") == "95.3 km"
    check = table(at, 0)
    assert check["As printed"].tolist()[0] == "60.0 km: too short (-37%)"
    assert check["Unit swapped"].tolist()[0] == "60 mi = 96.6 km: matches (+1%)"
    at.selectbox(key="distance_to").set_value("shusha").run()
    assert float(metric(at, "Geodesic distance").split()[0]) < 10


def test_places_filters(app, data):
    at = app("places", side="Azerbaijan")
    gaz = frame_with(at, "Claims in view").set_index("place_id")
    shown = apply_filters(data.events, AZ)["place_id"].value_counts()
    assert gaz.loc["baku", "Claims in view"] == shown["baku"]
    assert gaz.loc["yerevan", "Claims in view"] == 0 < gaz.loc["yerevan", "Claims in all"]
    at = app("places", source="a001")
    assert len(at.table) == 0  # a003 states the distance; a001 states none
    assert any("No stated distance" in c.value for c in at.caption)


# --- filters carry across pages ---------------------------------------------------------------


def test_filters_carry_from_the_map_to_a_page(app, data):
    at = app(None, side="Azerbaijan", period="offensive")
    at.switch_page(PAGES["claims"])
    at.query_params.clear()  # a browser's page switch drops the query string
    at.run()
    assert not at.exception
    state = FilterState(period="offensive", sides=("Azerbaijan",))
    shown = len(apply_filters(data.events, state))
    assert summary(at).startswith(f"**{shown} of {len(data.events)} claims in view**")
    assert at.query_params["side"] in ("Azerbaijan", ["Azerbaijan"])
    at.switch_page(PAGES["sources"])
    at.query_params.clear()
    at.run()
    assert summary(at).startswith(f"**{shown} of")


def test_a_pasted_link_wins_over_the_carried_filters(app, data):
    """A link pasted into the address bar reloads the page: a new session, read from the URL.
    Inside a session the widgets are the truth, so a stale query string changes nothing."""
    at = app("claims", side="Azerbaijan")
    at.query_params["side"] = "Armenia"  # what a late rerun with an old query string looks like
    at.run()
    az = len(apply_filters(data.events, AZ))
    assert summary(at).startswith(f"**{az} of")
    assert at.query_params["side"] in ("Azerbaijan", ["Azerbaijan"])  # rewritten from state
    at = app("claims", side="Armenia")  # the pasted link, in the session it opens
    shown = len(apply_filters(data.events, FilterState(sides=("Armenia",))))
    assert summary(at).startswith(f"**{shown} of")


def test_data_is_shown_as_written_not_as_markdown(app, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(FIXTURE, data_dir)
    events = data_dir / "events.csv"
    hostile = "*Bold* [link](http://e.vil) $x$ :red[red]"
    events.write_text(events.read_text().replace("NK officials", hostile), encoding="utf-8")
    at = app("claims", str(data_dir))
    assert not at.exception
    cell = at.table[0].value.loc["E001", "Claimant (side)"]
    assert "\\*Bold\\*" in cell
    assert "\\[link\\]\\(http" in cell
    assert "\\$x\\$" in cell
    assert unmd(cell) == f"{hostile} (Nagorno-Karabakh authorities)"
    at = app("timeline", str(data_dir))
    assert any("\\[link\\]" in m.value for m in at.markdown)


def test_places_map_uses_the_shared_basemap_and_it_carries(app):
    at = app(None, basemap="none", side="Azerbaijan")
    at.switch_page(PAGES["places"])
    at.query_params.clear()
    at.run()
    assert not at.exception
    assert at.selectbox(key="f_basemap").value == "none"
    assert at.query_params["basemap"] in ("none", ["none"])
    at.selectbox(key="f_basemap").set_value("osm").run()
    assert at.query_params["basemap"] in ("osm", ["osm"])
    assert at.query_params["side"] in ("Azerbaijan", ["Azerbaijan"])


# --- the shell: navigation, shared sidebar, URL on every page ---------------------------------


def test_navigation_registers_the_pages_with_titles_icons_and_paths(app):
    at = app(None, FIXTURE)
    # AppTest exposes what st.navigation registered only through this attribute
    pages = [
        (p["page_name"], p["icon"], p["url_pathname"], Path(p["script_path"]).name)
        for p in at._registered_pages.values()
    ]
    assert pages == [
        ("Map", ":material/map:", "", "Map.py"),
        ("Claims", ":material/balance:", "Claims", "Claims.py"),
        ("Timeline", ":material/timeline:", "Timeline", "Timeline.py"),
        ("Sources", ":material/newspaper:", "Sources", "Sources.py"),
        ("Places", ":material/place:", "Places", "Places.py"),
        ("Data", ":material/database:", "Data", "Data.py"),
        ("Add article", ":material/post_add:", "Add_article", "Add_article.py"),
    ]
    assert any("claims shown" in m.value for m in at.markdown)  # the map is the default page


def test_a_filter_set_on_the_map_stays_applied_on_every_page(app, data):
    at = app(None)
    at.multiselect(key="f_sides").set_value(["Azerbaijan"]).run()
    shown = len(apply_filters(data.events, AZ))
    for name in ("claims", "timeline", "sources", "places"):
        at.switch_page(PAGES[name]).run()
        assert not at.exception
        assert summary(at).startswith(f"**{shown} of {len(data.events)} claims in view**")
        assert at.multiselect(key="f_sides").value == ["Azerbaijan"]
        assert at.query_params["side"] in ("Azerbaijan", ["Azerbaijan"])


def test_the_sidebar_is_drawn_once_per_page(app):
    at = app("claims")
    assert [h.value for h in at.sidebar.header] == ["Filters"]
    assert len([s for s in at.sidebar.selectbox if s.key == "f_basemap"]) == 1


@pytest.mark.parametrize("name", PAGES)
def test_every_url_parameter_works_on_the_page(app, data, name):
    params = {
        "period": "offensive",
        "from": "2023-09-20",
        "to": "2023-09-20",
        "source": "a003",
        "side": "Azerbaijan",
        "type": "Statements and talks",
        "q": "armed formations",
        "basemap": "osm",
    }
    at = app(name, **params)
    assert not at.exception
    state = FilterState(
        period="offensive",
        date_from=date(2023, 9, 20),
        date_to=date(2023, 9, 20),
        sources=("a003",),
        sides=("Azerbaijan",),
        types=("Statements and talks",),
        text="armed formations",
    )
    shown = len(apply_filters(data.events, state))
    assert summary(at).startswith(f"**{shown} of {len(data.events)} claims in view**")
    assert {k: at.query_params[k] for k in params} == params  # written back from the widgets
    assert at.selectbox(key="f_basemap").value == "osm"


@pytest.mark.parametrize("name", ["claims", "sources"])
def test_claimant_and_actor_parameters_on_the_page(app, data, name):
    claimant = data.events["claimant"].iloc[0]
    actor = data.events["actor1"].iloc[0]
    at = app(name, claimant=claimant, actor=actor)
    state = FilterState(claimants=(claimant,), actors=(actor,))
    shown = len(apply_filters(data.events, state))
    assert 0 < shown < len(data.events)
    assert summary(at).startswith(f"**{shown} of")


def test_a_url_notice_stays_across_pages_until_a_filter_changes(app):
    at = app("claims", side="Martians")
    assert any("Martians" in w.value for w in at.warning)
    at.switch_page(PAGES["timeline"]).run()
    assert any("Martians" in w.value for w in at.warning)
    at.radio(key="f_period").set_value("offensive").run()
    assert not at.warning


def test_briefing_parameter_on_a_page(app):
    at = app("sources", FIXTURE, briefing="1", period="offensive")
    assert not at.exception
    assert any("kcm-briefing-frame" in e.proto.srcdoc for e in at.get("iframe"))
    assert at.query_params["briefing"] in ("1", ["1"])
    assert not any("claims in view" in m.value for m in at.markdown)


@pytest.mark.parametrize("name", PAGES)
def test_a_view_with_no_claims_is_a_notice_not_a_crash(app, name):
    at = app(name, q="no claim says this")
    assert not at.exception
    assert summary(at).startswith("**0 of")
    if name != "places":  # the gazetteer is still worth showing with no claims in view
        assert any("No claims match" in i.value for i in at.info)


@pytest.mark.parametrize("name", PAGES)
def test_notices_use_the_bundled_icon_font_not_emoji(app, name):
    """An emoji icon needs an emoji font on the viewer's machine (a box without one)."""
    at = app(name, q="no claim says this", side="Martians")
    alerts = [*at.info, *at.warning, *at.error]
    assert alerts
    for alert in alerts:
        assert alert.icon.startswith(":material/"), (name, alert.icon, alert.value)


# --- hostile links and empty views on every page (issue #9) ------------------------------------

EVERY_PAGE = [None, *PAGES]  # None: the map, the default page
HOSTILE = "[Official statement](https://evil.example/phish) ![t](https://evil.example/pixel.png)"
#: The link's text escaped (``md_unlinked``): shown as written, the brackets visible, and a
#: word joiner after each ``https:`` so that GFM finds no URL to link either.
HOSTILE_SHOWN = (
    "\\[Official statement\\]\\(https\\:\u2060//evil\\.example/phish\\) "
    "\\!\\[t\\]\\(https\\:\u2060//evil\\.example/pixel\\.png\\)"
)


def rendered_text(at: AppTest) -> list[str]:
    """Every text the page renders as markdown (notices, captions, headings, labels)."""
    kinds = ("markdown", "caption", "warning", "info", "error", "success", "toast")
    texts = [e.value for kind in kinds for e in at.get(kind)]
    texts += [e.value for kind in ("title", "header", "subheader") for e in at.get(kind)]
    texts += [e.label for e in at.expander] + [m.label for m in at.metric]
    return [t for t in texts if isinstance(t, str)]


def assert_no_markup_from_the_link(at: AppTest) -> None:
    for text in rendered_text(at):
        assert "](http" not in text, text  # a live link
        assert "![" not in text, text  # an image
        assert "://evil" not in text, text  # a bare URL, which GFM links even escaped
        assert "evil.example" not in text or "\\]\\(https" in text, text
    for frame in at.get("iframe"):
        doc = frame.proto.srcdoc
        assert 'href="https://evil' not in doc
        assert 'src="https://evil' not in doc


@pytest.mark.parametrize("name", EVERY_PAGE)
def test_a_crafted_link_shows_its_text_not_its_links_or_images(app, name):
    params = {k: HOSTILE for k in ("side", "period", "from", "to", "basemap", "claimant", "q")}
    at = app(name, **params, **{HOSTILE: "1"})
    assert not at.exception
    notices = [w.value for w in at.warning]
    for what in ("side value", "period", "from", "to", "basemap", "claimant value", "parameter"):
        assert any(what in n and HOSTILE_SHOWN in n for n in notices), what
    assert_no_markup_from_the_link(at)


@pytest.mark.parametrize("name", EVERY_PAGE)
def test_a_crafted_briefing_link_shows_no_links_or_images(app, name):
    at = app(name, side=HOSTILE, q=HOSTILE, briefing="1")
    assert not at.exception
    assert any("kcm-briefing-frame" in e.proto.srcdoc for e in at.get("iframe"))
    share = next(c.value for c in at.caption if c.value.startswith("Files of the current view"))
    assert "text contains" in share
    assert HOSTILE_SHOWN in share  # the search text, escaped
    assert any(HOSTILE_SHOWN in w.value for w in at.warning)
    assert_no_markup_from_the_link(at)


def gap_data(tmp_path: Path) -> str:
    """The small fixture with its long blockade claim cut to one day, so that the first half of
    2023 holds no claim: a date window inside the data with nothing in it."""
    data_dir = tmp_path / "data"
    shutil.copytree(FIXTURE, data_dir)
    events = data_dir / "events.csv"
    text = events.read_text(encoding="utf-8")
    assert "E003,I002,2022-12-12,2023-09-18,month," in text
    text = text.replace(
        "E003,I002,2022-12-12,2023-09-18,month,", "E003,I002,2022-12-12,2022-12-12,day,"
    )
    events.write_text(text, encoding="utf-8")
    return str(data_dir)


EMPTY_VIEWS = {
    "no-text-match": {"q": "zzzz"},
    "no-side-in-period": {"period": "background", "side": "Russia"},
    "no-text-match-briefing": {"q": "zzzz", "briefing": "1"},
    "no-side-in-period-briefing": {"period": "background", "side": "Russia", "briefing": "1"},
    "empty-window": {"from": "2023-01-01", "to": "2023-06-30"},
    "empty-window-briefing": {"from": "2023-01-01", "to": "2023-06-30", "briefing": "1"},
}


@pytest.mark.parametrize("view", EMPTY_VIEWS)
@pytest.mark.parametrize("name", EVERY_PAGE)
def test_every_page_has_an_empty_state(app, tmp_path, name, view):
    params = EMPTY_VIEWS[view]
    data_dir = gap_data(tmp_path) if "window" in view else BUNDLED
    at = app(name, data_dir, **params)
    assert not at.exception
    assert not at.warning  # every parameter understood: the view is empty, not mistaken
    if "briefing" in params:
        (frame,) = [
            e.proto.srcdoc for e in at.get("iframe") if "kcm-briefing-frame" in e.proto.srcdoc
        ]
        assert "No claims match these filters" in frame
    else:
        noun = "shown" if name is None else "in view"
        assert any(m.value.startswith("**0 of") and noun in m.value for m in at.markdown)
    assert any("No claims match" in i.value for i in at.info)
