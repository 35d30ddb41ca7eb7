"""Region-level claims drawn as regions, and the off-view badges' places (src/mapview/regions.py,
src/mapview/offmap.py, their hook in build.claims_payload)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from src.dataset import Dataset
from src.mapview import offmap
from src.mapview.build import claims_payload
from src.mapview.offmap import offmap_payload, short_name
from src.mapview.regions import AREA_KINDS, area_mask, regions_payload
from src.safe_html import esc

HOSTILE = "<img src=x onerror=alert(1)>"


def _region_ids(places: pd.DataFrame) -> set[str]:
    return set(
        places.loc[
            places["kind"].isin(list(AREA_KINDS)) & (places["precision"] == "region"), "place_id"
        ]
    )


def test_region_claims_leave_the_markers_but_stay_in_the_count(bundled: Dataset) -> None:
    events, places = bundled.events, bundled.places
    regions = _region_ids(places)
    at_regions = int(events["place_id"].isin(list(regions)).sum())
    located = int((events["place_id"] != "").sum())
    assert at_regions >= 38  # "in Nagorno-Karabakh" alone is 38 in the bundled data
    payload, stats = claims_payload(events, places, {})
    assert payload["mode"] == "claims"
    assert len(payload["lat"]) == located - at_regions  # not markers, so not in clusters
    r = payload["regions"]
    assert r["total"] == at_regions == sum(r["counts"])
    assert stats.markers == located  # what kcm.count() reports: regions included
    nk = r["names"].index("Nagorno-Karabakh")
    assert r["counts"][nk] == int((events["place_id"] == "nagorno_karabakh").sum())
    assert r["radius"][nk] > 0  # a region has an outline
    assert r["radius"][r["names"].index("Armenia")] == 0  # a country has its borders instead
    # no halo at the region's centroid: the outline is the area
    halo_tips = [payload["strings"][h[3]] for h in payload["halos"]]
    assert not any("Nagorno-Karabakh" in t for t in halo_tips)
    assert "nagorno_karabakh" in stats.places


def test_grouped_views_carry_the_regions_too(bundled: Dataset) -> None:
    payload, stats = claims_payload(bundled.events, bundled.places, {}, budget=10)
    assert payload["mode"] == "groups"
    r = payload["regions"]
    assert sum(payload["count"]) + r["total"] == stats.markers


def test_a_region_popup_lists_each_claim_with_source_claimant_and_status(
    bundled: Dataset,
) -> None:
    events, places = bundled.events, bundled.places
    headlines = dict(zip(bundled.sources["source_id"], bundled.sources["headline"], strict=True))
    payload, _ = claims_payload(events, places, headlines)
    r = payload["regions"]
    popup = r["popups"][r["names"].index("Nagorno-Karabakh")]
    claims = events[events["place_id"] == "nagorno_karabakh"]
    assert popup.count("<li>") == len(claims)
    first = claims.sort_values(["date_start", "event_id"]).iloc[0]
    assert esc(first["claimant"]) in popup
    assert esc(headlines[first["source_ids"].split("|")[0]]) in popup
    assert "Status:" in popup
    assert "not a point on the map" in popup


def test_region_text_is_escaped_and_long_lists_are_cut(bundled: Dataset) -> None:
    places = bundled.places.copy()
    places.loc[places["place_id"] == "nagorno_karabakh", "name"] = HOSTILE
    events = bundled.events[bundled.events["place_id"] == "nagorno_karabakh"]
    events = pd.concat([events] * 3, ignore_index=True).assign(claimant=HOSTILE)
    rows = pd.Index(places["place_id"]).get_indexer(events["place_id"])
    located = events.assign(place_row=rows)
    mask = area_mask(located, places)
    assert mask.all()
    r = regions_payload(located[mask], places, {})
    assert HOSTILE not in r["names"][0]
    assert HOSTILE not in r["popups"][0]
    assert r["popups"][0].count("<li>") == 60
    assert f"and {len(events) - 60:,} more" in r["popups"][0]


def test_offmap_places_are_counted_most_first_with_short_names(bundled: Dataset) -> None:
    places = bundled.places
    rows = np.array([3, 1, 1, 9, 9, 9])
    out = offmap_payload(rows, places)
    assert out["counts"] == [3, 2, 1]
    assert out["titles"][0] == places["name"].iloc[9]
    assert out["lat"][0] == round(float(places["lat"].iloc[9]), 5)
    assert offmap_payload(np.array([], dtype=np.int64), places)["counts"] == []
    many = offmap_payload(np.arange(len(places)).repeat(2), places)
    assert len(many["counts"]) == len(places)  # the bundled gazetteer is under the budget
    assert short_name("United Nations Headquarters, New York") == "United Nations…"
    assert short_name("Baku") == "Baku"


def test_offmap_keeps_the_places_that_weigh_most(
    bundled: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(offmap, "OFFMAP_BUDGET", 2)
    out = offmap.offmap_payload(np.array([3, 1, 1, 9, 9, 9]), bundled.places)
    assert out["counts"] == [3, 2]


def test_the_payload_names_every_place_holding_claims(bundled: Dataset) -> None:
    payload, _ = claims_payload(bundled.events, bundled.places, {})
    off = payload["offmap"]
    located = bundled.events[bundled.events["place_id"] != ""]
    assert sum(off["counts"]) == len(located)
    by_name = dict(zip(off["titles"], off["counts"], strict=True))
    assert by_name["Moscow"] == int((located["place_id"] == "moscow").sum())
