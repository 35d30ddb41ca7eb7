"""The view's filters as URL query parameters, so a copied link reproduces the same view.

Parsing never raises: unknown or malformed values are dropped and described in ``notices`` for
the page to show, because a link pasted into a chat must never crash the dashboard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from src.filters import FilterState
from src.schema import PERIODS

#: URL parameter -> FilterState field.
PARAMS: dict[str, str] = {
    "source": "sources",
    "side": "sides",
    "claimant": "claimants",
    "actor": "actors",
    "type": "types",
}
SCALAR_PARAMS = ("period", "from", "to", "q")


@dataclass(frozen=True)
class ParsedURL:
    state: FilterState
    notices: tuple[str, ...]


def _values(raw: Sequence[str], known: set[str]) -> tuple[list[str], list[str]]:
    """Split repeated and comma-separated values; a value containing a comma is kept whole
    when it is itself known (claimant names may contain commas)."""
    good: list[str] = []
    bad: list[str] = []
    for item in raw:
        item = item.strip()
        parts = [item] if item in known else [p.strip() for p in item.split(",")]
        for part in parts:
            if not part:
                continue
            (good if part in known else bad).append(part)
    return list(dict.fromkeys(good)), bad


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _last(params: Mapping[str, Sequence[str]], key: str) -> str:
    """A scalar parameter: the last of its values (a repeated one), or blank."""
    return (params.get(key) or [""])[-1]


def _dates(
    params: Mapping[str, Sequence[str]], state: FilterState, notices: list[str]
) -> FilterState:
    """``from``/``to`` into the state; a malformed or reversed pair is noticed, not applied."""
    for key in ("from", "to"):
        raw = _last(params, key)
        if not raw.strip():
            continue
        parsed = _date(raw)
        if parsed is None:
            notices.append(f"Ignored {key}={raw!r}: not a date (use YYYY-MM-DD).")
        elif key == "from":
            state = replace(state, date_from=parsed)
        else:
            state = replace(state, date_to=parsed)
    if state.date_from and state.date_to and state.date_from > state.date_to:
        notices.append("Ignored from/to: 'from' is after 'to'.")
        state = replace(state, date_from=None, date_to=None)
    return state


def parse_query(
    params: Mapping[str, Sequence[str]], options: Mapping[str, Sequence[str]]
) -> ParsedURL:
    """Read a FilterState from query parameters (each a list of raw strings)."""
    notices: list[str] = []
    state = FilterState()
    period = _last(params, "period").strip()
    if period in PERIODS:
        state = replace(state, period=period)
    elif period:
        notices.append(f"Ignored unknown period {period!r} (use one of {', '.join(PERIODS)}).")
    state = _dates(params, state, notices)
    for key, attr in PARAMS.items():
        given = params.get(key) or []
        if not given:
            continue
        good, bad = _values(given, set(options.get(attr, ())))
        if bad:
            notices.append(f"Ignored unknown {key} value(s): {', '.join(repr(b) for b in bad)}.")
        state = state.with_facet(attr, good)
    text = _last(params, "q").strip()
    if text:
        state = replace(state, text=text[:200])
    unknown = sorted(set(params) - set(PARAMS) - set(SCALAR_PARAMS) - {"briefing", "basemap"})
    if unknown:
        notices.append(f"Ignored unknown parameter(s): {', '.join(unknown)}.")
    return ParsedURL(state, tuple(notices))


def to_query(state: FilterState) -> dict[str, list[str]]:
    """Query parameters for a state; defaults are left out so links stay short."""
    out: dict[str, list[str]] = {}
    if state.period != "all":
        out["period"] = [state.period]
    if state.date_from:
        out["from"] = [state.date_from.isoformat()]
    if state.date_to:
        out["to"] = [state.date_to.isoformat()]
    for key, attr in PARAMS.items():
        values = state.facet(attr)
        if values:
            out[key] = list(values)
    if state.text.strip():
        out["q"] = [state.text.strip()]
    return out
