"""Distances: geodesic distance between gazetteer places, and the articles' stated distances
checked against it.

The articles' distances live in ``data/stated_distances.csv`` (one row per figure as printed,
names as written), validated here with the dataset's ``file:line: field: message`` errors. Each
figure is compared with the WGS-84 geodesic distance (geopy) as printed and with its unit
reinterpreted (km ↔ miles), because a unit slip is the commonest error in such figures.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from geopy.distance import geodesic

from src.csvio import Problem, read_raw
from src.dataset import DATA_DIR
from src.geo.gazetteer import Gazetteer, Place, PlaceNotFound
from src.schema import FORMULA_PREFIXES, QUOTE_MAX_WORDS, SOURCE_ID_PATTERN

FILENAME = "stated_distances.csv"
COLUMNS: tuple[str, ...] = (
    "source_id",
    "from_place",
    "to_place",
    "value",
    "unit",
    "direction",
    "quote",
    "notes",
)
KM_PER_MILE = 1.609344
UNITS: dict[str, float] = {"km": 1.0, "mi": KM_PER_MILE}
UNIT_WORDS: dict[str, str] = {"km": "kilometres", "mi": "miles"}
COMPASS: tuple[str, ...] = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
#: Relative error within which a stated distance "matches" the geodesic one.
TOLERANCE = 0.10
#: Roads are rarely more than this factor longer than the straight line in this terrain.
ROAD_FACTOR = 1.6


class StatedDistanceError(ValueError):
    """``stated_distances.csv`` is malformed; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class StatedDistance:
    """One distance an article states, its ends resolved in the gazetteer."""

    line: int
    source_id: str
    from_name: str
    to_name: str
    from_place: Place
    to_place: Place
    value: float
    unit: str
    direction: str
    quote: str
    notes: str

    @property
    def km(self) -> float:
        return self.value * UNITS[self.unit]

    @property
    def other_unit(self) -> str:
        return "mi" if self.unit == "km" else "km"

    @property
    def km_if_other_unit(self) -> float:
        return self.value * UNITS[self.other_unit]


# --- geometry --------------------------------------------------------------------------------


def geodesic_km(a: Place, b: Place) -> float:
    """WGS-84 geodesic distance between two places' points (a road's representative point)."""
    return float(geodesic((a.lat, a.lon), (b.lat, b.lon)).km)


