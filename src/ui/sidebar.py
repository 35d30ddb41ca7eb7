"""The filter sidebar, kept in sync with the URL so a copied link reproduces the view.

The URL is read once per session (and whenever it changes under us, e.g. a pasted link);
after that the widgets are the truth and every change is written back to the query string.
"""

from __future__ import annotations

import streamlit as st

from src.dataset import Dataset
from src.filters import FACET_LABELS, PERIOD_LABELS, PERIODS, FilterState, period_bounds
from src.mapview.build import BASEMAPS
from src.ui.data import get_options
from src.urlstate import PARAMS, parse_query, to_query

_FACET_KEYS = {attr: f"f_{attr}" for attr in PARAMS.values()}
_OWN_PARAMS = set(PARAMS) | {"period", "from", "to", "q"}
#: The view's URL parameters: the filters and the basemap.
_FILTER_PARAMS = _OWN_PARAMS | {"basemap"}
#: The sidebar's widget keys: period, one per facet, the search text, the basemap.
_WIDGET_KEYS = {"f_period", "f_text", "f_basemap"} | set(_FACET_KEYS.values())


def _query_dict() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _range_key(period: str) -> str:
    return f"f_range_{period}"


def _apply_url(data: Dataset, options: dict[str, list[str]]) -> None:
    """Put the URL's filters into the widgets' session state, noting what was ignored."""
    parsed = parse_query(_query_dict(), options)
    state = parsed.state
    st.session_state["f_period"] = state.period
    for attr, key in _FACET_KEYS.items():
        st.session_state[key] = list(state.facet(attr))
    st.session_state["f_text"] = state.text
    lo, hi = period_bounds(state.period, data.events)
    start = min(max(state.date_from or lo, lo), hi)
    end = max(min(state.date_to or hi, hi), lo)
    st.session_state[_range_key(state.period)] = (start, end)
    notices = list(parsed.notices)
    basemap = st.query_params.get("basemap")
    if basemap in BASEMAPS:
        st.session_state["f_basemap"] = basemap
    elif basemap:
        notices.append(f"Ignored unknown basemap {basemap!r} (use one of {', '.join(BASEMAPS)}).")
    st.session_state["f_notices"] = notices
    st.session_state["f_url_state"] = None  # filled with the widgets' reading of the URL


def _sync_url(state: FilterState) -> None:
    wanted = to_query(state)
    current = {k: v for k, v in _query_dict().items() if k in _OWN_PARAMS}
    if current != wanted:
        keep = {k: v for k, v in _query_dict().items() if k not in _OWN_PARAMS}
        st.query_params.from_dict({**keep, **wanted})
    st.session_state["f_last_query"] = _query_dict()


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


def filter_sidebar(data: Dataset, options: dict[str, list[str]], headlines: dict[str, str]):
    """Draw the filters and return the FilterState they describe, plus URL notices."""
    carry_filters()
    if "f_period" not in st.session_state or st.session_state.get("f_last_query") != (
        _query_dict()
    ):
        _apply_url(data, options)

    sb = st.sidebar
    sb.header("Filters")
    period = sb.radio(
        "Period",
        list(PERIODS),
        format_func=lambda p: PERIOD_LABELS[p],
        key="f_period",
    )
    lo, hi = period_bounds(period, data.events)
    key = _range_key(period)
    if key not in st.session_state:
        st.session_state[key] = (lo, hi)
    start, end = sb.slider(
        "Date range within the period",
        min_value=lo,
        max_value=hi,
        key=key,
        format="D MMM YYYY",
        help="A claim is shown if its dates overlap this range.",
    )
    short = {sid: f"{sid}: {headlines.get(sid, sid)[:60]}" for sid in options["sources"]}
    for attr, label in FACET_LABELS.items():
        sb.multiselect(
            f"{label.capitalize()}",
            options[attr],
            key=_FACET_KEYS[attr],
            format_func=(lambda v: short.get(v, v)) if attr == "sources" else str,
            placeholder=f"All {label}s",
            help="Leave empty to include all."
            + (" Matches actor 1 or actor 2." if attr == "actors" else ""),
        )
    text = sb.text_input("Search summaries, quotes and claimants", key="f_text")

    state = FilterState(
        period=period,
        date_from=start if start != lo else None,
        date_to=end if end != hi else None,
        text=text,
    )
    for attr, wkey in _FACET_KEYS.items():
        state = state.with_facet(attr, st.session_state.get(wkey, []))
    if st.session_state.get("f_url_state") is None:
        st.session_state["f_url_state"] = state
    elif state != st.session_state["f_url_state"]:
        st.session_state["f_notices"] = []  # the user has moved on from the pasted link
    _sync_url(state)
    return state, tuple(st.session_state.get("f_notices", ()))


def basemap_picker() -> str:
    """The basemap selector, kept in the URL (``basemap=``) like the filters."""
    choice = st.sidebar.selectbox(
        "Basemap", list(BASEMAPS), format_func=lambda k: BASEMAPS[k][1], key="f_basemap"
    )
    default = next(iter(BASEMAPS))
    if st.query_params.get("basemap", default) != choice:
        if choice == default:
            del st.query_params["basemap"]
        else:
            st.query_params["basemap"] = choice
        st.session_state["f_last_query"] = _query_dict()
    return choice


def filters_with_notices(data: Dataset, headlines: dict[str, str]) -> FilterState:
    """The shared sidebar on any page, with the URL's ignored values shown as warnings."""
    state, notices = filter_sidebar(data, get_options(), headlines)
    for notice in notices:
        st.warning(notice, icon="⚠️")
    return state
