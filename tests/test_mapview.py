"""The map builder: which layers, markers, lines and legend it emits, and that data is escaped."""

from __future__ import annotations

import json
import re

import folium
import pandas as pd
import pytest

from src.labels import date_label, figure_label
from src.mapview.build import (
    base_map,
    claims_layer,
    claims_payload,
    route_status,
    theatre_bounds,
)
from src.mapview.legend import legend_html
from src.mapview.popup import claim_popup
from src.palette import SIDE_COLOURS, TYPE_SHAPES
from src.safe_html import esc, js_json

HOSTILE = [
    "<script>alert(1)</script>",
    "${alert(2)}",
    "`;alert(3);`",
    "\\u003cimg src=x onerror=alert(4)\\u003e",
    '"><img src=x onerror=alert(5)>',
    "</script><script>alert(6)</script>",
]


def render(m: folium.Map) -> str:
    return m.get_root().render()


def payloads(html: str) -> list[dict]:
    """The JSON objects handed to the kcm.* functions (one call per line)."""
    calls = re.findall(r"kcm\.\w+\([^{\n]*(\{.*?\})\);\n", html)
    return [json.loads(m) for m in calls]


def payload_of(html: str) -> dict:
    found = [p for p in payloads(html) if "popupTemplate" in p]
    assert len(found) == 1, "claims payload not found"
    return found[0]


def popup_from(payload: dict, i: int) -> str:
    """What the browser's popup function builds for claim i (same single-pass fill)."""
    columns = dict(zip(payload["slotNames"], payload["popupSlots"], strict=True))
    return re.sub(
        r"\{(\w+)\}",
        lambda m: payload["strings"][columns[m.group(1)][i]],
        payload["popupTemplate"],
    )


def test_base_map_has_routes_places_legend_and_controls(small):
    html = render(base_map(small.places, small.events))
    assert html.count("L.polyline(") == 1  # the fixture's one corridor
    dots = [p for p in payloads(html) if "tips" in p]
    assert len(dots) == 1
    assert len(dots[0]["lat"]) == int((small.places["waypoints"] == "").sum())
    assert "Claimant side (colour)" in html
    assert "Event type (shape)" in html
    assert "control_scale" in html or "L.control.scale" in html
    assert "L.control.fullscreen" in html
    assert 'window.kcm["routes"]' in html
    assert 'window.kcm["places"]' in html


def test_corridor_tooltip_carries_its_status(small):
    status = route_status("lachin_corridor", small.events)
    assert status == [
        "Blockade: Dec 2022 – Sep 2023 (claimed by Reporting outlet (article a000), unverified)"
    ]
    html = render(base_map(small.places, small.events))
    assert "Blockade: Dec 2022 – Sep 2023" in html


def test_basemap_choice(small):
    def shown_tiles(html: str) -> int:
        names = re.findall(r"var (tile_layer_\w+) = L\.tileLayer\(", html)
        return sum(f"{name}.addTo(" in html for name in names)

    light = render(base_map(small.places, small.events, "light"))
    assert "World_Light_Gray_Base" in light
    assert shown_tiles(light) == 1
    none = render(base_map(small.places, small.events, "none"))
    assert shown_tiles(none) == 0
    assert '"maxZoom": 18' in none  # MarkerCluster refuses a map without a max zoom


def test_bounds_ignore_places_outside_the_theatre(small):
    (south, _west), (north, east) = theatre_bounds(small.places)
    assert east < 49  # Baku (49.87 E) is out of theatre
    assert south < 39.65 < north


def test_claims_layer_one_marker_per_located_claim(small):
    m = base_map(small.places, small.events)
    layer, stats = claims_layer(small.events, small.places, {"a000": "A", "a001": "B"})
    layer.add_to(m)
    payload = payload_of(render(m))
    located = small.events[small.events["place_id"] != ""]
    assert stats.markers == len(payload["lat"]) == len(located)
    assert stats.unlocated == 1
    assert sorted(payload["ids"]) == sorted(located["event_id"])
    assert not stats.compact
    row = located.iloc[0]
    popup = popup_from(payload, payload["ids"].index(row["event_id"]))
    assert (
        claim_popup(row.to_dict(), "Stepanakert / Khankendi", "exact", {"a000": "A", "a001": "B"})
        == popup
    )


