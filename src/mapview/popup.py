"""The text shown for one claim: popups on the map, tooltips, and the same words elsewhere.

A claim is never shown without who claims it, which article carried it and whether anyone
verified it; every value goes through ``esc`` on its way into HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from src.labels import date_label, figure_label, figure_parts, verification_label
from src.palette import claim_svg, side_colour
from src.rows import Row
from src.safe_html import esc
from src.schema import FIGURE_COLUMNS, split_list

#: One claim as column name -> cell.
ClaimRow = Row


def sources_label(source_ids: str, headlines: Mapping[str, str]) -> list[str]:
    return [
        f"{headlines.get(sid, 'unknown source')} [{sid}]"
        for sid in split_list(source_ids, "source_ids")
    ]


#: The popup's layout; ``{slot}`` marks are filled with escaped fragments, in Python by
#: ``claim_popup`` or in the browser from the claims layer's string table (same template).
POPUP_TEMPLATE = (
    "<div class='kcm-popup'><div class='kcm-title'>{icon} {title}</div><table>"
    "<tr><th>Date</th><td>{date}</td></tr>"
    "<tr><th>Type</th><td>{type}</td></tr>"
    "<tr><th>Actors</th><td>{actors}</td></tr>"
    "<tr><th>Claimant</th><td>{claimant}</td></tr>"
    "<tr><th>Figures</th><td>{figures}</td></tr>"
    "<tr><th>Status</th><td>{status}</td></tr>"
    "<tr><th>Place</th><td>{place}</td></tr>"
    "<tr><th>Dataset</th><td>{dataset}</td></tr>"
    "</table>{body}<div class='kcm-sources'>{sources}</div>"
    "<div class='kcm-incident'>{incident} · claim {claim}</div></div>"
)
POPUP_SLOTS: tuple[str, ...] = tuple(re.findall(r"\{(\w+)\}", POPUP_TEMPLATE))


@dataclass(frozen=True)
class PopupContext:
    """What a popup needs beyond its row: headlines and incident sizes."""

    headlines: Mapping[str, str]
    incident_sizes: Mapping[str, int]


def _actors(r: ClaimRow, _: PopupContext) -> str:
    return esc(r["actor1"]) + (f" → {esc(r['actor2'])}" if r["actor2"] else "")


def _claimant(r: ClaimRow, _: PopupContext) -> str:
    side = r["claimant_side"]
    return (
        f"{esc(r['claimant'])} <span class='kcm-side' style='background:"
        f"{side_colour(side)}'>{esc(side)}</span>"
    )


def _figures(r: ClaimRow, _: PopupContext) -> str:
    note = f" <i>({esc(r['figures_note'])})</i>" if r["figures_note"] else ""
    low, high = r.get("fatalities_low"), r.get("fatalities_high")
    stated = [v for v in (low, high) if figure_label(v) != "not stated"]
    span = f" (range {figure_label(low)}–{figure_label(high)})" if stated else ""
    parts = [f"{name}: {esc(value)}" for name, value in figure_parts(r)]
    parts[0] += span  # killed: the dataset's range beside its best figure
    return ", ".join(parts) + note


#: An imported claim's own fields shown in its popup: at most this many, each cut to
#: ORIGINAL_VALUE_CHARS (all of them are in the CSV and GeoJSON exports).
ORIGINAL_FIELDS_SHOWN = 40
ORIGINAL_VALUE_CHARS = 300


def _dataset(r: ClaimRow, _: PopupContext) -> str:
    """The claim's dataset and its own id, then the fields it coded (``original_fields``)."""
    dataset = str(r.get("dataset") or "articles")
    original = str(r.get("original_id") or "")
    text = esc(dataset) + (f" · id {esc(original)}" if original else "")
    try:
        fields = json.loads(str(r.get("original_fields") or "") or "{}")
    except ValueError:
        fields = {}
    if not isinstance(fields, dict) or not fields:
        return text
    items = list(fields.items())
    rows = "".join(
        f"<div><b>{esc(str(k))}</b>: {esc(_cut(str(v)))}</div>"
        for k, v in items[:ORIGINAL_FIELDS_SHOWN]
    )
    more = len(items) - ORIGINAL_FIELDS_SHOWN
    if more > 0:
        rows += f"<div>… {more} more in the CSV/GeoJSON export</div>"
    return f"{text}<details class='kcm-original'><summary>as coded</summary>{rows}</details>"


