"""Base-map work that grows with the data: label sides by grid buckets (same answer as the
pairwise definition, no two labels of the bundled places colliding), route status in one pass,
and the cached layers drawing the same map."""

from __future__ import annotations

import json
import random
import re

import pandas as pd

from src.mapview.build import (
    LABEL_BUDGET,
    LABELLED_KINDS,
    base_layers,
    base_map,
    label_sides,
    most_claimed,
    route_status,
    route_statuses,
)

NEAR = 0.06  # label_sides' default


def pairwise_sides(points: pd.DataFrame, near_deg: float = NEAR) -> list[str]:
    """The definition, checked pair by pair: "left" when a close eastern neighbour exists."""
    lat, lon = points["lat"].tolist(), points["lon"].tolist()
    return [
        "left"
        if any(
            lon[p] < lon[o] < lon[p] + 1.5 * near_deg and abs(lat[o] - lat[p]) < near_deg
            for o in range(len(lat))
        )
        else "right"
        for p in range(len(lat))
    ]


def labelled_points(places: pd.DataFrame) -> pd.DataFrame:
    points = places[places["waypoints"] == ""]
    return points[points["in_theatre"] & points["kind"].isin(LABELLED_KINDS)]


def test_grid_sides_equal_the_pairwise_definition_on_random_crowds():
    rng = random.Random(3)
    for n, spread in ((50, 0.3), (400, 1.0), (400, 0.1), (2, 0.0)):
        points = pd.DataFrame(
            {
                "lat": [40 + rng.uniform(-spread, spread) for _ in range(n)],
                "lon": [46.5 + rng.uniform(-spread, spread) for _ in range(n)],
            }
        )
        assert label_sides(points).tolist() == pairwise_sides(points)


def test_points_on_cell_edges_and_negative_coordinates_are_seen_across_cells():
    points = pd.DataFrame({"lat": [0.0, 0.0599, -0.0001, 0.0], "lon": [-0.0901, -0.0001, 0.0, 0.5]})
    assert label_sides(points).tolist() == pairwise_sides(points)


def test_no_two_labels_of_the_bundled_places_overlap(bundled):
    points = labelled_points(bundled.places)
    sides = label_sides(points).tolist()
    # a right-side label runs east from its dot over up to 1.5 * NEAR of longitude: no other
    # labelled dot (whose label would start there) lies inside that strip
    lat, lon = points["lat"].tolist(), points["lon"].tolist()
    for p, side in enumerate(sides):
        if side != "right":
            continue
        for o in range(len(lat)):
            assert not (lon[p] < lon[o] < lon[p] + 1.5 * NEAR and abs(lat[o] - lat[p]) < NEAR), (
                points["name"].iloc[p],
                points["name"].iloc[o],
            )
    assert sides == pairwise_sides(points)


def test_route_statuses_in_one_pass_equal_each_route_on_its_own(bundled):
    routes = bundled.places.loc[bundled.places["waypoints"] != "", "place_id"].tolist()
    together = route_statuses(routes, bundled.events)
    assert set(together) == set(routes)
    assert any(together.values())  # the corridor's blockade claims
    for pid in routes:
        assert together[pid] == route_status(pid, bundled.events)
        mine = bundled.events[
            (bundled.events["place_id"] == pid) & (bundled.events["event_type"] == "Access and aid")
        ]
        assert len(together[pid]) == len(mine)


def test_cached_layers_draw_the_same_map(bundled):
    layers = base_layers(bundled.places, bundled.events)
    assert layers == base_layers(bundled.places, bundled.events)  # plain, comparable values
    assert len(layers.dots["lat"]) == int((bundled.places["waypoints"] == "").sum())
    html = base_map(bundled.places, bundled.events, "light", layers=layers).get_root().render()
    calls = [json.loads(m) for m in re.findall(r"kcm\.placeDots\([^{\n]*(\{.*?\})\);\n", html)]
    assert calls == [layers.dots]
    assert html.count("L.polyline") == len(layers.routes)


def test_only_the_most_claimed_places_are_named_when_there_are_too_many(bundled):
    """Thousands of permanent labels cannot be read and are moved on every zoom: the map names
    the LABEL_BUDGET places with the most claims, ties by name, and keeps every dot."""
    n = LABEL_BUDGET + 40
    places = pd.DataFrame(
        {
            "place_id": [f"p{k:03d}" for k in range(n)],
            "name": [f"Place {k:03d}" for k in range(n)],
            "aliases": "",
            "kind": "village",
            "lat": [39.0 + k * 0.05 for k in range(n)],
            "lon": 46.5,
            "precision": "exact",
            "in_theatre": True,
            "waypoints": "",
        }
    )
    # p000 has no claims; every other place k has k claims, except two ties at the cut.
    counts = {f"p{k:03d}": k for k in range(1, n)}
    claimed = [p for p, c in counts.items() for _ in range(c)]
    events = bundled.events.iloc[[0] * len(claimed)].assign(place_id=claimed)
    layers = base_layers(places, events)
    named = [
        name for name, label in zip(places["name"], layers.dots["names"], strict=True) if label
    ]
    assert len(named) == LABEL_BUDGET
    assert named == [f"Place {k:03d}" for k in range(n - LABEL_BUDGET, n)]
    assert len(layers.dots["lat"]) == n  # every place keeps its dot

    candidates = pd.Series(True, index=places.index)
    tied = {"p001": 5, "p002": 5, "p003": 5}
    kept = most_claimed(places.head(4), candidates.head(4), tied, 2)
    assert places.head(4)[kept]["place_id"].tolist() == ["p001", "p002"]  # ties by name
    small = most_claimed(places.head(3), candidates.head(3), {}, 5)
    assert small.all()  # under the budget every candidate keeps its label
