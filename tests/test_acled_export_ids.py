"""The ACLED-column export names imported ACLED/UCDP rows by their own ids, so the file merges
with the dataset it came from and imports back onto the same events (issue #10)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from src.briefing.exports import acled_csv, acled_table
from src.dataset import DATA_DIR, Dataset, load_dataset
from src.importers import apply_import, plan_import

FIXTURES = Path(__file__).parent / "fixtures" / "import"


@pytest.fixture
def data(tmp_path: Path) -> Dataset:
    """The bundled data with the ACLED and UCDP fixtures imported."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    for file, dataset in (("acled_current.csv", "acled_test"), ("ucdp_ged.csv", "ucdp_test")):
        apply_import(plan_import(target, FIXTURES / file, dataset))
    return load_dataset(target)


def _ids(data: Dataset, table: pd.DataFrame, dataset: str) -> list[tuple[str, str]]:
    """(event_id_cnty, what it should be) for one dataset's rows."""
    mask = (data.events["dataset"] == dataset).to_numpy()
    return list(
        zip(table.loc[mask, "event_id_cnty"], data.events.loc[mask, "original_id"], strict=True)
    )


def test_imported_rows_export_with_their_original_ids(data: Dataset) -> None:
    table = acled_table(data.events, data.places, data.sources, datasets=data.datasets)
    acled = _ids(data, table, "acled_test")
    ucdp = _ids(data, table, "ucdp_test")
    assert [exported for exported, _ in acled] == ["AZE1001", "AZE1002", "AZE1003", "AZE1004"]
    assert all(exported == original for exported, original in acled + ucdp)
    assert "401" in [exported for exported, _ in ucdp]
    articles = (data.events["dataset"] == "articles").to_numpy()
    want = ("KCM-" + data.events.loc[articles, "event_id"]).tolist()
    assert table.loc[articles, "event_id_cnty"].tolist() == want  # the project's own: as before


def test_without_the_dataset_list_every_row_keeps_the_kcm_form(data: Dataset) -> None:
    """Callers that do not say which datasets are ACLED/UCDP get the old, unambiguous ids."""
    table = acled_table(data.events, data.places, data.sources)
    assert (table["event_id_cnty"] == "KCM-" + data.events["event_id"]).all()


def test_acled_export_round_trip(tmp_path: Path, data: Dataset) -> None:
    """Export an ACLED import in ACLED's columns; importing that file gives the same events by
    the same ids, and into the original dataset it updates them in place (no duplicates)."""
    data_dir = tmp_path / "data"
    mine = data.events[data.events["dataset"] == "acled_test"]
    path = tmp_path / "acled_test-acled.csv"
    path.write_bytes(acled_csv(mine, data.places, data.sources, datasets=data.datasets))

    plan = plan_import(data_dir, path, "acled_again")
    assert (plan.detection.format, plan.new, plan.skipped) == ("acled", 4, 0)
    apply_import(plan)
    again = load_dataset(data_dir).events
    again = again[again["dataset"] == "acled_again"].set_index("original_id").sort_index()
    before = mine.set_index("original_id").sort_index()
    assert list(again.index) == ["AZE1001", "AZE1002", "AZE1003", "AZE1004"]
    for column in ("date_start", "event_type", "sub_event_type", "actor1", "actor2"):
        assert again[column].tolist() == before[column].tolist(), column
    # the same places: the gazetteer's, or the same dataset place in the new dataset's name
    assert (
        again["place_id"].str.replace("acled_again:", "acled_test:").tolist()
        == before["place_id"].tolist()
    )
    assert again["fatalities"].tolist() == before["fatalities"].tolist()

    onto = plan_import(data_dir, path, "acled_test")
    assert (onto.new, onto.updated + onto.unchanged, onto.kept) == (0, 4, 0)
    apply_import(onto)
    rows = load_dataset(data_dir).datasets.set_index("dataset_id")
    assert rows.at["acled_test", "rows"] == 4
