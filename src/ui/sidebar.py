"""The shared sidebar (filters, basemap), and the URL that mirrors it so a copied link
reproduces the view.

The URL is read into the widgets once per session: a link pasted or edited in the address
bar reloads the page, which starts a new session. After that the widgets are the only truth
and every run writes the URL from them, never reading it back. Reading it back raced with the
browser: two quick key presses start two reruns, and the second still carries the query
string from before the first rerun's update, which looked like a pasted link and undid both
presses. Writing on every run also restores the query string a page switch drops.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, cast

import streamlit as st

from src.analysis.text import md_unlinked
from src.dataset import Dataset
from src.filters import FilterState, period_bounds
from src.labels import FACET_LABELS
from src.mapview.build import BASEMAPS
from src.periods import labels_of
from src.schema import ALL_PERIOD
from src.ui.briefing import BRIEFING_KEY
from src.ui.briefing import PARAM as BRIEFING_PARAM
from src.ui.data import (
    dataset_words,
    get_options,
    periods,
    place_labels,
    resolve_place,
    text_places,
)
from src.ui.notices import WARNING as WARNING_ICON
from src.urlstate import (
    MAX_TEXT_CHARS,
    MAX_VALUES,
    OWN_PARAMS,
    PARAMS,
    echo,
    foreign_params,
    parse_query,
    to_query,
)

_FACET_KEYS = {attr: f"f_{attr}" for attr in PARAMS.values()}
#: Every shared widget keeps its value for the whole session. Without it Streamlit drops a
#: widget's value when a run ends without drawing it, which a page switch that interrupts a
#: run can do: the filters then silently reset on the new page (seen in the e2e suite).
PERSIST: Literal["session"] = "session"
DEFAULT_BASEMAP = next(iter(BASEMAPS))
#: The URL parameters the app writes from its widgets (``src.urlstate`` names the same
#: ``briefing``); any other is kept only while it is small (``urlstate.foreign_params``).
assert BRIEFING_PARAM in OWN_PARAMS
#: Session keys: the URL has been read (once per session), what was ignored in it, and the
#: filters it described (the notices stand until the user moves away from them).
_URL_READ = "f_url_read"
_NOTICES = "f_notices"
_URL_STATE = "f_url_state"


@dataclass(frozen=True)
class SidebarView:
    """What the shared sidebar decided: the filters and the basemap."""

    state: FilterState
    basemap: str


def _query_dict() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _range_key(period: str) -> str:
    return f"f_range_{period}"


def read_url_once(data: Dataset, options: dict[str, list[str]]) -> None:
    """Put the URL's view into the widgets' session state, once per session, noting what was
    ignored. Also decides the briefing view's starting value (``briefing=``)."""
    if st.session_state.get(_URL_READ):
        return
    query = _query_dict()
    presets = periods(data)
    parsed = parse_query(query, options, presets, resolve_place(data))
    state = parsed.state
    st.session_state["f_period"] = state.period
    for attr, key in _FACET_KEYS.items():
        st.session_state[key] = list(state.facet(attr))
    st.session_state["f_text"] = state.text
    lo, hi = period_bounds(presets[state.period], data.events)
    start = min(max(state.date_from or lo, lo), hi)
    end = max(min(state.date_to or hi, hi), lo)
    st.session_state[_range_key(state.period)] = (start, end)
    notices = list(parsed.notices)
    basemap = (query.get("basemap") or [""])[-1]
    if basemap in BASEMAPS:
        st.session_state["f_basemap"] = basemap
    elif basemap:
        notices.append(
            f"Ignored unknown basemap {echo(basemap)} (use one of {', '.join(BASEMAPS)})."
        )
    briefing = (query.get(BRIEFING_PARAM) or [""])[-1]
    st.session_state[BRIEFING_KEY] = briefing in ("1", "true", "on")
    st.session_state[_NOTICES] = notices
    st.session_state[_URL_STATE] = None  # filled with the widgets' reading of the URL
    st.session_state[_URL_READ] = True


def write_url(view: SidebarView, briefing: bool) -> None:
    """Make the query string say exactly what the widgets say (defaults left out), keeping
    only small foreign parameters, so the address stays short whatever link opened it."""
    wanted = to_query(view.state)
    if view.basemap != DEFAULT_BASEMAP:
        wanted["basemap"] = [view.basemap]
    if briefing:
        wanted[BRIEFING_PARAM] = ["1"]
    current = _query_dict()
    target = {**foreign_params(current), **wanted}
    if current != target:
        st.query_params.from_dict(target)


def _worded(words: Mapping[str, str]) -> Callable[[str], str]:
    """A widget's ``format_func``: a value's words, or the value itself."""
    return lambda value: words.get(value, value)


