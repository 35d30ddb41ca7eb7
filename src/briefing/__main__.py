"""Briefing exports from a shell: ``python -m src.briefing {png,html,csv,geojson,acled}``.

The filter options are the dashboard's URL parameters (same names, same values, read by the
same parser), so a view can be scripted from a copied link::

    python -m src.briefing png --out offensive-az.png --period offensive --side Azerbaijan
    python -m src.briefing html --out view.html --period blockade --type "Access and aid"
    python -m src.briefing csv --out claims.csv --source a002 --from 2023-09-19

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
from pathlib import Path

from src.briefing.exports import acled_csv, claims_csv, claims_geojson, write_atomic
from src.briefing.frame import DEFAULT_BASEMAP, SIZES, briefing_text, build_briefing
from src.briefing.render import BrowserUnavailable, RenderError, parse_size, render_png
from src.dataset import DATA_DIR, Dataset, DataValidationError, load_dataset
from src.filters import PERIODS, FilterState, apply_filters, facet_options
from src.mapview.build import BASEMAPS
from src.urlstate import PARAMS, parse_query

PROG = "python -m src.briefing"
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
    "q": "q",
}
_LIST_LIMIT = 12
ASSETS_HINT = (
    "the map's code is not fetched locally (run `scripts/setup.sh` or "
    "`python -m src.assets fetch` once, with internet), so the map needs internet to draw"
)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters (the dashboard's URL parameters)")
    group.add_argument("--period", help=f"one of: {', '.join(PERIODS)} (default: all)")
    group.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="window start")
    group.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="window end")
    for name, help_text in (
        ("source", "source id, e.g. a002"),
        ("side", "claimant side, e.g. Azerbaijan"),
        ("claimant", "claimant name"),
        ("actor", "actor (matches actor 1 or 2)"),
        ("type", 'event type, e.g. "Access and aid"'),
    ):
        group.add_argument(
            f"--{name}", action="append", default=[], help=f"{help_text}; repeatable"
        )
    group.add_argument("--q", help="text search in summaries, quotes and claimants")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Briefing-ready exports of a filtered view of the Karabakh Conflict Map.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument("--out", required=True, type=Path, help="file to write")
        cmd.add_argument(
            "--data-dir", type=Path, default=None, help=f"dataset folder (default: {DATA_DIR})"
        )
        if name in ("png", "html"):
            cmd.add_argument("--title", default="", help="frame title (default: by period)")
            cmd.add_argument(
                "--basemap",
                choices=list(BASEMAPS),
                default=DEFAULT_BASEMAP,
                help="basemap tiles (need internet; the map reads without them)",
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
            cmd.add_argument("--timeout", type=float, default=60, help="seconds (default 60)")
        _add_filters(cmd)
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


def resolve_state(args: argparse.Namespace, data: Dataset) -> tuple[FilterState, list[str]]:
    """The FilterState the options describe, and errors for anything not understood."""
    options = facet_options(data.events, data.sources)
    parsed = parse_query(query_params(args), options)
    return parsed.state, [_notice_as_error(n, options) for n in parsed.notices]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    size = (0, 0)
    if args.command == "png":
        try:
            size = parse_size(args.size)
        except ValueError as exc:
            parser.error(str(exc))  # exits 2

    try:
        data = load_dataset(args.data_dir or DATA_DIR)
    except DataValidationError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    state, errors = resolve_state(args, data)
    if errors:
        for error in errors:
            print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        print(f"{PROG} {args.command}: nothing written.", file=sys.stderr)
        return 2

    shown = apply_filters(data.events, state)
    text = briefing_text(data, state, shown=shown)
    if args.command in ("png", "html"):
        briefing = build_briefing(data, state, args.title, args.basemap)
        text = briefing.text
        if briefing.assets_missing:
            print(
                f"{PROG} {args.command}: warning: {ASSETS_HINT} ({briefing.assets_missing})",
                file=sys.stderr,
            )
        if args.command == "html":
            payload = briefing.html.encode("utf-8")
        else:
            try:
                payload = render_png(
                    briefing.html, size, timeout_s=args.timeout, offline=args.offline
                )
            except BrowserUnavailable as exc:
                print(f"{PROG} png: {exc}", file=sys.stderr)
                return 3
            except RenderError as exc:
                hint = f" Likely cause: {ASSETS_HINT}." if briefing.assets_missing else ""
                print(f"{PROG} png: rendering failed: {exc}.{hint}", file=sys.stderr)
                return 1
    elif args.command == "csv":
        payload = claims_csv(shown)
    elif args.command == "geojson":
        collection = claims_geojson(
            shown, data.places, data.sources, text.export_meta(data.version)
        )
        payload = (json.dumps(collection, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    else:
        payload = acled_csv(shown, data.places, data.sources)

    write_atomic(args.out, payload)
    what = f"{size[0]}x{size[1]} PNG" if args.command == "png" else args.command.upper()
    print(
        f"wrote {args.out} ({what}, {len(payload):,} bytes): {text.counts}; "
        f"{text.filters_line}; {text.window}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
