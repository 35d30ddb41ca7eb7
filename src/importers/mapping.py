"""One dataset record -> one claim row (all text, in ``events.csv``'s columns), saying what it
knows and nothing more. ``docs/import.md`` documents every field.

* claimant = what the dataset says its source was (ACLED ``source``, UCDP ``source_office``,
  else ``source_article``); claimant_side only where every part of that source is clearly one
  party's body (``CLAIMANT_SIDE_PATTERNS``), else ``Unknown``;
* verification = ``unverified``: the datasets code what their sources reported, they do not
  confirm single events (and nothing here marks a claim confirmed);
* figures as coded: ACLED writes 0 where no fatalities were reported, which the claim keeps
  and says in ``figures_note``; UCDP's low/best/high stay a range;
* every column not copied verbatim into a claim field is kept in ``original_fields`` (JSON).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from src.csvio import Problem
from src.importers.dates import SlashOrder, parse_date
from src.importers.layouts import canonical
from src.importers.places import PlaceMatcher
from src.schema import (
    ARTICLES_DATASET,
    EVENTS,
    FORMULA_PREFIXES,
    LOCATION_PRECISIONS,
    UNKNOWN_SIDE,
    namespaced,
)

__all__ = [
    "CLAIMANT_SIDE_PATTERNS",
    "Context",
    "Mapped",
    "claimant_side",
    "map_acled",
    "map_kcm",
    "map_ucdp",
]

_GOV = (
    r"(ministry of (defen[cs]e|foreign affairs|internal affairs|emergency situations)|mod|mfa"
    r"|defen[cs]e ministry|foreign ministry|government|president(ial administration)?"
    r"|prosecutor general|state security service|border (guard|service))"
)
#: A source part that is clearly one party's own body; anything else is not a party.
CLAIMANT_SIDE_PATTERNS: dict[str, re.Pattern[str]] = {
    "Azerbaijan": re.compile(
        rf"^({_GOV} of (the republic of )?azerbaijan|azerbaijan(i)? {_GOV})$", re.I
    ),
    "Armenia": re.compile(rf"^({_GOV} of (the republic of )?armenia|armenian? {_GOV})$", re.I),
    "Nagorno-Karabakh authorities": re.compile(
        r"^((artsakh|nagorno-karabakh|nkr)( republic)? (defen[cs]e army|ombudsman|human rights "
        r"defender|authorities|government|ministry of [a-z ]+|president|state minister)|"
        r"(defen[cs]e army|human rights defender|ombudsman|government|president) of "
        r"(artsakh|nagorno-karabakh))$",
        re.I,
    ),
    "Russia": re.compile(
        rf"^({_GOV} of (the )?russia(n federation)?|russian {_GOV}|russian peacekeeping "
        r"(forces|contingent|command))$",
        re.I,
    ),
}
#: The words a date precision is coded in: ACLED time_precision, UCDP date_prec.
ACLED_TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
UCDP_DATE_PRECISION = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
ACLED_GEO_PRECISION = {"1": "exact", "2": "near", "3": "region"}
#: UCDP where_prec 1 exact, 2 within 25 km, 3 second-order and 4 first-order admin area,
#: 5 a linear feature or between places, 6 the country, 7 international waters or air space.
UCDP_WHERE_PRECISION = {
    "1": "exact",
    "2": "near",
    "3": "region",
    "4": "region",
    "5": "region",
    "6": "region",
    "7": "region",
}
#: UCDP type_of_violence -> (event type, sub-event type) in ACLED's taxonomy.
UCDP_VIOLENCE = {
    "1": ("Battles", "Armed clash"),  # state-based conflict
    "2": ("Battles", "Armed clash"),  # non-state conflict
    "3": ("Violence against civilians", "Attack"),  # one-sided violence
}
UCDP_VIOLENCE_WORDS = {"1": "state-based", "2": "non-state", "3": "one-sided violence"}
#: ACLED v6 event types -> today's (type, sub-type); "" = v6 coded no sub-type.
ACLED_V6_TYPES: dict[str, tuple[str, str]] = {
    "battle-no change of territory": ("Battles", "Armed clash"),
    "battle-government regains territory": ("Battles", "Government regains territory"),
    "battle-non-state actor overtakes territory": (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    "remote violence": ("Explosions/Remote violence", ""),
    "violence against civilians": ("Violence against civilians", ""),
    "strategic development": ("Strategic developments", ""),
    "headquarters or base established": (
        "Strategic developments",
        "Headquarters or base established",
    ),
    "non-violent transfer of territory": (
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
}
#: v6 "Riots/Protests" splits by the actor type ACLED coded (inter1 5 rioters, 6 protesters).
ACLED_V6_RIOTS_PROTESTS = {"5": "Riots", "6": "Protests"}
ACLED_ZERO_NOTE = (
    "0 as coded by ACLED, which writes 0 where no fatalities were reported (not a count of 0)"
)


@functools.lru_cache(maxsize=65536)  # sources repeat across a file's rows
def claimant_side(source: str) -> str:
    """The party every ``;``-separated part of ``source`` belongs to, else ``Unknown``."""
    parts = [p.strip() for p in source.split(";") if p.strip()]
    sides = set()
    for part in parts:
        side = next((s for s, rx in CLAIMANT_SIDE_PATTERNS.items() if rx.match(part)), None)
        if side is None:
            return UNKNOWN_SIDE
        sides.add(side)
    return sides.pop() if len(sides) == 1 else UNKNOWN_SIDE


@dataclass
class Context:
    """What every row of one import shares."""

    dataset_id: str
    dataset_name: str
    source_id: str
    layout: str
    file: str
    places: PlaceMatcher
    slash_order: SlashOrder = "unknown"
    bbox: tuple[float, float, float, float] | None = None
    #: bundled ids (kcm imports keep references to them)
    known_places: frozenset[str] = frozenset()
    known_sources: frozenset[str] = frozenset()
    #: the file's column -> its canonical name (``layouts.canonical``), computed once
    canon: dict[str, str] = field(default_factory=dict)

    def canonical(self, column: str) -> str:
        name = self.canon.get(column)
        if name is None:
            name = self.canon[column] = canonical([column])[0]
        return name


@dataclass
class Mapped:
    """A claim row, or the problems that keep the record out."""

    line: int
    original_id: str
    claim: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


_CLAIM_COLUMNS = EVENTS.column_names


def _blank_claim() -> dict[str, str]:
    return dict.fromkeys(_CLAIM_COLUMNS, "")


def _original_fields(cells: dict[str, str], copied: set[str], ctx: Context) -> str:
    """The record's non-blank cells not copied verbatim into a claim field, as JSON."""
    canon = ctx.canon
    kept = {k: v for k, v in cells.items() if v and (canon.get(k) or k) not in copied}
    return _JSON.encode(kept) if kept else ""


