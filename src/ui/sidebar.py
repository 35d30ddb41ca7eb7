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
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, cast

import streamlit as st

from src.analysis.text import md_unlinked
from src.dataset import Dataset
from src.filters import FilterState, data_bounds, period_bounds, window
from src.labels import FACET_LABELS
from src.mapview.build import BASEMAPS
from src.mapview.playback import DEFAULT_SPEED, SPEEDS, PlaybackState
from src.periods import day_text, fit_range, labels_of
from src.schema import ALL_PERIOD
from src.ui.briefing import BRIEFING_KEY, TITLE_KEY
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
    parse_playback,
    parse_query,
    parse_title,
    playback_query,
    title_query,
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
#: The date inputs beside the slider (key prefixes), and the notice of the last date typed
#: into them that had to be changed: (period, range it gave, notices), shown while that
#: range stands.
_FROM, _TO = "f_from", "f_to"
_TYPED_NOTE = "f_typed_note"
_TYPED_COUNT = "f_typed_count"
#: Playback's widgets (drawn by the map page), the link's starting day (stable, so the
#: map's HTML, which starts there, does not change on every rerun) and the slider's last
#: day seen in the address (kept across page switches, which drop the query string).
PLAYBACK_KEY, SPEED_KEY = "f_playback", "f_speed"
_LINK_AT = "f_play_at_link"
_LAST_AT = "f_play_at"
#: Set by the run that reads the link: its ``at`` was checked there, not to be taken as the
#: map's.
_LINK_RUN = "f_link_run"
#: The button a map-first view shows instead of the filters: the map's frame reports its
#: first drawn claims while the page shows it (``static/kcm/map.js``, ``FILTERS_PENDING``).
FILTERS_PENDING_KEY = "kcm_show_filters"


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
    preset = presets[state.period]
    lo, hi = period_bounds(preset, data.events)
    fitted = fit_range(preset.label, lo, hi, state.date_from, state.date_to)
    st.session_state[_range_key(state.period)] = (fitted.start, fitted.end)
    notices = [*parsed.notices, *fitted.notices]
    playback, playback_notices = parse_playback(query)
    notices += playback_notices
    st.session_state[PLAYBACK_KEY] = playback.on
    st.session_state[SPEED_KEY] = playback.speed
    if playback.at is not None:
        first, last = window(
            replace(
                state,
                date_from=fitted.start if fitted.start != lo else None,
                date_to=fitted.end if fitted.end != hi else None,
            ),
            data.events,
        )
        if first <= playback.at <= last:
            st.session_state[_LINK_AT] = st.session_state[_LAST_AT] = playback.at
        else:
            notices.append(
                f"Ignored at={playback.at.isoformat()}: playback's day must lie within the "
                f"view's dates ({day_text(first)} – {day_text(last)}); it starts at the "
                f"first, {day_text(first)}."
            )
    st.session_state[_LINK_RUN] = True
    title, title_notices = parse_title(query)
    notices += title_notices
    st.session_state[TITLE_KEY] = title
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
    wanted |= title_query(str(st.session_state.get(TITLE_KEY) or ""))
    wanted |= playback_query(_playback_now(current))
    target = {**foreign_params(current), **wanted}
    if current != target:
        st.query_params.from_dict(target)


def _playback_now(current: Mapping[str, list[str]]) -> PlaybackState:
    """Playback as the widgets say, with the slider's day as the map last wrote it into the
    address (``at``: the map writes it, the app only carries it on); off forgets the day."""
    if not st.session_state.get(PLAYBACK_KEY):
        st.session_state.pop(_LINK_RUN, None)
        st.session_state.pop(_LAST_AT, None)
        st.session_state.pop(_LINK_AT, None)
        return PlaybackState()
    link_run = st.session_state.pop(_LINK_RUN, False)
    live, _ = parse_playback({"playback": ["1"], "at": current.get("at", [])})
    if live.at is not None and not link_run:
        st.session_state[_LAST_AT] = live.at
    speed = str(st.session_state.get(SPEED_KEY) or DEFAULT_SPEED)
    return PlaybackState(
        True, speed if speed in SPEEDS else DEFAULT_SPEED, st.session_state.get(_LAST_AT)
    )


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
    _date_inputs(data, period, presets[period].label, (lo, hi), (start, end))
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
    return _state_of(data, period, (start, end), text)


def _state_of(data: Dataset, period: str, picked: tuple[date, date], text: str) -> FilterState:
    """The FilterState of a period, a date range within it, a search and the facets' values
    in session state: one reading for the drawn widgets and for :func:`stored_sidebar`."""
    preset = periods(data)[period]
    lo, hi = period_bounds(preset, data.events)
    start, end = picked
    state = FilterState(
        period=period,
        preset=preset,
        date_from=start if start != lo else None,
        date_to=end if end != hi else None,
        text=text,
        text_places=text_places(data, text),
    )
    for attr, wkey in _FACET_KEYS.items():
        state = state.with_facet(attr, st.session_state.get(wkey, []))
    return state


def _typed(
    period: str, label: str, lo: date, hi: date, keys: tuple[str, str], shown: tuple[date, date]
) -> None:
    """A date typed into From or To (a callback, before the run): the slider follows, a day
    outside the period is left out with a notice, never clamped to a one-day window."""
    typed_from, typed_to = (st.session_state.get(k) for k in keys)
    if (typed_from, typed_to) == shown:
        # the inputs' own first value coming back with a rerun, not a typed day: taking it
        # would set the slider back to the range before a fast key press, undoing it
        return
    fitted = fit_range(label, lo, hi, typed_from, typed_to, ("From ", "To "))
    st.session_state[_range_key(period)] = (fitted.start, fitted.end)
    st.session_state[_TYPED_NOTE] = (period, (fitted.start, fitted.end), fitted.notices)
    # new inputs even when the range stays (a typed day set back): they must show the range
    st.session_state[_TYPED_COUNT] = st.session_state.get(_TYPED_COUNT, 0) + 1


