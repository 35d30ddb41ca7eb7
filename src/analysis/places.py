"""The gazetteer as a table for analysts: every written form, coordinates, provenance, claims.

Claims are counted per ``place_id`` among the claims in view and among all claims, so a filter
shows at once which places it empties.
"""

from __future__ import annotations

import pandas as pd

from src.schema import LIST_SEPARATORS


def gazetteer_table(
    places: pd.DataFrame, shown: pd.DataFrame, events: pd.DataFrame
) -> pd.DataFrame:
    """One row per place: names, aliases, kind, coordinates, precision, provenance, claims."""
    in_view = shown["place_id"].value_counts()
    total = events["place_id"].value_counts()
    sep = LIST_SEPARATORS["aliases"]
    rows = []
    for p in places.sort_values(
        ["in_theatre", "kind", "name"], ascending=[False, True, True]
    ).to_dict("records"):
        aliases = [a for a in str(p["aliases"]).split(sep) if a and a != p["name"]]
        route = [w for w in str(p["waypoints"]).split(LIST_SEPARATORS["waypoints"]) if w]
        rows.append(
            {
                "Place": p["name"],
                "Kind": p["kind"],
                "Claims in view": int(in_view.get(p["place_id"], 0)),
                "Claims in all": int(total.get(p["place_id"], 0)),
                "Lat": round(float(p["lat"]), 4),
                "Lon": round(float(p["lon"]), 4),
                "Precision": p["precision"],
                "Coordinates from": p["coord_source"],
                "Aliases": ", ".join(aliases),
                "Route through": " → ".join(route),
                "Country": p["country"],
                "place_id": p["place_id"],
            }
        )
    return pd.DataFrame(rows)
