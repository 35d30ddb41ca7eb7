"""Altair specs for the analysis pages, in the map's colours and shapes.

Colour is always the claimant side (``SIDE_COLOURS``, colour-blind safe) and shape the event
type, using the very polygons of the map's markers, so a reader learns one legend. Builders
are pure: they take prepared frames and return charts, which the tests read via ``to_dict``.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

import altair as alt
import pandas as pd

from src.analysis.timeline import LANE_SEP
from src.palette import SIDE_COLOURS, TYPE_SHAPES, marker_svg
from src.schema import EVENT_TYPES

#: Vega's own symbol names for the shapes it has; the rest become SVG paths.
_VEGA_BUILTIN = {"circle", "square", "cross", "diamond", "triangle-down"}
_POINTS = re.compile(r'points="([^"]+)"')
# altair types its mark_* methods through a decorator mypy cannot follow (they come out as
# Any), so each builder states its chart's type on a ``chart`` variable before returning it.


@cache
def vega_shape(name: str) -> str:
    """The Vega symbol for a palette shape: a built-in name, or the map marker's polygon
    rescaled from its 20×20 box to Vega's [-1, 1] path space."""
    if name in _VEGA_BUILTIN:
        return name
    found = _POINTS.search(marker_svg(name, "#000"))
    if not found:
        return "circle"
    coords = [float(v) for v in found.group(1).replace(",", " ").split()]
    pairs = [
        f"{(x - 10) / 10:.2f},{(y - 10) / 10:.2f}"
        for x, y in zip(coords[::2], coords[1::2], strict=True)
    ]
    return "M" + "L".join(pairs) + "Z"


#: Streamlit's default ``fit`` squeezes titles and axes into ``height``; fit the width only.
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")


def side_scale() -> alt.Scale:
    return alt.Scale(domain=list(SIDE_COLOURS), range=list(SIDE_COLOURS.values()))


def shape_scale() -> alt.Scale:
    return alt.Scale(
        domain=list(EVENT_TYPES), range=[vega_shape(TYPE_SHAPES[t]) for t in EVENT_TYPES]
    )


def side_colour(title: str = "Claimant side") -> alt.Color:
    return alt.Color("claimant_side:N", title=title, scale=side_scale())


def _dt(value: datetime) -> alt.DateTime:
    return alt.DateTime(
        year=value.year,
        month=value.month,
        date=value.day,
        hours=value.hour,
        minutes=value.minute,
    )


# --- claims ----------------------------------------------------------------------------------