def _date_inputs(
    data: Dataset,
    period: str,
    label: str,
    bounds: tuple[date, date],
    picked: tuple[date, date],
) -> None:
    """From/To inputs under the slider, showing its range (the slider spans up to 13,000
    days in 240 px, ~54 days a pixel; a typed day is exact). They accept any day of the
    data, so a day outside the period gets a notice rather than a silent refusal."""
    sb = st.sidebar
    lo, hi = bounds
    first, last = data_bounds(data.events)
    # Keyed by the range they show, never written by the script: an input whose value the
    # script set would come back stale with the next fast slider press (the browser sends
    # every widget's value with each rerun), look typed, and undo the press. A new range is
    # a new pair of inputs, showing it from their first draw.
    typed = st.session_state.get(_TYPED_COUNT, 0)
    stem = f"{period}_{typed}_{picked[0].isoformat()}_{picked[1].isoformat()}"
    keys = (f"{_FROM}_{stem}", f"{_TO}_{stem}")
    # One under the other: side by side, 10 digits and the calendar icon do not fit the
    # sidebar's half width (the day was cut to "2023-09-1").
    for name, key, day, what in (
        ("From", keys[0], picked[0], "first"),
        ("To", keys[1], picked[1], "last"),
    ):
        sb.date_input(
            name,
            value=day,
            key=key,
            min_value=min(first, lo, hi),  # a period may lie wholly before the data
            max_value=max(last, lo, hi),
            format="YYYY-MM-DD",
            on_change=_typed,
            args=(period, label, lo, hi, keys, picked),
            help=f"The range's {what} day (inclusive); the slider follows.",
        )
    note = st.session_state.get(_TYPED_NOTE)
    if note and note[0] == period and tuple(note[1]) == tuple(picked):
        for text in note[2]:
            sb.warning(md_unlinked(text), icon=WARNING_ICON)


def playback_widgets() -> PlaybackState:
    """Playback's switch and speed (the map page's; the link keeps both, ``src.urlstate``),
    and the link's starting day."""
    on = st.sidebar.toggle(
        "Playback on the map",
        key=PLAYBACK_KEY,
        help="Step through the selected window with an in-map time slider (press play). "
        "The link keeps it on, its speed and the slider's day.",
        persist_state=PERSIST,
    )
    speed = str(
        st.sidebar.selectbox(
            "Playback speed",
            list(SPEEDS),
            format_func=_worded(SPEEDS),
            key=SPEED_KEY,
            disabled=not on,
            help="Days of the window per second of playback (never under 2 s for it all).",
            persist_state=PERSIST,
        )
    )
    return PlaybackState(on=bool(on), speed=speed, at=st.session_state.get(_LINK_AT))


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
    """The sidebar every page shares, with the URL's ignored values shown as warnings."""
    options = get_options()
    read_url_once(data, options)
    state = filter_widgets(data, options, headlines)
    view = SidebarView(state=state, basemap=basemap_picker())
    _url_notices(state)
    return view


def stored_sidebar(data: Dataset) -> SidebarView:
    """The view the sidebar's widgets hold (on a session's first run: the URL's), read from
    session state without drawing them, for a first view that draws its map before the
    filters (``src.ui.shell.prepare``). The sidebar says the filters are coming and offers
    them at once, in case the map never reports that it is drawn."""
    read_url_once(data, get_options())
    presets = periods(data)
    period = str(st.session_state.get("f_period"))
    if period not in presets:
        period = ALL_PERIOD
    picked = st.session_state.get(_range_key(period)) or period_bounds(presets[period], data.events)
    start, end = cast(tuple[date, date], tuple(picked))
    state = _state_of(data, period, (start, end), str(st.session_state.get("f_text") or ""))
    basemap = str(st.session_state.get("f_basemap", DEFAULT_BASEMAP))
    view = SidebarView(state=state, basemap=basemap if basemap in BASEMAPS else DEFAULT_BASEMAP)
    st.sidebar.caption("The filters appear here as soon as the map is drawn.")
    st.sidebar.button("Show the filters now", key=FILTERS_PENDING_KEY)
    _url_notices(state)
    return view


def _url_notices(state: FilterState) -> None:
    """The URL's ignored values as warnings (escaped: they quote the link, and a crafted link
    must not bring its own links or images). One container whether or not there are any:
    elements below keep their place in the page, so the map's component is updated in place,
    not remounted, when notices go."""
    with st.container():
        for notice in current_notices(state):
            st.warning(md_unlinked(notice), icon=WARNING_ICON)


def show_only_source(source_id: str) -> None:
    """Set the filters to one source's claims over all dates (from a button's callback, which
    runs before the sidebar draws): the other facets and the search are cleared."""
    st.session_state["f_period"] = ALL_PERIOD
    st.session_state.pop(_range_key(ALL_PERIOD), None)
    for attr, key in _FACET_KEYS.items():
        st.session_state[key] = [source_id] if attr == "sources" else []
    st.session_state["f_text"] = ""
    st.session_state.pop(_TYPED_NOTE, None)
