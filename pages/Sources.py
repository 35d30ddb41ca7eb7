"""Sources: each article, what it carries, what only it reports, and where articles disagree.

Thin UI: the matrix and the exclusives live in ``src/analysis/coverage.py``.
"""

from __future__ import annotations

import streamlit as st

from src.analysis.charts import coverage_chart
from src.analysis.coverage import (
    article_summary,
    coverage_matrix,
    disagreement_cells,
    exclusive_claims,
    exclusive_incidents,
    matrix_long,
)
from src.analysis.incidents import KIND_LABELS
from src.analysis.text import md, md_frame
from src.labels import verification_label
from src.ui import notices
from src.ui.data import incident_views
from src.ui.shell import page_context, page_header

ctx = page_context()
page_header(
    ctx,
    "Sources",
    "Counts are of the claims in view; a claim merged from several articles counts for each.",
)

shown, sources = ctx.shown, ctx.data.sources
overview, found = incident_views(ctx.data, ctx.state)
titles = dict(zip(overview["incident_id"], overview["title"], strict=True))

if shown.empty:  # nothing to count or compare (the per-article tables need rows)
    notices.no_claims()
    st.stop()

st.subheader("Articles")
st.table(md_frame(article_summary(shown, sources, found).set_index("Article")))

st.subheader("Coverage: articles × incidents")
matrix = coverage_matrix(shown, sources["source_id"])
if matrix.shape[1] == 0:
    notices.no_claims()
    st.stop()
cells = disagreement_cells(found)
long = matrix_long(matrix, cells).assign(
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
rows = [
    {
        "Incident": d.incident_id,
        "About": titles.get(d.incident_id, ""),
        "Discrepancy": KIND_LABELS[d.kind],
        "Articles": ", ".join(d.source_ids),
        "Claims": ", ".join(d.event_ids),
        "Detail": d.text(),
    }
    for ds in found.values()
    for d in ds
]
if rows:
    st.dataframe(rows, hide_index=True, width="stretch", key="disagreements")
else:
    st.caption("No discrepancy among the claims in view.")

st.subheader("What only one article reports")
only_claims = exclusive_claims(shown)
only_incidents = exclusive_incidents(shown)
for src in sources.sort_values("source_id").to_dict("records"):
    sid = src["source_id"]
    mine = only_claims.get(sid)
    count = 0 if mine is None else len(mine)
    with st.expander(f"{sid} · {md(src['headline'])} — {count} claim(s) only it carries"):
        incidents = only_incidents.get(sid, [])
        st.markdown(
            "**Incidents no other article reports:** "
            + (", ".join(f"{md(i)} ({md(titles.get(i, ''))})" for i in incidents) or "none")
        )
        if mine is not None:
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
