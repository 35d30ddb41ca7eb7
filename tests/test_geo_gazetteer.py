"""The offline gazetteer: layered matching, suggestions (never guesses), ambiguity, geometry."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from src.geo.gazetteer import AmbiguousPlace, Gazetteer, GazetteerError, PlaceNotFound
from src.geo.result import GeoResult, Provenance

FIXTURE = Path(__file__).parent / "fixtures" / "geo" / "places.csv"
REAL_PLACES = Path(__file__).resolve().parent.parent / "data" / "places.csv"

COLUMNS = ["place_id", "name", "aliases", "kind", "lat", "lon", "precision", "waypoints"]


def frame(*rows: tuple[Any, ...]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS)


BASE_ROWS = (
    ("stepanakert", "Stepanakert / Khankendi", "Stepanakert|Khankendi|Xankəndi", "city",
     39.8153, 46.7519, "exact", ""),
    ("shusha", "Shusha", "Shushi|Şuşa", "town", 39.7583, 46.7483, "exact", ""),
    ("lachin", "Lachin", "Berdzor|Laçın", "town", 39.6408, 46.5469, "exact", ""),
    ("goris", "Goris", "Gorus", "town", 39.5078, 46.3386, "exact", ""),
    ("aghdam", "Aghdam", "Ağdam", "town", 39.9931, 46.9306, "exact", ""),
    ("yerevan", "Yerevan", "", "capital", 40.1777, 44.5126, "exact", ""),
    ("lachin_corridor", "Lachin corridor", "Lachin road", "corridor", 39.6875, 46.6431,
     "region", "stepanakert;shusha;lachin;goris"),
)  # fmt: skip


@pytest.fixture
def gaz() -> Gazetteer:
    return Gazetteer.from_frame(frame(*BASE_ROWS))


# --- matching layers ---------------------------------------------------------------------


def test_khankendi_and_stepanakert_are_the_same_place(gaz: Gazetteer) -> None:
    a, b = gaz.lookup("Khankendi"), gaz.lookup("Stepanakert")
    assert a.place_id == b.place_id == "stepanakert"
    assert (a.lat, a.lon) == (b.lat, b.lon) == (39.8153, 46.7519)
    assert a.provenance.source == "gazetteer"
    assert a.provenance.retrieved_at is None


@pytest.mark.parametrize(
    ("query", "layer"),
    [
        ("stepanakert", "place_id"),
        ("  KHANKENDI ", "name match"),
        ("Stepanakert / Khankendi", "name match"),
        ("Xankendi", "normalised match"),
        ("the city of Khankendi", "normalised match"),
        ("Khankandi", "normalised match"),
        ("Hankendi", "transliteration match"),
        ("Khan-Kendy", "transliteration match"),
    ],
)
def test_stepanakert_spellings_and_the_layer_that_matched(
    gaz: Gazetteer, query: str, layer: str
) -> None:
    result = gaz.lookup(query)
    assert result.place_id == "stepanakert"
    assert result.provenance.detail.startswith(layer)


@pytest.mark.parametrize(
    ("query", "place_id"),
    [
        ("Şuşa", "shusha"),
        ("Susa", "shusha"),
        ("Lacin", "lachin"),
        ("Agdam", "aghdam"),
        ("Erevan", "yerevan"),
        ("the Lachin Corridor", "lachin_corridor"),
        ("lachin_corridor", "lachin_corridor"),
    ],
)
def test_variant_spellings(gaz: Gazetteer, query: str, place_id: str) -> None:
    assert gaz.lookup(query).place_id == place_id


def test_typo_is_suggested_not_resolved(gaz: Gazetteer) -> None:
    with pytest.raises(PlaceNotFound) as info:
        gaz.lookup("Stepanakertt")
    assert info.value.suggestions == ["Stepanakert"]
    assert str(info.value) == "unknown place 'Stepanakertt'. Did you mean: Stepanakert?"
    assert not isinstance(info.value, AmbiguousPlace)


def test_suggestions_offer_every_close_place(gaz: Gazetteer) -> None:
    with pytest.raises(PlaceNotFound) as info:
        gaz.lookup("Lachn")
    assert info.value.suggestions[0] == "Lachin"


@pytest.mark.parametrize("query", ["Tbilisi", "", "   ", "xy"])
def test_unknown_without_suggestions(gaz: Gazetteer, query: str) -> None:
    with pytest.raises(PlaceNotFound) as info:
        gaz.lookup(query)
    assert info.value.suggestions == []
    assert "Did you mean" not in str(info.value)


# --- ambiguity -----------------------------------------------------------------------------


def test_one_key_two_places_is_ambiguous() -> None:
    gaz = Gazetteer.from_frame(
        frame(
            ("aghdam", "Aghdam", "Ağdam", "town", 39.9931, 46.9306, "exact", ""),
            ("aghdam_tovuz", "Aghdam (Tovuz)", "Ağdam", "village", 40.9, 45.6, "exact", ""),
        )
    )
    with pytest.raises(AmbiguousPlace) as info:
        gaz.lookup("Ağdam")
    assert set(info.value.suggestions) == {"aghdam", "aghdam_tovuz"}
    assert "aghdam_tovuz" in str(info.value)
    assert "aghdam (" in str(info.value)
    assert isinstance(info.value, PlaceNotFound)  # callers catching PlaceNotFound see it too
    # The names themselves and the ids stay unambiguous.
    assert gaz.lookup("Aghdam").place_id == "aghdam"
    assert gaz.lookup("aghdam_tovuz").place_id == "aghdam_tovuz"
    assert gaz.collisions("name") == {"ağdam": ["aghdam", "aghdam_tovuz"]}


def test_ambiguity_on_a_looser_layer_is_reported_too() -> None:
    gaz = Gazetteer.from_frame(
        frame(
            ("khankendi_a", "Khankendi", "", "city", 39.8, 46.7, "exact", ""),
            ("khankandi_b", "Khankandi", "", "village", 40.0, 47.0, "exact", ""),
        )
    )
    assert gaz.lookup("Khankendi").place_id == "khankendi_a"  # stricter layer wins
    assert gaz.lookup("Xankəndi").place_id == "khankandi_b"  # unique on the normalised layer
    with pytest.raises(AmbiguousPlace) as info:
        gaz.lookup("Hankendi")  # only the transliteration key matches, and it matches both
    assert info.value.layer == "transliteration"
    assert info.value.suggestions == ["khankandi_b", "khankendi_a"]
    assert gaz.collisions("transliteration") == {"hangandi": ["khankandi_b", "khankendi_a"]}


def test_real_data_has_no_key_collisions() -> None:
    from src.dataset import load_places

    gaz = Gazetteer.from_frame(load_places(REAL_PLACES))
    for layer in ("name", "normalised", "transliteration"):
        assert gaz.collisions(layer) == {}, layer


ORGANISATIONS = (
    "EU",
    "European Union",
    "Carnegie Europe",
    "Chatham House",
    "UN",
    "United Nations",
    "UN Security Council",
    "United Nations Security Council",
    "UN Secretary-General",
)


@pytest.mark.parametrize("name", ORGANISATIONS)
def test_real_data_does_not_geocode_organisations(name: str) -> None:
    """An organisation is not a place: its name must not resolve to its seat's city."""
    from src.dataset import load_places

    gaz = Gazetteer.from_frame(load_places(REAL_PLACES))
    with pytest.raises(PlaceNotFound):
        gaz.lookup(name)