def fatalities_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Claimed killed per claim, grouped by incident: one bar per claim, coloured by side and
    labelled with the figure, the claimant and the articles."""
    stated = frame[frame["stated"].astype(bool)].copy()  # an empty frame's column is object
    stated["value"] = stated["value"].astype(int)
    stated = stated.sort_values(["incident", "value", "event_id"])
    stated["slot"] = stated.groupby("incident").cumcount()
    stated["text"] = stated["label"] + " · " + stated["claimant"] + " [" + stated["sources"] + "]"
    incidents = sorted(stated["incident"].unique())
    slots = int(stated["slot"].max()) + 1 if len(stated) else 1
    top = int(stated["value"].max()) if len(stated) else 1
    base = alt.Chart(stated).encode(
        y=alt.Y(
            "incident:N",
            title=None,
            sort=incidents,
            axis=alt.Axis(labelLimit=480, labelFontWeight="bold"),
            scale=alt.Scale(paddingInner=0.25),
        ),
        yOffset=alt.YOffset("slot:O", scale=alt.Scale(domain=list(range(slots)))),
        x=alt.X(
            "value:Q",
            title="Killed, as claimed (claims with no figure are not drawn)",
            scale=alt.Scale(domain=[0, top * 1.9]),
            axis=alt.Axis(tickMinStep=1),
        ),
        tooltip=[
            alt.Tooltip("event_id:N", title="Claim"),
            alt.Tooltip("claimant:N", title="Claimant"),
            alt.Tooltip("claimant_side:N", title="Side"),
            alt.Tooltip("figures:N", title="Figures"),
            alt.Tooltip("sources:N", title="Articles"),
            alt.Tooltip("verification:N", title="Status"),
            alt.Tooltip("date:N", title="Date"),
        ],
    )
    bars = base.mark_bar(height={"band": 0.85}).encode(color=side_colour())
    labels = base.mark_text(align="left", dx=4, fontSize=11, limit=520).encode(text="text:N")
    chart: alt.LayerChart = (
        (bars + labels)
        .properties(
            height=len(incidents) * (slots * 17 + 8),
            title="Claimed fatalities by claimant side, one bar per claim",
            autosize=FIT_X,
        )
        # below the plot: on a narrow screen the bar labels would run into a legend beside it
        .configure_legend(symbolOpacity=1, symbolSize=110, orient="bottom")
    )
    return chart


def not_stated_chart(frame: pd.DataFrame) -> alt.Chart:
    """Per side, how many claims state a killed figure and how many do not (not stated ≠ 0)."""
    counts = (
        frame.assign(figure=frame["stated"].map({True: "figure stated", False: "not stated"}))
        .groupby(["claimant_side", "figure"], as_index=False)
        .size()
        .rename(columns={"size": "claims"})
    )
    chart: alt.Chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("claimant_side:N", title=None, sort=list(SIDE_COLOURS)),
            x=alt.X(
                "claims:Q",
                title="Claims in view",
                stack="zero",
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            color=side_colour(),
            opacity=alt.Opacity(
                "figure:N",
                title="Killed figure",
                scale=alt.Scale(domain=["figure stated", "not stated"], range=[1.0, 0.3]),
                legend=alt.Legend(orient="bottom", symbolFillColor="#4D4D4D"),
            ),
            order=alt.Order("figure:N"),
            tooltip=[
                alt.Tooltip("claimant_side:N", title="Side"),
                alt.Tooltip("figure:N", title="Killed figure"),
                alt.Tooltip("claims:Q", title="Claims"),
            ],
        )
        .properties(
            height=alt.Step(22),
            title="Claims stating a killed figure vs not stating one",
            autosize=FIT_X,
        )
    )
    return chart


# --- timeline --------------------------------------------------------------------------------


def timeline_chart(
    frame: pd.DataFrame, domain: tuple[datetime, datetime], lanes: list[str]
) -> alt.LayerChart:
    """One mark per claim: a bar over the span its date may mean, a point at its middle.

    Scroll to zoom and drag to pan along time (x only); the default x range is ``domain``.
    """
    label_expr = (
        f"split(datum.value, '{LANE_SEP}')[2] == '000' ? split(datum.value, '{LANE_SEP}')[1] : ''"
    )
    zoom = alt.selection_interval(bind="scales", encodings=["x"], name="zoom")
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "lane_key:N",
            title=None,
            scale=alt.Scale(domain=lanes, paddingInner=0.15),
            axis=alt.Axis(labelExpr=label_expr, ticks=False, domain=False, labelLimit=220),
        ),
        color=side_colour(),
        tooltip=[
            alt.Tooltip("event_id:N", title="Claim"),
            alt.Tooltip("claimant:N", title="Claimant"),
            alt.Tooltip("claimant_side:N", title="Side"),
            alt.Tooltip("sub_event_type:N", title="What"),
            alt.Tooltip("date_text:N", title="Date"),
            alt.Tooltip("place:N", title="Place"),
            alt.Tooltip("sources:N", title="Articles"),
            alt.Tooltip("status:N", title="Status"),
            alt.Tooltip("summary:N", title="Summary"),
        ],
    )
    x_scale = alt.Scale(domain=[_dt(domain[0]), _dt(domain[1])])
    spans = base.mark_bar(opacity=0.35, clip=True, height={"band": 1}).encode(
        x=alt.X("span_start:T", title=None, scale=x_scale),
        x2="span_end:T",
    )
    points = base.mark_point(filled=True, size=70, opacity=0.95, clip=True).encode(
        x=alt.X("mid:T", scale=x_scale),
        shape=alt.Shape("event_type:N", title="Event type", scale=shape_scale()),
    )
    chart: alt.LayerChart = (
        (spans + points)
        .add_params(zoom)
        .properties(height=max(160, 8 * len(lanes)), title="Claims over time", autosize=FIT_X)
        .configure_legend(symbolOpacity=1, symbolSize=110)
    )
    return chart


# --- sources ---------------------------------------------------------------------------------


def coverage_chart(long: pd.DataFrame) -> alt.LayerChart:
    """Articles × incidents: claims per cell; a heavy outline where the article's claims are
    part of a discrepancy about that incident."""
    base = alt.Chart(long).encode(
        x=alt.X("incident_id:O", title="Incident", axis=alt.Axis(labelAngle=-60)),
        y=alt.Y("source_id:O", title="Article"),
        tooltip=[
            alt.Tooltip("source_id:N", title="Article"),
            alt.Tooltip("headline:N", title="Headline"),
            alt.Tooltip("incident_id:N", title="Incident"),
            alt.Tooltip("incident:N", title="About"),
            alt.Tooltip("claims:Q", title="Claims"),
            alt.Tooltip("disagreement:N", title="Disagreement"),
        ],
    )
    grid = base.mark_rect(fill="#ffffff", stroke="#dddddd")
    cells = (
        base.transform_filter("datum.claims > 0")
        .mark_rect()
        .encode(
            color=alt.Color(
                "claims:Q",
                title="Claims",
                scale=alt.Scale(scheme="blues", domainMin=0),
                legend=alt.Legend(format="d"),
            )
        )
    )
    outline = (
        base.transform_filter("datum.in_discrepancy")
        .mark_rect(fill=None, stroke="#000000", strokeWidth=2.5)
        .encode()
    )
    text = (
        base.transform_filter("datum.claims > 0")
        .mark_text(fontSize=11)
        .encode(
            text="claims:Q",
            color=alt.condition("datum.claims > 2", alt.value("white"), alt.value("black")),
        )
    )
    chart: alt.LayerChart = (grid + cells + outline + text).properties(
        height=alt.Step(30),
        title="Coverage: claims per article and incident (outlined = disagreement)",
        autosize=FIT_X,
    )
    return chart