def test_halos_only_for_approximate_places(small):
    """One halo per approximate (near/region) place, wider for region; none for exact places
    or for lines (the corridor is 'region' but drawn as its route)."""
    places = small.places.copy()
    places.loc[places["place_id"] == "shusha", "precision"] = "near"
    places.loc[places["place_id"] == "lachin", "precision"] = "region"
    extra = small.events.iloc[[0, 0, 0]].copy()
    extra["event_id"] = ["E101", "E102", "E103"]
    extra["place_id"] = ["shusha", "shusha", "lachin"]
    events = pd.concat([small.events, extra], ignore_index=True)

    assert claims_layer(small.events, small.places, {})[1].halos == 0  # all exact, one line
    m = base_map(places, events)
    layer, stats = claims_layer(events, places, {})
    layer.add_to(m)
    payload = payload_of(render(m))
    assert stats.halos == len(payload["halos"]) == 2  # Shusha once for its two claims
    by_place = {
        payload["strings"][tip]: (lat, lon, radius) for lat, lon, radius, tip in payload["halos"]
    }
    shusha = by_place.pop("Approximate location: Shusha (precision near)")
    lachin = by_place.pop("Approximate location: Lachin (precision region)")
    assert by_place == {}
    at = places.set_index("place_id")
    assert shusha[:2] == (at.at["shusha", "lat"], at.at["shusha", "lon"])
    assert lachin[:2] == (at.at["lachin", "lat"], at.at["lachin", "lon"])
    assert 0 < shusha[2] < lachin[2]


def test_popup_cites_claimant_side_source_and_status(small):
    row = small.events[small.events["event_id"] == "E001"].iloc[0].to_dict()
    html = claim_popup(row, "Stepanakert", "exact", {"a000": "Headline zero", "a001": "One"})
    for needle in (
        "NK officials",
        "Nagorno-Karabakh authorities",
        "Headline zero",
        "One",
        "Unverified",
        "killed: 2",
        "injured: 11",
        "precision: day",
        "E001",
    ):
        assert needle in html, needle


def test_popup_says_not_stated_for_blank_figures(small):
    row = small.events[small.events["event_id"] == "E002"].iloc[0].to_dict()
    html = claim_popup(row, "Baku", "exact", {})
    assert "killed: not stated" in html
    assert "injured: not stated" in html
    assert figure_label(0) == "0"


def test_date_label_respects_precision(small):
    row = small.events[small.events["event_id"] == "E003"].iloc[0].to_dict()
    assert date_label(row).startswith("Dec 2022 – Sep 2023")
    assert "precision: month" in date_label(row)


@pytest.mark.parametrize("evil", HOSTILE)
def test_hostile_strings_never_reach_the_page_raw(small, evil):
    events = small.events.copy()
    for col in ("summary", "claimant", "actor1", "quote", "figures_note", "sub_event_type"):
        events[col] = evil
    m = base_map(small.places, events)
    layer, _ = claims_layer(events, small.places, {"a000": evil, "a001": evil})
    layer.add_to(m)
    html = render(m)
    assert evil not in html
    for raw in ("<script>alert", "${alert", "`;alert", "onerror=alert(5)>"):
        assert raw not in html
    payload = payload_of(html)
    popup = popup_from(payload, 0)
    assert "<script>" not in popup
    assert "${" not in popup
    assert "`" not in popup
    assert any(e in popup for e in ("&lt;", "&gt;", "&#36;", "&#96;", "&#92;", "&quot;"))


def test_esc_covers_template_literal_characters():
    assert esc("a$b`c\\d<e>&'\"") == "a&#36;b&#96;c&#92;d&lt;e&gt;&amp;&#x27;&quot;"
    assert esc(None) == ""
    assert esc(float("nan")) == ""


def test_js_json_cannot_close_a_script():
    text = js_json({"x": "</script><b>${y}`"})
    assert "</script>" not in text
    assert "${" not in text
    assert "`" not in text
    assert json.loads(text) == {"x": "</script><b>${y}`"}


