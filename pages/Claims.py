"""Claims side by side: every claim about each incident, and where the accounts differ.

Thin UI: grouping and discrepancy detection live in ``src/analysis/incidents.py``; the
cross-check with imported datasets (and its "with / without a match" control) in
``src/analysis/crosscheck.py``.
"""

from __future__ import annotations

import streamlit as st

from src.analysis.charts import fatalities_chart, not_stated_chart
from src.analysis.crosscheck import (
    ARTICLES,
    MATCH_FILTERS,
    CrossCheck,
    CrossCheckParams,
    claim_markdown,
    incident_summary,
    matched_first,
)
from src.analysis.incidents import (
    KIND_LABELS,
    discrepancy_markdown,
)
from src.analysis.paging import capped_note
from src.analysis.text import md
from src.labels import dataset_names
from src.rows import records
from src.ui import notices
from src.ui.data import (
    MatchFilter,
    card_tables,
    claim_figures,
    compared_claims,
    cross_check_view,
    incident_views,
    matching,
)
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

check: CrossCheck | None = None
match: MatchFilter = None
if (ctx.data.events["dataset"] != ARTICLES).any():
    with st.expander("Cross-check with the imported datasets", expanded=True):
        st.caption(
            "Each article claim against the dataset events near it in place and time. A match "
            "keeps both accounts side by side; ⚠️ marks where figures, type or actors differ. "
            "Claims with no place, or dated only to a span of more than "
            f"{CrossCheckParams().max_span_days} days, are not checked."
        )
        k, d, w = st.columns(3)
        km = k.slider("Distance (km)", 1, 50, 10, key="xc_km")
        days = d.slider("Day window (± days)", 0, 7, 1, key="xc_days")
        which = w.radio(
            "Show claims",
            list(MATCH_FILTERS),
            format_func=MATCH_FILTERS.__getitem__,
            key="xc_match",
            help="“With”/“without” keep only article claims, checked in this window.",
        )
    params = CrossCheckParams(km=float(km), days=int(days))
    check = cross_check_view(ctx.data, params)
    match = (str(which), params)

claims = matching(ctx.data, compared_claims(ctx.data, ctx.shown, whole), match)
overview, found = incident_views(ctx.data, ctx.state, whole, match)
contested = overview[overview["contested"]]

a, b, c = st.columns(3)
a.metric("Incidents in view", len(overview))
b.metric("Contested incidents", len(contested), help=", ".join(KIND_LABELS.values()))
c.metric("Claims compared", len(claims))
if check is not None:
    with_match = check.claim_ids("with") & set(claims["event_id"])
    flagged = set(check.status.loc[check.status["flagged"] > 0, "event_id"])
    st.caption(
        f"Cross-check: {len(with_match)} of the article claims compared have a dataset event "
        f"within {params.km:g} km and ±{params.days} day(s); "
        f"{len(with_match & flagged)} of them disagree with one on figures, type or actors."
    )

if claims.empty:
    notices.no_claims()
    st.stop()

st.subheader("Claimed fatalities")
figures = claim_figures(ctx.data, ctx.state, whole, match)
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
tables = card_tables(ctx.data, ctx.state, whole, tuple(cards["incident_id"]), match)
datasets = dataset_names(ctx.data.datasets)
on_page = claims[(claims["dataset"] == ARTICLES) & claims["incident_id"].isin(cards["incident_id"])]
by_incident = {str(iid): records(rows) for iid, rows in on_page.groupby("incident_id", sort=False)}
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
        checked = by_incident.get(iid, []) if check is not None else []
        if check is not None and checked:
            with st.expander(incident_summary(check, [r["event_id"] for r in checked])):
                for row in matched_first(check, checked):
                    st.markdown(claim_markdown(check, row, datasets, ctx.place_names))