def initial_bearing(a: Place, b: Place) -> float:
    """Compass bearing in degrees (0 = north, clockwise) from ``a`` towards ``b``."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dlon = math.radians(b.lon - a.lon)
    y = math.sin(dlon) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlon)
    return (math.degrees(math.atan2(y, x)) + 360.0) % 360.0


def compass_point(bearing: float) -> str:
    """The nearest of the eight compass points."""
    return COMPASS[round(bearing / 45.0) % 8]


def direction_agrees(direction: str, bearing: float) -> bool:
    """Whether a stated compass point is within 45° of the bearing (one point either side)."""
    target = COMPASS.index(direction) * 45.0
    diff = abs((bearing - target + 180.0) % 360.0 - 180.0)
    return diff <= 45.0


# --- loading ---------------------------------------------------------------------------------

_DIRECTION_WORDS = {
    "north": "N",
    "northeast": "NE",
    "east": "E",
    "southeast": "SE",
    "south": "S",
    "southwest": "SW",
    "west": "W",
    "northwest": "NW",
}


def _direction(text: str) -> str | None:
    key = re.sub(r"[\s\-]", "", text).casefold()
    if text.upper() in COMPASS:
        return text.upper()
    return _DIRECTION_WORDS.get(key)


def load_stated_distances(
    path: Path,
    gazetteer: Gazetteer,
    source_ids: Iterable[str] | None = None,
) -> list[StatedDistance]:
    """Read and validate the stated distances; raise StatedDistanceError listing every problem.

    A missing file means "no stated distances" (an empty list), so other datasets need none.
    """
    if not path.exists():
        return []
    raw = read_raw(path)
    problems = list(raw.problems)
    name = problems[0].file if problems else _display(path)
    missing = [c for c in COLUMNS if c not in raw.header]
    extra = [c for c in raw.header if c not in COLUMNS]
    if raw.header and (missing or extra):
        detail = []
        if missing:
            detail.append(f"missing column(s) {', '.join(missing)}")
        if extra:
            detail.append(f"unknown column(s) {', '.join(extra)}")
        problems.append(Problem(name, 1, "-", "; ".join(detail) + f" (expected {COLUMNS})"))
    if problems:
        raise StatedDistanceError(problems)
    known = set(source_ids) if source_ids is not None else None
    out: list[StatedDistance] = []
    for line, row in raw.frame.iterrows():
        cell = {c: str(row[c]).strip() for c in COLUMNS}
        before = len(problems)

        def bad(field: str, message: str, _line: int = int(line)) -> None:
            problems.append(Problem(name, _line, field, message))

        for col, text in cell.items():
            if text.startswith(FORMULA_PREFIXES):
                bad(col, f"starts with {text[0]!r}, which spreadsheets run as a formula")
        sid = cell["source_id"]
        if not re.fullmatch(SOURCE_ID_PATTERN, sid):
            bad("source_id", f"{sid!r} is not a source id like a003")
        elif known is not None and sid not in known:
            bad("source_id", f"unknown source {sid!r} (not in sources.csv)")
        ends: dict[str, Place] = {}
        for col in ("from_place", "to_place"):
            if not cell[col]:
                bad(col, "required")
                continue
            try:
                result = gazetteer.lookup(cell[col])
            except PlaceNotFound as exc:  # AmbiguousPlace too
                bad(col, str(exc))
                continue
            ends[col] = gazetteer.place(result.place_id)
        if len(ends) == 2 and ends["from_place"].place_id == ends["to_place"].place_id:
            bad("to_place", "is the same place as from_place")
        try:
            value = float(cell["value"])
            if not math.isfinite(value) or value <= 0:
                raise ValueError
        except ValueError:
            bad("value", f"{cell['value']!r} is not a positive number")
            value = math.nan
        if cell["unit"] not in UNITS:
            bad("unit", f"{cell['unit']!r} is not one of {', '.join(UNITS)}")
        direction = ""
        if cell["direction"]:
            parsed = _direction(cell["direction"])
            if parsed is None:
                bad("direction", f"{cell['direction']!r} is not a compass point (N, NE … NW)")
            else:
                direction = parsed
        words = len(cell["quote"].split())
        if not words:
            bad("quote", "required: the sentence part that states the distance, verbatim")
        elif words > QUOTE_MAX_WORDS:
            bad("quote", f"{words} words; quotes are at most {QUOTE_MAX_WORDS}")
        if len(problems) == before:
            out.append(
                StatedDistance(
                    line=int(line),
                    source_id=sid,
                    from_name=cell["from_place"],
                    to_name=cell["to_place"],
                    from_place=ends["from_place"],
                    to_place=ends["to_place"],
                    value=value,
                    unit=cell["unit"],
                    direction=direction,
                    quote=cell["quote"],
                    notes=cell["notes"],
                )
            )
    if problems:
        raise StatedDistanceError(problems)
    return out


def _display(path: Path) -> str:
    from src.csvio import display_path

    return display_path(path)


def default_path(data_dir: Path = DATA_DIR) -> Path:
    return Path(data_dir) / FILENAME


# --- checking --------------------------------------------------------------------------------


def verdict(stated_km: float, actual_km: float) -> str:
    """How a stated distance compares with the straight line between the two places."""
    ratio = stated_km / actual_km
    if abs(ratio - 1.0) <= TOLERANCE:
        return "matches"
    if ratio < 1.0:
        return "too short"  # no route is shorter than the geodesic
    if ratio <= ROAD_FACTOR:
        return "longer (plausible by road)"
    return "far too long"


@dataclass(frozen=True)
class DistanceCheck:
    """A stated distance beside the gazetteer's geodesic one, as printed and unit-swapped."""

    stated: StatedDistance
    geodesic_km: float
    bearing: float
    as_printed: str
    as_other_unit: str

    @property
    def error_as_printed(self) -> float:
        return self.stated.km / self.geodesic_km - 1.0

    @property
    def error_as_other_unit(self) -> float:
        return self.stated.km_if_other_unit / self.geodesic_km - 1.0

    @property
    def direction_ok(self) -> bool | None:
        if not self.stated.direction:
            return None
        return direction_agrees(self.stated.direction, self.bearing)

    def sentence(self) -> str:
        """The finding in one sentence, for a caption or a briefing."""
        s = self.stated
        text = (
            f"As printed, {s.value:g} {UNIT_WORDS[s.unit]} ({s.km:.1f} km) is "
            f"{_pct(self.error_as_printed)} the {self.geodesic_km:.1f} km geodesic distance "
            f"({self.as_printed}); read as {s.value:g} {UNIT_WORDS[s.other_unit]} "
            f"({s.km_if_other_unit:.1f} km) it is {_pct(self.error_as_other_unit)} "
            f"({self.as_other_unit})."
        )
        if self.direction_ok is not None:
            text += (
                f" The stated direction {s.direction} "
                + ("agrees" if self.direction_ok else "does not agree")
                + f" with the bearing {self.bearing:.0f}° ({compass_point(self.bearing)})."
            )
        return text