def test_real_data_seats_still_resolve_by_place_name() -> None:
    from src.dataset import load_places

    gaz = Gazetteer.from_frame(load_places(REAL_PLACES))
    assert gaz.lookup("Brussels").place_id == "brussels"
    assert gaz.lookup("London").place_id == "london"
    assert gaz.lookup("United Nations Headquarters").place_id == "new_york_un"
    assert gaz.lookup("new_york_un").place_id == "new_york_un"


@pytest.mark.parametrize(
    ("place_id", "precision"), [("hakari_bridge", "near"), ("nagorno_karabakh", "region")]
)
def test_real_data_estimated_points_do_not_claim_exactness(place_id: str, precision: str) -> None:
    """The checkpoint's point is an estimate (up to ~3 km off) and Nagorno-Karabakh's a rough
    centroid of a region: their precision must say so."""
    from src.dataset import load_places

    gaz = Gazetteer.from_frame(load_places(REAL_PLACES))
    assert gaz.place(place_id).precision == precision


# --- geometry ------------------------------------------------------------------------------


def test_lachin_corridor_is_a_linestring_through_its_waypoints(gaz: Gazetteer) -> None:
    result = gaz.lookup("Lachin Corridor")
    assert result.place_id == "lachin_corridor"
    assert result.geometry["type"] == "LineString"
    expected = [
        [gaz.place(wp).lon, gaz.place(wp).lat]
        for wp in ("stepanakert", "shusha", "lachin", "goris")
    ]
    assert result.geometry["coordinates"] == expected
    assert expected[0] == [46.7519, 39.8153]  # GeoJSON order: lon, lat
    assert result.is_line
    assert gaz.geometry("lachin_corridor") == result.geometry