def _cut(value: str) -> str:
    limit = ORIGINAL_VALUE_CHARS
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _status(r: ClaimRow, _: PopupContext) -> str:
    label = verification_label(r["verification"])
    return f"<b class='kcm-ver kcm-ver-{esc(r['verification'])}'>{esc(label)}</b>"


def _body(r: ClaimRow, _: PopupContext) -> str:
    body = f"<p class='kcm-summary'>{esc(r['summary'])}</p>"
    if r["quote"]:
        body += f"<blockquote class='kcm-quote'>“{esc(r['quote'])}”</blockquote>"
    return body


def _sources(r: ClaimRow, ctx: PopupContext) -> str:
    cited = sources_label(r["source_ids"], ctx.headlines)
    items = "".join(f"<li>{esc(c)}</li>" for c in cited)
    return f"Source{'s' if len(cited) > 1 else ''}:<ul>{items}</ul>"


def _incident(r: ClaimRow, ctx: PopupContext) -> str:
    size = ctx.incident_sizes.get(r["incident_id"], 1)
    more = f" · {size} claims about this incident" if size > 1 else ""
    return f"Incident {esc(r['incident_id'])}{more}"


#: slot -> (the row fields it depends on, how to render it). Declaring the fields lets the
#: claims layer render each distinct combination once, however many claims share it.
SLOTS: dict[str, tuple[tuple[str, ...], Callable[[ClaimRow, PopupContext], str]]] = {
    "icon": (
        ("claimant_side", "event_type"),
        lambda r, _: claim_svg(r["claimant_side"], r["event_type"], 16),
    ),
    "title": (
        ("sub_event_type", "place_name"),
        lambda r, _: f"{esc(r['sub_event_type'])} — {esc(r['place_name'])}",
    ),
    "date": (
        ("date_start", "date_end", "date_precision", "time_of_day"),
        lambda r, _: esc(date_label(r)),
    ),
    "type": (
        ("event_type", "sub_event_type"),
        lambda r, _: f"{esc(r['event_type'])} › {esc(r['sub_event_type'])}",
    ),
    "actors": (("actor1", "actor2"), _actors),
    "claimant": (("claimant", "claimant_side"), _claimant),
    "figures": (
        (*FIGURE_COLUMNS, "figures_note", "fatalities_low", "fatalities_high"),
        _figures,
    ),
    "status": (("verification",), _status),
    "place": (
        ("place_name", "place_precision"),
        lambda r, _: f"{esc(r['place_name'])} · location precision: {esc(r['place_precision'])}",
    ),
    "body": (("summary", "quote"), _body),
    "sources": (("source_ids",), _sources),
    "incident": (("incident_id",), _incident),
    "claim": (("event_id",), lambda r, _: esc(r["event_id"])),
    "dataset": (("dataset", "original_id", "original_fields"), _dataset),
}


def fill_template(fragments: Mapping[str, str]) -> str:
    """POPUP_TEMPLATE with its slots filled in one pass (fragments are never re-scanned)."""
    return re.sub(r"\{(\w+)\}", lambda m: fragments[m.group(1)], POPUP_TEMPLATE)


def claim_popup(
    row: ClaimRow,
    place_name: str,
    place_precision: str,
    headlines: Mapping[str, str],
    incident_size: int = 1,
) -> str:
    """Popup HTML for one claim: who claims it, in which article, verified or not."""
    full = {**row, "place_name": place_name, "place_precision": place_precision}
    ctx = PopupContext(headlines, {row["incident_id"]: incident_size})
    return fill_template({slot: render(full, ctx) for slot, (_, render) in SLOTS.items()})


def marker_title(sub_event_type: str, place_name: str, claimant: str) -> str:
    """A marker's hover title (plain text: the browser sets it as an attribute)."""
    return f"{sub_event_type} · {place_name} · claimed by {claimant}"
