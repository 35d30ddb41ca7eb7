"""``kcm``: the project's one command; each subcommand is a module registered in ``COMMANDS``.

A subcommand module provides ``configure(parser)`` (adds its options and sub-subcommands)
and ``run(args) -> int`` (the exit code); its one line for ``kcm --help`` is in ``COMMANDS``.
Adding a command (``kcm import``, ``kcm ingest`` …) is one more entry there; each module
also keeps ``python -m`` working through the same two functions.

Modules are imported only when their command runs (or for ``--help``), so ``kcm validate``
never pays for folium or Playwright.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol, cast

__all__ = [
    "COMMANDS",
    "Command",
    "add_data_option",
    "build_parser",
    "main",
    "out_path_problem",
    "range_problem",
    "strict_date",
]

PROG = "kcm"


class CommandModule(Protocol):
    """What a subcommand's module provides."""

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


@dataclass(frozen=True)
class Command:
    """One ``kcm`` subcommand: its name, one line of help, and the module implementing it."""

    name: str
    help: str
    module: str

    def load(self) -> CommandModule:
        return cast(CommandModule, importlib.import_module(self.module))


#: Every subcommand, in the order ``kcm --help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command(
        "validate",
        "check the data files; print file:line: field: message",
        "src.events.__main__",
    ),
    Command(
        "geo",
        "look up places and distances, audit the gazetteer",
        "src.geo.__main__",
    ),
    Command(
        "briefing",
        "export a view as png, html, csv, geojson or acled",
        "src.briefing.__main__",
    ),
    Command("assets", "fetch the map's Leaflet assets for offline use", "src.assets.__main__"),
    Command(
        "import",
        "import an ACLED, UCDP or KCM file as a dataset",
        "src.importers.__main__",
    ),
    Command(
        "ingest",
        "propose an article's places and draft claims; --save writes them",
        "src.ingest.__main__",
    ),
)


def add_data_option(parser: argparse.ArgumentParser, *aliases: str) -> None:
    """The ``--data DIR`` option every command shares; resolved by ``dataset.default_data_dir``."""
    parser.add_argument(
        "--data",
        *aliases,
        dest="data",
        metavar="DIR",
        default=None,
        help="dataset folder (default: $KCM_DATA_DIR, else the bundled data/)",
    )


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: What an atomic write adds to the target's name for its temporary file
#: (``.<name>.kcm-<pid>-<12 hex>.tmp``, pids up to 10 digits): a name must leave room for it.
TEMP_NAME_OVERHEAD = 1 + len(".kcm-") + 10 + 1 + 12 + len(".tmp")


def strict_date(text: str) -> date | None:
    """``YYYY-MM-DD`` and nothing else (``date.fromisoformat`` also takes 20230919 and
    2023-W38-2, which nobody types meaning a date), or None."""
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def range_problem(value: float, low: float, high: float, unit: str) -> str | None:
    """Why ``value`` is not a finite number from ``low`` to ``high``, or None."""
    if not math.isfinite(value) or not low <= value <= high:
        return f"{value:g} is out of range: give {low:g} to {high:g} {unit}"
    return None


def _existing_ancestor(folder: Path) -> Path:
    """``folder`` or the nearest of its parents that exists (as a file or a folder)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def out_path_problem(text: str) -> str | None:
    """Why a file cannot be written at ``text`` (checked before any work is done), or None.

    Folders that do not exist yet are fine (writers create them); everything else that would
    only fail at the very end (a folder, a file in place of a folder, a too-long name) is
    caught here so the user gets one line instead of a traceback after a long render.
    """
    if not text.strip():
        return "is empty: give a file name, e.g. view.png"
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.name in ("", ".", ".."):
        return f"{text!r} is a folder: give a file name inside it, e.g. {path / 'view.png'}"
    limit = 255
    with contextlib.suppress(OSError, ValueError):  # 255 where the system cannot say
        limit = os.pathconf(_existing_ancestor(path.parent), "PC_NAME_MAX")
    size = len(os.fsencode(path.name))
    if size + TEMP_NAME_OVERHEAD > limit:
        return f"file name is {size} bytes long; at most {limit - TEMP_NAME_OVERHEAD} fit here"
    try:
        if path.is_dir():
            return f"{text!r} is a folder: give a file name inside it, e.g. {path / 'view.png'}"
        ancestor = _existing_ancestor(path.parent)
        if not ancestor.is_dir():
            return f"{str(ancestor)!r} is a file, not a folder, so {text!r} cannot be made in it"
    except OSError as exc:  # e.g. a folder name in the path that is itself too long
        return f"{text!r} cannot be used: {exc.strerror}"
    return None


def build_parser(
    commands: Sequence[Command] = COMMANDS,
    only: str | None = None,
) -> argparse.ArgumentParser:
    """The ``kcm`` parser; ``only`` configures just that subcommand (the others are listed)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Karabakh Conflict Map: validate the data, geocode, export briefings.",
    )
    sub = parser.add_subparsers(dest="kcm_command", required=True, metavar="COMMAND")
    for command in commands:
        child = sub.add_parser(command.name, help=command.help, description=command.help)
        if only is None or only == command.name:
            module = command.load()
            module.configure(child)
            child.set_defaults(kcm_run=module.run)
    return parser


def _chosen(argv: Sequence[str], commands: Sequence[Command]) -> str | None:
    names = {c.name for c in commands}
    return next((a for a in argv if a in names), None) if argv else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``kcm ARGS``; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only=_chosen(argv, COMMANDS) or "")
    args = parser.parse_args(argv)
    handler = cast(Callable[[argparse.Namespace], int], args.kcm_run)
    return int(handler(args))


if __name__ == "__main__":
    sys.exit(main())
