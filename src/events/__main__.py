"""``python -m src.events validate [PATH …]``: check sources, places and events together.

Prints every problem as ``file:line: field: message`` and exits 1, so an editor can fix a whole
file in one pass instead of one error per run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from src.dataset import DATA_DIR
from src.validation import resolve_paths, validate_files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m src.events")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("validate", help="validate sources.csv, places.csv and events.csv")
    check.add_argument(
        "paths",
        nargs="*",
        help="a data directory, or files whose names contain sources/places/events "
        "(the rest are taken from data/)",
    )
    check.add_argument("-q", "--quiet", action="store_true", help="print nothing when valid")
    args = parser.parse_args(argv)

    try:
        paths = resolve_paths(args.paths, DATA_DIR)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = validate_files(paths)
    for problem in result.problems:
        print(problem)
    if result.problems:
        print(f"{len(result.problems)} problem(s) found.", file=sys.stderr)
        return 1
    if not args.quiet:
        counts = ", ".join(f"{len(t.frame)} {name}" for name, t in result.tables.items())
        print(f"ok: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
