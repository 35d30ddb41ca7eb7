"""The articles × incidents matrix, what only one article reports, and the article summary."""

from __future__ import annotations

from src.analysis.coverage import (
    article_summary,
    carried,
    coverage_matrix,
    disagreement_cells,
    exclusive_claims,
    exclusive_incidents,
    matrix_long,
)
from src.analysis.incidents import all_discrepancies


def test_merged_claim_counts_for_each_article(small):
    pairs = carried(small.events)
    assert sorted(pairs[pairs["event_id"] == "E001"]["source_id"]) == ["a000", "a001"]
    assert len(pairs) == 5  # four claims, one carried by two articles


def test_small_matrix(small):
    matrix = coverage_matrix(small.events, small.sources["source_id"])
    assert list(matrix.index) == ["a000", "a001"]
    assert list(matrix.columns) == ["I001", "I002", "I003"]
    assert matrix.loc["a000"].tolist() == [1, 1, 0]
    assert matrix.loc["a001"].tolist() == [2, 0, 1]


def test_matrix_keeps_articles_with_nothing_in_view(small):
    only_a001 = small.events[small.events["source_ids"] == "a001"]
    matrix = coverage_matrix(only_a001, small.sources["source_id"])
    assert matrix.loc["a000"].sum() == 0
    assert matrix.loc["a001"].sum() == 2
    empty = coverage_matrix(small.events.iloc[0:0], small.sources["source_id"])
    assert empty.shape == (2, 0)


def test_exclusives(small):
    only = exclusive_claims(small.events)
    assert sorted(only) == ["a000", "a001"]
    assert list(only["a000"]["event_id"]) == ["E003"]
    assert list(only["a001"]["event_id"]) == ["E002", "E004"]  # E001 is shared
    assert exclusive_incidents(small.events) == {"a000": ["I002"], "a001": ["I003"]}


def test_summary_and_disagreement_cells(small):
    found = all_discrepancies(small.events)
    assert disagreement_cells(found) == {("a001", "I001")}  # the denial E002 is a001's
    summary = article_summary(small.events, small.sources, found).set_index("Article")
    assert summary.loc["a001", "Claims"] == 3
    assert summary.loc["a001", "Claims only it carries"] == 2
    assert summary.loc["a001", "Incidents only it reports"] == "I003"
    assert summary.loc["a001", "Contested incidents it reports on"] == 1
    assert summary.loc["a000", "Contested incidents it reports on"] == 0


def test_matrix_long_marks_disagreements(small):
    matrix = coverage_matrix(small.events, small.sources["source_id"])
    long = matrix_long(matrix, {("a001", "I001")}).set_index(["source_id", "incident_id"])
    assert long.loc[("a001", "I001"), "in_discrepancy"]
    assert not long.loc[("a000", "I001"), "in_discrepancy"]
    assert not long.loc[("a000", "I003"), "covered"]
    assert len(long) == 6


def test_bundled_row_a003_matches_its_claims(bundled):
    matrix = coverage_matrix(bundled.events, bundled.sources["source_id"])
    a003 = bundled.events[bundled.events["source_ids"].str.split(";").map(lambda s: "a003" in s)]
    assert matrix.loc["a003"].sum() == len(a003)
    assert matrix.loc["a003", "I026"] == 4  # Pashinyan, Hajiyev, Broers, a003's own reading
    assert matrix.loc["a003", "I002"] == 0  # the 1994–2020 clashes are a004's alone
    assert exclusive_incidents(bundled.events)["a004"] == ["I002", "I010"]


def test_a_view_with_no_claims_summarises_to_zeros(small):
    """The Sources page's empty view (``?q=zzzz``) once raised KeyError: 'source_ids' here."""
    none = small.events.iloc[0:0]
    assert exclusive_claims(none) == {}
    assert exclusive_incidents(none) == {}
    summary = article_summary(none, small.sources, {}).set_index("Article")
    assert list(summary.index) == ["a000", "a001"]
    assert summary["Claims"].tolist() == [0, 0]
    assert summary["Claims only it carries"].tolist() == [0, 0]
    assert coverage_matrix(none, small.sources["source_id"]).shape == (2, 0)
