"""Which dataset layout a header is, and which of its columns become which claim field.

Each layout is recognised from its header alone (plus the HXL row, when there is one), so a
file is never guessed from its name. The column names are compared lower-cased: ACLED's old
v6 "realtime" files write them UPPER-CASE, and call the associated actors ``ALLY_ACTOR_1/2``.
"""

from __future__ import annotations

from collections.abc import Sequence

from src.schema import EVENTS

__all__ = ["FORMATS", "LAYOUTS", "canonical", "detect_layout", "mapping_for"]

#: Format -> the layouts it has.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "acled": (
        "acled-current",
        "acled-api-2019",
        "acled-hdx",
        "acled-v6-realtime",
        "acled-monadic",
    ),
    "ucdp": ("ucdp-ged", "ucdp-portal"),
    "kcm": ("kcm-csv",),
    "kcm-geojson": ("kcm-geojson",),
}
FORMATS: tuple[str, ...] = tuple(LAYOUTS)
#: Old column names -> today's (ACLED v6 "ally" actors are today's "associated" actors).
_RENAMES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}

#: ACLED column -> the claim field it fills (everything else is kept in original_fields).
ACLED_MAP: dict[str, str] = {
    "event_id_cnty": "original_id",
    "event_date": "date_start / date_end",
    "time_precision": "date_precision",
    "event_type": "event_type",
    "sub_event_type": "sub_event_type",
    "actor1": "actor1",
    "actor2": "actor2",
    "location": "place_id (gazetteer match or dataset place)",
    "latitude": "place lat",
    "longitude": "place lon",
    "geo_precision": "place precision",
    "country": "place country",
    "source": "claimant, claimant_side",
    "notes": "summary",
    "fatalities": "fatalities",
}
UCDP_MAP: dict[str, str] = {
    "id": "original_id",
    "date_start": "date_start",
    "date_end": "date_end",
    "date_prec": "date_precision",
    "type_of_violence": "event_type, sub_event_type",
    "side_a": "actor1",
    "side_b": "actor2",
    "source_office": "claimant, claimant_side",
    "source_article": "claimant (when source_office is blank)",
    "where_coordinates": "place_id (gazetteer match or dataset place)",
    "latitude": "place lat",
    "longitude": "place lon",
    "where_prec": "place precision",
    "country": "place country",
    "best": "fatalities",
    "low": "fatalities_low",
    "high": "fatalities_high",
}
KCM_MAP: dict[str, str] = {c: c for c in EVENTS.column_names} | {
    "event_id": "original_id (namespaced as event_id)",
    "lat": "place lat (when place_id is not in the gazetteer)",
    "lon": "place lon (when place_id is not in the gazetteer)",
}


def canonical(header: Sequence[str]) -> list[str]:
    """The header lower-cased with old names renamed (what the mappers read)."""
    names = [h.strip().lower() for h in header]
    return [_RENAMES.get(n, n) for n in names]


def detect_layout(header: Sequence[str], hxl: bool) -> str | None:
    """The layout of a CSV header, or None if it is none the importers know."""
    names = set(canonical(header))
    if {"event_id", "incident_id", "claimant", "claimant_side"} <= names:
        return "kcm-csv"
    if {"type_of_violence", "best"} <= names and ("side_a" in names or "dyad_name" in names):
        return "ucdp-portal" if hxl else "ucdp-ged"
    if {"event_date", "event_type", "actor1"} <= names:
        if any(h.strip() and h.strip() == h.strip().upper() for h in header) and all(
            h.strip() == h.strip().upper() for h in header if h.strip()
        ):
            return "acled-v6-realtime"
        if hxl:
            return "acled-hdx"
        if "actor2" not in names:
            return "acled-monadic"
        if {"data_id", "event_id_no_cnty"} & names:
            return "acled-api-2019"
        return "acled-current"
    return None


def format_of(layout: str) -> str:
    return next(f for f, layouts in LAYOUTS.items() if layout in layouts)


def mapping_for(layout: str, header: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """(source column -> claim field) for the columns the layout maps, and the unmapped
    columns (kept verbatim in ``original_fields``)."""
    fmt = format_of(layout)
    table = {"acled": ACLED_MAP, "ucdp": UCDP_MAP}.get(fmt, KCM_MAP)
    mapped: dict[str, str] = {}
    unmapped: list[str] = []
    for original, name in zip(header, canonical(header), strict=True):
        if name in table:
            mapped[original] = table[name]
        else:
            unmapped.append(original)
    return mapped, unmapped
