"""Proposal → drafts table → save: one atomic, conflict-checked, validated write."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from src.dataset import load_dataset
from src.ingest.proposal import (
    Article,
    Proposal,
    claims_from_frame,
    drafts_frame,
    propose,
)
from src.ingest.save import IngestError, data_version, save_article
from src.store import ConflictError

TEXT = "\n\n".join(
    [
        "Exodus through the Lachin corridor",
        "More than 100,000 people have fled Nagorno-Karabakh since Sunday, Armenia's "
        "government said on Saturday.",
        "Refugees arrived in Sisian overnight, the town's mayor said.",
        "A fuel depot exploded near Stepanakert on Monday evening, killing 68 people, the "
        "region's health ministry said.",
        "More than 200 wounded were taken to hospital in Khankendi/Stepanakert.",
    ]
)
ARTICLE = Article(
    TEXT, "Exodus through the Lachin corridor", date(2023, 9, 30), "Test Wire", "exodus.txt"
)


@pytest.fixture
def proposal(data_dir: Path) -> Proposal:
    return propose(ARTICLE, load_dataset(data_dir))


def _bytes(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data_dir.glob("*.csv"))}


def test_proposal_holds_the_claims(proposal: Proposal) -> None:
    by_figure = {c.fatalities: c for c in proposal.claims if c.fatalities}
    depot = by_figure[68]
    assert (depot.date_start, depot.time_of_day, depot.place_id) == (
        "2023-09-25",
        "evening",
        "stepanakert",
    )
    assert depot.event_type == "Explosions/Remote violence"
    wounded = next(c for c in proposal.claims if c.injured == 200)
    assert wounded.other_figures["injured"] == "more than 200"
    fled = next(c for c in proposal.claims if c.displaced == 100_000)
    assert (fled.claimant, fled.claimant_side) == ("Government of Armenia", "Armenia")
    sisian = next(c for c in proposal.claims if "Sisian" in c.quote)
    assert sisian.place_id is None
    assert sisian.lat is not None


def test_json_dict_has_the_issue_fields(proposal: Proposal) -> None:
    data = proposal.to_json_dict()
    place = data["places"][0]
    for key in ("mention", "place_id", "name", "lat", "lon", "precision", "provenance"):
        assert key in place
    claim = data["claims"][0]
    for key in (
        "date_start",
        "date_end",
        "date_precision",
        "place_id",
        "lat",
        "lon",
        "claimant",
        "fatalities",
        "injured",
        "other_figures",
        "event_type",
        "quote",
    ):
        assert key in claim


def test_frame_round_trip_reject_and_merge(proposal: Proposal) -> None:
    frame = drafts_frame(proposal)
    assert list(frame["decision"].unique()) == ["accept"]
    assert claims_from_frame(frame, proposal) == proposal.claims
    ids = list(frame["draft_id"])
    frame.loc[0, "decision"] = "reject"
    frame.loc[2, "decision"] = f"merge:{ids[3]}"
    frame.loc[3, "fatalities"] = pd.NA
    claims = claims_from_frame(frame, proposal)
    assert [c.draft_id for c in claims] == [ids[1], ids[3]]
    merged = claims[1]
    assert merged.fatalities == proposal.claims[2].fatalities  # blank filled from the merged
    frame.loc[1, "decision"] = "maybe"
    with pytest.raises(ValueError, match="decision"):
        claims_from_frame(frame, proposal)


def test_a_row_added_by_hand_gets_an_id(proposal: Proposal) -> None:
    frame = drafts_frame(proposal)
    extra = frame.iloc[[0]].copy()
    extra["draft_id"] = ""
    claims = claims_from_frame(pd.concat([frame, extra], ignore_index=True), proposal)
    assert claims[-1].draft_id == "h001"


def test_save_writes_source_places_and_claims(data_dir: Path, proposal: Proposal) -> None:
    version = data_version(data_dir)
    regional = [c for m in proposal.places for c in m.candidates if c.place_id is None]
    result = save_article(data_dir, ARTICLE, proposal.claims, regional, version)
    assert result.source_id == "a005"
    assert result.place_ids == ["sisian"]
    dataset = load_dataset(data_dir)  # validates everything
    mine = dataset.events[dataset.events["source_ids"] == "a005"]
    assert len(mine) == len(proposal.claims)
    assert "sisian" in set(mine["place_id"])
    place = dataset.places.set_index("place_id").loc["sisian"]
    assert place["country"] == "Armenia"
    assert "GeoNames" in place["coord_source"]
    assert int(mine[mine["fatalities"] == 68].shape[0]) == 1
    fled = mine[mine["displaced"] == 100_000]
    assert list(fled["sub_event_type"]) == ["Displacement"]  # its own type and column
    assert dataset.events["displaced"].notna().sum() == 1  # older rows: blank, not zero
    assert dataset.sources.set_index("source_id").loc["a005", "outlet"] == "Test Wire"
    assert data_version(data_dir) != version


def test_conflict_writes_nothing(data_dir: Path, proposal: Proposal) -> None:
    version = data_version(data_dir)
    events = data_dir / "events.csv"
    events.write_bytes(events.read_bytes() + b"")  # same bytes: still the same version
    assert data_version(data_dir) == version
    sources = data_dir / "sources.csv"
    sources.write_bytes(sources.read_bytes().replace(b"Outlet not named", b"Outlet unnamed", 1))
    before = _bytes(data_dir)
    with pytest.raises(ConflictError, match="changed since you loaded it"):
        save_article(data_dir, ARTICLE, proposal.claims, [], version)
    assert _bytes(data_dir) == before


def test_invalid_draft_is_reported_by_line_and_nothing_written(
    data_dir: Path, proposal: Proposal
) -> None:
    before = _bytes(data_dir)
    bad = [replace(proposal.claims[0], event_type="Picnic", place_id="atlantis")]
    bad += [replace(c, lat=None, lon=None) for c in proposal.claims[1:] if c.place_id]
    with pytest.raises(IngestError) as info:
        save_article(data_dir, ARTICLE, bad, [], data_version(data_dir))
    lines = "\n".join(info.value.problems)
    assert "events.csv:122: event_type:" in lines
    assert "events.csv:122: place_id:" in lines
    assert _bytes(data_dir) == before


def test_coordinates_without_a_place_are_refused(data_dir: Path, proposal: Proposal) -> None:
    sisian = [c for c in proposal.claims if c.place_id is None and c.lat is not None]
    with pytest.raises(IngestError, match="place_id: draft"):
        save_article(data_dir, ARTICLE, sisian, [], None)


def test_nothing_to_save(data_dir: Path) -> None:
    with pytest.raises(IngestError, match="no accepted claim"):
        save_article(data_dir, ARTICLE, [], [], None)


def test_hostile_text_is_saved_as_text(data_dir: Path) -> None:
    text = (
        'Officials in Goris said "=HYPERLINK(1)" <script>alert(1)</script>, two civilians '
        "were killed on Tuesday; ə ş ğ 🙂."
    )
    article = Article(text, "<b>Bold</b> headline, with comma", date(2023, 9, 20), "", "x.txt")
    proposal = propose(article, load_dataset(data_dir))
    assert proposal.claims
    save_article(data_dir, article, proposal.claims, [], None)
    dataset = load_dataset(data_dir)
    row = dataset.events[dataset.events["source_ids"] == "a005"].iloc[0]
    assert "<script>alert(1)</script>" in row["quote"]
    assert "🙂" in row["quote"]
    assert dataset.sources.iloc[-1]["headline"] == "<b>Bold</b> headline, with comma"


def test_the_same_article_file_is_saved_once(data_dir: Path, proposal: Proposal) -> None:
    save_article(data_dir, ARTICLE, proposal.claims[:1], [], None)
    before = _bytes(data_dir)
    with pytest.raises(IngestError, match=r"sources\.csv:7: file: duplicate value 'exodus\.txt'"):
        save_article(data_dir, ARTICLE, proposal.claims[:1], [], None)
    assert _bytes(data_dir) == before
