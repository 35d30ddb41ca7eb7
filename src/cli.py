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
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, cast

__all__ = ["COMMANDS", "Command", "add_data_option", "build_parser", "main"]

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
