"""The layering of docs/architecture.md, enforced from the source's own import statements.

Reading imports with ``ast`` (never importing the modules) keeps this fast and lets it check
lazy imports inside functions too. A module may import its own layer or a lower one; only
``src/ui``, ``pages`` and ``dashboard.py`` may import Streamlit; and the units of ``LAYERS``
must not import each other in a circle, so each can be read and tested from the bottom up.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Lowest first; a unit is a module or a package (with everything below it).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundation",
        (
            "src.schema",
            "src.rows",
            "src.labels",
            "src.palette",
            "src.safe_html",
            "src.browser",
            "src.appserver",
            "src.proxy",
            "src.cli",
            "src.procguard",
            "src.viewcache",
        ),
    ),
    # The gazetteer is the index over places.csv (names, aliases, spellings): validation
    # resolves stated_distances.csv's place names through it, so it sits with the data.
    (
        "data",
        (
            "src.csvio",
            "src.store",
            "src.geo.normalize",
            "src.geo.result",
            "src.geo.gazetteer",
            "src.validation",
            "src.periods",
            "src.snapshot",
            "src.dataset",
        ),
    ),
    (
        "features",
        (
            "src.filters",
            "src.urlstate",
            "src.geo",
            "src.assets",
            "src.mapview",
            "src.analysis",
            "src.briefing",
            "src.events",
            "src.importers",
            "src.ingest",
        ),
    ),
    ("ui", ("src.ui",)),
    ("app", ("pages", "dashboard")),
)

#: Import edges that break the rules today, each with why; reported to the lead, to be removed
#: once fixed (``test_known_exceptions_still_exist`` fails when an entry goes stale).
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}

STREAMLIT_ALLOWED = ("src.ui", "pages", "dashboard")
STREAMLIT_ROOTS = {"streamlit", "streamlit_folium"}


@dataclass(frozen=True)
class ImportEdge:
    """One import statement's target, as seen from the importing module."""

    module: str
    target: str
    line: int


def module_name(path: Path, root: Path = ROOT) -> str:
    """``src/geo/__init__.py`` -> ``src.geo``; ``pages/Map.py`` -> ``pages.Map``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(module: str, source: str, is_package: bool = False) -> Iterator[ImportEdge]:
    """Every import in ``source`` (top level or inside functions), relative ones resolved.

    ``from a import b`` yields ``a.b``: it may name a submodule, and unit lookup falls back
    to the longest known prefix anyway.
    """
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield ImportEdge(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                base_name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                base_name = node.module or ""
            for alias in node.names:
                yield ImportEdge(module, f"{base_name}.{alias.name}", node.lineno)


def project_files(root: Path = ROOT) -> list[Path]:
    """The application's Python files: the package, the pages and the entry point."""
    return [
        *sorted((root / "src").rglob("*.py")),
        *sorted((root / "pages").glob("*.py")),
        root / "dashboard.py",
    ]


def all_edges(root: Path = ROOT) -> list[ImportEdge]:
    edges: list[ImportEdge] = []
    for path in project_files(root):
        name = module_name(path, root)
        edges.extend(imports_of(name, path.read_text(encoding="utf-8"), path.stem == "__init__"))
    return edges


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def unit_of(name: str) -> str | None:
    """The ``LAYERS`` unit a dotted name belongs to (longest match), or None if outside."""
    units = [u for _, members in LAYERS for u in members if _within(name, u)]
    return max(units, key=len) if units else None


def layer_of(name: str) -> int | None:
    unit = unit_of(name)
    if unit is None:
        return None
    return next(i for i, (_, members) in enumerate(LAYERS) if unit in members)


def _excepted(edge: ImportEdge) -> bool:
    return any(
        _within(edge.module, src) and _within(edge.target, dst) for src, dst in KNOWN_EXCEPTIONS
    )


