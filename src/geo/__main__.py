"""``kcm geo``: look up, measure and re-check places from the command line.

    kcm geo lookup NAME [--online] [--json] [--data DIR] [--places PATH] [--cache PATH]
    kcm geo distance A B [--json] [--data DIR] [--places PATH]
    kcm geo refresh --online [--write] [--data DIR] [--places PATH] [--max-drift-km KM]

``python -m src.geo`` is the same command.

Offline by default: ``lookup`` consults the gazetteer and the cache only, unless ``--online``
or ``KCM_GEOCODER_ONLINE=1``. ``refresh`` exists to audit the gazetteer's coordinates against
an online service and never changes places.csv without ``--write``.

Exit codes: 0 success, 1 place not found / some lookups failed, 2 usage or data error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO, TypedDict, Unpack

from geopy.distance import geodesic
from geopy.extra.rate_limiter import RateLimiter

from src.geo.chain import build_chain, online_requested
from src.geo.gazetteer import Gazetteer, GazetteerError, Place, PlaceNotFound
from src.geo.online import (
    REGION,
    SERVICES,
    GeopyGeocoder,
    OnlineGeocodeError,
    OnlineGeocoder,
    ServiceConfigError,
    ServiceUnavailable,
    make_online_geocoder,
)
from src.geo.result import GeoResult

#: refresh stops asking a service after this many "unavailable" answers in a row.
MAX_CONSECUTIVE_OUTAGES = 3


class UsageError(Exception):
    """A problem with the arguments or the input files: exit code 2."""


def _data_dir(args: argparse.Namespace, deps: _Deps) -> Path:
    from src.dataset import default_data_dir

    return Path(args.data) if args.data else default_data_dir(deps.env)


def _places_path(args: argparse.Namespace, deps: _Deps) -> Path:
    """``--places``, else places.csv of ``--data`` (default: KCM_DATA_DIR, else data/)."""
    from src.schema import PLACES

    return Path(args.places) if args.places else _data_dir(args, deps) / PLACES.filename


def _cache_path(args: argparse.Namespace, deps: _Deps) -> Path:
    """``--cache``, else the dataset folder's cache/geocode.sqlite."""
    from src.geo.cache import CACHE_FILENAME

    return Path(args.cache) if args.cache else _data_dir(args, deps) / "cache" / CACHE_FILENAME


def _load_gazetteer(path: Path) -> tuple[Gazetteer, Path]:
    from src.dataset import DataValidationError, load_places

    try:
        return Gazetteer.from_frame(load_places(path)), path
    except DataValidationError as err:
        raise UsageError(f"{path} is invalid:\n{err}") from err
    except GazetteerError as err:
        raise UsageError(f"{path}: {err}") from err


# --- lookup ----------------------------------------------------------------------------------


def _format_result(result: GeoResult) -> str:
    prov = result.provenance
    provenance = prov.source
    if prov.retrieved_at:
        provenance += f" at {prov.retrieved_at}"
    if prov.detail:
        provenance += f" ({prov.detail})"
    rows = [
        ("name", result.name),
        ("place_id", result.place_id or "-"),
        ("lat", f"{result.lat:.6f}"),
        ("lon", f"{result.lon:.6f}"),
        ("kind", result.kind or "-"),
        ("precision", result.precision),
        ("provenance", provenance),
    ]
    if result.is_line:
        rows.append(("geometry", json.dumps(result.geometry)))
    return "\n".join(f"{label:<11} {value}" for label, value in rows)


def _cmd_lookup(args: argparse.Namespace, deps: _Deps, out: TextIO, err: TextIO) -> int:
    gazetteer, _ = _load_gazetteer(_places_path(args, deps))
    try:
        chain = build_chain(
            gazetteer,
            online=args.online,
            env=deps.env,
            cache=_cache_path(args, deps),
            service=args.service,
            geocoder=deps.geocoder,
            limiter=deps.limiter,
        )
    except ServiceConfigError as exc:
        raise UsageError(str(exc)) from exc
    try:
        result = chain.lookup(args.name)
    except PlaceNotFound as exc:
        print(f"error: {exc}", file=err)
        if not chain.online_enabled and type(exc) is PlaceNotFound:
            print(
                "hint: only the offline gazetteer and cache were searched; "
                f"add --online to ask {args.service}.",
                file=err,
            )
        return 1
    if args.json:
        print(result.to_json(), file=out)
    else:
        print(_format_result(result), file=out)
    return 0


# --- distance --------------------------------------------------------------------------------


