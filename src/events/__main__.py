"""``kcm validate [PATH …]``: check every table of a dataset folder together.

Prints every problem as ``file:line: field: message`` and exits 1, so an editor can fix a whole
file in one pass instead of one error per run. ``python -m src.events validate`` is the same.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from src.cli import add_data_option
from src.dataset import default_data_dir
from src.validation import resolve_paths, validate_files


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``kcm validate``."""
    parser.add_argument(
        "paths",
        nargs="*",
        help="a data directory, or files whose names contain sources/places/events/"
        "stated_distances (the other tables are taken from --data)",
    )
    add_data_option(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing when valid")


def run(args: argparse.Namespace) -> int:
    """Validate and print the problems; 0 valid, 1 problems, 2 usage error."""
    data_dir = Path(args.data) if args.data else default_data_dir()
    try:
        paths = resolve_paths(args.paths, data_dir)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = validate_files(paths)
    for problem in result.problems:
        print(problem)
    if result.problems:
        sys.stdout.flush()
        print(f"{len(result.problems)} problem(s) found.", file=sys.stderr)
        return 1
    if not args.quiet:
        counts = ", ".join(f"{len(t.frame)} {name}" for name, t in result.tables.items())
        imported = "".join(
            f"; {dataset_id}: {len(tables['events'].frame)} events"
            for dataset_id, tables in result.imports.items()
        )
        print(f"ok: {counts}{imported}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m src.events validate …``: the old spelling of ``kcm validate``."""
    parser = argparse.ArgumentParser(prog="python -m src.events")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    configure(sub.add_parser("validate", help="same as kcm validate"))
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
