"""``kcm import FILE``: import an ACLED, UCDP or KCM file as a dataset beside the articles.

Prints the report (counts, then every row not taken as ``file:line: field: message``);
``--dry-run`` writes nothing, ``--skipped-out`` saves the rows not taken as CSV. Exit 0 when
rows were imported, 1 when none could be (nothing is written then), 2 when the file or an
argument is unusable. ``python -m src.importers FILE …`` is the same.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from src.cli import add_data_option, out_path_problem
from src.csvio import atomic_write_bytes
from src.dataset import DataValidationError, default_data_dir
from src.importers.plan import ImportError, apply_import, parse_bbox, plan_import
from src.store import StoreError

#: At most this many row problems are printed (all are in --skipped-out).
MAX_PRINTED = 200


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``kcm import``."""
    parser.add_argument("file", help="the file to import (CSV, TSV or KCM GeoJSON)")
    parser.add_argument(
        "--dataset",
        metavar="NAME",
        help="dataset id or name to import into (default: from the format and file name); "
        "an existing dataset is updated in place by event id",
    )
    parser.add_argument("--format", choices=("acled", "ucdp", "kcm"), help="insist on a format")
    parser.add_argument("--bbox", metavar="S,W,N,E", help="skip (and report) rows outside this box")
    parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    parser.add_argument("--skipped-out", metavar="FILE", help="write the skipped rows as CSV")
    add_data_option(parser)


def run(args: argparse.Namespace) -> int:
    """Plan, report, and (unless --dry-run) apply one import."""
    data_dir = Path(args.data) if args.data else default_data_dir()
    if args.skipped_out and (why := out_path_problem(args.skipped_out)):
        print(f"error: --skipped-out: {why}", file=sys.stderr)
        return 2
    try:
        bbox = parse_bbox(args.bbox) if args.bbox else None
        plan = plan_import(data_dir, Path(args.file), args.dataset, args.format, bbox)
    except ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DataValidationError as exc:
        print(f"error: the data folder does not load: {exc}", file=sys.stderr)
        return 2
    for problem in plan.problems[:MAX_PRINTED]:
        print(problem)
    if len(plan.problems) > MAX_PRINTED:
        print(f"… and {len(plan.problems) - MAX_PRINTED} more (see --skipped-out)")
    if args.skipped_out:
        atomic_write_bytes(Path(args.skipped_out), plan.skipped_csv)
    if plan.imported == 0:
        print(f"{plan.summary()}\nnothing could be imported; nothing written", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"{plan.summary()} (dry run: nothing written)")
        return 0
    try:
        report = apply_import(plan)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m src.importers FILE …``: the same as ``kcm import``."""
    parser = argparse.ArgumentParser(prog="python -m src.importers")
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
