"""The shown claims as files: CSV (spreadsheet-safe), GeoJSON, and CSV in ACLED's columns.

* :func:`claims_csv` keeps the schema's ``events.csv`` columns in order (incl. ``dataset``
  and ``original_id``), so an export can be validated and merged like the source file, then
  the claim's place as ``place_name``, ``location_precision``, ``lat``, ``lon`` (blank when
  unlocated), so ``kcm import`` can place claims whose place is not in the gazetteer; any
  text cell a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or
  CR) gets a leading ``'``.
* :func:`claims_geojson` is an RFC 7946 FeatureCollection: one Point per located claim at its
  place (all claim fields as properties, plus place name, location precision and source
  headlines) and one LineString per route. Claims without a place have no geometry, so they
  are listed under the top-level member ``"unlocated"`` instead of being dropped.
* :func:`acled_csv` maps the claims onto ACLED's export columns for people who merge with
  ACLED; our two non-ACLED families go in as "Strategic developments / Other" and say so in
  ``tags``. Unknown fatalities stay blank (ACLED itself writes 0). A row imported from ACLED
  or UCDP keeps its own id in ``event_id_cnty`` (what their users merge on, and what a
  re-import updates by); the project's own claims are ``KCM-<event_id>``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from src.mapview.build import place_point, route_coordinates
from src.rows import records
from src.schema import ACLED_EVENT_TYPES, EVENTS, FORMULA_PREFIXES, split_list

CSV_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark, so spreadsheets read it as UTF-8
_NUMERIC_KINDS = ("int", "float")

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
ACLED_NUMERIC: frozenset[str] = frozenset(
    {
        "year",
        "time_precision",
        "inter1",
        "inter2",
        "interaction",
        "iso",
        "latitude",
        "longitude",
        "geo_precision",
        "fatalities",
        "timestamp",
    }
)
#: Our location precision -> ACLED geo_precision.
GEO_PRECISION = {"exact": 1, "near": 2, "region": 3}
#: Our date precision -> ACLED time_precision (1 day, 2 week, 3 month or vaguer).
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
#: ISO 3166-1 numeric codes and ACLED regions for the countries in the gazetteer.
COUNTRY_CODES: dict[str, tuple[int, str]] = {
    "Azerbaijan": (31, "Caucasus and Central Asia"),
    "Armenia": (51, "Caucasus and Central Asia"),
    "Georgia": (268, "Caucasus and Central Asia"),
    "Russia": (643, "Europe"),
    "Belgium": (56, "Europe"),
    "Moldova": (498, "Europe"),
    "United Kingdom": (826, "Europe"),
    "France": (250, "Europe"),
    "Turkey": (792, "Middle East"),
    "Iran": (364, "Middle East"),
    "United States": (840, "North America"),
}
#: ACLED's numeric actor types (inter1/inter2), by actor-name prefix; unknown stays blank.
INTER_CODES: tuple[tuple[str, int], ...] = (
    ("Military Forces of ", 1),
    ("Police Forces of ", 1),
    ("Government of ", 1),
    ("State Duma of ", 1),
    ("Rioters", 5),
    ("Protesters", 6),
    ("Civilians", 7),
    ("Russian peacekeepers", 8),
    ("United Nations", 8),
    ("European Union", 8),
    ("ICRC", 8),
)
_DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Riots": "Political violence",
    "Protests": "Demonstrations",
    "Strategic developments": "Strategic developments",
}


# --- cells ----------------------------------------------------------------------------------


#: What may stand before a formula starter and still let a spreadsheet run it: any Unicode
#: whitespace (spaces, tabs, line breaks, no-break and ideographic spaces) and the invisible
#: zero-width space, word joiner and byte-order mark, which ``str.isspace`` does not count.
_LEADING_BLANKS = re.compile(r"^[\s\u180e\u200b\u2060\ufeff]+")


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet will show as text: formula starters get a leading ``'``, also
    behind leading blanks (``" =1"``, ``"\u00a0=1"``), which some programs skip."""
    if not cell:
        return cell
    rest = _LEADING_BLANKS.sub("", cell, count=1)
    if cell.startswith(FORMULA_PREFIXES) or rest.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


