"""The text shown for one claim: popups on the map, tooltips, and the same words elsewhere.

A claim is never shown without who claims it, which article carried it and whether anyone
verified it; every value goes through ``esc`` on its way into HTML.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from src.mapview.palette import VERIFICATION_LABELS, claim_svg, side_colour
from src.safe_html import esc


def date_label(row: Mapping) -> str:
    """The claim's date as precisely as it is known, never more."""
    start, end = pd.Timestamp(row["date_start"]), pd.Timestamp(row["date_end"])
    precision = row.get("date_precision", "day")
    fmt = {"year": "%Y", "month": "%b %Y"}.get(precision, "%d %b %Y")
    text = start.strftime(fmt)
    if end.strftime(fmt) != text:
        text += " – " + end.strftime(fmt)
    time_of_day = row.get("time_of_day") or ""
    if time_of_day:
        text += f" ({time_of_day})"
    return f"{text} · precision: {precision}"


def figure_label(value: object) -> str:
    """A claimed figure, with blank kept distinct from zero."""
    if value is None or pd.isna(value):
        return "not stated"
    return str(int(value))


def sources_label(source_ids: str, headlines: Mapping[str, str]) -> list[str]:
    return [
        f"{headlines.get(sid, 'unknown source')} [{sid}]" for sid in source_ids.split(";") if sid
    ]


def claim_popup(
    row: Mapping,
    place_name: str,
    place_precision: str,
    headlines: Mapping[str, str],
    incident_size: int = 1,
    compact: bool = False,
) -> str:
    """Popup HTML for one claim. ``compact`` leaves out the summary and quote (large data sets)."""
    side = row["claimant_side"]
    actors = esc(row["actor1"]) + (f" → {esc(row['actor2'])}" if row.get("actor2") else "")
    figures_note = f" <i>({esc(row['figures_note'])})</i>" if row.get("figures_note") else ""
    verification = VERIFICATION_LABELS.get(row["verification"], row["verification"])
    rows = [
        ("Date", esc(date_label(row))),
        ("Type", f"{esc(row['event_type'])} › {esc(row['sub_event_type'])}"),
        ("Actors", actors),
        (
            "Claimant",
            f"{esc(row['claimant'])} <span class='kcm-side' style='background:"
            f"{side_colour(side)}'>{esc(side)}</span>",
        ),
        (
            "Figures",
            f"killed: {figure_label(row.get('fatalities'))}, "
            f"injured: {figure_label(row.get('injured'))}{figures_note}",
        ),
        (
            "Status",
            f"<b class='kcm-ver kcm-ver-{esc(row['verification'])}'>{esc(verification)}</b>",
        ),
        ("Place", f"{esc(place_name)} · location precision: {esc(place_precision)}"),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    body = ""
    if not compact:
        body += f"<p class='kcm-summary'>{esc(row['summary'])}</p>"
        if row.get("quote"):
            body += f"<blockquote class='kcm-quote'>“{esc(row['quote'])}”</blockquote>"
    srcs = "".join(f"<li>{esc(s)}</li>" for s in sources_label(row["source_ids"], headlines))
    incident = esc(row["incident_id"])
    if incident_size > 1:
        incident += f" · {incident_size} claims about this incident"
    icon = claim_svg(side, row["event_type"], 16)
    return (
        f"<div class='kcm-popup'><div class='kcm-title'>{icon} {esc(row['sub_event_type'])}"
        f" — {esc(place_name)}</div><table>{table}</table>{body}"
        f"<div class='kcm-sources'>Source{'s' if srcs.count('<li>') > 1 else ''}:"
        f"<ul>{srcs}</ul></div><div class='kcm-incident'>Incident {incident}"
        f" · claim {esc(row['event_id'])}</div></div>"
    )


def claim_tooltip(row: Mapping, place_name: str) -> str:
    return esc(
        f"{row['sub_event_type']} · {place_name} · claimed by {row['claimant']} "
        f"({row['claimant_side']}) · {row['verification']}"
    )
