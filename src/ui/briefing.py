"""Streamlit glue for issue #5: the briefing view (``?briefing=1``) and "Share & export".

The briefing view hides the controls and shows the briefing frame, the same standalone HTML
document that the HTML download contains and that the PNG export photographs, so the page
and the files agree by construction. All logic lives in :mod:`src.briefing`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
from streamlit.delta_generator import DeltaGenerator

from src.analysis.text import md_unlinked
from src.briefing.exports import acled_csv, claims_csv, claims_geojson
from src.briefing.frame import (
    SIZES,
    Briefing,
    briefing_text,
    build_briefing,
    default_title,
)
from src.briefing.render import browser_problem, render_png
from src.dataset import Dataset
from src.filters import FilterState
from src.mapview.frontend import own_file
from src.ui import notices
from src.ui.data import shown_claims, view_text
from src.urlstate import MAX_TITLE_CHARS

PARAM = "briefing"
#: Session key of the briefing view's on/off state (the toggles are two widgets).
BRIEFING_KEY = "b_on"
#: Session key of the frame's custom title (also the link's ``title=``, ``src.urlstate``).
TITLE_KEY = "b_title"
#: Height of the embedded frame before it sizes itself to 16:9 of the page width.
EMBED_HEIGHT = 820
#: The briefing view shows the frame only (static/kcm/hide-controls.css).
HIDE_CONTROLS_CSS = f"<style>{own_file('hide-controls.css')}</style>"


def briefing_on() -> bool:
    """Whether the briefing view is on: the URL's ``briefing=`` as read once per session by
    the sidebar, then whatever the toggles set (the shell writes it back to the URL)."""
    return bool(st.session_state.get(BRIEFING_KEY, False))


def _set_briefing(key: str) -> None:
    st.session_state[BRIEFING_KEY] = bool(st.session_state.get(key))


def _toggle(container: DeltaGenerator, key: str) -> bool:
    st.session_state[key] = briefing_on()
    return container.toggle(
        "Briefing view",
        key=key,
        on_change=_set_briefing,
        args=(key,),
        help="A self-explaining 16:9 frame for slides: title, dates, filters, legend, sources "
        "and caveat inside the picture. Also set by the link parameter briefing=1.",
    )


def share_link(briefing: bool | None = None) -> str:
    """The full URL of the current view (filters and all), optionally forcing briefing on/off."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    if briefing is True:
        params[PARAM] = ["1"]
    elif briefing is False:
        params.pop(PARAM, None)
    base = st.context.url
    if not base:
        host = st.context.headers.get("host") if st.context.headers else None
        base = f"http://{host}/" if host else ""
    if base and not urlsplit(base).path:
        base += "/"
    query = urlencode(params, doseq=True)
    return f"{base}?{query}" if query else (base or "?")


def briefing_mode(data: Dataset, state: FilterState, basemap: str) -> bool:
    """Draw the briefing toggle; in briefing view draw the frame and the exports, return True.

    The toggle sits in the sidebar normally and above the frame in briefing view (where the
    sidebar is hidden), so the view can always be left again.
    """
    if not briefing_on():
        _toggle(st.sidebar, "b_toggle_sidebar")
        return False

    st.html(HIDE_CONTROLS_CSS)
    left, right = st.columns([1, 4], vertical_alignment="bottom")
    _toggle(left, "b_toggle_main")
    with right:
        title = st.text_input(
            "Title (inside the frame)",
            key=TITLE_KEY,
            placeholder=default_title(state),
            max_chars=MAX_TITLE_CHARS,
            help="Leave empty for the default title of the period. The link keeps it (title=).",
            # kept while the briefing view is off, so the link and a return keep the title
            persist_state="session",
        )
    briefing = build_briefing(data, state, title, basemap)
    if briefing.shown.empty:
        st.info(
            "No claims match these filters: the frame shows the map without claims. "
            "Turn off “Briefing view” to widen the date range or clear a filter.",
            icon=notices.EMPTY,
        )
    components.html(briefing.html, height=EMBED_HEIGHT, scrolling=False)
    st.caption(
        "What you see above is exactly what the PNG and HTML exports contain. "
        "Turn off “Briefing view” to change the filters."
    )
    share_and_export(data, state, basemap, title, briefing)
    return True


class _Once:
    """A briefing built on first use and shared by the download callables (which Streamlit
    runs in worker threads when clicked), so an untouched export costs nothing."""

    def __init__(self, make: Callable[[], Briefing], ready: Briefing | None = None) -> None:
        self._make = make
        self._value = ready
        self._lock = threading.Lock()

    def __call__(self) -> Briefing:
        with self._lock:
            if self._value is None:
                self._value = self._make()
            return self._value


def _png(frame: _Once, size: tuple[int, int]) -> Callable[[], bytes]:
    """The PNG download callable for one size (``size`` bound now, not when clicked)."""
    return lambda: render_png(frame().html, size)


