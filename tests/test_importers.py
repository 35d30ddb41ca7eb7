"""The importers on hand-made files reproducing each format's quirks (tests/fixtures/import).

Every test imports into a copy of the bundled data folder and reads the result back through
``load_dataset``, the same path the app takes, so a row the loader would reject fails here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from src.dataset import DATA_DIR, load_dataset
from src.importers import ImportError, apply_import, detect, plan_import

FIXTURES = Path(__file__).parent / "fixtures" / "import"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled data folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def imported(data_dir: Path, file: str, **kwargs: object) -> tuple[object, pd.DataFrame]:
    """Plan and apply one import; the plan and the dataset's claims as loaded, by original id."""
    plan = plan_import(data_dir, FIXTURES / file, **kwargs)  # type: ignore[arg-type]
    apply_import(plan)
    events = load_dataset(data_dir).events
    mine = events[events["dataset"] == plan.dataset_id].set_index("original_id")
    return plan, mine


def lines(plan: object) -> list[str]:
    return [str(p) for p in plan.problems]  # type: ignore[attr-defined]


def test_acled_current_claims_and_report(data_dir: Path) -> None:
    plan, claims = imported(data_dir, "acled_current.csv", dataset="ACLED test")
    assert (plan.new, plan.skipped, plan.merged) == (4, 3, 0)  # type: ignore[attr-defined]
    assert lines(plan) == [
        "acled_current.csv:6: event_type: 'Sieges' is not one of Battles, Explosions/Remote "
        "violence, Violence against civilians, Protests, Riots, Strategic developments, Access "
        "and aid, Statements and talks",
        "acled_current.csv:6: sub_event_type: 'Encirclement' is not one of the list in "
        "src/schema.py",
        "acled_current.csv:7: latitude: coordinates out of range (95.0, 46.8)",
        "acled_current.csv:8: -: duplicate of line 2",
    ]
    first = claims.loc["AZE1001"]
    assert first["event_id"] == "acled_test:AZE1001"
    assert first["place_id"] == "stepanakert"  # Khankendi, coordinates agree
    assert first["claimant"] == "Ministry of Defence of Azerbaijan"
    assert first["claimant_side"] == "Azerbaijan"
    assert first["fatalities"] == 0
    assert "writes 0 where no fatalities were reported" in first["figures_note"]
    assert first["verification"] == "unverified"
    assert '<script>alert(1)</script> & "shelling"' in first["summary"]
    assert "Вооружённые" in first["summary"]
    fields = json.loads(first["original_fields"])
    assert fields["fatalities"] == "0"
    assert fields["source_scale"] == "National"
    assert "notes" not in fields  # copied verbatim into summary
    # a mixed source (media + a party) is no party's claim
    assert claims.loc["AZE1002", "claimant_side"] == "Unknown"
    # Shusha's name with coordinates ~15 km off: a dataset place, not snapped
    shusha = claims.loc["AZE1003", "place_id"]
    assert shusha.startswith("acled_test:shusha_")
    places = load_dataset(data_dir).places.set_index("place_id")
    assert places.at[shusha, "lat"] == pytest.approx(39.7)
    assert places.at[shusha, "precision"] == "near"
    assert claims.loc["AZE1003", "date_start"] == pd.Timestamp("2023-09-19")
    assert claims.loc["AZE1004", "date_start"] == pd.Timestamp("2020-05-09")
    assert claims.loc["AZE1004", "summary"] == "=1+1 spreadsheet bait; @handle"  # text as text


def test_reimport_updates_in_place(data_dir: Path) -> None:
    imported(data_dir, "acled_current.csv", dataset="ACLED test")
    plan, claims = imported(data_dir, "acled_current.csv", dataset="acled_test")
    assert (plan.new, plan.unchanged) == (0, 4)  # type: ignore[attr-defined]
    assert len(claims) == 4
    datasets = load_dataset(data_dir).datasets.set_index("dataset_id")
    assert datasets.at["acled_test", "rows"] == 4
    assert datasets.at["articles", "name"] == "Articles (5)"


def test_detect_reports_layout_mapping_and_preview() -> None:
    found = detect(FIXTURES / "acled_current.csv")
    assert (found.format, found.layout, found.encoding) == ("acled", "acled-current", "utf-8")
    assert found.mapping["source"] == "claimant, claimant_side"
    assert "tags" in found.unmapped
    assert found.preview[0]["place_id"] == "stepanakert"


def test_unknown_layout_is_an_error(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportError, match="not a layout"):
        plan_import(data_dir, path)