def _pct(error: float) -> str:
    if abs(error) < 0.005:
        return "equal to"
    return f"{abs(error):.0%} " + ("above" if error > 0 else "below")


def check(stated: StatedDistance) -> DistanceCheck:
    actual = geodesic_km(stated.from_place, stated.to_place)
    return DistanceCheck(
        stated=stated,
        geodesic_km=actual,
        bearing=initial_bearing(stated.from_place, stated.to_place),
        as_printed=verdict(stated.km, actual),
        as_other_unit=verdict(stated.km_if_other_unit, actual),
    )


def check_table(checks: list[DistanceCheck]) -> pd.DataFrame:
    """The checks as display rows, numbers rounded to what the figures can support."""
    rows = []
    for c in checks:
        s = c.stated
        rows.append(
            {
                "Article": s.source_id,
                "From": f"{s.from_name} ({s.from_place.name})",
                "To": f"{s.to_name} ({s.to_place.name})",
                "Stated": f"{s.value:g} {s.unit}" + (f" {s.direction}" if s.direction else ""),
                "Geodesic": f"{c.geodesic_km:.1f} km",
                "As printed": f"{s.km:.1f} km: {c.as_printed} ({c.error_as_printed:+.0%})",
                "Unit swapped": f"{s.value:g} {s.other_unit} = {s.km_if_other_unit:.1f} km: "
                f"{c.as_other_unit} ({c.error_as_other_unit:+.0%})",
                "Bearing": f"{c.bearing:.0f}° {compass_point(c.bearing)}",
                "Quote": s.quote,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Measurement:
    """The distance tool's answer for two gazetteer places."""

    a: Place
    b: Place
    km: float
    bearing: float

    @property
    def miles(self) -> float:
        return self.km / KM_PER_MILE

    @property
    def involves_line(self) -> bool:
        """A road or corridor is measured from its representative point only."""
        return self.a.is_line or self.b.is_line


def measure(gazetteer: Gazetteer, a_id: str, b_id: str) -> Measurement:
    """Geodesic distance and initial bearing between two places by place_id."""
    a, b = gazetteer.place(a_id), gazetteer.place(b_id)
    return Measurement(a=a, b=b, km=geodesic_km(a, b), bearing=initial_bearing(a, b))
