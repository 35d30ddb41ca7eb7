"""CLI: ``kcm assets fetch [--dest DIR] [--force]`` / ``status [--dest DIR]``
(``python -m src.assets`` is the same).

Exit codes: 0 ok, 1 fetch failed (the app then uses CDNs) or assets missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import DEFAULT_STATIC_DIR, fetch, manifest


def configure(parser: argparse.ArgumentParser) -> None:
    """The subcommands of ``kcm assets``."""
    parser.description = "Local copies of the map's JS/CSS assets."
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    get = sub.add_parser("fetch", help="download the pinned npm packages into --dest")
    get.add_argument("--dest", type=Path, default=DEFAULT_STATIC_DIR)
    get.add_argument("--force", action="store_true", help="refetch even if up to date")
    get.add_argument("--timeout", type=float, default=300.0, help="seconds per npm pack")
    show = sub.add_parser("status", help="list which assets are present in --dest")
    show.add_argument("--dest", type=Path, default=DEFAULT_STATIC_DIR)


def _fetch(args: argparse.Namespace) -> int:
    try:
        result = fetch.fetch(args.dest, force=args.force, timeout=args.timeout)
    except fetch.FetchError as err:
        print(f"asset fetch failed: {err}", file=sys.stderr)
        return 1
    if result.skipped:
        print(f"assets up to date in {result.dest} (manifest {manifest.manifest_version()})")
    else:
        print(f"fetched {result.files} files into {result.dest}")
    return 0


def _status(args: argparse.Namespace) -> int:
    rows = fetch.status(args.dest)
    width = max(len(name) for name, _, _ in rows)
    for name, rel, state in rows:
        print(f"{name:<{width}}  {state:<8} {rel}")
    current = fetch.is_current(args.dest)
    print(f"manifest {manifest.manifest_version()}: {'current' if current else 'NOT current'}")
    missing = [name for name, _, state in rows if state == "missing"]
    if missing:
        print(f"missing ({len(missing)}): the map loads these from CDNs", file=sys.stderr)
    return 1 if missing else 0


def run(args: argparse.Namespace) -> int:
    """Run parsed arguments; returns the process exit code."""
    return _fetch(args) if args.command == "fetch" else _status(args)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m src.assets")
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
