"""Claims side by side: every claim about each incident, and where the accounts differ.

Thin UI: grouping and discrepancy detection live in ``src/analysis/incidents.py``.
"""

from __future__ import annotations

import streamlit as st

from src.analysis.charts import fatalities_chart, not_stated_chart
from src.analysis.incidents import (
    KIND_LABELS,
    claims_table,
    discrepancy_markdown,
    figure_frame,
)
from src.analysis.pagekit import incident_views, page_header, start_page
from src.analysis.text import md, md_frame

ctx = start_page("Claims", "⚖️")
page_header(
    ctx,
    "Claims side by side",
    "One card per incident; discrepancies between its claims are flagged automatically.",
)

left, right = st.columns(2)
only_contested = left.toggle("Only contested incidents", key="claims_only_contested")
whole = right.toggle(
    "Compare with every claim about these incidents",
    key="claims_whole",
    help="Off: a card shows the claims the filters let through. On: a card shows all claims "
    "about an incident that has at least one claim in view.",
)

shown = ctx.shown
claims = (
    ctx.data.events[ctx.data.events["incident_id"].isin(shown["incident_id"])] if whole else shown
)
overview, found = incident_views(f"{ctx.key}:{whole}", claims, ctx.data.events, ctx.place_names)
contested = overview[overview["contested"]]

a, b, c = st.columns(3)
a.metric("Incidents in view", len(overview))
b.metric("Contested incidents", len(contested), help=", ".join(KIND_LABELS.values()))
c.metric("Claims compared", len(claims))

if claims.empty:
    st.info("No claims match these filters. Widen the date range or clear a filter.", icon="🔍")
    st.stop()

st.subheader("Claimed fatalities")
figures = figure_frame(claims, ctx.place_names)
if figures["stated"].any():
    st.altair_chart(fatalities_chart(figures), width="stretch")
else:
    st.info("No claim in view states a killed figure.", icon="ℹ️")
st.altair_chart(not_stated_chart(figures), width="stretch")
st.caption(
    "A blank figure is **not stated**, never zero: claims without a number are counted in the "
    "lower chart and not drawn as bars."
)

st.subheader("Incidents")
cards = contested if only_contested else overview
if cards.empty:
    st.info("No contested incident among the claims in view.", icon="🔍")
for card in cards.to_dict("records"):
    iid = card["incident_id"]
    with st.container(border=True):
        flag = " · ⚠️ contested" if card["contested"] else ""
        st.markdown(f"#### {md(iid)} · {md(card['title'])}{flag}")
        st.markdown(
            f"{card['claims']} claim(s) from {card['articles']} article(s) · sides: "
            + ", ".join(md(s) for s in card["sides"])
        )
        if found[iid]:
            st.markdown("\n".join(discrepancy_markdown(d) for d in found[iid]))
        else:
            st.caption("No discrepancy detected among these claims.")
        if card["hidden_claims"]:
            st.caption(
                f"{card['hidden_claims']} more claim(s) about this incident are outside the "
                "filters; switch on “Compare with every claim” to see them."
            )
        rows = claims_table(claims[claims["incident_id"] == iid], ctx.headlines, ctx.place_names)
        st.table(md_frame(rows.set_index("Claim")))
