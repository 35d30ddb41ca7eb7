"""Distances: geodesic distance between gazetteer places, and the articles' stated distances
checked against it.

The articles' distances live in ``data/stated_distances.csv`` (one row per figure as printed,
names as written), validated here with the dataset's ``file:line: field: message`` errors. Each
figure is compared with the WGS-84 geodesic distance (geopy) as printed and with its unit
reinterpreted (km ↔ miles), because a unit slip is the commonest error in such figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from geopy.distance import Distance, geodesic

from src.csvio import Problem, display_path, read_raw
from src.dataset import DATA_DIR
from src.geo.gazetteer import Gazetteer, Place
from src.schema import COMPASS_POINTS, DISTANCE_UNITS, STATED_DISTANCES
from src.validation import gazetteer_reference, stated_distance_refs, validate_table

FILENAME = STATED_DISTANCES.filename
COLUMNS: tuple[str, ...] = STATED_DISTANCES.column_names
#: geopy's name of each unit the schema allows.
_GEOPY_UNITS: dict[str, str] = {"km": "kilometers", "mi": "miles"}
#: Kilometres per unit, from geopy's own conversions.
UNITS: dict[str, float] = {u: float(Distance(**{_GEOPY_UNITS[u]: 1}).km) for u in DISTANCE_UNITS}
UNIT_WORDS: dict[str, str] = {"km": "kilometres", "mi": "miles"}
COMPASS: tuple[str, ...] = COMPASS_POINTS
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


def _header_problem(name: str, problems: list[Problem]) -> list[Problem]:
    """Missing and unknown columns as one line: the row checks cannot run without them."""
    missing = [p.field for p in problems if p.line == 1 and p.message.endswith("column is missing")]
    extra = [p.field for p in problems if p.line == 1 and p.message == "unknown column"]
    if not missing and not extra:
        return problems
    detail = []
    if missing:
        detail.append(f"missing column(s) {', '.join(missing)}")
    if extra:
        detail.append(f"unknown column(s) {', '.join(extra)}")
    header = Problem(name, 1, "-", "; ".join(detail) + f" (expected {COLUMNS})")
    named = set(missing + extra)
    return [header, *(p for p in problems if p.line != 1 or p.field not in named)]


def load_stated_distances(
    path: Path,
    gazetteer: Gazetteer,
    source_ids: Iterable[str] | None = None,
) -> list[StatedDistance]:
    """Validate (``schema.STATED_DISTANCES``, as ``kcm validate`` does) and read the stated
    distances; raise StatedDistanceError listing every problem.

    A missing file means "no stated distances" (an empty list), so other datasets need none.
    """
    if not path.exists():
        return []
    raw = read_raw(path)
    known = None if source_ids is None else {str(s) for s in source_ids}
    places = gazetteer_reference(gazetteer)
    refs = stated_distance_refs(places, known)
    problems = validate_table(STATED_DISTANCES, raw, refs)
    if problems:
        raise StatedDistanceError(_header_problem(display_path(path), problems))
    out: list[StatedDistance] = []
    for line, row in raw.frame.iterrows():
        cell = {c: str(row[c]).strip() for c in COLUMNS}
        ends = [
            gazetteer.place(refs["from_place"].lookup(cell[c])) for c in ("from_place", "to_place")
        ]
        out.append(
            StatedDistance(
                line=int(str(line)),
                source_id=cell["source_id"],
                from_name=cell["from_place"],
                to_name=cell["to_place"],
                from_place=ends[0],
                to_place=ends[1],
                value=float(cell["value"]),
                unit=cell["unit"],
                direction=cell["direction"],
                quote=cell["quote"],
                notes=cell["notes"],
            )
        )
    return out


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
        return float(Distance(kilometers=self.km).miles)

    @property
    def involves_line(self) -> bool:
        """A road or corridor is measured from its representative point only."""
        return self.a.is_line or self.b.is_line


def measure(gazetteer: Gazetteer, a_id: str, b_id: str) -> Measurement:
    """Geodesic distance and initial bearing between two places by place_id."""
    a, b = gazetteer.place(a_id), gazetteer.place(b_id)
    return Measurement(a=a, b=b, km=geodesic_km(a, b), bearing=initial_bearing(a, b))
