"""Briefing exports from a shell: ``kcm briefing {png,html,csv,geojson,acled}``.

The filter options are the dashboard's URL parameters (same names, same values, read by the
same parser), so a view can be scripted from a copied link::

    kcm briefing png --out offensive-az.png --period offensive --side Azerbaijan
    kcm briefing html --out view.html --period blockade --type "Access and aid"
    kcm briefing csv --out claims.csv --source a002 --from 2023-09-19

``python -m src.briefing`` is the same command.

Repeat an option or separate values with commas to give several. An unknown value is an
error (exit 2) rather than silently ignored. Files are written atomically. Exit 3 means no
headless browser is available for ``png`` (the message says how to get one).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from src.briefing.exports import acled_csv, claims_csv, claims_geojson
from src.briefing.frame import DEFAULT_BASEMAP, SIZES, BriefingText, briefing_text, build_briefing
from src.briefing.render import BrowserUnavailable, RenderError, parse_size, render_png
from src.cli import add_data_option, out_path_problem, range_problem, strict_date
from src.csvio import atomic_write_bytes
from src.dataset import Dataset, DataValidationError, default_data_dir, load_dataset
from src.filters import (
    FilterState,
    apply_filters,
    data_bounds,
    facet_options,
    place_resolver,
    search_places,
    window,
)
from src.geo.gazetteer import Gazetteer
from src.mapview.build import BASEMAPS
from src.periods import periods_of
from src.urlstate import PARAMS, parse_query

PROG = "kcm briefing"
COMMANDS = {
    "png": "the briefing frame as a PNG image (headless Chromium)",
    "html": "the briefing frame as one standalone HTML file (works offline)",
    "csv": "the shown claims as CSV (events.csv columns, formula cells neutralised)",
    "geojson": "the shown claims (points) and routes (lines) as GeoJSON",
    "acled": "the shown claims in ACLED's export columns (CSV)",
}
#: CLI option -> URL parameter.
FILTER_OPTIONS = {
    "period": "period",
    "date_from": "from",
    "date_to": "to",
    "source": "source",
    "side": "side",
    "claimant": "claimant",
    "actor": "actor",
    "type": "type",
    "place": "place",
    "q": "q",
}
_LIST_LIMIT = 12
ASSETS_HINT = (
    "the map's code is not fetched locally (run `scripts/setup.sh` or "
    "`kcm assets fetch` once, with internet), so the map needs internet to draw"
)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters (the dashboard's URL parameters)")
    group.add_argument(
        "--period",
        help="a period_id of the data folder's periods.csv, e.g. offensive or exodus "
        "(default: all)",
    )
    group.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="window start")
    group.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="window end")
    for name, help_text in (
        ("source", "source id, e.g. a002"),
        ("side", "claimant side, e.g. Azerbaijan"),
        ("claimant", "claimant name"),
        ("actor", "actor (matches actor 1 or 2)"),
        ("type", 'event type, e.g. "Access and aid"'),
        ("place", "place id, name or any alias, e.g. Khankendi"),
    ):
        group.add_argument(
            f"--{name}", action="append", default=[], help=f"{help_text}; repeatable"
        )
    group.add_argument(
        "--q", help="text search in summaries, quotes, claimants and place names (any alias)"
    )


def configure(parser: argparse.ArgumentParser) -> None:
    """The export subcommands of ``kcm briefing``."""
    parser.description = "Briefing-ready exports of a filtered view of the Karabakh Conflict Map."
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument("--out", required=True, help="file to write")
        add_data_option(cmd, "--data-dir")
        if name in ("png", "html"):
            cmd.add_argument("--title", default="", help="frame title (default: by period)")
            cmd.add_argument(
                "--basemap",
                choices=list(BASEMAPS),
                default=DEFAULT_BASEMAP,
                help="basemap: osm draws OpenStreetMap tiles (needs internet); the others "
                "draw the offline basemap (Natural Earth), the same picture offline",
            )
        if name == "png":
            cmd.add_argument(
                "--size",
                default="1920x1080",
                help=f"image size, 16:9 ({', '.join(SIZES)}; default 1920x1080)",
            )
            cmd.add_argument(
                "--offline", action="store_true", help="block all network requests (no tiles)"
            )
            cmd.add_argument(
                "--timeout",
                type=float,
                default=60,
                help="seconds to wait for the frame to draw (1–600, default 60)",
            )
        _add_filters(cmd)


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog)
    configure(parser)
    return parser


def query_params(args: argparse.Namespace) -> dict[str, list[str]]:
    """The parsed options as URL query parameters (lists of raw strings)."""
    params: dict[str, list[str]] = {}
    for attr, key in FILTER_OPTIONS.items():
        value = getattr(args, attr, None)
        if value is None or value == []:
            continue
        params[key] = list(value) if isinstance(value, list) else [value]
    return params


def _notice_as_error(notice: str, options: dict[str, list[str]]) -> str:
    text = re.sub(r"^Ignored ", "", notice)
    match = re.match(r"unknown (\w+) value", text)
    if match and match.group(1) in PARAMS:
        known = options.get(PARAMS[match.group(1)], [])
        if len(known) <= _LIST_LIMIT:
            text += f" Known: {', '.join(known)}."
        else:
            text += f" ({len(known)} known values; the dashboard's sidebar lists them.)"
    return text


def _window_errors(state: FilterState, data: Dataset, given: dict[str, date | None]) -> list[str]:
    """A window with nothing in it is a mistake (a typo'd year, from and to swapped), not an
    export of zero claims."""
    start, end = window(state, data.events)
    if start <= end:
        return []
    lo, hi = data_bounds(data.events)
    if given["from"] and given["to"] and given["from"] > given["to"]:
        why = f"--from {given['from']} is after --to {given['to']}"
    else:
        why = f"it would run from {start} to {end}; the data spans {lo} to {hi}"
    return [f"empty/backwards window: {why}."]


def resolve_state(args: argparse.Namespace, data: Dataset) -> tuple[FilterState, list[str]]:
    """The FilterState the options describe, and errors for anything not understood.

    Dates are parsed here, strictly (YYYY-MM-DD only), rather than by the URL parser, which
    forgives what a link may carry; a script's typo should stop it."""
    options = facet_options(data.events, data.sources)
    params = query_params(args)
    errors: list[str] = []
    given: dict[str, date | None] = {}
    for key in ("from", "to"):
        raw = params.pop(key, [""])[-1]
        given[key] = strict_date(raw) if raw.strip() else None
        if raw.strip() and given[key] is None:
            errors.append(f"--{key} {raw!r}: not a date (use YYYY-MM-DD, e.g. 2023-09-19).")
    resolve = place_resolver(Gazetteer.from_frame(data.places))
    parsed = parse_query(params, options, periods_of(data.periods), resolve)
    errors += [_notice_as_error(n, options) for n in parsed.notices]
    state = replace(
        parsed.state,
        date_from=given["from"],
        date_to=given["to"],
        text_places=search_places(parsed.state.text, data.places),
    )
    if not errors:
        errors = _window_errors(state, data, given)
    return state, errors


#: The PNG's --timeout: long enough for a slow machine, short enough to notice a hang.
TIMEOUT_RANGE_S = (1.0, 600.0)


def _usage_problems(args: argparse.Namespace) -> list[str]:
    """Arguments that cannot work, found before any data is read or a browser started."""
    problems = []
    out_problem = out_path_problem(str(args.out))
    if out_problem:
        problems.append(f"argument --out: {out_problem}")
    if args.command == "png":
        timeout_problem = range_problem(args.timeout, *TIMEOUT_RANGE_S, "seconds")
        if timeout_problem:
            problems.append(f"argument --timeout: {timeout_problem}")
    return problems


def _frame_export(
    args: argparse.Namespace, data: Dataset, state: FilterState, size: tuple[int, int]
) -> tuple[bytes, BriefingText] | int:
    """The frame as HTML or PNG with its text, or the exit code saying why it was not made."""
    briefing = build_briefing(data, state, args.title, args.basemap)
    if briefing.assets_missing:
        print(
            f"{PROG} {args.command}: warning: {ASSETS_HINT} ({briefing.assets_missing})",
            file=sys.stderr,
        )
    if args.command == "html":
        return briefing.html.encode("utf-8"), briefing.text
    try:
        png = render_png(briefing.html, size, timeout_s=args.timeout, offline=args.offline)
    except BrowserUnavailable as exc:
        print(f"{PROG} png: {exc}", file=sys.stderr)
        return 3
    except RenderError as exc:
        hint = f" Likely cause: {ASSETS_HINT}." if briefing.assets_missing else ""
        print(f"{PROG} png: rendering failed: {exc}.{hint}", file=sys.stderr)
        return 1
    return png, briefing.text


def _payload(
    args: argparse.Namespace, data: Dataset, state: FilterState, size: tuple[int, int]
) -> tuple[bytes, BriefingText] | int:
    """The export's bytes and the words describing the view, or the exit code of a failure."""
    shown = apply_filters(data.events, state)
    text = briefing_text(data, state, shown=shown)
    if args.command in ("png", "html"):
        return _frame_export(args, data, state, size)
    if args.command == "csv":
        return claims_csv(shown, data.places), text
    if args.command == "geojson":
        collection = claims_geojson(
            shown, data.places, data.sources, text.export_meta(data.version)
        )
        return (json.dumps(collection, ensure_ascii=False, indent=1) + "\n").encode("utf-8"), text
    return acled_csv(shown, data.places, data.sources, datasets=data.datasets), text


def run(args: argparse.Namespace) -> int:
    """Write the export the arguments describe; 0 written, 1 data/render error, 2 usage,
    3 no browser for png."""
    size = (0, 0)
    if args.command == "png":
        try:
            size = parse_size(args.size)
        except ValueError as exc:  # a usage error, like argparse's own: exit 2
            print(f"{PROG} png: error: argument --size: {exc}", file=sys.stderr)
            raise SystemExit(2) from exc
    problems = _usage_problems(args)
    for problem in problems:
        print(f"{PROG} {args.command}: error: {problem}", file=sys.stderr)
    if problems:
        return 2

    try:
        data = load_dataset(Path(args.data) if args.data else default_data_dir())
    except DataValidationError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    state, errors = resolve_state(args, data)
    if errors:
        for error in errors:
            print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        print(f"{PROG} {args.command}: nothing written.", file=sys.stderr)
        return 2

    made = _payload(args, data, state, size)
    if isinstance(made, int):
        return made
    payload, text = made
    try:
        atomic_write_bytes(Path(args.out), payload)
    except OSError as exc:
        print(f"{PROG} {args.command}: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    what = f"{size[0]}x{size[1]} PNG" if args.command == "png" else args.command.upper()
    print(
        f"wrote {args.out} ({what}, {len(payload):,} bytes): {text.counts}; "
        f"{text.filters_line}; {text.window}"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``kcm briefing ARGS`` in-process (also ``python -m src.briefing``)."""
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
