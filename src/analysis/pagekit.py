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
from src.dataset import Dataset, DataValidationError
from src.filters import FilterState, apply_filters, describe, window
from src.mapview.legend import CAVEAT
from src.ui.data import get_dataset, get_options, headlines
from src.ui.sidebar import filter_sidebar
from src.urlstate import PARAMS, SCALAR_PARAMS

#: The view's URL parameters: the filters and the map's basemap (src/ui/sidebar.py).
_FILTER_PARAMS = set(PARAMS) | set(SCALAR_PARAMS) | {"basemap"}
#: The sidebar's widget keys: period, one per facet, the search text, the basemap.
_WIDGET_KEYS = {"f_period", "f_text", "f_basemap"} | {f"f_{attr}" for attr in PARAMS.values()}


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


def carry_filters() -> None:
    """Carry the filters across a page switch; call before ``filter_sidebar``.

    Two things are lost when Streamlit switches pages: the query string (the new page opens
    without it) and the widgets' values (a widget's identity includes its page, so the new
    page's sidebar widgets would start from their defaults and then wipe the URL).

    * If the URL has no filter parameter but the sidebar last wrote some (``f_last_query``),
      they are put back and the sidebar is told to re-read the URL, the single source of
      truth. A URL that names any filter wins, as a pasted link should.
    * Otherwise each filter widget's value is re-assigned to its key (Streamlit's documented
      way to keep a widget's value when the widget is re-created on another page); on an
      ordinary rerun this changes nothing.
    """
    last = st.session_state.get("f_last_query") or {}
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    wanted = {k: v for k, v in last.items() if k in _FILTER_PARAMS}
    if wanted and not any(k in _FILTER_PARAMS for k in current):
        st.query_params.from_dict({**current, **wanted})
        st.session_state["f_last_query"] = None  # makes filter_sidebar re-read the URL
        return
    for key in list(st.session_state):
        if key in _WIDGET_KEYS or str(key).startswith("f_range_"):
            st.session_state[key] = st.session_state[key]


def start_page(title: str, icon: str) -> PageContext:
    """Configure the page, load the data (or show why not and stop), draw the filters."""
    st.set_page_config(page_title=f"{title} · Karabakh Conflict Map", page_icon=icon, layout="wide")
    try:
        data = get_dataset()
    except DataValidationError as exc:
        st.error("The data files do not pass validation; fix these and reload:")
        st.code("\n".join(str(p) for p in exc.problems))
        st.stop()
        raise  # unreachable: st.stop() raises; keeps type checkers sure ``data`` is bound
    names = headlines(data)
    carry_filters()
    state, notices = filter_sidebar(data, get_options(), names)
    for notice in notices:
        st.warning(notice, icon="⚠️")
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


def view_summary(ctx: PageContext) -> str:
    """``**N of M claims in view** · dates · filters`` as escaped markdown."""
    parts = describe(ctx.state, ctx.data.events, ctx.headlines)[1:] or ["no other filters"]
    return (
        f"**{len(ctx.shown)} of {len(ctx.data.events)} claims in view** · "
        f"{ctx.start:%d %b %Y} – {ctx.end:%d %b %Y} · " + " · ".join(md(p) for p in parts)
    )


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