def _stem(state: FilterState) -> str:
    parts = [state.period] + [v for name in ("sides", "types") for v in state.facet(name)]
    slug = "".join(c if c.isalnum() else "-" for c in "-".join(parts).lower())
    slug = "-".join(p for p in slug.split("-") if p)
    return f"kcm-{slug}-{datetime.now(UTC):%Y%m%d-%H%M}"


def share_and_export(
    data: Dataset,
    state: FilterState,
    basemap: str,
    title: str | None = None,
    briefing: Briefing | None = None,
) -> None:
    """Download buttons (PNG, HTML, CSV, GeoJSON, ACLED CSV) and the shareable links.

    In briefing view ``briefing`` is the frame on the page, so the PNG and HTML are exactly
    it; elsewhere the same frame is built when a PNG or HTML button is pressed. Every file
    is made only when its button is pressed (Streamlit runs a callable ``data`` on the
    click, not on each rerun); the callables hold the filters, not the claims, so an idle
    session keeps no copy of them. The caption's text is cached per view.
    """
    frame = _Once(lambda: build_briefing(data, state, title, basemap), briefing)
    text = briefing.text if briefing else view_text(data, state, title)

    def claims() -> pd.DataFrame:
        return briefing.shown if briefing else shown_claims(data, state)

    def geojson() -> bytes:
        made = briefing.text if briefing else briefing_text(data, state, title)  # now
        meta = made.export_meta(data.version)
        return json.dumps(
            claims_geojson(claims(), data.places, data.sources, meta), ensure_ascii=False
        ).encode("utf-8")

    stem = _stem(state)
    st.subheader("Share & export")
    line = f"{text.counts}. {text.filters_line}. {text.window}. {text.caveat}"
    st.caption(f"Files of the current view: {md_unlinked(line)}")  # it quotes q, which a link sets

    problem = browser_problem()
    cols = st.columns(3)
    for col, (name, size) in zip(cols, SIZES.items(), strict=False):
        col.download_button(
            f"PNG {size[0]}×{size[1]}" + (" – needs a browser" if problem else ""),
            data=_png(frame, size) if not problem else b"",
            file_name=f"{stem}-{name}.png",
            mime="image/png",
            icon=":material/image:",
            disabled=bool(problem),
            key=f"b_png_{name}",
            on_click="ignore",
            help="The briefing frame, rendered in headless Chromium (takes a few seconds).",
        )
    cols[2].download_button(
        "HTML (works offline)",
        data=lambda: frame().html.encode("utf-8"),
        file_name=f"{stem}.html",
        mime="text/html",
        icon=":material/code:",
        key="b_html",
        on_click="ignore",
        help="The briefing frame as one file with the map's code inlined: "
        "open it from disk, no server or internet needed (map tiles aside).",
    )
    if problem:
        st.error(f"PNG export is unavailable on this server. {problem}", icon=notices.IMAGE)
    if briefing is not None and briefing.assets_missing:
        st.info(
            "The map's code is not fetched locally (run `scripts/setup.sh`), so the PNG and "
            f"HTML need internet to draw the map: {briefing.assets_missing}.",
            icon=notices.INFO,
        )

    cols = st.columns(3)
    cols[0].download_button(
        "CSV",
        data=lambda: claims_csv(claims(), data.places),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/table:",
        key="b_csv",
        on_click="ignore",
        help="The shown claims in events.csv's columns; formula-like cells are neutralised.",
    )
    cols[1].download_button(
        "GeoJSON",
        data=geojson,
        file_name=f"{stem}.geojson",
        mime="application/geo+json",
        icon=":material/map:",
        key="b_geojson",
        on_click="ignore",
        help="Claims as points, routes as lines; claims with no place under 'unlocated'.",
    )
    cols[2].download_button(
        "ACLED-column CSV",
        data=lambda: acled_csv(claims(), data.places, data.sources, datasets=data.datasets),
        file_name=f"{stem}-acled.csv",
        mime="text/csv",
        icon=":material/merge:",
        key="b_acled",
        on_click="ignore",
        help="ACLED's export columns, for merging; unknown fatalities are blank (ACLED: 0).",
    )

    # In a popover: a code box loads Streamlit's syntax highlighter (~1.5 MB) with the page,
    # ahead of the map's frame, which then drew a second later; it loads when opened now.
    with st.popover("Links to this view", icon=":material/link:"):
        st.markdown("**Link to this view** (the copy button is at the right of each box)")
        st.code(share_link(briefing=False), language=None, wrap_lines=True)
        st.markdown("**Link to this view as a briefing frame**")
        st.code(share_link(briefing=True), language=None, wrap_lines=True)
        st.caption(
            "From a shell: `python -m src.briefing png --out FILE` with the same filters as "
            "the link's parameters (e.g. `--period offensive --side Azerbaijan`); see "
            "docs/briefing.md."
        )