#: ``json.dumps(..., ensure_ascii=False)`` builds a new encoder per call; one will do.
_JSON = json.JSONEncoder(ensure_ascii=False)


def _number(text: str) -> float | None:
    try:
        value = (
            float(text.replace(",", "."))
            if text.count(",") == 1 and "." not in text
            else float(text)
        )
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _int_cell(text: str) -> str | None:
    """A whole-number cell ("3", "3.0") as text, or None if it is not one."""
    value = _number(text)
    if value is None or value < 0 or not value.is_integer():
        return None
    return str(int(value))


class _Row:
    """Cells of one record by canonical column name, and the problems met reading them."""

    def __init__(self, cells: dict[str, str], line: int, ctx: Context) -> None:
        canon = ctx.canon
        try:  # every column of the file is in ctx.canon: one C-level pass
            self.cells = dict(zip(map(canon.__getitem__, cells), cells.values(), strict=True))
        except KeyError:
            self.cells = {canon.get(k) or ctx.canonical(k): v for k, v in cells.items()}
        self.line, self.ctx = line, ctx
        self.problems: list[Problem] = []

    def get(self, name: str) -> str:
        return self.cells.get(name, "").strip()

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.ctx.file, self.line, column, message))

    def day(self, column: str) -> date | None:
        parsed = parse_date(self.get(column), self.ctx.slash_order)
        if isinstance(parsed, str):
            self.problem(column, f"unparseable date: {parsed}")
            return None
        return parsed

    def coordinates(self, lat_col: str, lon_col: str) -> tuple[float, float] | None:
        lat, lon = _number(self.get(lat_col)), _number(self.get(lon_col))
        if lat is None or lon is None:
            bad = lat_col if lat is None else lon_col
            self.problem(bad, f"{self.get(bad)!r} is not a coordinate")
            return None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.problem(lat_col, f"coordinates out of range ({lat}, {lon})")
            return None
        box = self.ctx.bbox
        if box is not None and not (box[0] <= lat <= box[2] and box[1] <= lon <= box[3]):
            self.problem(lat_col, f"({lat}, {lon}) is outside --bbox {','.join(map(str, box))}")
            return None
        return lat, lon


def _ids(ctx: Context, original: str) -> dict[str, str]:
    event_id = namespaced(ctx.dataset_id, original)
    return {"event_id": event_id, "incident_id": event_id, "original_id": original}