def streamlit_violations(edges: Iterable[ImportEdge]) -> list[str]:
    """Pure modules importing Streamlit (or streamlit-folium, which imports it)."""
    return [
        f"{e.module}:{e.line} imports {e.target}"
        for e in edges
        if e.target.split(".")[0] in STREAMLIT_ROOTS
        and not any(_within(e.module, allowed) for allowed in STREAMLIT_ALLOWED)
    ]


def upward_violations(edges: Iterable[ImportEdge]) -> list[str]:
    """Imports from a lower layer into a higher one."""
    found = []
    for e in edges:
        here, there = layer_of(e.module), layer_of(e.target)
        if here is not None and there is not None and there > here and not _excepted(e):
            found.append(
                f"{e.module}:{e.line} ({LAYERS[here][0]}) imports {e.target} ({LAYERS[there][0]})"
            )
    return found


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    return seen


def unit_cycles(edges: Iterable[ImportEdge]) -> list[list[str]]:
    """Groups of units that import each other in a circle (each reaches every other)."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        a, b = unit_of(e.module), unit_of(e.target)
        if a and b and a != b and not _excepted(e):
            graph.setdefault(a, set()).add(b)
            graph.setdefault(b, set())
    reach = {node: _reachable(graph, node) for node in graph}  # about 20 nodes
    groups = {
        tuple(sorted({node} | {other for other in reach[node] if node in reach[other]}))
        for node in graph
        if node in reach[node]
    }
    return [list(g) for g in sorted(groups)]


@pytest.fixture(scope="module")
def edges() -> list[ImportEdge]:
    return all_edges()


def test_every_module_has_a_layer() -> None:
    """A new module must be placed in LAYERS (and in docs/architecture.md) deliberately."""
    unplaced = [
        module_name(p)
        for p in project_files()
        if module_name(p) != "src" and not unit_of(module_name(p))
    ]
    assert unplaced == []


def test_pure_modules_do_not_import_streamlit(edges: list[ImportEdge]) -> None:
    assert streamlit_violations(edges) == []


def test_no_lower_layer_imports_a_higher_one(edges: list[ImportEdge]) -> None:
    assert upward_violations(edges) == []


def test_units_import_each_other_without_cycles(edges: list[ImportEdge]) -> None:
    assert unit_cycles(edges) == []


def test_known_exceptions_still_exist(edges: list[ImportEdge]) -> None:
    """An exception that was fixed must leave the list, so the list stays the truth."""
    for src, dst in KNOWN_EXCEPTIONS:
        assert any(_within(e.module, src) and _within(e.target, dst) for e in edges), (src, dst)


# --- the checker itself, on made-up modules, so a broken checker cannot pass silently ---------


def test_checker_flags_streamlit_in_a_pure_module() -> None:
    found = list(imports_of("src.filters", "def f():\n    import streamlit as st\n"))
    assert streamlit_violations(found) == ["src.filters:2 imports streamlit"]
    ui = list(imports_of("src.ui.data", "import streamlit as st\n"))
    assert streamlit_violations(ui) == []


def test_checker_flags_an_upward_import() -> None:
    found = list(imports_of("src.schema", "from src.ui.data import get_dataset\n"))
    assert upward_violations(found) == [
        "src.schema:1 (foundation) imports src.ui.data.get_dataset (ui)"
    ]
    assert upward_violations(imports_of("src.ui.data", "from src.schema import EVENTS\n")) == []


def test_checker_resolves_relative_imports() -> None:
    found = list(imports_of("src.assets", "from . import manifest\n", is_package=True))
    assert [e.target for e in found] == ["src.assets.manifest"]
    found = list(imports_of("src.assets.fetch", "from ..ui import data\n"))
    assert [e.target for e in found] == ["src.ui.data"]
    assert upward_violations(found) == ["src.assets.fetch:1 (features) imports src.ui.data (ui)"]


def test_checker_finds_a_cycle() -> None:
    found = [
        *imports_of("src.filters", "from src.geo.chain import build_chain\n"),
        *imports_of("src.geo.chain", "from src.filters import apply_filters\n"),
    ]
    assert unit_cycles(found) == [["src.filters", "src.geo"]]
