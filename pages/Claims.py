"""Claims side by side: every claim about each incident, and where the accounts differ.

Thin UI: grouping and discrepancy detection live in ``src/analysis/incidents.py``.
"""

from __future__ import annotations

import streamlit as st

from src.analysis.charts import fatalities_chart, not_stated_chart
from src.analysis.incidents import (
    KIND_LABELS,
    discrepancy_markdown,
)
from src.analysis.paging import capped_note
from src.analysis.text import md
from src.ui import notices
from src.ui.data import card_tables, claim_figures, compared_claims, incident_views
from src.ui.shell import page_context, page_header
from src.ui.tables import pager

#: Incident cards per page (each a table of its claims side by side).
CARDS_PER_PAGE = 50
#: Incidents drawn in the fatalities chart (one bar row per claim each).
CHART_INCIDENTS = 40

ctx = page_context()
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

claims = compared_claims(ctx.data, ctx.shown, whole)
overview, found = incident_views(ctx.data, ctx.state, whole)
contested = overview[overview["contested"]]

a, b, c = st.columns(3)
a.metric("Incidents in view", len(overview))
b.metric("Contested incidents", len(contested), help=", ".join(KIND_LABELS.values()))
c.metric("Claims compared", len(claims))

if claims.empty:
    notices.no_claims()
    st.stop()

st.subheader("Claimed fatalities")
figures = claim_figures(ctx.data, ctx.state, whole)
if figures["stated"].any():
    stated_ids = sorted(figures.loc[figures["stated"].astype(bool), "incident_id"].unique())
    charted = figures
    if len(stated_ids) > CHART_INCIDENTS:  # one bar row per claim: keep the chart readable
        charted = figures[figures["incident_id"].isin(stated_ids[:CHART_INCIDENTS])]
        st.info(
            capped_note(CHART_INCIDENTS, len(stated_ids), "incidents with a stated figure",
                        "first (by incident id)"),
            icon=notices.INFO,
        )  # fmt: skip
    st.altair_chart(fatalities_chart(charted), width="stretch")
else:
    st.info("No claim in view states a killed figure.", icon=notices.INFO)
st.altair_chart(not_stated_chart(figures), width="stretch")
st.caption(
    "A blank figure is **not stated**, never zero: claims without a number are counted in the "
    "lower chart and not drawn as bars."
)

st.subheader("Incidents")
cards = contested if only_contested else overview
if cards.empty:
    st.info("No contested incident among the claims in view.", icon=notices.EMPTY)
page = pager(len(cards), "claims_cards", CARDS_PER_PAGE, "incidents")
cards = cards.iloc[page.start : page.stop]
tables = card_tables(ctx.data, ctx.state, whole, tuple(cards["incident_id"]))
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
        st.table(tables[iid])
