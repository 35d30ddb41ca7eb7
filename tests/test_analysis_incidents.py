"""Claims grouped per incident and the discrepancy rules, on the small fixture, purpose-built
frames, and the bundled data's known disagreements (landmines, casualty tolls)."""

from __future__ import annotations

import pandas as pd
import pytest

from src.analysis.incidents import (
    KINDS,
    all_discrepancies,
    claims_table,
    contested_incidents,
    denial_discrepancies,
    discrepancies,
    discrepancy_markdown,
    figure_discrepancies,
    figure_frame,
    incident_overview,
    incident_title,
    self_contradictions,
)


def names(data) -> dict[str, str]:
    return dict(zip(data.places["place_id"], data.places["name"], strict=True))


def claim(base: pd.Series, **changes) -> dict:
    row = base.to_dict()
    row.update(changes)
    return row


def frame(small, *rows: dict) -> pd.DataFrame:
    out = pd.DataFrame(list(rows))
    for col in ("fatalities", "injured"):
        out[col] = out[col].astype("Int64")
    return out.astype({c: small.events[c].dtype for c in ("date_start", "date_end")})


@pytest.fixture
def plain(small) -> pd.Series:
    """An uncontested claim to build incidents from: unverified, a statement, no figures."""
    return small.events[small.events["event_id"] == "E004"].iloc[0]


# --- the small fixture -----------------------------------------------------------------------


def test_small_fixture_contested_is_the_denied_shelling(small):
    # I001: NK officials' shelling claim plus Azerbaijan's Denial; I002, I003 have one claim.
    assert contested_incidents(small.events) == ["I001"]
    found = all_discrepancies(small.events)
    assert set(found) == {"I001", "I002", "I003"}
    (denial,) = found["I001"]
    assert denial.kind == "denial"
    assert denial.event_ids == ("E002",)
    assert denial.source_ids == ("a001",)
    assert "Azerbaijan Ministry of Defence" in denial.message


def test_overview_counts_claims_articles_and_sides(small):
    overview = incident_overview(small.events, names(small)).set_index("incident_id")
    assert overview.loc["I001", "claims"] == 2
    assert overview.loc["I001", "articles"] == 2  # E001 is carried by a000 and a001
    assert overview.loc["I001", "sides"] == ("Azerbaijan", "Nagorno-Karabakh authorities")
    assert overview.loc["I001", "contested"]
    assert not overview.loc["I002", "contested"]
    assert overview["hidden_claims"].eq(0).all()


def test_overview_reports_claims_hidden_by_filters(small):
    shown = small.events[small.events["event_id"] != "E002"]
    overview = incident_overview(shown, names(small), small.events).set_index("incident_id")
    assert overview.loc["I001", "claims"] == 1
    assert overview.loc["I001", "hidden_claims"] == 1
    assert not overview.loc["I001", "contested"]  # the denial is filtered out


def test_incident_title_names_type_place_and_dates(small):
    rows = small.events[small.events["incident_id"] == "I002"]
    assert (
        incident_title(rows, names(small))
        == "Blockade · Lachin Corridor · 12 Dec 2022 – 18 Sep 2023"
    )
    unlocated = small.events[small.events["incident_id"] == "I003"]
    assert "no place given" in incident_title(unlocated, names(small))


# --- purpose-built frames --------------------------------------------------------------------


def test_differing_figures_are_flagged_and_not_stated_is_not_a_figure(small, plain):
    rows = frame(
        small,
        claim(plain, event_id="E101", fatalities=6, injured=pd.NA, source_ids="a000"),
        claim(plain, event_id="E102", fatalities=11, injured=pd.NA, source_ids="a001"),
        claim(plain, event_id="E103", fatalities=pd.NA, injured=pd.NA, source_ids="a001"),
    )
    (found,) = figure_discrepancies(rows)
    assert found.kind == "figures"
    assert found.event_ids == ("E101", "E102")  # E103 states nothing: not part of it
    assert found.message == "Claimed killed differ (6, 11)"
    assert found.source_ids == ("a000", "a001")


def test_equal_figures_and_zero_vs_blank(small, plain):
    same = frame(
        small,
        claim(plain, event_id="E101", fatalities=6, source_ids="a000"),
        claim(plain, event_id="E102", fatalities=6, source_ids="a001"),
    )
    assert figure_discrepancies(same) == []
    zero_vs_blank = frame(
        small,
        claim(plain, event_id="E101", fatalities=0, source_ids="a000"),
        claim(plain, event_id="E102", fatalities=pd.NA, source_ids="a001"),
    )
    assert figure_discrepancies(zero_vs_blank) == []  # blank is "not stated", not 0
    zero_vs_two = frame(
        small,
        claim(plain, event_id="E101", fatalities=0, source_ids="a000"),
        claim(plain, event_id="E102", fatalities=2, source_ids="a001"),
    )
    assert figure_discrepancies(zero_vs_two)[0].message == "Claimed killed differ (0, 2)"


def test_injured_differ_separately(small, plain):
    rows = frame(
        small,
        claim(plain, event_id="E101", fatalities=2, injured=11, source_ids="a000"),
        claim(plain, event_id="E102", fatalities=2, injured=200, source_ids="a001"),
    )
    (found,) = figure_discrepancies(rows)
    assert found.message == "Claimed injured differ (11, 200)"