def _blank(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell_text(value: Any) -> str:
    """A value as the text the source CSV would hold (dates ISO, blank for missing)."""
    if _blank(value):
        return ""
    if isinstance(value, pd.Timestamp | datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def json_value(value: Any) -> Any:
    """A value for JSON: dates ISO, numbers as numbers, missing as null."""
    if _blank(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "item"):  # numpy / pandas scalars
        return value.item()
    return value


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode(CSV_ENCODING)


# --- claims CSV -----------------------------------------------------------------------------


#: The columns the CSV export adds after the schema's: the claim's place, with coordinates.
PLACE_COLUMNS: tuple[str, ...] = ("place_name", "location_precision", "lat", "lon")


def _place_cells(events: pd.DataFrame, places: pd.DataFrame | None) -> list[list[str]]:
    """PLACE_COLUMNS of each claim (its place's representative point), blank if none."""
    if places is None:
        return [[""] * len(PLACE_COLUMNS) for _ in range(len(events))]
    by_id = places.set_index("place_id")
    out = []
    for pid in events["place_id"]:
        if pid and pid in by_id.index:
            lat, lon = place_point(by_id, pid)
            name, precision = str(by_id.at[pid, "name"]), str(by_id.at[pid, "precision"])
            out.append([neutralise(name), precision, f"{lat:.6f}".rstrip("0").rstrip(".")])
            out[-1].append(f"{lon:.6f}".rstrip("0").rstrip("."))
        else:
            out.append([""] * len(PLACE_COLUMNS))
    return out


def claims_table(events: pd.DataFrame, places: pd.DataFrame | None = None) -> pd.DataFrame:
    """The claims as text in the schema's column order, formula cells neutralised, then their
    place (PLACE_COLUMNS, blank without ``places``)."""
    out = pd.DataFrame(index=range(len(events)))
    for col in EVENTS.columns:
        values = events[col.name] if col.name in events.columns else [""] * len(events)
        texts = [cell_text(v) for v in values]
        if col.kind not in _NUMERIC_KINDS:
            texts = [neutralise(t) for t in texts]
        out[col.name] = texts
    cells = _place_cells(events, places)
    for i, name in enumerate(PLACE_COLUMNS):
        out[name] = [row[i] for row in cells]
    return out


def claims_csv(events: pd.DataFrame, places: pd.DataFrame | None = None) -> bytes:
    """The claims as ``events.csv``-shaped CSV bytes (UTF-8 with BOM) plus their place."""
    return _csv_bytes(claims_table(events, places))


# --- GeoJSON --------------------------------------------------------------------------------


def _headlines(source_ids: str, headlines: Mapping[str, str]) -> list[str]:
    return [
        f"{headlines.get(sid, 'unknown source')} [{sid}]"
        for sid in split_list(source_ids, "source_ids")
    ]


def claim_properties(
    row: Mapping[str, Any], places_by_id: pd.DataFrame, headlines: Mapping[str, str]
) -> dict[str, Any]:
    """Every claim field (schema order, JSON-typed) plus its place and source headlines."""
    props: dict[str, Any] = {"feature_kind": "claim"}
    for col in EVENTS.columns:
        props[col.name] = json_value(row[col.name])
    pid = row["place_id"]
    known = bool(pid) and pid in places_by_id.index
    props["place_name"] = str(places_by_id.at[pid, "name"]) if known else None
    props["location_precision"] = str(places_by_id.at[pid, "precision"]) if known else None
    point = place_point(places_by_id, pid) if known else [None, None]
    props["lat"], props["lon"] = point[0], point[1]
    props["source_headlines"] = _headlines(row["source_ids"], headlines)
    return props


def claims_geojson(
    events: pd.DataFrame,
    places: pd.DataFrame,
    sources: pd.DataFrame,
    meta: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A FeatureCollection of the claims (Points) and routes (LineStrings); see module doc."""
    by_id = places.set_index("place_id")
    headlines = dict(zip(sources["source_id"], sources["headline"], strict=True))
    features: list[dict[str, Any]] = []
    unlocated: list[dict[str, Any]] = []
    for row in records(events):
        props = claim_properties(row, by_id, headlines)
        pid = row["place_id"]
        if not pid or pid not in by_id.index:
            unlocated.append(props)
            continue
        lat, lon = place_point(by_id, pid)
        features.append(
            {
                "type": "Feature",
                "id": row["event_id"],
                "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                "properties": props,
            }
        )
    for route in records(places[places["waypoints"] != ""]):
        coords = route_coordinates(route, by_id)
        on_route = events[events["place_id"] == route["place_id"]]
        features.append(
            {
                "type": "Feature",
                "id": route["place_id"],
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[round(lon, 5), round(lat, 5)] for lat, lon in coords],
                },
                "properties": {
                    "feature_kind": "route",
                    "place_id": route["place_id"],
                    "name": route["name"],
                    "kind": route["kind"],
                    "waypoints": split_list(route["waypoints"], "waypoints"),
                    "claim_ids": list(on_route["event_id"]),
                },
            }
        )
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    collection["unlocated"] = unlocated
    if meta:
        collection["kcm"] = dict(meta)
    return collection


# --- ACLED ----------------------------------------------------------------------------------


def inter_code(actor: str) -> int | None:
    """ACLED's numeric actor type for the actor names this dataset uses; None if unsure."""
    for prefix, code in INTER_CODES:
        if actor.startswith(prefix):
            return code
    return None


def interaction(code1: int | None, code2: int | None, has_actor2: bool) -> int | None:
    """ACLED's interaction code: both types, lower first (e.g. 17), or ``X0`` for a sole actor."""
    if code1 is None:
        return None
    if not has_actor2:
        return code1 * 10
    if code2 is None:
        return None
    low, high = sorted((code1, code2))
    return low * 10 + high


def time_precision(precision: str, start: pd.Timestamp, end: pd.Timestamp) -> int:
    """1 = the day is known, 2 = within a week, 3 = a month or vaguer (also long ranges)."""
    base = TIME_PRECISION.get(precision, 3)
    span = (pd.Timestamp(end) - pd.Timestamp(start)).days
    if span > 6:
        return 3
    if span > 0:
        return max(base, 2)
    return base


def _or_blank(value: int | None) -> int | str:
    return "" if value is None else value


#: Dataset kinds whose rows keep their original id in ACLED's columns.
OWN_ID_KINDS = ("acled", "ucdp")


def own_id_datasets(datasets: pd.DataFrame | None) -> frozenset[str]:
    """The dataset ids (of ``Dataset.datasets``) whose rows export with their original id."""
    if datasets is None or datasets.empty:
        return frozenset()
    return frozenset(datasets.loc[datasets["kind"].isin(OWN_ID_KINDS), "dataset_id"])


def acled_event_id(row: Mapping[str, Any], own_ids: Collection[str]) -> str:
    """``event_id_cnty``: an ACLED/UCDP row's original id, else ``KCM-<event_id>``."""
    original = str(row.get("original_id") or "")
    if original and row.get("dataset") in own_ids:
        return original
    return f"KCM-{row['event_id']}"


def acled_row(
    row: Mapping[str, Any],
    places_by_id: pd.DataFrame,
    sources_by_id: pd.DataFrame,
    timestamp: int,
    own_ids: Collection[str] = frozenset(),
) -> dict[str, Any]:
    """One claim in ACLED's columns (values; blanks as empty strings); ``own_ids`` are the
    datasets whose rows keep their original id (:func:`own_id_datasets`)."""
    etype, sub = row["event_type"], row["sub_event_type"]
    tags = ["kcm claim", f"claim verification: {row['verification']}"]
    if etype in ACLED_EVENT_TYPES:
        acled_type, acled_sub = etype, sub
        disorder = _DISORDER[etype]
        if sub == "Violent demonstration":
            disorder = "Political violence; Demonstrations"
    else:
        acled_type, acled_sub, disorder = (
            "Strategic developments",
            "Other",
            "Strategic developments",
        )
        tags.append(f"kcm event type: {etype} / {sub} (not an ACLED event type)")
    start, end = pd.Timestamp(row["date_start"]), pd.Timestamp(row["date_end"])
    if end != start:
        tags.append(f"date range: {start:%Y-%m-%d} to {end:%Y-%m-%d}")
    actor1, actor2 = str(row["actor1"]), str(row["actor2"] or "")
    code1, code2 = inter_code(actor1), inter_code(actor2) if actor2 else None
    civilians = etype == "Violence against civilians" or (
        etype in ("Explosions/Remote violence", "Riots") and actor2.startswith("Civilians")
    )

    pid = row["place_id"]
    place = places_by_id.loc[pid] if pid and pid in places_by_id.index else None
    if place is None:
        tags.append("no location stated")
    country = str(place["country"]) if place is not None else ""
    iso, region = COUNTRY_CODES.get(country, ("", ""))

    sources = []
    for sid in split_list(row["source_ids"], "source_ids"):
        if sid in sources_by_id.index:
            src = sources_by_id.loc[sid]
            sources.append(str(src["outlet"]) or f"{src['headline']} [{sid}]")
        elif sid:
            sources.append(f"[{sid}]")

    note = f"Claim by {row['claimant']} ({row['claimant_side']}); {row['verification']}. "
    note += str(row["summary"])
    if row.get("figures_note"):
        note += f" Figures: {row['figures_note']}"

    # ACLED codes no displaced or missing figure: the claim's own ride in its tags
    for column in ("displaced", "missing"):
        value = row.get(column)
        if value is not None and not _blank(value):
            tags.append(f"claimed {column}: {int(value)}")
    fatalities = row.get("fatalities")
    return {
        "event_id_cnty": acled_event_id(row, own_ids),
        "event_date": start.strftime("%Y-%m-%d"),
        "year": start.year,
        "time_precision": time_precision(row["date_precision"], start, end),
        "disorder_type": disorder,
        "event_type": acled_type,
        "sub_event_type": acled_sub,
        "actor1": actor1,
        "assoc_actor_1": "",
        "inter1": _or_blank(code1),
        "actor2": actor2,
        "assoc_actor_2": "",
        "inter2": _or_blank(code2),
        "interaction": _or_blank(interaction(code1, code2, bool(actor2))),
        "civilian_targeting": "Civilian targeting" if civilians else "",
        "iso": iso,
        "region": region,
        "country": country,
        "admin1": "",
        "admin2": "",
        "admin3": "",
        "location": str(place["name"]) if place is not None else "",
        "latitude": round(float(place["lat"]), 4) if place is not None else "",
        "longitude": round(float(place["lon"]), 4) if place is not None else "",
        "geo_precision": GEO_PRECISION.get(str(place["precision"]), "")
        if place is not None
        else "",
        "source": "; ".join(sources),
        "source_scale": "",
        "notes": note,
        "fatalities": "" if fatalities is None or _blank(fatalities) else int(fatalities),
        "tags": "; ".join(tags),
        "timestamp": timestamp,
    }


def acled_table(
    events: pd.DataFrame,
    places: pd.DataFrame,
    sources: pd.DataFrame,
    generated: datetime | None = None,
    datasets: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The claims in ACLED's columns, text cells neutralised like :func:`claims_csv`;
    ``datasets`` (``Dataset.datasets``) says which rows keep their original ids."""
    stamp = int((generated or datetime.now(UTC)).timestamp())
    by_id = places.set_index("place_id")
    src = sources.set_index("source_id")
    own = own_id_datasets(datasets)
    rows = [acled_row(r, by_id, src, stamp, own) for r in records(events)]
    frame = pd.DataFrame(rows, columns=list(ACLED_COLUMNS))
    for col in ACLED_COLUMNS:
        if col not in ACLED_NUMERIC:
            frame[col] = frame[col].map(lambda v: neutralise(cell_text(v)))
        else:
            frame[col] = frame[col].map(cell_text)
    return frame


def acled_csv(
    events: pd.DataFrame,
    places: pd.DataFrame,
    sources: pd.DataFrame,
    generated: datetime | None = None,
    datasets: pd.DataFrame | None = None,
) -> bytes:
    return _csv_bytes(acled_table(events, places, sources, generated, datasets))
