"""The datasets in words: the sidebar's option labels and the credits legends carry."""

from __future__ import annotations

import pandas as pd

from src.labels import credits_line, dataset_credits, dataset_labels, dataset_names

DATASETS = pd.DataFrame(
    {
        "dataset_id": ["articles", "acled_arm", "ucdp_ged"],
        "name": ["Articles (5)", "ACLED Armenia 2018–2020", "UCDP GED 24.1"],
        "credit": ["coded by this project", "data: ACLED, acleddata.com", ""],
    }
)
EVENTS = pd.DataFrame({"dataset": ["articles"] * 3 + ["acled_arm"] + ["stray"]})


def test_each_dataset_is_labelled_with_its_claims_and_strays_are_kept():
    assert dataset_labels(DATASETS, EVENTS) == {
        "articles": "Articles (5) · 3 claims",
        "acled_arm": "ACLED Armenia 2018–2020 · 1 claim",
        "ucdp_ged": "UCDP GED 24.1 · 0 claims",
        "stray": "stray · 1 claim",
    }
    assert dataset_names(DATASETS)["acled_arm"] == "ACLED Armenia 2018–2020"


def test_credits_name_only_the_datasets_shown_in_datasets_order():
    credits = dataset_credits(DATASETS, EVENTS.iloc[[3, 0]])
    assert credits == [
        ("articles", "Articles (5)", 1, "coded by this project"),
        ("acled_arm", "ACLED Armenia 2018–2020", 1, "data: ACLED, acleddata.com"),
    ]
    assert credits_line(credits) == (
        "Articles (5), 1 claim — coded by this project; "
        "ACLED Armenia 2018–2020, 1 claim — data: ACLED, acleddata.com"
    )
    assert dataset_credits(DATASETS, EVENTS.iloc[:0]) == []
