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
from src.ui.data import dataset_or_stop, headlines, place_names, shown_claims
from src.ui.sidebar import shared_sidebar, write_url

APP_TITLE = "Karabakh Conflict Map"
_CONTEXT_KEY = "_kcm_page_context"
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


def prepare() -> PageContext:
    """Data (or its problems and a stop), the sidebar, the URL; the briefing view stops here."""
    data = dataset_or_stop()
    names = headlines(data)
    view = shared_sidebar(data, names)
    write_url(view, briefing_on())
    # ?briefing=1: the 16:9 frame and its exports instead of the page
    if briefing_mode(data, view.state, view.basemap):
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
    )
    st.session_state[_CONTEXT_KEY] = ctx
    return ctx


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
