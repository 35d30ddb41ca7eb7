"""The view's filters as URL query parameters, so a copied link reproduces the same view.

Parsing never raises: unknown or malformed values are dropped and described in ``notices`` for
the page to show, because a link pasted into a chat must never crash the dashboard.

Parsing is also bounded: a link can carry 100 kB in one value, and the browser repeats the
address in every request's Referer header, so a huge query string held in the address bar
makes the server refuse requests (HTTP 400) and the page crawl. Values, value counts and
foreign parameters are capped here, the cut is described in a notice (which quotes the
offending text only shortened), and the app writes back only what fits the same caps.
The notices are plain text: whoever shows them escapes them for the output's markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from src.filters import FilterState
from src.mapview.playback import DEFAULT_SPEED, SPEEDS, PlaybackState
from src.periods import Period, builtin_periods

#: URL parameter -> FilterState field.
PARAMS: dict[str, str] = {
    "dataset": "datasets",
    "source": "sources",
    "side": "sides",
    "claimant": "claimants",
    "actor": "actors",
    "type": "types",
    "place": "places",
}
SCALAR_PARAMS = ("period", "from", "to", "q")
#: The map's playback: on/off, speed (days a second) and the slider's day.
PLAYBACK_PARAMS = ("playback", "speed", "at")
#: The view's other parameters: the basemap, the briefing view and its title (read by the
#: sidebar), and playback.
VIEW_PARAMS = ("basemap", "briefing", "title", *PLAYBACK_PARAMS)
#: Every parameter the app reads and writes; any other is foreign to it.
OWN_PARAMS = frozenset(PARAMS) | frozenset(SCALAR_PARAMS) | frozenset(VIEW_PARAMS)

#: Values one list parameter may carry, after splitting commas (the sidebar allows as many).
MAX_VALUES = 50
#: Characters of the search text ``q`` (the sidebar's search box allows as many).
MAX_TEXT_CHARS = 200
#: Characters of the briefing frame's title (its input allows as many).
MAX_TITLE_CHARS = 120
#: Characters of an unknown value or parameter name worth reading at all.
MAX_VALUE_CHARS = 200
#: Parameters the app does not own that it keeps in the address (Streamlit's own ``embed``
#: ones never reach the app); the rest, and any over-long one, are dropped from it.
MAX_FOREIGN = 10
#: Characters, and values, of the link's text quoted back in one notice.
ECHO_CHARS = 100
ECHO_ITEMS = 5


@dataclass(frozen=True)
class ParsedURL:
    state: FilterState
    notices: tuple[str, ...]


def echo(value: str) -> str:
    """``value`` quoted for a notice, shortened to ``ECHO_CHARS`` with its length said, so a
    100 kB value is named without being repeated."""
    if len(value) <= ECHO_CHARS:
        return repr(value)
    return f"{value[:ECHO_CHARS]!r}… ({len(value):,} characters)"


def echo_list(values: Sequence[str]) -> str:
    """At most ``ECHO_ITEMS`` values quoted with ``echo``, then how many more there were."""
    shown = ", ".join(echo(v) for v in values[:ECHO_ITEMS])
    more = len(values) - ECHO_ITEMS
    return f"{shown} and {more:,} more" if more > 0 else shown


@dataclass(frozen=True)
class _Values:
    good: list[str]
    bad: list[str]
    given: int  # non-empty values in the link, counting those beyond MAX_VALUES


def _values(
    raw: Sequence[str], known: set[str], resolve: Callable[[str], str | None] | None = None
) -> _Values:
    """Split repeated and comma-separated values; a value containing a comma is kept whole
    when it is itself known (claimant names may contain commas). ``resolve`` names the known
    value another spelling stands for (a place alias), None if none. Only the first
    ``MAX_VALUES`` values are looked at; the rest are only counted."""

    def canonical(value: str) -> str | None:
        if value in known:
            return value
        found = resolve(value) if resolve is not None else None
        return found if found in known else None

    good: list[str] = []
    bad: list[str] = []
    given = 0
    for item in raw:
        item = item.strip()
        parts = [item] if canonical(item) is not None else item.split(",")
        for part in parts:
            part = part.strip()
            if not part:
                continue
            given += 1
            if given <= MAX_VALUES:
                value = canonical(part)
                if value is None:
                    bad.append(part)
                else:
                    good.append(value)
    return _Values(list(dict.fromkeys(good)), list(dict.fromkeys(bad)), given)


def _date(value: str) -> date | None:
    if len(value) > MAX_VALUE_CHARS:
        return None
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
            notices.append(f"Ignored {key}={echo(raw)}: not a date (use YYYY-MM-DD).")
        elif key == "from":
            state = replace(state, date_from=parsed)
        else:
            state = replace(state, date_to=parsed)
    if state.date_from and state.date_to and state.date_from > state.date_to:
        notices.append("Ignored from/to: 'from' is after 'to'.")
        state = replace(state, date_from=None, date_to=None)
    return state


def parse_query(
    params: Mapping[str, Sequence[str]],
    options: Mapping[str, Sequence[str]],
    periods: Mapping[str, Period] | None = None,
    resolve_place: Callable[[str], str | None] | None = None,
) -> ParsedURL:
    """Read a FilterState from query parameters (each a list of raw strings).

    ``periods`` are the data's presets (default: the built-in ones); ``resolve_place`` turns a
    place name or alias into its place_id (``place=Khankendi``), None where it names none.
    """
    notices: list[str] = []
    state = FilterState()
    presets = builtin_periods() if periods is None else periods
    period = _last(params, "period").strip()
    if period in presets:
        state = replace(state, period=period, preset=presets[period])
    elif period:
        notices.append(f"Ignored unknown period {echo(period)} (use one of {', '.join(presets)}).")
    state = _dates(params, state, notices)
    for key, attr in PARAMS.items():
        given = params.get(key) or []
        if not given:
            continue
        resolve = resolve_place if attr == "places" else None
        values = _values(given, set(options.get(attr, ())), resolve)
        if values.bad:
            notices.append(f"Ignored unknown {key} value(s): {echo_list(values.bad)}.")
        if values.given > MAX_VALUES:
            notices.append(
                f"Cut {key} to its first {MAX_VALUES} values (the link gave {values.given:,})."
            )
        state = state.with_facet(attr, values.good)
    text = _last(params, "q").strip()
    if len(text) > MAX_TEXT_CHARS:
        notices.append(
            f"Cut the search text q to its first {MAX_TEXT_CHARS} characters "
            f"(the link gave {len(text):,}): {text[:ECHO_CHARS]!r}…"
        )
    if text:
        state = replace(state, text=text[:MAX_TEXT_CHARS].strip())
    unknown = [k for k in params if k not in OWN_PARAMS]
    if unknown:
        notices.append(f"Ignored unknown parameter(s): {echo_list(sorted(unknown))}.")
        kept = foreign_params(params)
        dropped = [k for k in unknown if k not in kept]
        if dropped:
            notices.append(
                f"Removed {len(dropped):,} unknown parameter(s) from the address "
                f"(too long or too many): {echo_list(dropped)}."
            )
    return ParsedURL(state, tuple(notices))


_ON = ("1", "true", "on")


def parse_playback(params: Mapping[str, Sequence[str]]) -> tuple[PlaybackState, tuple[str, ...]]:
    """``playback``/``speed``/``at`` into a PlaybackState; unknown values noticed, not applied.
    (Whether ``at`` lies in the view's window is for the caller, who knows the window.)"""
    notices: list[str] = []
    raw_on = _last(params, "playback").strip()
    on = raw_on.lower() in _ON
    if raw_on and not on and raw_on.lower() not in ("0", "false", "off"):
        notices.append(f"Ignored playback={echo(raw_on)} (use playback=1 to turn it on).")
    speed = _last(params, "speed").strip()
    if speed and speed not in SPEEDS:
        notices.append(f"Ignored unknown speed {echo(speed)} (use one of {', '.join(SPEEDS)}).")
        speed = DEFAULT_SPEED
    raw_at = _last(params, "at")
    at = _date(raw_at) if raw_at.strip() else None
    if raw_at.strip() and at is None:
        notices.append(f"Ignored at={echo(raw_at)}: not a date (use YYYY-MM-DD).")
    idle = [key for key, value in (("speed", speed), ("at", at)) if value]
    if idle and not on:
        notices.append(f"Ignored {' and '.join(idle)}: playback is off (playback=1 turns it on).")
        speed, at = DEFAULT_SPEED, None
    return PlaybackState(on=on, speed=speed or DEFAULT_SPEED, at=at), tuple(notices)


def playback_query(playback: PlaybackState) -> dict[str, list[str]]:
    """Query parameters for playback: none when it is off, defaults left out."""
    if not playback.on:
        return {}
    out = {"playback": ["1"]}
    if playback.speed != DEFAULT_SPEED:
        out["speed"] = [playback.speed]
    if playback.at is not None:
        out["at"] = [playback.at.isoformat()]
    return out


def parse_title(params: Mapping[str, Sequence[str]]) -> tuple[str, tuple[str, ...]]:
    """The briefing frame's custom ``title``, cut to ``MAX_TITLE_CHARS`` with a notice."""
    title = _last(params, "title").strip()
    if len(title) <= MAX_TITLE_CHARS:
        return title, ()
    return title[:MAX_TITLE_CHARS].strip(), (
        f"Cut the briefing title to its first {MAX_TITLE_CHARS} characters (the link gave "
        f"{len(title):,}): {title[:ECHO_CHARS]!r}…",
    )


def title_query(title: str) -> dict[str, list[str]]:
    """The ``title`` parameter for a custom briefing title (none when blank)."""
    title = title.strip()[:MAX_TITLE_CHARS].strip()
    return {"title": [title]} if title else {}


def foreign_params(params: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The parameters the app does not own that may stay in the address it writes back: the
    first ``MAX_FOREIGN`` whose name and values are short, with at most ``MAX_VALUES``
    values. Anything larger is dropped, so the address (and every Referer) stays small."""
    kept: dict[str, list[str]] = {}
    for key, values in params.items():
        if key in OWN_PARAMS:
            continue
        if len(kept) >= MAX_FOREIGN:
            break
        if len(key) > MAX_VALUE_CHARS or len(values) > MAX_VALUES:
            continue
        if any(len(v) > MAX_VALUE_CHARS for v in values):
            continue
        kept[key] = list(values)
    return kept


def to_query(state: FilterState) -> dict[str, list[str]]:
    """Query parameters for a state; defaults are left out so links stay short. Within the
    parsing caps (which the sidebar's widgets share), so a written link reads back whole."""
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
            out[key] = list(values[:MAX_VALUES])
    text = state.text.strip()[:MAX_TEXT_CHARS].strip()
    if text:
        out["q"] = [text]
    return out
