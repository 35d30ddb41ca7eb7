"""What every analysis page does first: page config, data, the shared filters, a header.

The one Streamlit-aware module of ``src.analysis``. Keeping it here leaves each page a short
layout script and guarantees all four pages read the filters the same way as the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from src.analysis.text import md
from src.dataset import Dataset
from src.filters import FilterState, apply_filters, describe, window
from src.mapview.legend import CAVEAT
from src.ui.data import dataset_or_stop, headlines
from src.ui.sidebar import filters_with_notices


@dataclass(frozen=True)
class PageContext:
    """The loaded data, the filters in force and the claims they let through."""

    data: Dataset
    state: FilterState
    shown: pd.DataFrame
    headlines: dict[str, str]
    place_names: dict[str, str]
    start: date
    end: date

    @property
    def key(self) -> str:
        """A cache key for everything derived from (data version, filters)."""
        return f"{self.data.version}:{self.state!r}"


def start_page(title: str, icon: str) -> PageContext:
    """Configure the page, load the data (or show why not and stop), draw the filters."""
    st.set_page_config(page_title=f"{title} · Karabakh Conflict Map", page_icon=icon, layout="wide")
    data = dataset_or_stop()
    names = headlines(data)
    state = filters_with_notices(data, names)
    start, end = window(state, data.events)
    return PageContext(
        data=data,
        state=state,
        shown=apply_filters(data.events, state),
        headlines=names,
        place_names=dict(zip(data.places["place_id"], data.places["name"], strict=True)),
        start=start,
        end=end,
    )


def view_line(
    data: Dataset, state: FilterState, shown: pd.DataFrame, names: dict[str, str], noun: str
) -> str:
    """``**N of M claims <noun>** · dates · filters`` as escaped markdown (the map page too)."""
    start, end = window(state, data.events)
    parts = describe(state, data.events, names)[1:] or ["no other filters"]
    return (
        f"**{len(shown)} of {len(data.events)} claims {noun}** · "
        f"{start:%d %b %Y} – {end:%d %b %Y} · " + " · ".join(md(p) for p in parts)
    )


def view_summary(ctx: PageContext) -> str:
    """The analysis pages' view line."""
    return view_line(ctx.data, ctx.state, ctx.shown, ctx.headlines, "in view")


def page_header(ctx: PageContext, title: str, what: str) -> None:
    """Title, the view in words, and the standing caveat that these are claims."""
    st.title(title)
    st.markdown(view_summary(ctx))
    st.caption(f"⚠️ {CAVEAT} {what} Data version {ctx.data.version}.")


# --- cached derived data ---------------------------------------------------------------------
# Keyed by ``PageContext.key`` (data version + filters) plus the page's own options; the
# underscore arguments are not hashed, they are determined by the key.


@st.cache_data(show_spinner=False, max_entries=64)
def incident_views(key: str, _claims: pd.DataFrame, _whole: pd.DataFrame, _names: dict):
    """(overview, discrepancies per incident) for the claims a page compares."""
    from src.analysis.incidents import all_discrepancies, incident_overview

    return incident_overview(_claims, _names, _whole), all_discrepancies(_claims)


@st.cache_data(show_spinner=False, max_entries=64)
def timeline_rows(key: str, _shown: pd.DataFrame, _names: dict, _headlines: dict):
    """(chart rows, chronology) of the claims in view."""
    from src.analysis.timeline import chronology, timeline_frame

    return timeline_frame(_shown, _names, _headlines), chronology(_shown, _names)


@st.cache_resource(show_spinner=False, max_entries=8)
def gazetteer(version: str, _places: pd.DataFrame):
    """The offline gazetteer of this data version (names, aliases, coordinates)."""
    from src.geo import Gazetteer

    return Gazetteer.from_frame(_places)
