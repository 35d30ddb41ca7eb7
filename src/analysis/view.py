"""The view in one line of words: how many claims, which dates, which filters.

Pure (no Streamlit) so the map page, the analysis pages and tests phrase the view alike.
"""

from __future__ import annotations

import pandas as pd

from src.analysis.text import md_unlinked
from src.dataset import Dataset
from src.filters import FilterState, describe, window
from src.labels import dataset_names


def view_line(
    data: Dataset, state: FilterState, shown: pd.DataFrame, names: dict[str, str], noun: str
) -> str:
    """``**N of M claims <noun>** · dates · filters`` as escaped markdown (the map page too);
    with no links either, as the search text in it comes from the URL."""
    start, end = window(state, data.events)
    place_names = dict(zip(data.places["place_id"], data.places["name"], strict=True))
    parts = describe(state, data.events, names, dataset_names(data.datasets), place_names)[1:]
    parts = parts or ["no other filters"]
    return (
        f"**{len(shown)} of {len(data.events)} claims {noun}** · "
        f"{start:%d %b %Y} – {end:%d %b %Y} · " + " · ".join(md_unlinked(p) for p in parts)
    )
