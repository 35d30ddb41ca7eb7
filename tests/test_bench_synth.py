"""The synthetic generator every benchmark uses: its folders validate and look like real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bench.synth import MAX_PLACES, synthetic, synthetic_dataset, write_synthetic
from src.cli import main as kcm
from src.dataset import load_dataset
from src.schema import EVENTS


def test_written_folder_passes_kcm_validate(tmp_path: Path, capsys) -> None:
    write_synthetic(3_000, tmp_path)
    assert kcm(["validate", "--data", str(tmp_path)]) == 0
    assert "3000 events" in capsys.readouterr().out


def test_shape_is_skewed_multilingual_and_hostile() -> None:
    events = synthetic_dataset(20_000)["events"]
    assert list(events.columns) == list(EVENTS.column_names)
    per_place = events["place_id"].value_counts()
    assert per_place.iloc[0] > 20 * per_place.median()  # a few places carry many claims
    claimants = events["claimant"].value_counts(normalize=True)
    assert claimants.iloc[:10].sum() > 0.3
    text = " ".join(events["summary"].astype(str).unique())
    for probe in ("Ստեփանակերտ", "Xankəndi", "Степанакерт", "<script>", "=cmd|"):
        assert probe in text
    assert (events["place_id"] == "").any()
    assert (events["fatalities"] == "").any()
    assert events["event_id"].is_unique


def test_places_grow_with_n_and_are_capped() -> None:
    small = synthetic_dataset(2_000)["places"]
    assert 100 <= len(small) < 200
    assert len(synthetic_dataset(500_000, extra_sources=0)["places"]) <= MAX_PLACES + 100


def test_typed_frames_match_a_validated_load(tmp_path: Path) -> None:
    events, places = synthetic(1_000)
    loaded = load_dataset(write_synthetic(1_000, tmp_path))
    pd.testing.assert_frame_equal(events, loaded.events.drop(columns="line"))
    pd.testing.assert_frame_equal(places, loaded.places.drop(columns="line"))
