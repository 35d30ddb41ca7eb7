"""Stated distances: loading with file:line errors, the geodesic check, the unit swap."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from geopy.distance import Distance

from src.analysis.distances import (
    StatedDistanceError,
    check,
    check_table,
    compass_point,
    default_path,
    direction_agrees,
    geodesic_km,
    load_stated_distances,
    measure,
    verdict,
)
from src.dataset import load_places
from src.geo import Gazetteer

#: The founding articles live beside the checkout (``../shared/seeds``), as in CI.
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
HEADER = "source_id,from_place,to_place,value,unit,direction,quote,notes\n"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_frame(load_places())


@pytest.fixture(scope="module")
def stated(gazetteer, bundled):
    return load_stated_distances(default_path(), gazetteer, bundled.sources["source_id"])


def test_yevlakh_stepanakert_geodesic(gazetteer):
    km = geodesic_km(gazetteer.place("yevlakh"), gazetteer.place("stepanakert"))
    assert km == pytest.approx(95.3, abs=0.5)
    assert km == pytest.approx(Distance(miles=60).km, rel=0.02)  # 60 miles, not 60 km


def test_bundled_file_resolves_names_as_written(stated):
    assert [(s.source_id, s.value, s.unit) for s in stated] == [
        ("a003", 60, "km"),
        ("a003", 100, "km"),
    ]
    first = stated[0]
    assert (first.from_name, first.from_place.place_id) == ("Khankendi", "stepanakert")
    assert first.to_place.place_id == "yevlakh"
    assert first.direction == "N"


def test_sixty_kilometres_is_off_but_sixty_miles_matches(stated):
    result = check(stated[0])
    assert result.as_printed == "too short"
    assert result.error_as_printed == pytest.approx(-0.37, abs=0.01)
    assert result.as_other_unit == "matches"
    assert abs(result.error_as_other_unit) < 0.02
    assert result.direction_ok  # Yevlakh is north (NNE) of Khankendi
    sentence = result.sentence()
    assert "60 kilometres (60.0 km) is 37% below the 95.3 km geodesic" in sentence
    assert "60 miles (96.6 km) it is 1% above (matches)" in sentence


def test_the_bracketed_hundred_km_matches_too(stated):
    result = check(stated[1])
    assert result.as_printed == "matches"
    assert result.as_other_unit == "far too long"


def test_check_table(stated):
    table = check_table([check(s) for s in stated])
    assert table.loc[0, "As printed"] == "60.0 km: too short (-37%)"
    assert table.loc[0, "Unit swapped"] == "60 mi = 96.6 km: matches (+1%)"
    assert table.loc[0, "Geodesic"] == "95.3 km"


@pytest.mark.skipif(
    not SEEDS.exists() and os.environ.get("CI") != "true",
    reason="seed articles not beside this checkout (../shared/seeds); CI always has them",
)
def test_quotes_are_verbatim_in_the_article(stated, bundled):
    files = dict(zip(bundled.sources["source_id"], bundled.sources["file"], strict=True))
    for s in stated:
        assert s.quote in (SEEDS / files[s.source_id]).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("stated_km", "expected"),
    [
        (95, "matches"),
        (60, "too short"),
        (120, "longer (plausible by road)"),
        (200, "far too long"),
    ],
)
def test_verdicts(stated_km, expected):
    assert verdict(stated_km, 95.3) == expected


def test_compass():
    assert compass_point(21) == "N"
    assert compass_point(30) == "NE"
    assert compass_point(350) == "N"
    assert direction_agrees("N", 21)
    assert direction_agrees("N", 330)
    assert not direction_agrees("S", 21)


def test_measure_tool(gazetteer):
    result = measure(gazetteer, "stepanakert", "yevlakh")
    assert result.km == pytest.approx(95.3, abs=0.5)
    assert result.miles == pytest.approx(59.2, abs=0.3)
    assert compass_point(result.bearing) == "N"
    assert not result.involves_line
    assert measure(gazetteer, "stepanakert", "lachin_corridor").involves_line


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "stated_distances.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def problems(path: Path, gazetteer, sources=("a003",)) -> list[str]:
    with pytest.raises(StatedDistanceError) as err:
        load_stated_distances(path, gazetteer, sources)
    return [str(p) for p in err.value.problems]


def test_every_bad_field_is_reported_with_its_line(tmp_path, gazetteer):
    path = write(
        tmp_path,
        'a003,Khankendi,Yevlakh,60,km,N,"fine",\n'
        "a009,Atlantis,Yevlakh,-3,furlongs,up,,\n"
        "x1,Khankendi,Stepanakert,ten,km,,=cmd(),\n",
    )
    found = problems(path, gazetteer)
    name = found[0].split(":")[0]
    assert name.endswith("stated_distances.csv")
    expected = [
        ":3: source_id: unknown source 'a009'",
        ":3: from_place: unknown place 'Atlantis'",
        ":3: value: '-3' is not a positive number",
        ":3: unit: 'furlongs' is not one of km, mi",
        ":3: direction: 'up' is not a compass point",
        ":3: quote: required",
        ":4: source_id: 'x1' is not a source id",
        ":4: to_place: is the same place as from_place",
        ":4: value: 'ten' is not a positive number",
    ]
    for text in expected:
        assert any(text in p for p in found), (text, found)
    assert not any(":2:" in p for p in found)
    assert not any(":4: quote" in p for p in found)  # "=cmd()" is text, not a problem


def test_long_quote_and_missing_column(tmp_path, gazetteer):
    long = " ".join(["word"] * 30)
    found = problems(write(tmp_path, f'a003,Khankendi,Yevlakh,60,km,N,"{long}",\n'), gazetteer)
    assert any(":2: quote: 30 words; quotes are at most 25" in p for p in found)
    found = problems(
        write(tmp_path, "a003,Khankendi,60\n", "source_id,from_place,value\n"), gazetteer
    )
    assert any(":1: -: missing column(s) to_place, unit" in p for p in found)


def test_missing_file_means_no_stated_distances(tmp_path, gazetteer):
    assert load_stated_distances(tmp_path / "none.csv", gazetteer) == []