def _cmd_distance(args: argparse.Namespace, deps: _Deps, out: TextIO, err: TextIO) -> int:
    gazetteer, _ = _load_gazetteer(_places_path(args, deps))
    ends: list[GeoResult] = []
    for name in (args.a, args.b):
        try:
            ends.append(gazetteer.lookup(name))
        except PlaceNotFound as exc:
            print(f"error: {exc}", file=err)
            return 1
    a, b = ends
    distance = geodesic((a.lat, a.lon), (b.lat, b.lon))
    km, miles = float(distance.km), float(distance.miles)
    if args.json:
        payload = {
            "from": {"place_id": a.place_id, "name": a.name, "lat": a.lat, "lon": a.lon},
            "to": {"place_id": b.place_id, "name": b.name, "lat": b.lat, "lon": b.lon},
            "km": round(km, 3),
            "miles": round(miles, 3),
            "method": "geodesic (WGS-84)",
        }
        print(json.dumps(payload, ensure_ascii=False, allow_nan=False), file=out)
    else:
        print(
            f"{a.name} -> {b.name}: {km:.1f} km ({miles:.1f} mi), geodesic straight line",
            file=out,
        )
    for end in ends:
        if end.kind in ("road", "corridor", "region", "country"):
            print(
                f"note: {end.name} is a {end.kind}; measured from its representative point",
                file=err,
            )
    return 0


# --- refresh ---------------------------------------------------------------------------------


@dataclass
class _Drift:
    place: Place
    status: str
    online: tuple[float, float] | None = None
    drift_km: float | None = None

    def row(self) -> list[str]:
        lat, lon = self.online if self.online else (None, None)
        return [
            self.place.place_id,
            f"{self.place.lat:.4f}",
            f"{self.place.lon:.4f}",
            "-" if lat is None else f"{lat:.4f}",
            "-" if lon is None else f"{lon:.4f}",
            "-" if self.drift_km is None else f"{self.drift_km:.2f}",
            self.status,
        ]


def _query_for(place: Place) -> str:
    """The name to send: the first part of a combined name ("Stepanakert / Khankendi")."""
    return place.name.split(" / ")[0].strip()


def _refresh_all(
    gazetteer: Gazetteer, online: OnlineGeocoder, max_drift_km: float, err: TextIO
) -> list[_Drift]:
    results: list[_Drift] = []
    outages = 0
    for place in gazetteer:
        if place.is_line:
            continue  # a line's geometry comes from its waypoints, refreshed on their own
        if not REGION.contains(place.lat, place.lon):
            results.append(_Drift(place, "skipped (outside region)"))
            continue
        if outages >= MAX_CONSECUTIVE_OUTAGES:
            results.append(_Drift(place, f"{ServiceUnavailable.status} (not asked)"))
            continue
        try:
            answer = online.geocode(_query_for(place))
        except OnlineGeocodeError as exc:
            outages = outages + 1 if isinstance(exc, ServiceUnavailable) else 0
            results.append(_Drift(place, exc.status))
            print(f"{place.place_id}: {exc}", file=err)
            continue
        outages = 0
        drift = geodesic((place.lat, place.lon), (answer.lat, answer.lon)).km
        status = "ok" if drift <= max_drift_km else f"suspect (> {max_drift_km:g} km)"
        results.append(_Drift(place, status, (answer.lat, answer.lon), drift))
    return results