#: What a facet's help adds to "Leave empty to include all."
_FACET_HELP = {
    "actors": " Matches actor 1 or actor 2.",
    "places": " Type any spelling: Khankendi, Xankəndi and Stepanakert are one place.",
}


def filter_widgets(
    data: Dataset, options: dict[str, list[str]], headlines: dict[str, str]
) -> FilterState:
    """Draw the filters and return the FilterState they describe."""
    sb = st.sidebar
    sb.header("Filters")
    presets = periods(data)
    if st.session_state.get("f_period") not in presets:  # a reload dropped the preset
        st.session_state["f_period"] = ALL_PERIOD
    period = str(
        sb.radio(
            "Period",
            list(presets),
            format_func=_worded(labels_of(presets)),
            key="f_period",
            persist_state=PERSIST,
        )
    )
    if data.periods_note:
        sb.caption(md_unlinked(data.periods_note))
    lo, hi = period_bounds(presets[period], data.events)
    key = _range_key(period)
    if key not in st.session_state:
        st.session_state[key] = (lo, hi)
    picked = sb.slider(
        "Date range within the period",
        min_value=lo,
        max_value=hi,
        key=key,
        format="D MMM YYYY",
        help="A claim is shown if its dates overlap this range.",
        persist_state=PERSIST,
    )
    start, end = cast(tuple[date, date], picked)  # a (lo, hi) value gives a pair
    short = {sid: f"{sid}: {headlines.get(sid, sid)[:60]}" for sid in options["sources"]}
    words = {
        "sources": short,
        "datasets": dataset_words(data),
        "places": place_labels(data),
    }
    for attr, label in FACET_LABELS.items():
        sb.multiselect(
            f"{label.capitalize()}",
            options[attr],
            key=_FACET_KEYS[attr],
            format_func=_worded(words.get(attr, {})),
            placeholder=f"All {label}s",
            max_selections=MAX_VALUES,  # what a link can carry (urlstate)
            help="Leave empty to include all." + _FACET_HELP.get(attr, ""),
            persist_state=PERSIST,
        )
    text = sb.text_input(
        "Search summaries, quotes, claimants and places",
        key="f_text",
        max_chars=MAX_TEXT_CHARS,  # what a link can carry (urlstate)
        help="A place matches in any of its spellings: Khankendi finds Stepanakert's claims.",
        persist_state=PERSIST,
    )

    state = FilterState(
        period=period,
        preset=presets[period],
        date_from=start if start != lo else None,
        date_to=end if end != hi else None,
        text=text,
        text_places=text_places(data, text),
    )
    for attr, wkey in _FACET_KEYS.items():
        state = state.with_facet(attr, st.session_state.get(wkey, []))
    return state


def basemap_picker() -> str:
    """The basemap selector (the map pages and the briefing frame use its choice)."""
    return str(
        st.sidebar.selectbox(
            "Basemap",
            list(BASEMAPS),
            format_func=lambda k: BASEMAPS[k][1],
            key="f_basemap",
            persist_state=PERSIST,
        )
    )


def current_notices(state: FilterState) -> tuple[str, ...]:
    """The URL's ignored values, until the filters differ from what the URL described."""
    if st.session_state.get(_URL_STATE) is None:
        st.session_state[_URL_STATE] = state
    elif state != st.session_state[_URL_STATE]:
        st.session_state[_NOTICES] = []  # the user has moved on from the pasted link
    return tuple(st.session_state.get(_NOTICES, ()))


def shared_sidebar(data: Dataset, headlines: dict[str, str]) -> SidebarView:
    """The sidebar every page shares, with the URL's ignored values shown as warnings (escaped:
    they quote the link, and a crafted link must not bring its own links or images)."""
    options = get_options()
    read_url_once(data, options)
    state = filter_widgets(data, options, headlines)
    view = SidebarView(state=state, basemap=basemap_picker())
    # One container whether or not there are notices: elements below keep their place in the
    # page, so the map's component is updated in place, not remounted, when notices go.
    with st.container():
        for notice in current_notices(state):
            st.warning(md_unlinked(notice), icon=WARNING_ICON)
    return view


def show_only_source(source_id: str) -> None:
    """Set the filters to one source's claims over all dates (from a button's callback, which
    runs before the sidebar draws): the other facets and the search are cleared."""
    st.session_state["f_period"] = ALL_PERIOD
    st.session_state.pop(_range_key(ALL_PERIOD), None)
    for attr, key in _FACET_KEYS.items():
        st.session_state[key] = [source_id] if attr == "sources" else []
    st.session_state["f_text"] = ""
