"""Data: the datasets beside the article claims, and importing ACLED, UCDP GED or this
project's exports (detect → mapping and preview → checked report → one atomic import).

Thin UI: tables and words in ``src/analysis/datasets.py``, the flow in ``src/ui/importer.py``,
the work in ``src/importers``.
"""

from __future__ import annotations

import streamlit as st

from src.analysis.datasets import datasets_table
from src.ui.importer import import_flow
from src.ui.shell import page_context, page_header

ctx = page_context()
page_header(
    ctx,
    "Data",
    "Every claim belongs to a dataset: the article claims, or an imported file whose rows stay "
    "claims too (their claimant is the dataset's own source), credited on the map and in "
    "briefings.",
)

st.subheader("Datasets loaded")
st.dataframe(datasets_table(ctx.data), hide_index=True, width="stretch")

st.subheader("Import a file")
import_flow(ctx.data.version)
