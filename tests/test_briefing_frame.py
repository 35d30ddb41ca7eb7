"""The briefing frame's text and HTML: filters in words, verification mix, sources, escaping.

Expected values are computed from the bundled data with pandas, independently of the code
under test, so the tests follow the data instead of a copy of today's numbers.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
import pytest

from src.assets import DEFAULT_STATIC_DIR
from src.assets.fetch import is_current
from src.briefing.frame import (
    CAVEAT_LINE,
    DEFAULT_TITLES,
    FRAME_CSS,
    MIN_HALF_LAT,
    MIN_HALF_LON,
    TITLE_MAX,
    briefing_text,
    build_briefing,
    clean_title,
    frame_bounds,
    verification_mix,
)
from src.briefing.mapscript import label_specs
from src.dataset import Dataset
from src.filters import FilterState, apply_filters
from src.mapview.build import theatre_bounds

WHEN = datetime(2023, 10, 2, 9, 30, tzinfo=UTC)
OFFENSIVE_AZ = FilterState(period="offensive", sides=("Azerbaijan",))


@pytest.fixture(scope="module")
def data(bundled: Dataset) -> Dataset:
    return bundled


@pytest.fixture(scope="module")
def offensive_az(data):
    return build_briefing(data, OFFENSIVE_AZ, generated=WHEN)


def shown(data, state):
    return apply_filters(data.events, state)


# --- filters and window in words ------------------------------------------------------------


def test_offensive_azerbaijan_in_words(data):
    text = briefing_text(data, OFFENSIVE_AZ, generated=WHEN)
    assert text.window == "19 Sep 2023 – 21 Sep 2023"
    assert text.period == "Period: Offensive (19–21 Sep 2023)"
    assert text.filters == ("claimant side: Azerbaijan",)
    assert text.filters_line == "Filters: claimant side: Azerbaijan"
    assert text.title == DEFAULT_TITLES["offensive"]
    assert text.generated == "Generated 02 Oct 2023, 09:30 UTC"
    assert data.version in text.data_line


def test_no_filters_says_so(data):
    text = briefing_text(data, FilterState(), generated=WHEN)
    assert text.filters == ()
    assert text.filters_line.startswith("Filters: none")
    assert text.counts.startswith(f"{len(data.events)} of {len(data.events)} claims shown")


def test_every_active_filter_is_named_with_sources_by_headline(data):
    state = FilterState(
        period="blockade",
        sources=("a002",),
        claimants=("Azerbaijan Ministry of Defence",),
        actors=("Government of Armenia",),
        types=("Access and aid",),
        text="corridor",
    )
    text = briefing_text(data, state, generated=WHEN)
    headline = data.sources.set_index("source_id").at["a002", "headline"]
    words = " | ".join(text.filters)
    assert f"source: [a002] {headline}" in words
    assert "claimant: Azerbaijan Ministry of Defence" in words
    assert "actor: Government of Armenia" in words
    assert "event type: Access and aid" in words
    assert 'text contains "corridor"' in words


def test_narrowed_dates_show_in_the_window(data):
    state = FilterState(
        period="offensive", date_from=pd.Timestamp("2023-09-20").date(), date_to=None
    )
    assert briefing_text(data, state, generated=WHEN).window == "20 Sep 2023 – 21 Sep 2023"


# --- counts, verification mix, caveat, sources ----------------------------------------------


@pytest.mark.parametrize(
    "state", [FilterState(), OFFENSIVE_AZ, FilterState(period="blockade", sides=("Armenia",))]
)
def test_verification_mix_matches_the_data(data, state):
    view = shown(data, state)
    text = briefing_text(data, state, generated=WHEN)
    expected = view["verification"].value_counts().to_dict()
    assert dict(text.verification) == expected
    assert sum(n for _, n in text.verification) == len(view)
    for status, n in expected.items():
        word = "denied by another party" if status == "denied" else status
        assert f"{n} {word}" in text.verification_mix


def test_offensive_azerbaijan_mix_is_spelled_out(data):
    view = shown(data, OFFENSIVE_AZ)
    counts = view["verification"].value_counts()
    text = briefing_text(data, OFFENSIVE_AZ, generated=WHEN)
    parts = [
        f"{counts[v]} {w}"
        for v, w in (
            ("unverified", "unverified"),
            ("disputed", "disputed"),
            ("denied", "denied by another party"),
            ("confirmed", "confirmed"),
        )
        if counts.get(v, 0)
    ]
    assert text.verification_mix == ", ".join(parts)


def test_caveat_is_the_issue_line_while_nothing_is_confirmed(data):
    assert "confirmed" not in set(data.events["verification"])
    assert briefing_text(data, FilterState()).caveat == CAVEAT_LINE
    assert CAVEAT_LINE == (
        "Claims are as reported by the parties and have not been independently verified."
    )


def test_caveat_counts_confirmed_claims():
    frame = pd.DataFrame({"verification": ["confirmed", "unverified", "unverified"]})
    pairs, words, caveat = verification_mix(frame)
    assert pairs == (("unverified", 2), ("confirmed", 1))
    assert words == "2 unverified, 1 confirmed"
    assert caveat.startswith("1 of 3 claims are marked confirmed")
    assert "not been independently verified" in caveat
    _, _, all_confirmed = verification_mix(frame.assign(verification="confirmed"))
    assert "All claims shown are marked confirmed" in all_confirmed


def test_counts_add_up_and_name_places_off_the_map(data):
    view = shown(data, OFFENSIVE_AZ)
    text = briefing_text(data, OFFENSIVE_AZ, generated=WHEN)
    places = data.places.set_index("place_id")
    located = view[view["place_id"] != ""]
    far = located[~located["place_id"].map(places["in_theatre"])]
    expected_far = far["place_id"].map(places["name"]).value_counts().to_dict()
    assert dict(text.outside) == expected_far
    on_map = len(located) - len(far)
    assert text.counts.startswith(
        f"{len(view)} of {len(data.events)} claims shown: {on_map} on this map"
    )
    for name, n in expected_far.items():
        assert f"{name} {n}" in text.counts


def test_sources_are_the_headlines_of_shown_claims(data):
    state = FilterState(period="offensive", sources=("a002",))
    view = shown(data, state)
    cited = sorted({s for ids in view["source_ids"] for s in ids.split(";")})
    text = briefing_text(data, state, generated=WHEN)
    heads = data.sources.set_index("source_id")["headline"]
    assert [sid for sid, _, _ in text.sources] == cited
    assert all(headline == heads[sid] for sid, headline, _ in text.sources)


def test_legend_lists_only_what_is_shown(data):
    text = briefing_text(data, OFFENSIVE_AZ)
    view = shown(data, OFFENSIVE_AZ)
    assert dict(text.sides) == {"Azerbaijan": len(view)}
    assert dict(text.types) == view["event_type"].value_counts().to_dict()


def test_title_is_cleaned_and_bounded():
    state = FilterState(period="blockade")
    assert clean_title("", state) == DEFAULT_TITLES["blockade"]
    assert clean_title("  two\n lines  ", state) == "two lines"
    assert len(clean_title("x" * 500, state)) == TITLE_MAX


# --- the HTML document ----------------------------------------------------------------------


def test_frame_carries_all_its_text(offensive_az, data):
    html = offensive_az.html
    text = offensive_az.text
    for needle in (
        text.title,
        text.window,
        "claimant side: Azerbaijan",
        CAVEAT_LINE,
        text.verification_mix,
        f"Data version {data.version}",
        "Generated 02 Oct 2023, 09:30 UTC",
        "Claimant side (colour)",
        "Event type (shape)",
    ):
        assert needle.replace("'", "&#x27;") in html, needle
    for _, headline, _ in text.sources:
        assert headline.replace('"', "&quot;").replace("'", "&#x27;") in html


def test_frame_wraps_the_map_in_a_16_9_box(offensive_az):
    html = offensive_az.html
    assert html.count('id="kcm-briefing-frame"') + html.count("id='kcm-briefing-frame'") == 1
    frame_at = html.index("kcm-briefing-frame")
    map_div = re.search(r'<div class="folium-map" id="map_[0-9a-f]+" ></div>', html)
    assert map_div
    assert map_div.start() > frame_at
    assert "width: 1920px; height: 1080px" in FRAME_CSS


def test_frame_text_is_at_least_14px():
    sizes = [int(px) for px in re.findall(r"font-size:\s*(\d+)px", FRAME_CSS)]
    assert sizes
    assert min(sizes) >= 14
    relative = re.findall(r"font-size:\s*([0-9.]+em)", FRAME_CSS)
    assert not relative, "relative sizes must be floored: font-size: max(14px, …em)"


def test_frame_needs_no_server(offensive_az):
    assert is_current(DEFAULT_STATIC_DIR), "map assets not fetched: run scripts/setup.sh"
    html = offensive_az.html
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+stylesheet", html)
    assert "/app/static" not in html


def test_data_text_is_escaped(data):
    events = data.events.copy()
    events.loc[events.index[0], "claimant_side"] = "Azerbaijan"
    hostile = "<img src=x onerror=alert(1)>"
    sources = data.sources.copy()
    sources.loc[sources.index[0], "headline"] = hostile
    evil = replace(data, events=events, sources=sources)
    html = build_briefing(evil, FilterState(), title="<script>alert(2)</script>").html
    assert hostile not in html
    assert "<script>alert(2)</script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_empty_view_still_explains_itself(data):
    state = FilterState(period="background", sides=("Russia",), types=("Riots",))
    briefing = build_briefing(data, state, generated=WHEN)
    assert briefing.markers == 0
    assert "0 of" in briefing.text.counts
    assert "No claims match these filters." in briefing.html
    assert briefing.text.verification_mix == "no claims"


# --- map framing and labels -----------------------------------------------------------------


def test_frame_bounds_hold_every_shown_claim_in_the_theatre(data):
    view = shown(data, OFFENSIVE_AZ)
    (south, west), (north, east) = frame_bounds(view, data.places)
    places = data.places.set_index("place_id")
    inside = [p for p in set(view["place_id"]) - {""} if places.at[p, "in_theatre"]]
    assert inside
    for pid in inside:
        assert south <= places.at[pid, "lat"] <= north
        assert west <= places.at[pid, "lon"] <= east
    assert "baku" in set(view["place_id"])
    assert not west <= places.at["baku", "lon"] <= east


def test_frame_bounds_never_zoom_to_a_point_and_fall_back_to_the_theatre(data):
    one = data.events[data.events["place_id"] == "shusha"].head(1)
    (south, west), (north, east) = frame_bounds(one, data.places)
    assert north - south >= 2 * MIN_HALF_LAT - 1e-6
    assert east - west >= 2 * MIN_HALF_LON - 1e-6
    none_inside = data.events[data.events["place_id"] == "moscow"]
    assert frame_bounds(none_inside, data.places) == theatre_bounds(data.places)


def test_labels_put_places_with_claims_first(data):
    view = shown(data, OFFENSIVE_AZ)
    specs = label_specs(data.places, view)
    names = [s["name"] for s in specs]
    with_claims = [s for s in specs if s["claims"]]
    assert names[: len(with_claims)] == [s["name"] for s in with_claims]
    assert {s["name"] for s in with_claims} >= {"Shusha", "Yevlakh"}
    stepanakert = next(s for s in specs if s["name"].startswith("Stepanakert"))
    assert stepanakert["always"]  # the regional capital is always named
    assert all(s["area"] for s in specs if s["name"] in ("Nagorno-Karabakh", "Azerbaijan"))


def test_template_escapes_like_esc(data):
    """The frame template prints every value through ``esc`` (``$``, backticks too)."""
    html = build_briefing(data, FilterState(), title="${x}`\\y").html
    assert "&#36;{x}&#96;&#92;y" in html
    assert "${x}`" not in html


def with_acled(data: Dataset, hostile: str = "") -> Dataset:
    """The bundled data with the offensive's Azerbaijani claims moved to an ACLED dataset."""
    events = data.events.copy()
    moved = apply_filters(events, OFFENSIVE_AZ).index
    events.loc[moved, "dataset"] = "acled_arm"
    row = {c: "" for c in data.datasets.columns}
    row.update(
        dataset_id="acled_arm",
        name="ACLED Armenia 2018–2020" + hostile,
        kind="acled",
        credit="data: ACLED, acleddata.com",
    )
    datasets = pd.concat([data.datasets, pd.DataFrame([row])], ignore_index=True)
    return replace(data, events=events, datasets=datasets)


