"""The offline basemap's data, cut at fetch time from the pinned Natural Earth packages.

Why in Python at fetch time rather than ``topojson-client`` in the browser: the whole world
at 1:10m is 3.7 MB of TopoJSON, and the map needs a few hundred kilobytes of it around the
South Caucasus. Decoding and cutting once, here, sends only that (no decoder either), keeps
the briefing's inlined HTML small, and gives the browser plain ``[lat, lon]`` lines it can
draw with Leaflet alone.

Three levels, each clipped to its own box: ``detail`` (countries at 1:10m, around the
theatre) for the regional zooms, ``overview`` (1:50m, from Western Europe to Central Asia,
Moscow included) for zoomed-out views, ``world`` (1:110m) below that. Per level: land
polygons (fills, cut to the box with Sutherland–Hodgman), land borders and coasts as lines
(TopoJSON arcs shared by two countries are borders, arcs of one country are coasts), rivers
and lakes (Natural Earth via ``mapeo-offline-map``), and one name point per country, inside
its largest piece (plus, around the theatre, one per grid cell it fills: ``cells``).

The result is a script (``window.kcmBasemapData = {...}``), not JSON: a ``<script src>`` is
what :func:`src.assets.localize.inline_assets` embeds, so the briefing's single file carries it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Point = tuple[float, float]
"""``(lon, lat)`` while cutting; written out as ``[lat, lon]`` for Leaflet."""
Ring = list[Point]

#: Bump when the output's shape or the cutting changes (part of the manifest's fingerprint).
FORMAT = 4
ATTRIBUTION = "Natural Earth · npm world-atlas, mapeo-offline-map"


@dataclass(frozen=True)
class Level:
    """One level of detail: which TopoJSON file, the box kept, the rounding."""

    name: str
    topojson: str
    west: float
    south: float
    east: float
    north: float
    decimals: int
    step: float
    """Points closer than this (degrees) to the last one kept are dropped."""
    water: bool = True
    """Rivers and lakes too (the world level has none: 300 kB for specks)."""
    cells: tuple[float, float, float, float, float, float] | None = None
    """``(west, south, east, north, dlon, dlat)``: a grid where names are repeated for the
    closest zooms (one per country per cell it fills enough), since at zoom 9 a country's one
    name point is usually out of view."""


LEVELS: tuple[Level, ...] = (
    Level(
        "detail",
        "countries-10m.json",
        36.0,
        34.0,
        58.0,
        47.0,
        3,
        0.004,
        cells=(43.0, 38.0, 50.0, 42.0, 1.4, 1.0),
    ),
    Level("overview", "countries-50m.json", 0.0, 24.0, 88.0, 64.0, 2, 0.08),
    Level("world", "countries-110m.json", -180.0, -85.0, 180.0, 85.0, 1, 0.5, water=False),
)


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Absolute ``(lon, lat)`` points of every arc (quantized, delta-encoded in the file)."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points: list[Point] = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(indexes: Sequence[int], arcs: Sequence[Sequence[Point]]) -> Ring:
    """A ring from its arcs (``~i`` is arc ``i`` reversed); shared end points once."""
    out: Ring = []
    for index in indexes:
        arc = list(arcs[index]) if index >= 0 else list(reversed(arcs[~index]))
        out.extend(arc if not out else arc[1:])
    return out


def polygons_of(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """A geometry's polygons as lists of rings of arc indexes (empty for other types)."""
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def clip_ring(ring: Ring, west: float, south: float, east: float, north: float) -> Ring:
    """Sutherland–Hodgman: ``ring`` cut to the box (for fills; edges along the box allowed)."""

    def cut(points: Ring, inside: Any, cross: Any) -> Ring:
        out: Ring = []
        for k, cur in enumerate(points):
            prev = points[k - 1]
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
        return out

    def at_x(x: float) -> Any:
        return lambda a, b: (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))

    def at_y(y: float) -> Any:
        return lambda a, b: (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)

    out = list(ring)
    for inside, cross in (
        (lambda p: p[0] >= west, at_x(west)),
        (lambda p: p[0] <= east, at_x(east)),
        (lambda p: p[1] >= south, at_y(south)),
        (lambda p: p[1] <= north, at_y(north)),
    ):
        if not out:
            break
        out = cut(out, inside, cross)
    return out


def clip_line(
    line: Sequence[Point], west: float, south: float, east: float, north: float
) -> list[list[Point]]:
    """The runs of ``line`` that touch the box, each with one point beyond it at either end
    (so a border reaches the box's edge); the rest is dropped."""

    def inside(p: Point) -> bool:
        return west <= p[0] <= east and south <= p[1] <= north

    def crosses(a: Point, b: Point) -> bool:  # a segment's box overlaps the box
        return not (
            max(a[0], b[0]) < west
            or min(a[0], b[0]) > east
            or max(a[1], b[1]) < south
            or min(a[1], b[1]) > north
        )

    runs: list[list[Point]] = []
    current: list[Point] = []
    for k in range(len(line) - 1):
        a, b = line[k], line[k + 1]
        if crosses(a, b) or inside(a) or inside(b):
            if not current:
                current.append(a)
            current.append(b)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [run for run in runs if len(run) > 1]


