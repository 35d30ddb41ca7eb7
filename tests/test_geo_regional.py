"""The regional (GeoNames) layer: offline, after the curated gazetteer, before the cache."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from src.dataset import load_places
from src.geo.__main__ import main
from src.geo.cache import CacheEntry, GeocodeCache
from src.geo.chain import build_chain
from src.geo.gazetteer import AmbiguousPlace, Gazetteer, PlaceNotFound
from src.geo.regional import (
    RegionalGazetteer,
    RegionalPlace,
    regional_gazetteer,
)
from src.geo.regional import (
    load_places as load_regional,
)

REPO = Path(__file__).resolve().parent.parent
REAL_PLACES = REPO / "data" / "places.csv"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_frame(load_places(REAL_PLACES))


def test_layer_holds_only_the_region_and_a_village_scale_count() -> None:
    layer = regional_gazetteer()
    countries = {p.country for p in layer}
    assert countries == {"Armenia", "Azerbaijan"}
    assert len(layer) > 800  # cities500: every place of 500+ people, not just towns
    assert all(38.3 < p.lat < 42.0 and 43.4 < p.lon < 51.0 for p in layer)


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Sisian", "Sisian"),
        ("Əsgəran", "Askyaran"),  # Azerbaijani letters
        ("Xocalı", "Khojaly"),
        ("Ghapan", "Kapan"),  # an alternate name
        ("Terter", "Tartar"),  # a transliteration
    ],
)
def test_alternate_names_and_letters_resolve(written: str, name: str) -> None:
    result = regional_gazetteer().lookup(written)
    assert result.name == name
    assert result.place_id is None
    assert result.provenance.source == "geonames"
    assert result.precision == "near"


def test_two_places_of_one_name_are_ambiguous_never_picked() -> None:
    with pytest.raises(AmbiguousPlace) as info:
        regional_gazetteer().lookup("Vardenis")
    assert len(info.value.candidates) == 2
    assert "GeoNames has 2 places" in str(info.value)


def test_unknown_name_is_not_found() -> None:
    with pytest.raises(PlaceNotFound):
        regional_gazetteer().lookup("Nowhereville")


def test_curated_gazetteer_wins(gaz: Gazetteer, tmp_path: Path) -> None:
    chain = build_chain(gaz, env={}, cache=tmp_path / "c.sqlite")
    for name in ("Askeran", "Khankendi", "Goris", "Shushi"):
        result = chain.lookup(name)
        assert result.provenance.source == "gazetteer", name
        assert result.place_id is not None


def test_regional_answers_before_the_cache(gaz: Gazetteer, tmp_path: Path) -> None:
    cache = GeocodeCache(tmp_path / "c.sqlite")
    cache.put(CacheEntry.positive("Sisian", service="nominatim", lat=1.0, lon=1.0))
    result = build_chain(gaz, env={}, cache=cache).lookup("Sisian")
    assert result.provenance.source == "geonames"
    assert (round(result.lat), round(result.lon)) == (40, 46)
    no_layer = build_chain(gaz, env={}, cache=cache, regional=False).lookup("Sisian")
    assert no_layer.provenance.source == "cache"


def test_small_cached_file_is_used_and_a_bad_one_ignored(tmp_path: Path) -> None:
    first = load_regional(tmp_path)
    (written,) = tmp_path.glob("geonames-region-*.json")
    assert load_regional(tmp_path) == first
    written.write_text("{not json", encoding="utf-8")
    assert load_regional(tmp_path) == first  # read from the package again


def test_layer_from_given_rows() -> None:
    layer = RegionalGazetteer([RegionalPlace(1, "Alpha", 40.0, 46.0, "Armenia", 900, ("Alfa",))])
    assert layer.lookup("alfa").name == "Alpha"


@pytest.mark.parametrize("name", ["Goris", "Askeran", "Sisian"])
def test_cli_lookup_answers_offline(name: str, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    args = ["lookup", name, "--json", "--cache", str(tmp_path / "c.sqlite")]
    assert main(args, stdout=out, stderr=err, env={}) == 0, err.getvalue()
    data = json.loads(out.getvalue())
    assert data["provenance"]["source"] in {"gazetteer", "geonames"}
    assert 39.0 < data["lat"] < 41.0