def _print_table(rows: list[list[str]], out: TextIO) -> None:
    header = ["place_id", "gaz_lat", "gaz_lon", "online_lat", "online_lon", "drift_km", "status"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print(
            "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip(), file=out
        )


def _write_coords(path: Path, drifts: list[_Drift], service: str) -> int:
    """Rewrite only lat, lon and coord_source of the refreshed rows; every other cell stays
    as written. The new file is validated before it replaces the old one, which keeps its
    permissions."""
    from src.csvio import read_raw, write_csv_atomic
    from src.dataset import DataValidationError, load_places

    raw = read_raw(path)
    if raw.problems:
        raise UsageError(f"{path}: cannot rewrite: {raw.problems[0]}")
    frame = raw.frame.copy()
    today = datetime.now(UTC).date().isoformat()
    changed = 0
    for drift in drifts:
        if drift.status != "ok" or drift.online is None:
            continue
        mask = frame["place_id"].str.strip() == drift.place.place_id
        lat, lon = drift.online
        frame.loc[mask, "lat"] = f"{lat:.4f}"
        frame.loc[mask, "lon"] = f"{lon:.4f}"
        frame.loc[mask, "coord_source"] = (
            f"{service} {today} (refresh; was {drift.place.lat:.4f}, {drift.place.lon:.4f})"
        )
        changed += int(mask.sum())
    if not changed:
        return 0
    try:
        write_csv_atomic(frame, path, check=load_places)  # never install a rejected file
    except DataValidationError as exc:
        raise UsageError(f"refusing to write {path}: result would be invalid:\n{exc}") from exc
    return changed


def _cmd_refresh(args: argparse.Namespace, deps: _Deps, out: TextIO, err: TextIO) -> int:
    if not online_requested(args.online, deps.env):
        raise UsageError("refresh asks an online service: pass --online (or KCM_GEOCODER_ONLINE=1)")
    gazetteer, path = _load_gazetteer(_places_path(args, deps))
    try:
        online = make_online_geocoder(
            args.service, env=deps.env, geocoder=deps.geocoder, limiter=deps.limiter
        )
    except ServiceConfigError as exc:
        raise UsageError(str(exc)) from exc

    drifts = _refresh_all(gazetteer, online, args.max_drift_km, err)
    _print_table([d.row() for d in drifts], out)

    counts: dict[str, int] = {}
    for d in drifts:
        counts[d.status] = counts.get(d.status, 0) + 1
    failed = sum(1 for d in drifts if d.online is None and not d.status.startswith("skipped"))
    written = "places.csv not written (pass --write to update it)"
    if args.write:
        changed = _write_coords(path, drifts, args.service)
        written = f"wrote {changed} row(s) to {path}" if changed else "nothing to write"
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    print(
        f"refresh via {args.service}: {len(drifts)} point place(s): {summary}; {written}", file=out
    )
    if failed:
        print(f"error: {failed} place(s) could not be refreshed", file=err)
        return 1
    return 0


# --- entry point -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Deps:
    """What tests inject instead of the real world."""

    env: Mapping[str, str]
    geocoder: GeopyGeocoder | None = None
    limiter: RateLimiter | None = None


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the geo subcommands to ``parser`` (``kcm geo`` and ``python -m src.geo``)."""
    from src.cli import add_data_option

    parser.description = "Gazetteer lookups and geocoding (offline first)."
    common = argparse.ArgumentParser(add_help=False)
    add_data_option(common)
    common.add_argument(
        "--places", type=Path, default=None, help="places CSV (default: DIR/places.csv)"
    )
    online = argparse.ArgumentParser(add_help=False)
    online.add_argument(
        "--online",
        action="store_true",
        help="allow an online geocoder (also: KCM_GEOCODER_ONLINE=1); default is offline",
    )
    online.add_argument(
        "--service",
        default="nominatim",
        choices=sorted(SERVICES),
        help="online geocoder (default: nominatim; keyed ones need their KCM_* env var)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    lookup = sub.add_parser("lookup", parents=[common, online], help="locate a place name")
    lookup.add_argument("name")
    lookup.add_argument("--json", action="store_true", help="print one JSON object")
    lookup.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="online-answer cache, an SQLite file (default: DIR/cache/geocode.sqlite)",
    )
    lookup.set_defaults(handler=_cmd_lookup)

    distance = sub.add_parser("distance", parents=[common], help="geodesic distance A to B")
    distance.add_argument("a")
    distance.add_argument("b")
    distance.add_argument("--json", action="store_true", help="print one JSON object")
    distance.set_defaults(handler=_cmd_distance)

    refresh = sub.add_parser(
        "refresh", parents=[common, online], help="compare gazetteer points with a service"
    )
    refresh.add_argument(
        "--write",
        action="store_true",
        help="update lat/lon/coord_source of places within --max-drift-km in places.csv",
    )
    refresh.add_argument(
        "--max-drift-km",
        type=float,
        default=25.0,
        help="answers further than this from the gazetteer are 'suspect' and never written",
    )
    refresh.set_defaults(handler=_cmd_refresh)


def build_parser(prog: str = "kcm geo") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog)
    configure(parser)
    return parser


class Injected(TypedDict, total=False):
    """What tests inject instead of the real environment, geocoder, pacing and streams."""

    env: Mapping[str, str] | None
    geocoder: GeopyGeocoder | None
    limiter: RateLimiter | None
    stdout: TextIO | None
    stderr: TextIO | None


def run(args: argparse.Namespace, **injected: Unpack[Injected]) -> int:
    """Run parsed arguments, with whatever a test injected in place of the real thing."""
    out = injected.get("stdout") or sys.stdout
    err = injected.get("stderr") or sys.stderr
    env = injected.get("env")
    deps = _Deps(
        env=os.environ if env is None else env,
        geocoder=injected.get("geocoder"),
        limiter=injected.get("limiter"),
    )
    try:
        return int(args.handler(args, deps, out, err))
    except UsageError as exc:
        print(f"error: {exc}", file=err)
        return 2


def main(argv: Sequence[str] | None = None, **injected: Unpack[Injected]) -> int:
    """``kcm geo ARGS`` in-process; ``injected`` as for :func:`run`."""
    return run(build_parser().parse_args(argv), **injected)


if __name__ == "__main__":
    sys.exit(main())