def test_frame_names_and_credits_the_datasets_shown(data):
    mixed = with_acled(data, hostile=" <b>x</b>")
    only_acled = briefing_text(mixed, OFFENSIVE_AZ, generated=WHEN)
    n = len(shown(data, OFFENSIVE_AZ))
    assert only_acled.credits == (
        ("acled_arm", "ACLED Armenia 2018–2020 <b>x</b>", n, "data: ACLED, acleddata.com"),
    )
    everything = briefing_text(mixed, FilterState(), generated=WHEN)
    assert [c.name for c in everything.credits][1:] == ["ACLED Armenia 2018–2020 <b>x</b>"]
    assert everything.credits[0].name.startswith("Articles")
    assert sum(c.claims for c in everything.credits) == len(data.events)
    assert any(line.startswith("Datasets: Articles") for line in everything.lines())
    # the frame credits the articles through its Sources list, so their credit is left out
    assert everything.credits_line == (
        f"{everything.credits[0].name}, {len(data.events) - n} claims; "
        f"ACLED Armenia 2018–2020 <b>x</b>, {n} claims — data: ACLED, acleddata.com"
    )
    assert everything.data_line.endswith(
        f"({len(data.events) - n} claims from 5 articles) and {n} claims from 1 imported dataset(s)"
    )
    html = build_briefing(mixed, OFFENSIVE_AZ, generated=WHEN).html
    assert "<b>Datasets:</b> ACLED Armenia 2018–2020 &lt;b&gt;x&lt;/b&gt;" in html
    assert "data: ACLED, acleddata.com" in html
    narrowed = briefing_text(mixed, replace(OFFENSIVE_AZ, datasets=("acled_arm",)))
    assert "dataset: ACLED Armenia 2018–2020 <b>x</b>" in narrowed.filters