def test_point_geometry_is_lon_lat(gaz: Gazetteer) -> None:
    assert gaz.geometry("goris") == {"type": "Point", "coordinates": [46.3386, 39.5078]}
    assert not gaz.lookup("Goris").is_line
    with pytest.raises(KeyError):
        gaz.geometry("nowhere")


def test_line_without_own_point_uses_mean_of_waypoints() -> None:
    gaz = Gazetteer.from_frame(
        frame(
            ("a", "A", "", "town", 40.0, 46.0, "exact", ""),
            ("b", "B", "", "town", 41.0, 47.0, "exact", ""),
            ("ab", "A-B road", "", "road", math.nan, math.nan, "region", "a;b"),
        )
    )
    result = gaz.lookup("A-B road")
    assert (result.lat, result.lon) == pytest.approx((40.5, 46.5))
    assert result.geometry["coordinates"] == [[46.0, 40.0], [47.0, 41.0]]


# --- construction errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((("r", "R", "", "road", 40.0, 46.0, "region", "nowhere;x"),), "unknown waypoint"),
        ((("a", "A", "", "town", 40.0, 46.0, "exact", ""),
          ("r", "R", "", "road", 40.0, 46.0, "region", "a")), r"2\+ waypoints"),
        ((("a", "A", "", "town", math.nan, 46.0, "exact", ""),), "no coordinates"),
        ((("a", "A", "", "town", 40.0, 46.0, "exact", ""),
          ("a", "A2", "", "town", 40.0, 46.0, "exact", "")), "duplicate place_id"),
        ((("a", "A", "", "town", 40.0, 46.0, "exact", ""),
          ("b", "B", "", "town", 40.0, 46.0, "exact", ""),
          ("r", "R", "", "road", 40.0, 46.0, "region", "a;b"),
          ("s", "S", "", "road", 40.0, 46.0, "region", "a;r")), "itself a line"),
    ],
)  # fmt: skip
def test_inconsistent_frames_are_rejected(rows: tuple[Any, ...], message: str) -> None:
    with pytest.raises(GazetteerError, match=message):
        Gazetteer.from_frame(frame(*rows))


def test_missing_column_is_rejected() -> None:
    with pytest.raises(GazetteerError, match="waypoints"):
        Gazetteer.from_frame(frame(*BASE_ROWS).drop(columns=["waypoints"]))


def test_blank_aliases_may_be_nan_or_none() -> None:
    gaz = Gazetteer.from_frame(
        frame(
            ("a", "Alpha", None, "town", 40.0, 46.0, "exact", None),
            ("b", "Beta", math.nan, "town", 40.0, 46.0, "exact", math.nan),
        )
    )
    assert gaz.lookup("alpha").place_id == "a"
    assert gaz.place("b").aliases == ()


# --- loading the fixture CSV through the project's loader ------------------------------------


def test_builds_from_the_validated_loader() -> None:
    from src.dataset import load_places

    gaz = Gazetteer.from_frame(load_places(FIXTURE))
    assert len(gaz) == 9
    assert "lachin_corridor" in gaz
    assert gaz.lookup("Xankəndi").place_id == "stepanakert"
    assert gaz.place("lachin_corridor").waypoints == (
        "stepanakert",
        "shusha",
        "lachin",
        "hakari_bridge",
        "goris",
    )
    assert gaz.lookup("Lachin road").geometry["coordinates"][3] == [46.56, 39.55]


# --- GeoResult -----------------------------------------------------------------------------


def test_result_is_frozen_and_serialises(gaz: Gazetteer) -> None:
    result = gaz.lookup("Lachin corridor")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.lat = 0.0  # type: ignore[misc]
    data = json.loads(result.to_json())
    assert data["place_id"] == "lachin_corridor"
    assert data["provenance"] == {
        "source": "gazetteer",
        "retrieved_at": None,
        "detail": "name match on 'Lachin corridor'",
    }
    assert data["geometry"]["type"] == "LineString"
    rebuilt = GeoResult(**{**data, "provenance": Provenance(**data["provenance"])})
    assert rebuilt == result


def test_to_json_keeps_non_ascii(gaz: Gazetteer) -> None:
    result = gaz.lookup("Şuşa")
    assert "Şuşa" in result.to_json()