def test_compact_mode_above_the_budget(small, bundled):
    """Above the marker budget popups drop summary and quote; the bundled data stays full."""
    events = small.events
    _, stats = claims_layer(events, small.places, {}, budget=1)
    assert stats.compact
    located = int((events["place_id"] != "").sum())
    assert not claims_layer(events, small.places, {}, budget=located)[1].compact
    compact, _ = claims_payload(events, small.places, {}, budget=1)
    full, _ = claims_payload(events, small.places, {}, budget=located)
    i = full["ids"].index("E001")
    assert "kcm-summary" in popup_from(full, i)
    assert "kcm-summary" not in popup_from(compact, i)
    _, real = claims_layer(bundled.events, bundled.places, {})
    assert not real.compact
    assert real.markers == int((bundled.events["place_id"] != "").sum())


def test_legend_lists_every_side_and_type():
    html = legend_html()
    for side in SIDE_COLOURS:
        assert esc(side) in html
    for etype in TYPE_SHAPES:
        assert esc(etype) in html
    assert "not independently verified" in html


def test_claims_outside_the_theatre_are_counted(small):
    from src.mapview.build import outside_theatre

    assert outside_theatre(small.events, small.places) == [("Baku", 1)]
    assert outside_theatre(small.events.iloc[:0], small.places) == []


def test_clusters_are_neutral_grey(small):
    layer, _ = claims_layer(small.events, small.places, {})
    m = base_map(small.places, small.events)
    layer.add_to(m)
    html = render(m)
    assert "kcm-cluster" in html
    assert "iconCreateFunction" in html


def test_palette_and_popup_slots_cover_the_schema():
    from src.mapview.popup import POPUP_SLOTS, SLOTS
    from src.schema import CLAIMANT_SIDES, EVENT_TYPES

    assert set(SIDE_COLOURS) == set(CLAIMANT_SIDES)
    assert set(TYPE_SHAPES) == set(EVENT_TYPES)
    assert set(SLOTS) == set(POPUP_SLOTS)


def test_legend_can_be_left_out_of_a_map_without_claims(small):
    assert "Claimant side (colour)" not in render(
        base_map(small.places, small.events, legend=False)
    )


def test_close_place_names_go_to_opposite_sides(small):
    from src.mapview.build import label_sides

    pts = small.places.set_index("place_id").loc[["stepanakert", "shusha", "baku"]]
    sides = label_sides(pts)
    # Shusha (46.75 E) lies 6 km south of Stepanakert (46.75 E, a hair east): one goes left
    assert set(sides) == {"left", "right"}
    assert sides["baku"] == "right"


def test_place_names_can_be_left_to_the_caller(small):
    with_names = render(base_map(small.places, small.events))
    without = render(base_map(small.places, small.events, labels=False))
    dots = [p for p in payloads(without) if "names" in p]
    assert dots
    assert not any(dots[0]["names"])
    dots = [p for p in payloads(with_names) if "names" in p]
    assert any(dots[0]["names"])


def test_glue_tojson_is_as_strict_as_js_json():
    """Payloads reach the page through the elements' ``tojson``: it must not be Jinja's
    looser default (which leaves ``$``, backticks and U+2028 alone)."""
    from src.mapview.frontend import GlueTemplate

    hostile = "</script><img onerror=x>${a}`'\u2028"
    out = GlueTemplate("{{ v|tojson }}").render(v={"k": hostile})
    for raw in ("<", ">", "&", "$", "`", "'", "\u2028"):
        assert raw not in out, raw
    assert json.loads(out) == {"k": hostile}


def test_own_front_end_files_are_served_and_inlined(small):
    """The map's own JS/CSS are linked under /app/static/kcm and embedded offline."""
    from src.assets.localize import OWN_BASE_URL, inline_html, localize_map

    m = base_map(small.places, small.events)
    report = localize_map(m)
    assert f"{OWN_BASE_URL}/map.js" in report.local.values()
    assert not any(url.startswith(OWN_BASE_URL) for url in report.cdn.values())
    html = inline_html(m)
    assert OWN_BASE_URL not in html
    assert "kcm.claimsLayer = function" in html
    assert ".kcm-popup {" in html


def test_legend_names_and_credits_the_datasets_shown_escaped():
    html = legend_html(credits=[("ACLED <Armenia>", "data: ACLED & acleddata.com")])
    assert "Datasets shown" in html
    assert "ACLED &lt;Armenia&gt;" in html
    assert "data: ACLED &amp; acleddata.com" in html
    assert "<Armenia>" not in html
    assert "Datasets shown" not in legend_html()
