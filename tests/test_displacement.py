"""Displacement and missing persons: their own event type and figures (displaced, missing),
validated like fatalities, shown as claimed wherever figures are, never summed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from src.analysis.incidents import claims_table, figure_discrepancies
from src.briefing.exports import acled_table, claims_csv, claims_geojson
from src.dataset import load_dataset
from src.importers import apply_import, plan_import
from src.labels import figures_text
from src.mapview.details import details_page
from src.mapview.legend import legend_html
from src.mapview.popup import claim_popup
from src.palette import TYPE_SHAPES
from src.rows import records
from src.schema import EVENT_TAXONOMY, EVENTS, FIGURE_COLUMNS, FIGURE_MAX
from src.validation import default_paths, validate_files
from tests.exodus_data import EXODUS_CLAIM, exodus_folder


def test_the_type_its_sub_types_and_columns() -> None:
    assert EVENT_TAXONOMY["Displacement and missing"] == (
        "Displacement",
        "Refugee arrival",
        "Missing persons",
    )
    assert FIGURE_COLUMNS == ("fatalities", "injured", "displaced", "missing")
    for name in ("displaced", "missing"):
        col = EVENTS.column(name)
        assert (col.kind, col.required, col.may_be_absent) == ("int", False, True)
        assert (col.minimum, col.maximum) == (0, FIGURE_MAX)
    assert FIGURE_MAX >= 100_000  # the September 2023 exodus was ~100,000 people
    assert TYPE_SHAPES["Displacement and missing"] == "arrow"
    assert "Displacement and missing" in legend_html()


@pytest.fixture
def exodus(tmp_path: Path):
    return load_dataset(exodus_folder(tmp_path))


def test_files_without_the_columns_still_load(small) -> None:
    assert "displaced" not in (Path(__file__).parent / "fixtures/valid/events.csv").read_text()
    assert small.events["displaced"].isna().all()
    assert str(small.events["missing"].dtype) == "Int64"


def test_bad_figures_are_reported_at_file_line_field(tmp_path: Path) -> None:
    folder = exodus_folder(tmp_path)
    events = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False)
    bad = [
        ("displaced", "-5"),
        ("displaced", f"{FIGURE_MAX + 1}"),
        ("missing", "many"),
        ("missing", "2.5"),
        ("displaced", "\u0663"),  # Arabic-Indic 3
    ]
    for i, (column, value) in enumerate(bad):
        row = {**EXODUS_CLAIM, "event_id": f"E10{i}", column: value}
        events = pd.concat([events, pd.DataFrame([row])], ignore_index=True).fillna("")
    wrong_type = {**EXODUS_CLAIM, "event_id": "E199", "event_type": "Access and aid"}
    events = pd.concat([events, pd.DataFrame([wrong_type])], ignore_index=True).fillna("")
    events.to_csv(folder / "events.csv", index=False, lineterminator="\n")
    name = str(folder / "events.csv")
    problems = validate_files(default_paths(folder)).problems
    got = [str(p).replace(name, "events.csv") for p in problems]
    bounds = "a whole number from 0 to 1000000 (blank = not stated)"
    assert got == [
        f"events.csv:7: displaced: '-5' is not {bounds}",
        f"events.csv:8: displaced: '1000001' is not {bounds}",
        f"events.csv:9: missing: 'many' is not {bounds}",
        f"events.csv:10: missing: '2.5' is not {bounds}",
        f"events.csv:11: displaced: '٣' is not {bounds} (write digits as ASCII 0-9)",
        "events.csv:12: sub_event_type: does not belong to the row's event_type",
    ]


def _exodus_row(data) -> dict:
    return next(r for r in records(data.events) if r["event_id"] == "E005")


def test_figures_shown_as_claimed_and_only_where_stated(exodus) -> None:
    row = _exodus_row(exodus)
    assert figures_text(row) == "killed: not stated, injured: not stated, displaced: 100417"
    popup = claim_popup(row, "Lachin corridor", "region", {})
    assert "displaced: 100417" in popup
    assert "missing:" not in popup  # blank: not padded onto the popup
    other = next(r for r in records(exodus.events) if r["event_id"] == "E001")
    assert "displaced" not in claim_popup(other, "Stepanakert", "exact", {})
    page = details_page(exodus.events[exodus.events["event_id"] == "E005"], {}, {})
    assert page["Figures (as claimed)"].iloc[0].endswith("displaced: 100417")


def test_conflicting_displaced_figures_stay_side_by_side(exodus) -> None:
    row = _exodus_row(exodus)
    baku = {
        **row,
        "event_id": "E006",
        "claimant": "Government of Azerbaijan",
        "claimant_side": "Azerbaijan",
        "displaced": 70000,
        "missing": 12,
    }
    claims = pd.DataFrame([row, baku])
    table = claims_table(claims, {}, {})
    assert list(table["Displaced"]) == ["100417", "70000"]  # each as claimed, no total
    assert list(table["Missing"]) == ["not stated", "12"]
    assert "Displaced" not in claims_table(exodus.events.iloc[:1], {}, {}).columns
    (found,) = figure_discrepancies(claims)
    assert found.message == "Claimed displaced differ (70000, 100417)"


def test_exports_carry_the_figures_and_import_back(exodus, tmp_path: Path) -> None:
    mine = exodus.events[exodus.events["event_id"] == "E005"]
    acled = acled_table(mine, exodus.places, exodus.sources)
    assert "claimed displaced: 100417" in acled["tags"].iloc[0]
    assert acled["event_type"].iloc[0] == "Strategic developments"  # not an ACLED type
    geo = claims_geojson(mine, exodus.places, exodus.sources)
    props = next(f["properties"] for f in geo["features"] if f["properties"].get("event_id"))
    assert (props["displaced"], props["missing"]) == (100417, None)
    path = tmp_path / "claims.csv"
    path.write_bytes(claims_csv(exodus.events, exodus.places))
    folder = exodus_folder(tmp_path / "again")
    apply_import(plan_import(folder, path, "roundtrip"))
    back = load_dataset(folder).events.set_index("event_id")
    assert back.loc["roundtrip:E005", "displaced"] == 100417
    assert pd.isna(back.loc["roundtrip:E005", "missing"])
    geo_path = tmp_path / "claims.geojson"
    geo_path.write_text(json.dumps(claims_geojson(exodus.events, exodus.places, exodus.sources)))
    apply_import(plan_import(folder, geo_path, "roundtrip_geo"))
    back = load_dataset(folder).events.set_index("event_id")
    assert back.loc["roundtrip_geo:E005", "displaced"] == 100417
