"""The map's legend: colours by claimant side, shapes by event type, and the marks a large
view draws instead of one marker per claim (the ×N count badge, the dashed grid ring).

Kept next to the palette it explains so the legend can never disagree with the markers;
its look is in ``static/kcm/map.css``.
"""

from __future__ import annotations

from collections.abc import Sequence

from src.palette import (
    ROUTE_COLOUR,
    SIDE_COLOURS,
    TYPE_SHAPES,
    marker_svg,
)
from src.safe_html import esc

CAVEAT = "Claims as reported by the parties; not independently verified."
#: The claims layer's modes (``LayerStats.mode``): one marker per claim, per place × side ×
#: type with a count badge, or dashed rings on a grid (which carry the badge too).
MARKS = ("claims", "groups", "aggregates")
#: The legend's words for the large views' marks, shared with the briefing frame's legend.
GROUP_WORDS = "claims at one place, of one side and type"
RING_WORDS = "claims gathered on a grid cell: not a located point"
#: The region badge's words (``mapview.regions``), shared with the briefing frame's legend.
REGION_WORDS = "claims placed only in a region or country (dashed outline), not at a point"
#: When the map draws them (``mapview.build`` ``MARKER_BUDGET``, ``GROUP_BUDGET``).
LARGE_TITLE = "Large views (over 2,000 located claims)"


def marks_html(marks: str | None = None) -> str:
    """The legend lines for the count badge and the grid ring. ``None`` (the map): both, under
    a title saying when they are drawn, since the legend must stay the same across filter
    changes (a changed legend changes the base map, and streamlit-folium then redraws the
    whole map and loses the zoom); a mode (the briefing frame, a still): only its lines."""
    if marks is not None and marks not in MARKS[1:]:
        return ""
    marker = marker_svg("circle", "#666666", 14)
    group = (
        f"<div><span class='kcm-key-group'>{marker}<span class='kcm-badge'>×37</span></span>"
        f" {esc(GROUP_WORDS)}</div>"
    )
    ring = f"<div><span class='kcm-key-ring'>{marker}</span> {esc(RING_WORDS)}</div>"
    if marks is not None:
        return group + (ring if marks == "aggregates" else "")
    return f"<div class='kcm-legend-title'>{esc(LARGE_TITLE)}</div>{group}{ring}"


def legend_html(caveat: str = CAVEAT, credits: Sequence[tuple[str, str]] = ()) -> str:
    """The legend's escaped HTML, shown by ``kcm.control`` in a corner of the map, naming and
    crediting the datasets shown (``credits``: (name, credit) pairs) as their terms require,
    and the large views' count badge and grid ring."""
    sides = "".join(
        f"<div>{marker_svg('circle', colour, 14)} {esc(side)}</div>"
        for side, colour in SIDE_COLOURS.items()
    )
    shapes = "".join(
        f"<div>{marker_svg(shape, '#666666', 14)} {esc(etype)}</div>"
        for etype, shape in TYPE_SHAPES.items()
    )
    lines = (
        f"<div><span class='kcm-line' style='border-top:4px solid {ROUTE_COLOUR}'></span>"
        " corridor</div>"
        f"<div><span class='kcm-line' style='border-top:4px dashed {ROUTE_COLOUR}'></span>"
        " road</div>"
        "<div><span class='kcm-halo'></span> approximate location</div>"
        "<div><span class='kcm-cluster-key'>5</span> several claims: click to expand</div>"
        f"<div class='kcm-legend-wide'><span class='kcm-key-region'>"
        "<span class='kcm-region-n'>38</span></span> "
        f"{esc(REGION_WORDS)}</div>"
    )
    # what this view's marks are comes before the colours and shapes: it is what may surprise
    large = marks_html()
    datasets = "".join(
        f"<div class='kcm-credit'><b>{esc(name)}</b>"
        + (f" — {esc(credit)}" if credit else "")
        + "</div>"
        for name, credit in credits
    )
    # first, so the attribution the datasets' terms require is seen without scrolling
    shown = f"<div class='kcm-legend-title'>Datasets shown</div>{datasets}" if datasets else ""
    # two columns each (static/kcm/map.css), so the open legend stays short on a laptop map
    grid = "<div class='kcm-legend-grid'>"
    return (
        f"{shown}{large}<div class='kcm-legend-title'>Claimant side (colour)</div>"
        f"{grid}{sides}</div><div class='kcm-legend-title'>Event type (shape)</div>"
        f"{grid}{shapes}</div><div class='kcm-legend-title'>Routes &amp; precision</div>"
        f"{grid}{lines}</div><div class='kcm-caveat'>{esc(caveat)}</div>"
    )
