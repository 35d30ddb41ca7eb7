"""The map's legend and its stylesheet: colours by claimant side, shapes by event type.

Kept next to the palette it explains so the legend can never disagree with the markers.
"""

from __future__ import annotations

from src.palette import (
    ROUTE_COLOUR,
    SIDE_COLOURS,
    TYPE_SHAPES,
    marker_svg,
)
from src.safe_html import esc

CAVEAT = "Claims as reported by the parties; not independently verified."


def legend_html(caveat: str = CAVEAT) -> str:
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
    )
    return (
        "<div class='kcm-legend-title'>Claimant side (colour)</div>"
        f"{sides}<div class='kcm-legend-title'>Event type (shape)</div>{shapes}"
        f"<div class='kcm-legend-title'>Routes &amp; precision</div>{lines}"
        f"<div class='kcm-caveat'>{esc(caveat)}</div>"
    )


def map_css() -> str:
    """Styles injected into the map document (the iframe has none of Streamlit's)."""
    return """
.leaflet-container { background: #eef0f2; font-family: "DejaVu Sans", Arial, sans-serif; }
.kcm-marker { background: transparent; border: none; }
.leaflet-tooltip.kcm-label { background: transparent; border: none; box-shadow: none;
  padding: 0 2px; font-size: 11px; color: #333;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.leaflet-tooltip.kcm-label::before { display: none; }
.kcm-label-left { position: relative; left: calc(-100% - 14px); }
.kcm-cluster { background: rgba(60,60,60,0.25); border-radius: 50%; }
.kcm-cluster div { width: calc(100% - 8px); height: calc(100% - 8px); margin: 4px;
  border-radius: 50%; background: #3c3c3c; color: #fff; font: bold 12px/1 sans-serif;
  display: flex; align-items: center; justify-content: center; border: 2px solid #fff;
  box-sizing: border-box; }
.kcm-legend { background: rgba(255,255,255,0.94); padding: 6px 9px; border-radius: 5px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.35); font-size: 12px; line-height: 17px; color: #222;
  max-height: 70vh; overflow-y: auto; }
.kcm-legend svg { vertical-align: middle; }
.kcm-legend-title { font-weight: bold; margin-top: 4px; }
.kcm-line { display: inline-block; width: 26px; vertical-align: middle; }
.kcm-halo { display: inline-block; width: 14px; height: 14px; border-radius: 50%;
  border: 1px dashed #555; background: rgba(85,85,85,0.08); vertical-align: middle; }
.kcm-cluster-key { display: inline-block; width: 16px; height: 16px; border-radius: 50%;
  background: #3c3c3c; color: #fff; font-size: 9px; line-height: 16px; text-align: center;
  vertical-align: middle; }
.kcm-caveat { margin-top: 5px; font-style: italic; max-width: 210px; }
.kcm-popup { font-size: 13px; line-height: 1.35; color: #222; }
.kcm-popup .kcm-title { font-weight: bold; font-size: 14px; margin-bottom: 4px; }
.kcm-popup .kcm-title svg { vertical-align: middle; }
.kcm-popup table { border-collapse: collapse; margin: 2px 0 4px; }
.kcm-popup th { text-align: left; padding: 1px 8px 1px 0; color: #555; vertical-align: top;
  font-weight: normal; white-space: nowrap; }
.kcm-popup td { padding: 1px 0; }
.kcm-side { color: #fff; border-radius: 3px; padding: 0 4px; font-size: 11px; }
.kcm-ver { text-transform: uppercase; font-size: 11px; letter-spacing: 0.03em; }
.kcm-ver-unverified, .kcm-ver-disputed, .kcm-ver-denied { color: #a33; }
.kcm-ver-confirmed { color: #176; }
.kcm-summary { margin: 4px 0; }
.kcm-quote { margin: 4px 0; padding-left: 8px; border-left: 3px solid #bbb; color: #444; }
.kcm-sources ul { margin: 2px 0 2px 16px; padding: 0; }
.kcm-sources, .kcm-incident { font-size: 12px; color: #444; }
"""
