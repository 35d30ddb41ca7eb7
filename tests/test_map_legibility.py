"""What the map sends for legibility: names in priority order for the browser's placement,
the north arrow, the folding legend, and cluster clicks handled by kcm (not markercluster)."""

from __future__ import annotations

import json
import re

import pandas as pd

from src.mapview.build import base_layers, base_map, claims_group, claims_payload, place_labels
from src.mapview.controls import LEGEND_LOW_PX, LEGEND_NARROW_PX


def render(m) -> str:
    return m.get_root().render()


def test_names_go_to_the_browser_most_claimed_first_with_their_preferred_side():
    points = pd.DataFrame(
        {
            "place_id": ["a", "b", "c", "d"],
            "name": ["Alpha <x>", "Bravo", "Charlie", "Delta"],
            "lat": [40.0, 40.0, 39.0, 38.0],
            "lon": [46.0, 46.05, 46.0, 46.0],  # b is a close eastern neighbour of a
        },
        index=[10, 11, 12, 13],
    )
    labelled = pd.Series([True, True, True, False], index=points.index)
    names, order, left = place_labels(points, labelled, {"c": 9, "a": 2, "b": 2})
    assert names == ["Alpha &lt;x&gt;", "Bravo", "Charlie", ""]  # escaped; d not named
    assert order == [2, 0, 1]  # positions, most claimed first, ties by name
    assert left == [0]  # a's name tries the west side first: b sits just east of it


def test_the_bundled_names_are_ranked_by_claims(bundled):
    dots = base_layers(bundled.places, bundled.events).dots
    points = bundled.places[bundled.places["waypoints"] == ""].reset_index(drop=True)
    counts = bundled.events["place_id"].value_counts()
    ranked = [int(counts.get(points.at[i, "place_id"], 0)) for i in dots["order"]]
    assert ranked == sorted(ranked, reverse=True)
    assert {i for i, n in enumerate(dots["names"]) if n} == set(dots["order"])
    assert set(dots["left"]) <= set(dots["order"])


def test_the_map_has_a_north_arrow_a_folding_legend_and_the_label_code(small):
    html = render(base_map(small.places, small.events))
    assert "kcm.northArrow(" in html
    call = re.search(r"kcm\.legend\([^,]+, (\".*?\"), \"topright\", (\d+), (\d+)\);", html)
    assert call is not None
    assert "Claimant side (colour)" in json.loads(call.group(1))
    assert (int(call.group(2)), int(call.group(3))) == (LEGEND_NARROW_PX, LEGEND_LOW_PX)
    assert "/static/kcm/labels.js" in html
    assert "/static/kcm/controls.js" in html


def test_cluster_clicks_are_left_to_kcm(small):
    payload, _ = claims_payload(small.events, small.places, {})
    m = base_map(small.places, small.events)
    claims_group(payload).add_to(m)
    html = render(m)
    assert '"zoomToBoundsOnClick": false' in html
    assert '"spiderfyOnMaxZoom": false' in html