def map_acled(cells: dict[str, str], line: int, ctx: Context) -> Mapped:
    """One ACLED record (any layout) -> a claim."""
    row = _Row(cells, line, ctx)
    original = row.get("event_id_cnty") or row.get("data_id")
    out = Mapped(line, original)
    if not original:
        row.problem("event_id_cnty", "blank: the event has no id")
    day = row.day("event_date")
    claim = _blank_claim()
    etype, sub = row.get("event_type"), row.get("sub_event_type")
    if ctx.layout == "acled-v6-realtime" or (
        etype and not sub and "sub_event_type" not in row.cells
    ):
        key = etype.casefold()
        if key == "riots/protests":
            kind = ACLED_V6_RIOTS_PROTESTS.get(row.get("inter1"))
            if kind is None:
                row.problem(
                    "event_type",
                    "'Riots/Protests' (ACLED v6) is Riots or Protests today; inter1 "
                    f"{row.get('inter1')!r} does not say which (5 rioters, 6 protesters)",
                )
            etype, sub = kind or etype, ""
        elif key in ACLED_V6_TYPES:
            etype, sub = ACLED_V6_TYPES[key]
    coords = row.coordinates("latitude", "longitude")
    precision = ACLED_GEO_PRECISION.get(row.get("geo_precision"), "")
    if not precision:
        row.problem("geo_precision", f"{row.get('geo_precision')!r} is not 1, 2 or 3")
    source = row.get("source")
    fatalities = row.get("fatalities")
    if fatalities:
        as_int = _int_cell(fatalities)
        if as_int is None:
            row.problem("fatalities", f"{fatalities!r} is not a whole number")
        fatalities = as_int or ""
    if row.problems:
        out.problems = row.problems
        return out
    assert day is not None
    assert coords is not None
    location = row.get("location")
    claim.update(_ids(ctx, original))
    claim.update(
        date_start=day.isoformat(),
        date_end=day.isoformat(),
        date_precision=ACLED_TIME_PRECISION.get(row.get("time_precision"), "day"),
        place_id=ctx.places.resolve(
            location,
            coords[0],
            coords[1],
            precision,
            row.get("country"),
            f"{ctx.dataset_name}: latitude/longitude as coded (geo_precision "
            f"{row.get('geo_precision')})",
        ),
        event_type=etype,
        sub_event_type=sub,
        actor1=row.get("actor1"),
        actor2=row.get("actor2"),
        claimant=source or f"{ctx.dataset_name} (source not stated)",
        claimant_side=claimant_side(source),
        source_ids=ctx.source_id,
        fatalities=fatalities,
        figures_note=ACLED_ZERO_NOTE if fatalities == "0" else "",
        verification="unverified",
        summary=row.get("notes")
        or f"{etype} at {location or 'an unnamed location'} (ACLED event {original}; no notes)",
        dataset=ctx.dataset_id,
    )
    copied = {"actor1", "actor2", "source"} | ({"notes"} if row.get("notes") else set())
    claim["original_fields"] = _original_fields(cells, copied, ctx)
    if not time_precision_known(row.get("time_precision")):
        claim["notes"] = "time_precision not coded; read as a day"
    out.claim = claim
    return out


def time_precision_known(value: str) -> bool:
    return value in ACLED_TIME_PRECISION


def map_ucdp(cells: dict[str, str], line: int, ctx: Context) -> Mapped:
    """One UCDP GED record -> a claim (deaths as the best / low / high range)."""
    row = _Row(cells, line, ctx)
    original = row.get("id")
    out = Mapped(line, original)
    if not original:
        row.problem("id", "blank: the event has no id")
    start, end = row.day("date_start"), row.day("date_end") if row.get("date_end") else None
    end = end or start
    if start and end and end < start:
        row.problem("date_end", "before date_start")
    violence = UCDP_VIOLENCE.get(row.get("type_of_violence"))
    if violence is None:
        row.problem("type_of_violence", f"{row.get('type_of_violence')!r} is not 1, 2 or 3")
    coords = row.coordinates("latitude", "longitude")
    precision = UCDP_WHERE_PRECISION.get(row.get("where_prec"), "")
    if not precision:
        row.problem("where_prec", f"{row.get('where_prec')!r} is not 1 to 7")
    figures: dict[str, str] = {}
    for column, target in (
        ("best", "fatalities"),
        ("low", "fatalities_low"),
        ("high", "fatalities_high"),
    ):
        if row.get(column):
            value = _int_cell(row.get(column))
            if value is None:
                row.problem(column, f"{row.get(column)!r} is not a whole number")
            figures[target] = value or ""
    if row.problems:
        out.problems = row.problems
        return out
    assert start is not None
    assert end is not None
    assert coords is not None
    assert violence is not None
    source = row.get("source_office") or row.get("source_article")
    where = row.get("where_coordinates") or row.get("adm_2") or row.get("adm_1")
    dyad = row.get("dyad_name") or f"{row.get('side_a')} - {row.get('side_b')}"
    words = UCDP_VIOLENCE_WORDS[row.get("type_of_violence")]
    claim = _blank_claim()
    claim.update(_ids(ctx, original))
    claim.update(
        date_start=start.isoformat(),
        date_end=end.isoformat(),
        date_precision=UCDP_DATE_PRECISION.get(row.get("date_prec"), "day"),
        place_id=ctx.places.resolve(
            ucdp_place_name(where),
            coords[0],
            coords[1],
            precision,
            row.get("country"),
            f"{ctx.dataset_name}: latitude/longitude as coded (where_prec {row.get('where_prec')})",
            display=where,
        ),
        event_type=violence[0],
        sub_event_type=violence[1],
        actor1=row.get("side_a") or "not stated",
        actor2=row.get("side_b"),
        claimant=source or f"{ctx.dataset_name} (source not stated)",
        claimant_side=claimant_side(source),
        source_ids=ctx.source_id,
        figures_note="UCDP deaths: best estimate, with low and high kept as the range"
        if figures
        else "",
        verification="unverified",
        summary=f"{dyad} ({words}) at {where or 'an unnamed location'}"
        + (f": {row.get('source_headline')}" if row.get("source_headline") else ""),
        dataset=ctx.dataset_id,
        **figures,
    )
    claim["original_fields"] = _original_fields(cells, {"side_a", "side_b"}, ctx)
    out.claim = claim
    return out


