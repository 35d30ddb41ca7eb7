"""The app shell: what ``dashboard.py`` does once per run before handing over to a page.

It loads the data, draws the shared sidebar, writes the URL and publishes a PageContext;
each page reads that context instead of redoing the work (and redrawing the sidebar).
"""

from __future__ import annotations

import runpy
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.navigation.page import StreamlitPage

from src.analysis.view import view_line
from src.dataset import Dataset
from src.filters import FilterState, window
from src.mapview.legend import CAVEAT
from src.ui.briefing import briefing_mode, briefing_on
from src.ui.data import dataset_or_stop, get_options, headlines, place_names, shown_claims
from src.ui.sidebar import (
    PLAYBACK_KEY,
    read_url_once,
    shared_sidebar,
    stored_sidebar,
    write_url,
)

APP_TITLE = "Karabakh Conflict Map"
_CONTEXT_KEY = "_kcm_page_context"
#: Set by a session's first run: only that run may draw its map before the filters.
FIRST_RUN_DONE = "_kcm_first_run_done"
#: The app's entry point, which registers the pages and runs the shell.
ENTRY_POINT = Path(__file__).resolve().parents[2] / "dashboard.py"


@dataclass(frozen=True)
class PageSpec:
    """One page of the app: adding a page is one more of these in ``dashboard.PAGES``."""

    path: str
    title: str
    icon: str

    @property
    def url_path(self) -> str:
        """The file name is the URL (``pages/Sources.py`` -> ``/Sources``), as Streamlit's
        first run, which still finds pages by file name, expects."""
        return Path(self.path).stem


@dataclass(frozen=True)
class PageContext:
    """The loaded data, the filters in force and the claims they let through."""

    data: Dataset
    state: FilterState
    basemap: str
    shown: pd.DataFrame
    headlines: dict[str, str]
    place_names: dict[str, str]
    start: date
    end: date
    #: This run draws the map alone, before the sidebar's filters and what lies under the
    #: map (``prepare``); the next run draws the whole page.
    map_first: bool = False


def navigation(pages: tuple[PageSpec, ...]) -> StreamlitPage:
    """Register the pages (the first is the default, served at ``/``) and set the tab title."""
    page = st.navigation(
        [
            st.Page(
                p.path,
                title=p.title,
                icon=p.icon,
                url_path=None if i == 0 else p.url_path,  # the default page is served at /
                default=i == 0,
            )
            for i, p in enumerate(pages)
        ]
    )
    title = APP_TITLE if page.url_path == "" else f"{page.title} · {APP_TITLE}"
    st.set_page_config(page_title=title, page_icon="🗺️", layout="wide")
    return page


def prepare(map_page: bool = False) -> PageContext:
    """Data (or its problems and a stop), the sidebar, the URL; the briefing view stops here.

    ``map_page``: the page about to run is the map. A session's first view of it draws only
    the map (the filters it uses read from the link, not drawn): the browser's one thread
    otherwise renders the sidebar's widgets and the page under the map before the map's frame
    gets its data, about 1–2 s of a first view (README, Performance). The map reports when it
    has drawn its claims (``static/kcm/map.js``), and that rerun draws the whole page.
    """
    data = dataset_or_stop()
    names = headlines(data)
    map_first = map_page and _first_run() and not _asks_for_more(data)
    view = stored_sidebar(data) if map_first else shared_sidebar(data, names)
    write_url(view, briefing_on())
    # ?briefing=1: the 16:9 frame and its exports instead of the page
    if not map_first and briefing_mode(data, view.state, view.basemap):
        st.stop()
    start, end = window(view.state, data.events)
    ctx = PageContext(
        data=data,
        state=view.state,
        basemap=view.basemap,
        shown=shown_claims(data, view.state),
        headlines=names,
        place_names=place_names(data),
        start=start,
        end=end,
        map_first=map_first,
    )
    st.session_state[_CONTEXT_KEY] = ctx
    return ctx


def _first_run() -> bool:
    """Whether this is the session's first run (every later run is told it is not)."""
    first = not st.session_state.get(FIRST_RUN_DONE)
    st.session_state[FIRST_RUN_DONE] = True
    return first


def _asks_for_more(data: Dataset) -> bool:
    """Whether the link asks for more than the clustered map: the briefing frame, or
    playback (whose widgets and layer the map page draws in the full run)."""
    read_url_once(data, get_options())  # the link's values, once per session
    return briefing_on() or bool(st.session_state.get(PLAYBACK_KEY))


def page_context() -> PageContext:
    """The context the shell prepared for this run; each page takes it once, first thing.

    Taking it (not just reading it) means a page can tell whether the shell ran before it in
    this run. It may not have: on the first run after a server start (and in every AppTest
    run) Streamlit still follows its older ``pages/`` convention and can run a page file
    directly. Then the shell is run instead: it registers the pages, prepares the context
    and runs this page inside itself, and the direct run stops after it.
    """
    ctx = st.session_state.pop(_CONTEXT_KEY, None)
    if isinstance(ctx, PageContext):
        return ctx
    runpy.run_path(str(ENTRY_POINT), run_name="__main__")
    st.stop()
    raise AssertionError("unreachable: st.stop() raises")


def view_summary(ctx: PageContext, noun: str = "in view") -> str:
    """The view line for a page (the map says "shown", the analysis pages "in view")."""
    return view_line(ctx.data, ctx.state, ctx.shown, ctx.headlines, noun)


def page_header(ctx: PageContext, title: str, what: str) -> None:
    """Title, the view in words, and the standing caveat that these are claims."""
    st.title(title)
    st.markdown(view_summary(ctx))
    st.caption(f"⚠️ {CAVEAT} {what} Data version {ctx.data.version}.")
