"""Colours and marker shapes, shared by the map, the legend and every chart of the app.

Colours follow the Okabe–Ito palette, which stays distinguishable for the common forms of
colour blindness; shape carries the event type so colour is never the only cue.
"""

from __future__ import annotations

SIDE_COLOURS: dict[str, str] = {
    "Azerbaijan": "#0072B2",
    "Armenia": "#D55E00",
    "Nagorno-Karabakh authorities": "#E69F00",
    "Russia": "#CC79A7",
    "International": "#009E73",
    "Independent/media": "#4D4D4D",
    "Unknown": "#A6A6A6",
}
TYPE_SHAPES: dict[str, str] = {
    "Battles": "cross",
    "Explosions/Remote violence": "star",
    "Violence against civilians": "triangle",
    "Protests": "square",
    "Riots": "triangle-down",
    "Strategic developments": "diamond",
    "Access and aid": "hexagon",
    "Statements and talks": "circle",
    "Displacement and missing": "arrow",
}
ROUTE_COLOUR = "#6A3D9A"

# SVG path data in a 20x20 box, centred on (10, 10).
_SHAPES: dict[str, str] = {
    "circle": '<circle cx="10" cy="10" r="7"/>',
    "square": '<rect x="3.5" y="3.5" width="13" height="13"/>',
    "triangle": '<polygon points="10,2 18.5,17 1.5,17"/>',
    "triangle-down": '<polygon points="1.5,3 18.5,3 10,18"/>',
    "diamond": '<polygon points="10,1.5 18.5,10 10,18.5 1.5,10"/>',
    "hexagon": '<polygon points="5,2.5 15,2.5 19,10 15,17.5 5,17.5 1,10"/>',
    "star": '<polygon points="10,1 12.4,7 18.6,7.2 13.8,11.2 15.4,17.6 10,14 4.6,17.6 '
    '6.2,11.2 1.4,7.2 7.6,7"/>',
    # a block arrow: people on the move (displacement, refugees arriving, the missing)
    "arrow": '<polygon points="1.5,6.5 10,6.5 10,2 18.5,10 10,18 10,13.5 1.5,13.5"/>',
    "cross": '<polygon points="6.5,1.5 13.5,1.5 13.5,6.5 18.5,6.5 18.5,13.5 13.5,13.5 '
    '13.5,18.5 6.5,18.5 6.5,13.5 1.5,13.5 1.5,6.5 6.5,6.5"/>',
}


def side_colour(side: str) -> str:
    return SIDE_COLOURS.get(side, "#999999")


def marker_svg(shape: str, colour: str, size: int = 20) -> str:
    """An inline SVG marker: white-outlined so it stays visible on any basemap."""
    body = _SHAPES.get(shape, _SHAPES["circle"])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 20 20"><g fill="{colour}" stroke="#ffffff" stroke-width="1.6" '
        f'stroke-linejoin="round">{body}</g></svg>'
    )


def claim_svg(side: str, event_type: str, size: int = 20) -> str:
    return marker_svg(TYPE_SHAPES.get(event_type, "circle"), side_colour(side), size)