#: UCDP names a point "Stepanakert town", "Martakert village (Agdara)": the bare name is what
#: the gazetteer knows.
_UCDP_NAME_TAIL = re.compile(
    r"\s*(\(.*\)|\b(town|city|village|district|region|province|area|rayon)\b)\s*$", re.I
)


def ucdp_place_name(where: str) -> str:
    """The place name in a UCDP ``where_coordinates`` (suffix words and brackets dropped)."""
    name = where.strip()
    while (stripped := _UCDP_NAME_TAIL.sub("", name)) != name and stripped:
        name = stripped
    return name


_LEADING_BLANKS = re.compile(r"^[\s\u180e\u200b\u2060\ufeff]+")


def unneutralise(cell: str) -> str:
    """The inverse of the CSV export's formula guard: a ``'`` it put before a formula
    starter (possibly behind blanks) is removed."""
    if cell.startswith("'"):
        rest = cell[1:]
        if rest.startswith(FORMULA_PREFIXES) or _LEADING_BLANKS.sub("", rest).startswith(
            FORMULA_PREFIXES
        ):
            return rest
    return cell


def map_kcm(cells: dict[str, str], line: int, ctx: Context) -> Mapped:
    """One row of this project's own CSV/GeoJSON export -> the same claim in this dataset."""
    row = _Row(cells, line, ctx)
    original = row.get("event_id")
    out = Mapped(line, original)
    claim = _blank_claim()
    for name in _CLAIM_COLUMNS:
        claim[name] = unneutralise(cells.get(name, "").strip())
    if not original:
        row.problem("event_id", "blank: the claim has no id")
    place = claim["place_id"]
    if place and place not in ctx.known_places:
        coords = row.coordinates("lat", "lon") if row.get("lat") or row.get("lon") else None
        if coords is None:
            if not row.problems:
                row.problem("place_id", f"unknown place {place!r} and no lat/lon to place it")
        else:
            claim["place_id"] = ctx.places.resolve(
                row.get("place_name") or place,
                coords[0],
                coords[1],
                row.get("location_precision")
                if row.get("location_precision") in LOCATION_PRECISIONS
                else "exact",
                row.get("country"),
                f"{ctx.dataset_name}: lat/lon of the export",
            )
    if row.problems:
        out.problems = row.problems
        return out
    sources = [s for s in claim["source_ids"].split(";") if s.strip()]
    kept = [s.strip() for s in sources if s.strip() in ctx.known_sources]
    claim["source_ids"] = ";".join(kept) if kept and len(kept) == len(sources) else ctx.source_id
    claim.update(_ids(ctx, original))
    claim["incident_id"] = namespaced(ctx.dataset_id, cells.get("incident_id", "") or original)
    claim["dataset"] = ctx.dataset_id
    if cells.get("dataset", "") not in ("", ARTICLES_DATASET) or cells.get("original_id"):
        earlier = {k: cells[k] for k in ("dataset", "original_id") if cells.get(k)}
        fields = json.loads(claim["original_fields"]) if claim["original_fields"] else {}
        if isinstance(fields, dict):
            fields.setdefault("kcm_export", earlier)
            claim["original_fields"] = json.dumps(fields, ensure_ascii=False)
    out.claim = claim
    return out


MAPPERS: dict[str, Callable[[dict[str, str], int, Context], Mapped]] = {
    "acled": map_acled,
    "ucdp": map_ucdp,
    "kcm": map_kcm,
    "kcm-geojson": map_kcm,
}
