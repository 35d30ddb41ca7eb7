"""The place filter and the text search match a place in every spelling the gazetteer knows:
"Khankendi" and "Xankəndi" find the Stepanakert claims, "Shushi" Shusha's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from src.briefing.__main__ import main as briefing_main
from src.filters import FilterState, apply_filters, describe, place_resolver, search_places
from src.geo.gazetteer import Gazetteer
from src.urlstate import parse_query, to_query
from tests.exodus_data import SMALL


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Khankendi", ("stepanakert",)),
        ("Xankəndi", ("stepanakert",)),
        ("khankandi", ("stepanakert",)),
        ("  The city of Stepanakert ", ("stepanakert",)),
        ("Shushi", ("shusha",)),
        ("Şuşa", ("shusha",)),
        ("Berdzor", ("lachin",)),
        ("Artsakh", ("nagorno_karabakh",)),
        ("shelling", ()),  # not a place: the text search alone
        ("Lachin-Khankendi", ()),  # part of a road's alias is not the road
        ("", ()),
    ],
)
def test_search_places_names_places_in_any_spelling(bundled, text, places) -> None:
    assert search_places(text, bundled.places) == places


def _ids(frame: pd.DataFrame) -> set[str]:
    return set(frame["event_id"])


def test_a_search_for_an_alias_finds_the_places_claims(bundled) -> None:
    events = bundled.events
    at_stepanakert = _ids(events[events["place_id"] == "stepanakert"])
    assert at_stepanakert
    for text in ("Khankendi", "Xankəndi"):
        state = FilterState(text=text, text_places=search_places(text, bundled.places))
        found = _ids(apply_filters(events, state))
        assert at_stepanakert <= found
        # the words still count: a claim elsewhere whose text says Khankendi stays found
        worded = events["summary"].str.casefold().str.contains(text.casefold(), regex=False)
        assert _ids(events[worded]) <= found
    # without the place resolution the search is words only: Stepanakert's claims never say
    # "Xankəndi", so none would be found
    assert _ids(apply_filters(events, FilterState(text="Xankəndi"))) == set()


def test_shushi_finds_shushas_claims(small) -> None:
    state = FilterState(text="Shushi", text_places=search_places("Shushi", small.places))
    assert state.text_places == ("shusha",)
    events = small.events.assign(place_id=small.events["place_id"].replace("baku", "shusha"))
    assert _ids(apply_filters(events, state)) == {"E002"}  # moved to Shusha above


def test_the_place_facet_keeps_only_that_places_claims(bundled) -> None:
    events = bundled.events
    state = FilterState(places=("stepanakert", "lachin_corridor"))
    got = apply_filters(events, state)
    assert set(got["place_id"]) == {"stepanakert", "lachin_corridor"}
    assert len(got) == int(events["place_id"].isin(state.places).sum())
    names = dict(zip(bundled.places["place_id"], bundled.places["name"], strict=True))
    words = describe(state, events, {}, {}, names)
    assert words[1] == "place: Stepanakert / Khankendi, Lachin corridor"


def test_a_link_names_a_place_by_any_alias(small) -> None:
    options = {"places": ["stepanakert", "shusha", "lachin_corridor", "baku"]}
    resolve = place_resolver(Gazetteer.from_frame(small.places))
    parsed = parse_query({"place": ["Khankendi,Shushi", "Xankəndi"]}, options, None, resolve)
    assert parsed.notices == ()
    assert parsed.state.places == ("stepanakert", "shusha")
    assert to_query(parsed.state) == {"place": ["stepanakert", "shusha"]}
    unknown = parse_query({"place": ["Atlantis"]}, options, None, resolve)
    assert unknown.state.places == ()
    assert unknown.notices == ("Ignored unknown place value(s): 'Atlantis'.",)
    # a place the gazetteer knows but no claim is at is not an option of the filter
    lachin = parse_query({"place": ["Berdzor"]}, options, None, resolve)
    assert lachin.notices == ("Ignored unknown place value(s): 'Berdzor'.",)


def test_kcm_briefing_place_takes_an_alias(tmp_path: Path, capsys) -> None:
    out = tmp_path / "claims.csv"
    args = ["csv", "--out", str(out), "--data-dir", str(SMALL)]
    assert briefing_main([*args, "--place", "Khankendi"]) == 0, capsys.readouterr().err
    assert list(pd.read_csv(out, dtype=str)["event_id"]) == ["E001"]
    assert briefing_main([*args, "--q", "Xankəndi"]) == 0, capsys.readouterr().err
    assert list(pd.read_csv(out, dtype=str)["event_id"]) == ["E001"]


# --- under AppTest ---------------------------------------------------------------------------


def _headline(at) -> str:
    return next(m.value for m in at.markdown if "claims shown" in m.value)


def test_the_sidebar_place_filter_from_a_link_and_its_labels(app_factory) -> None:
    at = app_factory(SMALL, place="Khankendi")
    assert not at.exception
    select = at.multiselect(key="f_places")
    assert select.value == ["stepanakert"]
    assert any("Khankendi" in o and "Xankəndi" in o for o in select.options)  # every alias
    assert _headline(at).startswith("**1 of 4 claims shown**")
    assert at.query_params["place"] == "stepanakert"
    select.set_value(["stepanakert", "baku"]).run()
    assert _headline(at).startswith("**2 of 4 claims shown**")


def test_the_sidebar_search_finds_a_place_by_alias(app_factory) -> None:
    at = app_factory(SMALL, q="Xankəndi")
    assert not at.exception
    assert _headline(at).startswith("**1 of 4 claims shown**")
    at.text_input(key="f_text").set_value("Shushi").run()
    assert _headline(at).startswith("**0 of 4 claims shown**")  # no claim at Shusha
    at.text_input(key="f_text").set_value("Lachin Corridor").run()
    assert _headline(at).startswith("**1 of 4 claims shown**")
