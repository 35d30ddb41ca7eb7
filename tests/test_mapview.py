"""The map builder: which layers, markers, lines and legend it emits, and that data is escaped."""

from __future__ import annotations

import json
import re

import folium
import numpy as np
import pandas as pd
import pytest

from src.labels import date_label, figure_label
from src.mapview.build import (
    GROUP_BUDGET,
    base_map,
    claims_layer,
    claims_payload,
    route_status,
    theatre_bounds,
)
from src.mapview.frontend import own_file
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
    dots = [p for p in payloads(html) if "claims" in p and "kinds" in p]
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


def test_one_marker_per_claim_up_to_the_budget(small, bundled):
    """Up to the marker budget, one marker and full popup per claim (the bundled data too)."""
    events = small.events
    located = int((events["place_id"] != "").sum())
    full, stats = claims_payload(events, small.places, {}, budget=located)
    assert stats.mode == "claims"
    assert not stats.compact
    assert stats.drawn == stats.markers == located
    assert "kcm-summary" in popup_from(full, full["ids"].index("E001"))
    _, real = claims_layer(bundled.events, bundled.places, {})
    assert real.mode == "claims"
    assert real.markers == int((bundled.events["place_id"] != "").sum())


def synthetic_view(n: int, n_places: int, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` claims over ``n_places`` random places, built with numpy (fast at 10^5)."""
    from src.schema import CLAIMANT_SIDES, EVENT_TAXONOMY, VERIFICATION

    rng = np.random.default_rng(seed)
    types = list(EVENT_TAXONOMY)
    places = pd.DataFrame(
        {
            "place_id": [f"p{i}" for i in range(n_places)],
            "name": [f"Place {i}" for i in range(n_places)],
            "lat": rng.uniform(38.9, 40.9, n_places),
            "lon": rng.uniform(45.0, 48.0, n_places),
            "precision": rng.choice(["exact", "near", "region"], n_places),
            "kind": "village",
        }
    )
    start = rng.integers(0, 1100, n)
    etype = rng.choice(types, n)
    events = pd.DataFrame(
        {
            "event_id": [f"E{i:07d}" for i in range(n)],
            "incident_id": [f"I{i // 3:07d}" for i in range(n)],
            "date_start": pd.Timestamp("2020-09-27") + pd.to_timedelta(start, unit="D"),
            "place_id": np.array(places["place_id"])[rng.integers(0, n_places, n)],
            "event_type": etype,
            "sub_event_type": [EVENT_TAXONOMY[t][0] for t in etype],
            "claimant": [f"Claimant {i}" for i in rng.integers(0, 60, n)],
            "claimant_side": rng.choice(list(CLAIMANT_SIDES), n),
            "source_ids": rng.choice(["a000", "a001", "a002;a003"], n),
            "verification": rng.choice(list(VERIFICATION), n),
        }
    )
    events["date_end"] = events["date_start"] + pd.to_timedelta(rng.choice([0, 1, 30], n), "D")
    events = events.assign(
        date_precision="day",
        time_of_day="",
        actor1="Actor",
        actor2="",
        fatalities=pd.array([pd.NA] * n, dtype="Int64"),
        injured=pd.array([3] * n, dtype="Int64"),
        figures_note="",
        summary="What the claimant says happened.",
    )
    events.loc[events.index[:5], "place_id"] = ""  # unlocated claims are not drawn
    return events, places


GROUP_COLUMNS = ("point", "kind", "count", "first", "span", "claimants", "sources", "verification")


def check_columns(payload: dict, located: int) -> None:
    """Every per-group column as long as the others; every code points into its table."""
    groups = len(payload["count"])
    for column in GROUP_COLUMNS:
        assert len(payload[column]) == groups, column
    assert len(payload["lat"]) == len(payload["lon"]) == len(payload["pointName"])
    assert max(payload["point"]) < len(payload["lat"])
    assert max(payload["kind"]) < len(payload["kinds"])
    strings = len(payload["strings"])
    assert all(0 <= i < strings for kind in payload["kinds"] for i in kind)
    assert sum(payload["count"]) == located
    for column in ("claimants", "sources", "verification"):
        for g, code in enumerate(payload[column]):
            entries = payload["lists"][code]
            assert sum(entries[1::2]) == payload["count"][g], column  # "others" included
            assert all(i == -1 or 0 <= i < strings for i in entries[::2])


def test_grouped_mode_one_marker_per_place_side_and_type():
    events, places = synthetic_view(20_000, 100)  # at most 100 places × kinds: under GROUP_BUDGET
    located = events[events["place_id"] != ""]
    payload, stats = claims_payload(events, places, {"a000": "Headline"})
    assert stats.mode == "groups"
    assert stats.compact
    assert stats.markers == len(located)
    assert stats.unlocated == 5
    expected = located.groupby(["place_id", "claimant_side", "event_type"]).size()
    assert stats.drawn == len(expected) == len(payload["count"])
    check_columns(payload, len(located))
    assert sorted(payload["count"]) == sorted(expected.tolist())
    # the group of the first claim: its place, side, type, count and date range
    first = located.iloc[0]
    g = next(
        g
        for g in range(len(payload["count"]))
        if payload["lat"][payload["point"][g]]
        == round(places.set_index("place_id").at[first["place_id"], "lat"], 5)
        and payload["strings"][payload["kinds"][payload["kind"][g]][1]] == first["event_type"]
        and first["claimant_side"] in payload["strings"][payload["kinds"][payload["kind"][g]][0]]
    )
    same = located[
        (located["place_id"] == first["place_id"])
        & (located["claimant_side"] == first["claimant_side"])
        & (located["event_type"] == first["event_type"])
    ]
    assert payload["count"][g] == len(same)
    day = pd.Timestamp("1970-01-01")
    assert payload["day0"] + payload["first"][g] == (same["date_start"].min() - day).days
    last = payload["day0"] + payload["first"][g] + payload["span"][g]
    assert last == (same["date_end"].max() - day).days
    assert len(json.dumps(payload)) < 3_000_000


def test_aggregates_above_the_group_budget_stay_under_3_mb():
    events, places = synthetic_view(300_000, 15_000)
    located = int((events["place_id"] != "").sum())
    payload, stats = claims_payload(events, places, {"a000": "Headline"})
    assert stats.mode == "aggregates"
    assert stats.drawn == len(payload["count"]) <= GROUP_BUDGET
    assert stats.cell_deg > 0
    assert payload["cellKm"] > 0
    assert payload["halos"] == []  # an aggregate is not a place
    check_columns(payload, located)
    assert len(payload["places"]) == stats.drawn
    assert len(json.dumps(payload, separators=(",", ":"))) <= 3_000_000
    assert len(js_json(payload)) <= 3_000_000


def test_group_budget_is_respected():
    events, places = synthetic_view(20_000, 300)
    _, grouped = claims_payload(events, places, {})
    payload, stats = claims_payload(events, places, {}, group_budget=grouped.drawn - 1)
    assert stats.mode == "aggregates"
    assert stats.drawn <= grouped.drawn - 1
    check_columns(payload, stats.markers)


def test_details_are_the_clicked_groups_claims():
    from src.mapview.details import clicked_claims, details_page

    events, places = synthetic_view(20_000, 100)  # grouped: under GROUP_BUDGET
    payload, stats = claims_payload(events, places, {})
    located = events[events["place_id"] != ""]
    by_point: dict[int, int] = {}
    for point, count in zip(payload["point"], payload["count"], strict=True):
        by_point[point] = by_point.get(point, 0) + count
    point = max(by_point, key=by_point.__getitem__)
    lat, lon = payload["lat"][point], payload["lon"][point]
    found = clicked_claims(events, places, lat, lon)
    place = places.loc[(places["lat"].round(5) == lat) & (places["lon"].round(5) == lon)]
    assert found.where == place["name"].iloc[0]
    expected = located[located["place_id"] == place["place_id"].iloc[0]]
    assert sorted(found.claims["event_id"]) == sorted(expected["event_id"])
    assert len(found.claims) == by_point[point]
    assert clicked_claims(events, places, lat + 0.01, lon).claims.empty  # between places

    # aggregates: the claims of the clicked cell, however many places it holds
    agg, astats = claims_payload(events, places, {}, group_budget=stats.drawn // 4)
    assert astats.mode == "aggregates"
    cells: dict[int, int] = {}
    for point, count in zip(agg["point"], agg["count"], strict=True):
        cells[point] = cells.get(point, 0) + count
    cell = max(cells, key=cells.__getitem__)
    found = clicked_claims(events, places, agg["lat"][cell], agg["lon"][cell], astats.cell_deg)
    assert len(found.claims) == cells[cell]
    page = details_page(found.claims, {}, {}, page=1)
    assert len(page) == min(50, cells[cell])
    assert page["Figures (as claimed)"].iloc[0] == "killed: not stated, injured: 3"


@pytest.mark.parametrize("evil", HOSTILE)
def test_hostile_strings_are_escaped_in_the_grouped_payload(evil):
    events, places = synthetic_view(5_000, 40)
    for column in ("claimant", "source_ids"):
        events[column] = evil if column == "claimant" else "a000"
    places["name"] = evil
    places["precision"] = "exact"
    payload, stats = claims_payload(events, places, {"a000": evil}, budget=10)
    assert stats.mode == "groups"
    text = js_json(payload)
    assert evil not in text
    for raw in ("<script>", "${", "`", "onerror=alert(5)>"):
        assert raw not in text
        assert all(raw not in s for s in payload["strings"])
    escaped = ("&lt;", "&#36;", "&#96;", "&#92;", "&quot;")
    assert any(e in s for s in payload["strings"] for e in escaped)


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


def test_halos_are_bounded():
    """Above HALO_BUDGET approximate places none are drawn, and the stats say how many."""
    from src.mapview.build import HALO_BUDGET

    events, places = synthetic_view(5_000, HALO_BUDGET + 1)
    places["precision"] = "near"
    payload, stats = claims_payload(events, places, {})
    assert payload["halos"] == []
    assert stats.halos == 0
    assert stats.halos_hidden == HALO_BUDGET + 1
    fewer = places.assign(precision=["near"] * HALO_BUDGET + ["exact"])
    payload, stats = claims_payload(events, fewer, {})
    assert stats.halos == len(payload["halos"]) == HALO_BUDGET
    assert stats.halos_hidden == 0


def test_legend_explains_the_count_badge_and_grid_ring_of_large_views():
    from src.mapview.build import MARKER_BUDGET
    from src.mapview.legend import GROUP_WORDS, LARGE_TITLE, RING_WORDS

    html = legend_html()
    # the same legend for every view (the base map must not change with the view)
    assert html.index(esc(LARGE_TITLE)) < html.index("Claimant side (colour)")
    assert f"{MARKER_BUDGET:,}" in LARGE_TITLE
    assert esc(GROUP_WORDS) in html
    assert esc(RING_WORDS) in html
    assert "kcm-badge" in html
    css = own_file("map.css")
    for rule in (".kcm-key-group", ".kcm-key-group .kcm-badge", ".kcm-key-ring"):
        assert rule + " {" in css, rule
