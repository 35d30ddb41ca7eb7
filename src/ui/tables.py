"""Paginated tables and lists: the browser gets one page, never the whole view.

A Streamlit element sends all its rows with every view, even inside a collapsed expander: at
10^5 claims one ``st.dataframe`` of the view was 41 MB. Every long table or list of a page
goes through :func:`pager`: a page number, "rows a–b of N", and only that slice drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from src.analysis.paging import TABLE_ROWS, Page, page_count, page_of

#: Sort orders offered for a sortable table, and the choice that keeps the frame's own order.
_ORDERS = ("ascending", "descending")
AS_LISTED = "as listed"


def pager(total: int, key: str, size: int = TABLE_ROWS, noun: str = "rows") -> Page:
    """The page the user picked of ``total`` rows (a number input when there is more than one
    page), with "rows a–b of N" under it; the caller draws rows ``start``..``stop``."""
    pages = page_count(total, size)
    number = 1
    if pages > 1:
        number_key = f"{key}_page"
        current = st.session_state.get(number_key)
        if isinstance(current, int) and not 1 <= current <= pages:  # the view shrank
            st.session_state[number_key] = min(max(1, current), pages)
        narrow, _ = st.columns([1, 3])  # a page number needs no full-width box
        number = int(
            narrow.number_input(
                f"Page (1–{pages:,}, {size:,} {noun} each)",
                min_value=1,
                max_value=pages,
                step=1,
                key=number_key,
            )
        )
    page = page_of(total, number, size)
    st.caption(page.caption(noun).capitalize() + ".")
    return page


def paged_table(
    frame: pd.DataFrame,
    key: str,
    *,
    noun: str = "rows",
    size: int = TABLE_ROWS,
    sort_by: Sequence[str] = (),
    view: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> None:
    """``frame`` one page at a time as an ``st.dataframe``; with ``sort_by``, a choice of
    column and order applied to the whole frame before paging (the grid's own header sort
    would only reorder the page); ``view`` turns the page's rows into what is shown (so
    display formatting costs one page, not the whole frame)."""
    if sort_by:
        left, right = st.columns([3, 1])
        column = left.selectbox("Sort by", [AS_LISTED, *sort_by], key=f"{key}_sort")
        order = right.radio("Order", _ORDERS, horizontal=True, key=f"{key}_order")
        if column is not None and column in frame.columns:
            frame = frame.sort_values(column, ascending=order == _ORDERS[0], kind="stable")
    page = pager(len(frame), key, size, noun)
    rows = frame.iloc[page.start : page.stop]
    st.dataframe(rows if view is None else view(rows), hide_index=True, width="stretch", key=key)


def shown_on_request(label: str, key: str, help_text: str | None = None) -> bool:
    """A "show the table" switch, off by default: a table behind it costs nothing until asked
    for (an expander would still send its rows)."""
    return st.toggle(label, key=key, value=False, help=help_text)
