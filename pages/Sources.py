"""Sources: each article, what it carries, what only it reports, and where articles disagree.

Thin UI: the matrix and the exclusives live in ``src/analysis/coverage.py``.
"""

from __future__ import annotations

import streamlit as st

from src.analysis.charts import coverage_chart
from src.analysis.coverage import LISTED_MAX, matrix_long
from src.analysis.text import md, md_frame
from src.labels import verification_label
from src.ui import notices
from src.ui.data import incident_views, sources_view
from src.ui.shell import page_context, page_header
from src.ui.tables import paged_table, pager

#: Incidents per page of the coverage chart and matrix; claims per page of an article's own.
COVERAGE_INCIDENTS = 60
EXCLUSIVE_ROWS = 100

ctx = page_context()
page_header(
    ctx,
    "Sources",
    "Counts are of the claims in view; a claim merged from several articles counts for each.",
)

shown, sources = ctx.shown, ctx.data.sources
overview, _ = incident_views(ctx.data, ctx.state)
titles = dict(zip(overview["incident_id"], overview["title"], strict=True))

if shown.empty:  # nothing to count or compare (the per-article tables need rows)
    notices.no_claims()
    st.stop()

st.subheader("Articles")
view = sources_view(ctx.data, ctx.state)
st.table(md_frame(view.summary.set_index("Article")))

st.subheader("Coverage: articles × incidents")
matrix = view.matrix
if matrix.shape[1] == 0:
    notices.no_claims()
    st.stop()
# The chart and the table show one page of incidents (columns) at a time.
page = pager(matrix.shape[1], "coverage", COVERAGE_INCIDENTS, "incidents")
matrix = matrix.iloc[:, page.start : page.stop]
long = matrix_long(matrix, view.cells).assign(
    headline=lambda f: f["source_id"].map(ctx.headlines),
    incident=lambda f: f["incident_id"].map(titles),
    disagreement=lambda f: f["in_discrepancy"].map({True: "yes", False: ""}),
)
st.altair_chart(coverage_chart(long), width="stretch")
st.caption(
    "Each cell counts the claims an article carries about an incident; an outlined cell means "
    "that article's claims take part in a discrepancy (differing figures, a denial, a dispute "
    "or a self-contradiction). Hover for the incident and headline."
)
st.dataframe(matrix, width="stretch", key="coverage_matrix")

st.subheader("Where the articles disagree")
rows = view.disagreements
if len(rows):
    paged_table(rows, "disagreements", noun="discrepancies", sort_by=("Incident", "Discrepancy"))
else:
    st.caption("No discrepancy among the claims in view.")

st.subheader("What only one article reports")
only_claims, only_incidents = view.only_claims, view.only_incidents
for src in sources.sort_values("source_id").to_dict("records"):
    sid = src["source_id"]
    mine = only_claims.get(sid)
    count = 0 if mine is None else len(mine)
    with st.expander(f"{sid} · {md(src['headline'])} — {count} claim(s) only it carries"):
        incidents = only_incidents.get(sid, [])
        st.markdown(
            "**Incidents no other article reports:** "
            + (
                ", ".join(f"{md(i)} ({md(titles.get(i, ''))})" for i in incidents[:LISTED_MAX])
                or "none"
            )
            + (
                f" … and {len(incidents) - LISTED_MAX:,} more"
                if len(incidents) > LISTED_MAX
                else ""
            )
        )
        if mine is not None:
            part = pager(len(mine), f"only_{sid}", EXCLUSIVE_ROWS, "claims")
            mine = mine.iloc[part.start : part.stop]
            st.table(
                md_frame(
                    mine[["event_id", "incident_id", "claimant", "claimant_side", "summary"]]
                    .assign(verification=mine["verification"].map(verification_label))
                    .rename(
                        columns={
                            "event_id": "Claim",
                            "incident_id": "Incident",
                            "claimant": "Claimant",
                            "claimant_side": "Side",
                            "summary": "Summary",
                            "verification": "Status",
                        }
                    )
                    .set_index("Claim")
                )
            )
