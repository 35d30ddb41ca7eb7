"""A data folder for the displacement, period and place tests: the small fixture plus the
bundled periods.csv and one exodus claim with a displaced figure (E005)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from src.dataset import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "valid"

#: The exodus claim: Armenia's count of people arrived, through the Lachin corridor.
EXODUS_CLAIM = {
    "event_id": "E005",
    "incident_id": "I004",
    "date_start": "2023-09-24",
    "date_end": "2023-10-01",
    "date_precision": "day",
    "place_id": "lachin_corridor",
    "event_type": "Displacement and missing",
    "sub_event_type": "Refugee arrival",
    "actor1": "Civilians (Nagorno-Karabakh)",
    "claimant": "Government of Armenia",
    "claimant_side": "Armenia",
    "source_ids": "a001",
    "displaced": "100417",
    "missing": "",
    "verification": "unverified",
    "summary": "Armenia says 100,417 people have arrived from Karabakh.",
}


def exodus_folder(tmp_path: Path, periods: bool = True) -> Path:
    """A copy of the small fixture with E005 added (and the bundled periods.csv)."""
    folder = tmp_path / "exodus"
    shutil.copytree(SMALL, folder, ignore=shutil.ignore_patterns("cache"))
    events = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False)
    events = pd.concat([events, pd.DataFrame([EXODUS_CLAIM])], ignore_index=True).fillna("")
    events.to_csv(folder / "events.csv", index=False, lineterminator="\n")
    if periods:
        shutil.copy(DATA_DIR / "periods.csv", folder / "periods.csv")
    return folder
