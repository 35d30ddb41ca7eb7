"""Cached access to the dataset and the values derived from it once per data version."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from src.dataset import Dataset, DataValidationError, default_data_dir, load_dataset
from src.filters import FilterState, apply_filters, facet_options
from src.mapview.build import LayerStats, claims_payload


def data_dir() -> str:
    """The data folder: ``KCM_DATA_DIR`` if set (other datasets, benchmarks), else data/."""
    return str(default_data_dir())


@st.cache_data(show_spinner="Loading and validating data…")
def _load(directory: str) -> Dataset:
    return load_dataset(Path(directory))


def get_dataset() -> Dataset:
    """Validate and load once per process and data folder; reruns reuse it."""
    return _load(data_dir())


def dataset_or_stop() -> Dataset:
    """The dataset, or the validation problems on the page and a stop: never half the data."""
    try:
        return get_dataset()
    except DataValidationError as exc:
        st.error("The data files do not pass validation; fix these and reload:")
        st.code("\n".join(str(p) for p in exc.problems))
        st.stop()
        raise  # unreachable: st.stop() raises


@st.cache_data
def _options(directory: str) -> dict[str, list[str]]:
    data = _load(directory)
    return facet_options(data.events, data.sources)


def get_options() -> dict[str, list[str]]:
    return _options(data_dir())


def headlines(data: Dataset) -> dict[str, str]:
    return dict(zip(data.sources["source_id"], data.sources["headline"], strict=True))


def incident_sizes(data: Dataset) -> dict[str, int]:
    return data.events["incident_id"].value_counts().to_dict()


@st.cache_data(max_entries=64, show_spinner=False)
def _claims(directory: str, state: FilterState) -> tuple[dict, LayerStats]:
    data = _load(directory)
    shown = apply_filters(data.events, state)
    return claims_payload(shown, data.places, headlines(data), incident_sizes(data))


def claims_for(state: FilterState) -> tuple[dict, LayerStats]:
    """The claims layer's browser payload for a view, cached per data folder and filters,
    so going back to an earlier view costs nothing."""
    return _claims(data_dir(), state)