def test_one_article_with_two_figures_contradicts_itself(small, plain):
    rows = frame(
        small,
        claim(plain, event_id="E101", fatalities=27, source_ids="a000"),
        claim(plain, event_id="E102", fatalities=1, source_ids="a000;a002"),
        claim(plain, event_id="E103", fatalities=3, source_ids="a001"),
    )
    found = self_contradictions(rows)
    assert [(d.source_ids, d.event_ids) for d in found] == [(("a000",), ("E101", "E102"))]
    assert found[0].message == "Article a000 gives different killed figures"
    # the same two claims in different articles are not a self-contradiction
    apart = rows.assign(source_ids=["a000", "a002", "a001"])
    assert self_contradictions(apart) == []


def test_denied_and_disputed_claims(small, plain):
    rows = frame(
        small,
        claim(plain, event_id="E101", verification="denied"),
        claim(plain, event_id="E102", verification="disputed"),
        claim(plain, event_id="E103", verification="unverified"),
    )
    kinds = {d.kind: d.event_ids for d in denial_discrepancies(rows)}
    assert kinds == {"denial": ("E101",), "disputed": ("E102",)}
    assert denial_discrepancies(rows.iloc[[2]]) == []


def test_a_denial_row_makes_the_incident_contested(small, plain):
    rows = frame(small, claim(plain, event_id="E101", sub_event_type="Denial"))
    (found,) = discrepancies(rows)
    assert found.kind == "denial"
    assert found.event_ids == ("E101",)


def test_discrepancies_come_in_kind_order(small, plain):
    rows = frame(
        small,
        claim(plain, event_id="E101", fatalities=1, source_ids="a000", verification="disputed"),
        claim(plain, event_id="E102", fatalities=2, source_ids="a000", sub_event_type="Denial"),
    )
    kinds = [d.kind for d in discrepancies(rows)]
    assert kinds == sorted(kinds, key=KINDS.index)
    assert set(kinds) == {"figures", "denial", "disputed", "self-contradiction"}


def test_markdown_escapes_data_and_lists_details(small, plain):
    rows = frame(
        small,
        claim(plain, event_id="E101", fatalities=1, claimant="*Evil* [x](http://e.vil)"),
        claim(plain, event_id="E102", fatalities=2, claimant="<b>bold</b>"),
    )
    text = discrepancy_markdown(figure_discrepancies(rows)[0])
    assert text.startswith("- **Figures differ** — ")
    assert text.count("\n    - ") == 2
    assert "\\*Evil\\*" in text
    assert "\\[x\\]\\(http" in text
    assert "\\<b\\>" in text


# --- display rows ----------------------------------------------------------------------------


def test_claims_table_keeps_not_stated_distinct_from_zero(small):
    rows = claims_table(small.events, {"a000": "A", "a001": "B"}, names(small))
    by_id = rows.set_index("Claim")
    assert by_id.loc["E001", "Killed"] == "2"
    assert by_id.loc["E001", "Injured"] == "11"
    assert by_id.loc["E002", "Killed"] == "not stated"
    assert by_id.loc["E002", "Status"] == "Unverified · issues a denial"
    assert by_id.loc["E001", "Articles"] == "a000: A; a001: B"
    assert by_id.loc["E001", "Claimant (side)"] == "NK officials (Nagorno-Karabakh authorities)"
    assert by_id.loc["E004", "When, where"] == "20 Sep 2023 · no place"


def test_figure_frame_has_na_not_zero(small):
    rows = figure_frame(small.events, names(small)).set_index("event_id")
    assert rows.loc["E001", "value"] == 2
    assert rows.loc["E001", "stated"]
    assert pd.isna(rows.loc["E002", "value"])
    assert not rows.loc["E002", "stated"]
    assert rows.loc["E002", "label"] == "not stated"


# --- the bundled data's known disagreements -------------------------------------------------


def test_bundled_landmine_figures_differ(bundled):
    found = all_discrepancies(bundled.events)["I017"]
    (figures,) = [d for d in found if d.kind == "figures"]
    assert figures.message == "Claimed killed differ (6, 11)"
    text = " ".join(figures.details)
    for words in (
        "four soldiers and two civilians",
        "four police officers",
        "police and civilians",
    ):
        assert words in text
    denials = [d for d in found if d.kind == "denial"]
    assert any(d.event_ids == ("E050",) for d in denials)  # Armenia: the reports are "lies"
    assert any(set(d.event_ids) == {"E046", "E047", "E048"} for d in denials)


def test_bundled_casualty_toll_self_contradiction(bundled):
    found = all_discrepancies(bundled.events)["I022"]
    selfs = [d for d in found if d.kind == "self-contradiction"]
    assert {d.source_ids for d in selfs} == {("a000",)}
    assert all(set(d.event_ids) == {"E068", "E069"} for d in selfs)


def test_bundled_contested_incidents(bundled):
    contested = contested_incidents(bundled.events)
    assert {"I005", "I006", "I017", "I022", "I030"} <= set(contested)
    assert not {"I001", "I003", "I007", "I033"} & set(contested)
    assert len(contested) == sum(bool(v) for v in all_discrepancies(bundled.events).values())