def test_a_frame_of_article_claims_only_adds_no_dataset_line(data):
    text = briefing_text(data, FilterState(), generated=WHEN)
    assert [c.dataset_id for c in text.credits] == ["articles"]
    assert text.credits_line == ""
    assert "Datasets:" not in build_briefing(data, OFFENSIVE_AZ, generated=WHEN).html
    assert text.data_line.endswith(f"({len(data.events)} claims from 5 articles)")


@pytest.mark.parametrize("mode", ["claims", "groups", "aggregates"])
def test_frame_legend_names_the_large_views_marks_only_when_drawn(data, mode):
    from src.briefing.frame import briefing_map, frame_page
    from src.mapview.legend import GROUP_WORDS, RING_WORDS

    view = shown(data, OFFENSIVE_AZ)
    m, stats = briefing_map(data, view)
    assert stats.mode == "claims"
    assert stats.markers == int((view["place_id"] != "").sum())
    page = frame_page(briefing_text(data, OFFENSIVE_AZ, generated=WHEN), data, m, mode)
    html = page[page.index('<aside class="kcm-bf-panel">') : page.index("</aside>")]
    assert (GROUP_WORDS in html) == (mode != "claims")
    assert ('class="kcm-bf-group"' in html) == (mode != "claims")
    assert (RING_WORDS in html) == (mode == "aggregates")
    assert ('class="kcm-bf-cell"' in html) == (mode == "aggregates")
    for rule in (".kcm-bf-group {", ".kcm-bf-group .kcm-badge {", ".kcm-bf-cell {"):
        assert rule in FRAME_CSS
