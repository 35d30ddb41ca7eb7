"""The Data page's words and tables for the datasets, a detection and an import plan."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from src.analysis.datasets import (
    datasets_table,
    detection_facts,
    mapping_table,
    parse_bbox_text,
    plan_counts,
    preview_problems,
    preview_table,
    problems_text,
)
from src.csvio import Problem
from src.dataset import DATA_DIR, Dataset
from src.importers import detect, plan_import

ACLED = Path(__file__).parent / "fixtures" / "dataui" / "acled_small.csv"


def test_the_bundled_data_is_one_dataset_of_articles(bundled: Dataset):
    table = datasets_table(bundled)
    assert list(table.columns[:4]) == ["Dataset", "Id", "Kind", "Claims loaded"]
    assert table.to_dict("records")[0] | {"Credit": ""} == {
        "Dataset": "Articles (5)",
        "Id": "articles",
        "Kind": "articles",
        "Claims loaded": len(bundled.events),
        "Credit": "",
        "Imported file": "",
        "Layout": "",
        "Imported on": "",
    }


def test_a_detection_in_words_with_every_column_accounted_for():
    detection = detect(ACLED.read_bytes(), ACLED.name, DATA_DIR)
    facts = dict(detection_facts(detection))
    assert facts["Layout"] == "acled-current"
    assert facts["Delimiter"] == "comma"
    assert facts["Data rows"] == "3"
    mapping = mapping_table(detection)
    assert set(mapping["File column"]) == set(detection.header)  # nothing unaccounted
    kept = mapping[mapping["Becomes"] == "kept as written in original_fields"]
    assert set(kept["File column"]) == set(detection.unmapped) - set(detection.mapping)
    preview = preview_table(detection)
    assert list(preview.columns[:3]) == ["event_id", "original_id", "date_start"]
    assert list(preview["original_id"]) == ["ARM9001", "ARM9002"]
    (skipped,) = preview_problems(detection)
    assert skipped.startswith("acled_small.csv:4: latitude: ")


def test_a_plan_in_counts_and_problem_lines(tmp_path: Path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    plan = plan_import(tmp_path / "data", ACLED.read_bytes(), "Test", name=ACLED.name)
    counts = {label: n for label, n, _ in plan_counts(plan)}
    assert counts == {"New": 2, "Updated": 0, "Unchanged": 0, "Merged": 0, "Skipped": 1, "Kept": 0}
    many = [Problem("f.csv", i, "date", "bad") for i in range(2, 260)]
    text = problems_text(many, limit=200)
    assert text.splitlines()[0] == "f.csv:2: date: bad"
    assert text.splitlines()[-1] == "… and 58 more (download the full list)"
    assert len(text.splitlines()) == 201


def test_the_box_is_checked_like_the_cli_bbox():
    assert parse_bbox_text("  ") is None
    assert parse_bbox_text("38.8,44.7,41.3,50.4") == (38.8, 44.7, 41.3, 50.4)
    with pytest.raises(ValueError, match="S < N"):
        parse_bbox_text("41,44,38,50")