def ring_area(ring: Ring) -> float:
    """Signed area in square degrees (shoelace); only compared, never shown."""
    return 0.5 * sum(
        ring[k - 1][0] * ring[k][1] - ring[k][0] * ring[k - 1][1] for k in range(len(ring))
    )


def _inside_ring(p: Point, ring: Ring) -> bool:
    x, y = p
    hit = False
    for k in range(len(ring)):
        (x1, y1), (x2, y2) = ring[k - 1], ring[k]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def _edge_distance(p: Point, ring: Ring) -> float:
    best = float("inf")
    for k in range(len(ring)):
        (x1, y1), (x2, y2) = ring[k - 1], ring[k]
        dx, dy = x2 - x1, y2 - y1
        t = 0.0 if dx == dy == 0 else ((p[0] - x1) * dx + (p[1] - y1) * dy) / (dx * dx + dy * dy)
        t = min(1.0, max(0.0, t))
        ex, ey = x1 + t * dx - p[0], y1 + t * dy - p[1]
        best = min(best, ex * ex + ey * ey)
    return math.sqrt(best)


def label_point(ring: Ring, steps: int = 24) -> Point:
    """A point well inside ``ring`` for its name: the grid point farthest from its edges
    (a centroid can fall outside a crescent-shaped country, or on its border)."""
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    best, best_d = (sum(xs) / len(xs), sum(ys) / len(ys)), -1.0
    step_x, step_y = (max(xs) - min(xs)) / steps, (max(ys) - min(ys)) / steps
    sparse = ring[:: max(1, len(ring) // 400)]  # distances need not be exact, only compared
    for i in range(1, steps):
        for j in range(1, steps):
            p = (min(xs) + i * step_x, min(ys) + j * step_y)
            if _inside_ring(p, sparse):
                d = _edge_distance(p, sparse)
                if d > best_d:
                    best, best_d = p, d
    return best


def _out(points: Sequence[Point], decimals: int, step: float = 0.0) -> list[int]:
    """A line as flat delta-encoded integers ``[lat0, lon0, dlat1, dlon1, ...]`` in units of
    ``10**-decimals`` degrees (half the bytes of plain coordinates); points within ``step``
    of the last one kept are dropped (the last point always kept, so borders still meet)."""
    scale = 10**decimals
    kept: list[tuple[int, int]] = []
    for k, (lon, lat) in enumerate(points):
        q = (round(lat * scale), round(lon * scale))
        if kept:
            near = abs(kept[-1][0] - q[0]) < step * scale and abs(kept[-1][1] - q[1]) < step * scale
            if kept[-1] == q or (near and k < len(points) - 1):
                continue
        kept.append(q)
    flat: list[int] = []
    last = (0, 0)
    for q in kept:
        flat += [q[0] - last[0], q[1] - last[1]]
        last = q
    return flat


def _box(level: Level) -> tuple[float, float, float, float]:
    return level.west, level.south, level.east, level.north


def countries_level(topology: dict[str, Any], level: Level) -> dict[str, Any]:
    """Land fills, borders, coasts and name points of one level."""
    arcs = decode_arcs(topology)
    geometries = topology["objects"]["countries"]["geometries"]
    users: dict[int, set[int]] = {}
    land: list[list[int]] = []
    labels: list[dict[str, Any]] = []
    named: list[tuple[str, Ring]] = []
    for g_index, geometry in enumerate(geometries):
        pieces: list[Ring] = []
        for polygon in polygons_of(geometry):
            for r_index, ring_arcs in enumerate(polygon):
                for a in ring_arcs:
                    users.setdefault(a if a >= 0 else ~a, set()).add(g_index)
                if r_index:  # holes (lakes inside a country) are filled by the lakes layer
                    continue
                clipped = clip_ring(ring_points(ring_arcs, arcs), *_box(level))
                if len(clipped) >= 3:
                    pieces.append(clipped)
                    land.append(_out(clipped, level.decimals, level.step))
        name = str((geometry.get("properties") or {}).get("name") or "")
        if name:
            named.extend((name, piece) for piece in pieces)
        if pieces and name:
            largest = max(pieces, key=lambda r: abs(ring_area(r)))
            lon, lat = label_point(largest)
            area = abs(ring_area(largest))
            labels.append({"name": name, "lat": round(lat, 3), "lon": round(lon, 3), "area": area})
    cell_names = cell_labels(named, level.cells) if level.cells else []
    borders: list[list[int]] = []
    coasts: list[list[int]] = []
    for a, used_by in sorted(users.items()):
        target = borders if len(used_by) > 1 else coasts
        for run in clip_line(arcs[a], *_box(level)):
            target.append(_out(run, level.decimals, level.step))
    labels.sort(key=lambda lab: -lab["area"])
    return {
        "box": [[level.south, level.west], [level.north, level.east]],
        "scale": 10**level.decimals,
        "land": land,
        "borders": [b for b in borders if len(b) > 2],
        "coasts": [c for c in coasts if len(c) > 2],
        "labels": [{k: v for k, v in lab.items() if k != "area"} for lab in labels],
        "cellLabels": cell_names,
    }


def cell_labels(
    named: Sequence[tuple[str, Ring]],
    cells: tuple[float, float, float, float, float, float],
    share: float = 0.3,
) -> list[dict[str, Any]]:
    """A name point per country per grid cell it covers at least ``share`` of (so the close
    zooms name the countries on both sides of a border wherever the view is)."""
    west, south, east, north, dlon, dlat = cells
    out: list[dict[str, Any]] = []
    cols, rows = round((east - west) / dlon), round((north - south) / dlat)
    for i in range(cols):
        for j in range(rows):
            box = (west + i * dlon, south + j * dlat, west + (i + 1) * dlon, south + (j + 1) * dlat)
            for name, ring in named:
                xs, ys = [p[0] for p in ring], [p[1] for p in ring]
                if max(xs) < box[0] or min(xs) > box[2] or max(ys) < box[1] or min(ys) > box[3]:
                    continue
                part = clip_ring(ring, *box)
                if len(part) >= 3 and abs(ring_area(part)) >= share * dlon * dlat:
                    lon, lat = label_point(part, steps=10)
                    out.append({"name": name, "lat": round(lat, 3), "lon": round(lon, 3)})
    return out


def _geo_lines(collection: dict[str, Any]) -> Iterable[tuple[dict[str, Any], list[Point]]]:
    for feature in collection.get("features", []):
        geometry = feature.get("geometry") or {}
        props = feature.get("properties") or {}
        kind, coords = geometry.get("type"), geometry.get("coordinates") or []
        parts = (
            [coords]
            if kind in ("LineString", "Polygon")
            else coords
            if kind in ("MultiLineString", "MultiPolygon")
            else []
        )
        for part in parts:
            if kind in ("Polygon", "MultiPolygon"):
                part = part[0] if part else []  # outer ring
            yield props, [(float(p[0]), float(p[1])) for p in part]


def water_level(rivers: dict[str, Any], lakes: dict[str, Any], level: Level) -> dict[str, Any]:
    """Rivers (lines, with Natural Earth's stroke weight) and lakes (fills, names) of a level."""
    river_out: list[dict[str, Any]] = []
    for props, line in _geo_lines(rivers):
        for run in clip_line(line, *_box(level)):
            weight = float(props.get("strokeweig") or 0.2)
            river_out.append({"w": round(weight, 2), "p": _out(run, level.decimals, level.step)})
    lake_out: list[dict[str, Any]] = []
    for props, ring in _geo_lines(lakes):
        clipped = clip_ring(ring, *_box(level))
        if len(clipped) >= 3:
            lake_out.append(
                {
                    "name": str(props.get("name") or ""),
                    "p": _out(clipped, level.decimals, level.step),
                }
            )
    return {"rivers": river_out, "lakes": lake_out}


def build_data(world_atlas: Path, mapeo: Path) -> dict[str, Any]:
    """The basemap's data from the unpacked packages' folders (``static/vendor/<pkg>``)."""
    rivers = json.loads((mapeo / "dist" / "rivers.json").read_text(encoding="utf-8"))
    lakes = json.loads((mapeo / "dist" / "lakes.json").read_text(encoding="utf-8"))
    levels: dict[str, Any] = {}
    for level in LEVELS:
        topology = json.loads((world_atlas / level.topojson).read_text(encoding="utf-8"))
        water = water_level(rivers, lakes, level) if level.water else {"rivers": [], "lakes": []}
        levels[level.name] = {**countries_level(topology, level), **water}
    return {"format": FORMAT, "attribution": ATTRIBUTION, "levels": levels}


def basemap_script(data: dict[str, Any]) -> str:
    """The data as the script the map loads (``window.kcmBasemapData``)."""
    blob = json.dumps(data, separators=(",", ":"), ensure_ascii=True)
    blob = blob.replace("<", "\\u003c")  # names are data: never let one close a <script>
    return (
        "/* generated by src.assets.geodata from Natural Earth (public domain) */\n"
        f"window.kcmBasemapData={blob};\n"
    )
