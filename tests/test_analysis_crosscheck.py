"""The cross-check of article claims against dataset events, on hand-made frames."""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pytest

from src.analysis.crosscheck import (
    CrossCheckParams,
    cross_check,
    match_markdown,
    matched_first,
)
from src.rows import records

PLACES = pd.DataFrame(
    {
        "place_id": ["town", "near_town", "far_town", "road_a", "road_b", "road"],
        "name": ["Town", "Near town", "Far town", "Road A", "Road B", "The road"],
        "lat": [39.8153, 39.8400, 40.2000, 39.60, 39.50, 39.55],
        "lon": [46.7519, 46.7600, 47.3000, 46.50, 46.30, 46.40],
        "waypoints": ["", "", "", "", "", "road_a;road_b"],
    }
)


def event(eid: str, dataset: str = "", **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "event_id": eid,
        "incident_id": "I001" if not dataset else f"{dataset}:{eid}",
        "dataset": dataset,
        "original_id": eid.split(":")[-1] if dataset else "",
        "date_start": "2023-09-19",
        "date_end": "2023-09-19",
        "place_id": "town",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Military Forces of Azerbaijan",
        "actor2": "Civilians",
        "claimant": "Ministry of Defence",
        "fatalities": pd.NA,
        "injured": pd.NA,
        "summary": "text",
    }
    row.update(values)
    return row


def frame(*rows: dict[str, object]) -> pd.DataFrame:
    out = pd.DataFrame(list(rows))
    for col in ("date_start", "date_end"):
        out[col] = pd.to_datetime(out[col])
    for col in ("fatalities", "injured", "fatalities_low", "fatalities_high"):
        if col in out.columns:
            out[col] = out[col].astype("Int64")
    return out


def test_a_nearby_event_on_the_next_day_matches_and_agreeing_values_raise_no_flag() -> None:
    events = frame(
        event("E001", fatalities=2),
        event(
            "acled:A1",
            "acled_arm",
            place_id="near_town",
            date_start="2023-09-20",
            date_end="2023-09-20",
            fatalities=2,
        ),
    )
    check = cross_check(events, PLACES)
    assert check.claim_ids("with") == {"E001"}
    assert check.claim_ids("without") == set()
    (match,) = records(check.matches)
    assert match["match_id"] == "acled:A1"
    assert match["original_id"] == "A1"
    assert 2.0 < match["distance_km"] < 3.5  # ~2.8 km apart
    assert match["days_apart"] == 1
    assert match["flags"] == ()
    assert check.status.loc[0, "status"] == "matched"


def test_too_far_or_outside_the_day_window_is_no_match_and_the_window_is_adjustable() -> None:
    events = frame(
        event("E001"),
        event("acled:far", "acled_arm", place_id="far_town"),  # ~60 km away
        event("acled:late", "acled_arm", date_start="2023-09-22", date_end="2023-09-22"),
    )
    check = cross_check(events, PLACES)
    assert check.claim_ids("with") == set()
    assert check.claim_ids("without") == {"E001"}
    assert check.matches.empty
    assert check.status.loc[0, "status"] == "unmatched"

    wide = cross_check(events, PLACES, CrossCheckParams(km=100, days=3))
    assert set(wide.matches["match_id"]) == {"acled:far", "acled:late"}


def test_differing_figures_types_and_actors_are_flagged_with_both_values_kept() -> None:
    events = frame(
        event("E001", fatalities=12, injured=5),
        event(
            "acled:A1",
            "acled_arm",
            fatalities=0,
            injured=5,
            event_type="Battles",
            sub_event_type="Armed clash",
            actor2="Military Forces of Armenia",
        ),
    )
    check = cross_check(events, PLACES, kinds={"acled_arm": "acled"})
    (match,) = records(check.matches)
    assert set(match["flags"]) == {"fatalities", "type", "actors"}
    assert match["claim_fatalities"] == 12  # both figures kept, never merged
    assert match["match_fatalities"] == 0
    assert check.status.loc[0, "flagged"] == 1
    text = match_markdown(match, {"acled_arm": "ACLED Armenia"}, {"town": "Town"})
    assert "killed: claim 12 vs ACLED Armenia 0" in text
    assert "ACLED codes 0 where no figure was reported" in text
    assert "Military Forces of Armenia" in text
    assert "Civilians" in text


def test_a_not_stated_figure_never_disagrees_and_a_ucdp_range_is_a_range() -> None:
    events = frame(
        event("E001", fatalities=pd.NA),
        event("E002", incident_id="I002", fatalities=30),
        event("E003", incident_id="I003", fatalities=80),
        event("ucdp:1", "ucdp_ged", fatalities=40, fatalities_low=25, fatalities_high=60),
    )
    check = cross_check(events, PLACES)
    flags = dict(zip(check.matches["claim_id"], check.matches["flags"], strict=True))
    assert flags == {"E001": (), "E002": (), "E003": ("fatalities",)}
    row = records(check.matches[check.matches["claim_id"] == "E003"])[0]
    assert "claim 80 vs UCDP 40 \\(range 25–60\\)" in match_markdown(row, {"ucdp_ged": "UCDP"}, {})


