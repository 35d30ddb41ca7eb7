"""Place mentions: curated aliases, the regional layer, ambiguous and unknown names."""

from __future__ import annotations

import pytest

from src.dataset import Dataset
from src.ingest.draft import place_finder
from src.ingest.places import PlaceFinder


@pytest.fixture(scope="module")
def finder(bundled: Dataset) -> PlaceFinder:
    return place_finder(bundled)[0]


def _found(finder: PlaceFinder, text: str) -> list[tuple[str, str, str | None]]:
    return [(m.mention, m.status, m.place_id) for m in finder.find(text)]


@pytest.mark.parametrize(
    ("text", "mention", "place_id"),
    [
        ("Stepanakert's streets were empty.", "Stepanakert", "stepanakert"),
        ("Shelling hit Khankendi/Stepanakert.", "Khankendi/Stepanakert", "stepanakert"),
        ("They reached Shusha (Shushi) at dawn.", "Shusha (Shushi)", "shusha"),
        ("Fighting near Xankəndi.", "Xankəndi", "stepanakert"),
        ("Convoys left Ağdam.", "Ağdam", "aghdam"),
        ("Convoys left Agdam.", "Agdam", "aghdam"),
        ("Residents of Şuşa returned.", "Şuşa", "shusha"),
        ("the Lachin corridor was closed", "Lachin corridor", "lachin_corridor"),
        ("Nagorno-Karabakh’s capital", "Nagorno-Karabakh", "nagorno_karabakh"),
        ("Talks in Yevlax.", "Yevlax", "yevlakh"),
    ],
)
def test_curated_aliases_and_spellings(
    finder: PlaceFinder, text: str, mention: str, place_id: str
) -> None:
    assert (mention, "found", place_id) in _found(finder, text)


def test_regional_place_is_found_with_geonames_provenance(finder: PlaceFinder) -> None:
    (m,) = finder.find("Refugees arrived in Sisian overnight.")
    assert (m.status, m.place_id, m.provenance) == ("found", None, "geonames")
    assert m.lat is not None
    assert 39 < m.lat < 40
    assert m.candidates[0].geonameid is not None
    assert m.candidates[0].country == "Armenia"


def test_regional_spelling_with_azerbaijani_letters(finder: PlaceFinder) -> None:
    (m,) = finder.find("Fighting near Xocavənd.")
    assert (m.status, m.name) == ("found", "Khojavend")


def test_regional_point_next_to_a_curated_place_is_the_curated_place(
    finder: PlaceFinder,
) -> None:
    # GeoNames' Askyaran lies 0.3 km from the curated Askeran
    (m,) = finder.find("Troops entered Askyaran.")
    assert (m.status, m.place_id, m.provenance) == ("found", "askeran", "gazetteer")


def test_ambiguous_name_lists_candidates_and_picks_none(finder: PlaceFinder) -> None:
    (m,) = finder.find("Shelling was reported near Vardenis.")
    assert m.status == "ambiguous"
    assert (m.place_id, m.lat, m.lon) == (None, None, None)
    assert len(m.candidates) == 2


def test_unknown_names_after_a_cue_are_listed(finder: PlaceFinder) -> None:
    found = _found(finder, "Residents fled the village of Zzyzxville and reached Ukraine.")
    assert ("Zzyzxville", "unknown", None) in found
    assert ("Ukraine", "unknown", None) in found


def test_people_days_and_lower_case_words_are_not_places(finder: PlaceFinder) -> None:
    found = finder.find("On Tuesday President Aliyev said aid was late. Aid arrived in March.")
    assert [m.mention for m in found] == []


def test_offsets_point_at_the_mention(finder: PlaceFinder) -> None:
    text = "«Hostile» text: <script>x</script> then Goris’s mayor spoke."
    (m,) = finder.find(text)
    assert text[m.start : m.end] == m.mention == "Goris"
