"""Date-precision spans, lanes that never overlap, the day-by-day chronology, zoom presets."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from src.analysis.timeline import (
    assign_lanes,
    chronology,
    claim_span,
    group_label,
    lane_domain,
    timeline_frame,
    zoom_domain,
)

T = pd.Timestamp


def row(start: str, end: str, precision: str = "day", tod: str = "") -> dict:
    return {
        "date_start": T(start),
        "date_end": T(end),
        "date_precision": precision,
        "time_of_day": tod,
    }


@pytest.mark.parametrize(
    ("claim", "span"),
    [
        (row("2023-09-19", "2023-09-19"), ("2023-09-19", "2023-09-20")),
        (row("2023-09-19", "2023-09-20"), ("2023-09-19", "2023-09-21")),
        (row("2023-09-01", "2023-09-30", "month"), ("2023-09-01", "2023-10-01")),
        (row("1994-01-01", "2020-12-31", "year"), ("1994-01-01", "2021-01-01")),
        (row("2023-09-19", "2023-09-19", tod="morning"), ("2023-09-19 06:00", "2023-09-19 12:00")),
        (row("2023-09-19", "2023-09-19", tod="evening"), ("2023-09-19 18:00", "2023-09-20 00:00")),
        (row("2023-09-19", "2023-09-19", tod="night"), ("2023-09-19 22:00", "2023-09-20 06:00")),
        (row("2023-09-19", "2023-09-19", tod="14:30"), ("2023-09-19 14:15", "2023-09-19 14:45")),
        # a part of the day says nothing about which day of a longer span
        (row("2023-09-19", "2023-09-20", tod="morning"), ("2023-09-19", "2023-09-21")),
    ],
)
def test_span_covers_what_the_date_may_mean(claim, span):
    assert claim_span(claim) == (T(span[0]), T(span[1]))


def test_lanes_never_overlap_within_a_side():
    frame = pd.DataFrame(
        {
            "event_id": ["E1", "E2", "E3", "E4"],
            "claimant_side": ["Armenia", "Armenia", "Armenia", "Russia"],
            "span_start": [
                T("2023-09-19"),
                T("2023-09-19 06:00"),
                T("2023-09-20"),
                T("2023-09-19"),
            ],
            "span_end": [T("2023-09-20"), T("2023-09-19 12:00"), T("2023-09-21"), T("2023-09-20")],
        }
    )
    assert assign_lanes(frame).tolist() == [0, 1, 0, 0]


def test_bundled_frame_has_one_row_per_claim_and_no_lane_clash(bundled):
    frame = timeline_frame(bundled.events, {}, {})
    assert len(frame) == len(bundled.events)
    assert (frame["span_end"] > frame["span_start"]).all()
    assert ((frame["mid"] > frame["span_start"]) & (frame["mid"] < frame["span_end"])).all()
    for _, lane in frame.groupby("lane_key"):
        lane = lane.sort_values("span_start")
        assert (
            lane["span_start"].iloc[1:].to_numpy() >= lane["span_end"].iloc[:-1].to_numpy()
        ).all()
    domain = lane_domain(frame)
    assert domain[0].startswith("0|Azerbaijan|000")  # sides in schema order
    assert len(domain) == frame["lane_key"].nunique()


def test_morning_claim_is_narrower_than_a_day(bundled):
    frame = timeline_frame(bundled.events, {}, {}).set_index("event_id")
    e048 = frame.loc["E048"]  # landmines "Tuesday morning"
    assert (e048["span_start"], e048["span_end"]) == (T("2023-09-19 06:00"), T("2023-09-19 12:00"))


def test_group_labels():
    assert group_label(row("2023-09-19", "2023-09-19")) == "Tuesday 19 September 2023"
    assert group_label(row("2023-09-19", "2023-09-20")) == (
        "19 Sep 2023 – 20 Sep 2023 (exact day not given)"
    )
    assert group_label(row("2023-09-01", "2023-09-30", "month")) == "Sep 2023 (month)"
    assert group_label(row("1988-02-20", "1994-05-12")) == "20 Feb 1988 – 12 May 1994"


def test_chronology_of_small_fixture(small):
    days = chronology(small.events, {"stepanakert": "Stepanakert"})
    assert [d.label for d in days] == [
        "Dec 2022 – Sep 2023 (month)",
        "Tuesday 19 September 2023",
        "Wednesday 20 September 2023",
    ]
    tuesday = days[1]
    assert [e.event_id for e in tuesday.entries] == ["E002", "E001"]  # no time before morning
    e001 = tuesday.entries[1]
    assert (e001.claimant, e001.claimant_side, e001.place) == (
        "NK officials",
        "Nagorno-Karabakh authorities",
        "Stepanakert",
    )
    assert e001.source_ids == ("a000", "a001")
    assert e001.status == "Unverified"
    assert days[2].entries[0].place == "no place given"
    assert sum(len(d.entries) for d in days) == len(small.events)


def test_zoom_presets_cover_hours_and_whole_window():
    lo, hi = zoom_domain("offensive", date(1988, 1, 1), date(2023, 9, 30))
    assert lo <= datetime(2023, 9, 19)
    assert hi >= datetime(2023, 9, 21)
    assert hi - lo < pd.Timedelta(days=3)
    lo, hi = zoom_domain("window", date(1988, 2, 20), date(2023, 9, 30))
    assert lo < datetime(1988, 2, 20)
    assert hi > datetime(2023, 10, 1)