def test_vague_or_unlocated_claims_are_not_checked_and_say_why() -> None:
    events = frame(
        event("E001", date_start="1988-02-20", date_end="1994-05-12"),
        event("E002", place_id=""),
        event("acled:A1", "acled_arm", date_start="1990-01-01", date_end="1990-01-01"),
    )
    status = cross_check(events, PLACES).status.set_index("event_id")
    assert list(status["status"]) == ["unchecked", "unchecked"]
    assert "span 2,274 days" in str(status.loc["E001", "reason"])
    assert status.loc["E002", "reason"] == "the claim names no place"


def test_a_claim_on_a_route_is_near_any_of_its_waypoints() -> None:
    events = frame(
        event("E001", place_id="road"),
        event("acled:A1", "acled_arm", place_id="road_b"),
    )
    (match,) = records(cross_check(events, PLACES).matches)
    assert match["distance_km"] == 0.0


def test_a_long_dataset_event_overlapping_the_window_matches() -> None:
    events = frame(
        event("E001"),
        event("ucdp:2", "ucdp_ged", date_start="2023-09-01", date_end="2023-09-30"),
    )
    assert cross_check(events, PLACES).claim_ids("with") == {"E001"}


def test_dataset_events_are_never_matched_against_each_other() -> None:
    events = frame(event("acled:A1", "acled_arm"), event("ucdp:1", "ucdp_ged"))
    check = cross_check(events, PLACES)
    assert check.status.empty
    assert check.matches.empty
    with pytest.raises(ValueError, match="unknown match filter"):
        check.claim_ids("maybe")


def test_hostile_text_in_a_match_is_escaped_markdown() -> None:
    events = frame(
        event("E001"),
        event(
            "acled:A1",
            "acled_arm",
            claimant="<img src=x onerror=alert(1)> [x](http://e)",
            event_type="Battles",
        ),
    )
    (match,) = records(cross_check(events, PLACES).matches)
    text = match_markdown(match, {}, {})
    assert re.search(r"(?<!\\)[<>\[\]]", text) is None  # every bracket escaped
    assert "\\<img src" in text


def test_120_claims_against_100k_events_is_fast() -> None:
    rng = np.random.default_rng(1)
    n = 100_000
    day = pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), unit="D")
    many = (
        pd.DataFrame([event(f"acled:{i}", "acled_arm") for i in range(3)])
        .iloc[np.zeros(n, dtype=int)]
        .reset_index(drop=True)
    )
    many["event_id"] = [f"acled:{i}" for i in range(n)]
    many["date_start"] = day
    many["date_end"] = day
    many["place_id"] = rng.choice(["town", "near_town", "far_town"], n)
    claims = frame(*(event(f"E{i:03d}") for i in range(120)))
    claims["date_start"] = claims["date_end"] = pd.Timestamp("2020-10-01")
    events = pd.concat([claims, many], ignore_index=True)
    begin = time.perf_counter()
    check = cross_check(events, PLACES)
    elapsed = time.perf_counter() - begin
    assert check.claim_ids("with") == set(claims["event_id"])
    assert elapsed < 20  # a loose guard against a quadratic rewrite; figures are in bench/


def test_acled_regime_periods_and_case_do_not_make_actors_differ() -> None:
    events = frame(
        event("E001", actor1="Military Forces of Azerbaijan", actor2="Civilians"),
        event(
            "acled:A1",
            "acled_arm",
            actor1="civilians",
            actor2="Military Forces of Azerbaijan (2003-)",
        ),
        event("acled:A2", "acled_arm", actor1="Military Forces of Armenia (2018-2023)"),
    )
    flags = dict(
        zip(
            cross_check(events, PLACES).matches["match_id"],
            cross_check(events, PLACES).matches["flags"],
            strict=True,
        )
    )
    assert flags == {"acled:A1": (), "acled:A2": ("actors",)}


def test_matched_claims_come_first_then_unmatched_then_unchecked() -> None:
    events = frame(
        event("E001", place_id=""),
        event("E002", place_id="far_town"),
        event("E003", fatalities=3),
        event("E004"),
        event("acled:A1", "acled_arm", fatalities=5),
    )
    check = cross_check(events, PLACES)
    claims = records(events[events["dataset"] == ""])
    assert [r["event_id"] for r in matched_first(check, claims)] == [
        "E003",  # matched, disagreeing on the figure
        "E004",
        "E002",
        "E001",
    ]
