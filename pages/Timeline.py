"""Timeline: every claim in view over time, then a chronology grouped by day.

Thin UI: spans, lanes and the chronology live in ``src/analysis/timeline.py``.
"""

from __future__ import annotations

import streamlit as st

from src.analysis.charts import timeline_chart
from src.analysis.paging import capped_note, group_slices
from src.analysis.text import md
from src.analysis.timeline import ZOOM_LABELS, ZOOMS, lane_domain, zoom_domain
from src.ui import notices
from src.ui.data import timeline_rows
from src.ui.shell import page_context, page_header
from src.ui.tables import pager

#: Claims drawn in the chart (the most recent), and chronology lines per page.
CHART_MARKS = 1500
CHRONOLOGY_LINES = 500

ctx = page_context()
page_header(
    ctx,
    "Timeline of claims",
    "One mark per claim: colour = claimant side, shape = event type; the bar spans every "
    "moment the claim's date may mean.",
)

frame, days = timeline_rows(ctx.data, ctx.state)
if frame.empty:
    notices.no_claims()
    st.stop()

zoom = st.radio(
    "Show",
    list(ZOOMS),
    format_func=lambda z: ZOOM_LABELS[z],
    horizontal=True,
    key="timeline_zoom",
)
charted = frame
if len(frame) > CHART_MARKS:  # every mark carries its tooltip: bound what the chart ships
    charted = frame.sort_values(["mid", "event_id"]).tail(CHART_MARKS)
    st.info(
        capped_note(CHART_MARKS, len(frame), "claims in view", "most recent")
        + " The chronology below lists them all.",
        icon=notices.INFO,
    )
st.altair_chart(
    timeline_chart(charted, zoom_domain(zoom, ctx.start, ctx.end), lane_domain(charted)),
    width="stretch",
)
st.caption(
    "Scroll over the chart to zoom in time (from decades down to hours), drag to pan, "
    "double-click to reset. A bar covers the whole day, week, month or span an article gives; "
    "only a stated part of the day (e.g. “Tuesday morning”) narrows it. The point marks the "
    "middle of that span, not an exact moment."
)

st.header("Chronology")
st.caption(f"{len(frame):,} claims on {len(days):,} dates, oldest first.")
page = pager(len(frame), "timeline_chronology", CHRONOLOGY_LINES, "claims")
for index, first, end in group_slices([len(d.entries) for d in days], page.start, page.stop):
    day = days[index]
    part = "" if (first, end) == (0, len(day.entries)) else f" (here {first + 1}–{end})"
    st.subheader(f"{md(day.label)} · {len(day.entries)} claim(s){part}")
    lines = []
    for e in day.entries[first:end]:
        when = f"*{md(e.time_of_day)}* · " if e.time_of_day else ""
        lines.append(
            f"- {when}**{md(e.claimant)}** ({md(e.claimant_side)}) · {md(e.what)} · "
            f"{md(e.place)} · sources: {md(', '.join(e.source_ids))} · {md(e.status)} — "
            f"{md(e.summary)} `{e.event_id}`"  # ids match ^E\d+$
        )
    st.markdown("\n".join(lines))
