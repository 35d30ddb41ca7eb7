"""Which article reported what: the articles × incidents matrix and what only one article says.

A claim merged from several articles lists them all in ``source_ids``, so it counts for each;
"only it reports" means a claim (or a whole incident) carried by no other article.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import cast

import numpy as np
import pandas as pd

from src.analysis.incidents import KIND_LABELS, Discrepancy
from src.schema import split_list

#: The columns the tables below read from ``carried``: repeating whole claims (27 columns)
#: per article cost seconds and gigabytes at 10^6 claims.
_PAIRED = ["event_id", "incident_id", "source_ids"]


def carried(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (claim, article carrying it): the claims exploded on ``source_ids``
    (each distinct list split once; the rows repeated by position, not ``explode``d)."""
    split = {ids: split_list(ids) for ids in events["source_ids"].unique().tolist()}
    lists = [split[ids] for ids in events["source_ids"].tolist()]
    repeat = np.fromiter((len(items) for items in lists), dtype=np.int64, count=len(lists))
    flat = [sid for items in lists for sid in items]
    out = events.iloc[np.repeat(np.arange(len(events)), repeat)]
    return out.assign(source_id=pd.Series(flat, index=out.index, dtype=events["source_ids"].dtype))


def coverage_matrix(events: pd.DataFrame, source_ids: Iterable[str]) -> pd.DataFrame:
    """Claims each article carries about each incident (0 = not covered).

    Rows are every article in ``source_ids`` (in that order, even one with no claim in view),
    columns the incidents present in ``events``, sorted.
    """
    rows = list(source_ids)
    incidents = sorted(events["incident_id"].unique())
    pairs = carried(events[_PAIRED])
    counts = pairs.groupby(["source_id", "incident_id"]).size().unstack(fill_value=0)
    matrix = counts.reindex(index=pd.Index(rows, name="source_id"), columns=incidents)
    matrix = matrix.fillna(0)
    matrix.columns = pd.Index(incidents, name="incident_id")
    return matrix.astype(int)


def exclusive_claims(events: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Article -> the claims that it alone carries (no other article's source_ids list it)."""
    single = {ids: len(split_list(ids)) == 1 for ids in events["source_ids"].unique().tolist()}
    # a bool mask even when empty: an empty object-dtype one would select columns, not rows
    alone = events["source_ids"].map(single).astype(bool)
    return {str(sid): rows for sid, rows in events[alone].groupby("source_ids", sort=True)}


def exclusive_incidents(events: pd.DataFrame) -> dict[str, list[str]]:
    """Article -> the incidents that no other article reports at all."""
    pairs = carried(events[_PAIRED])[["incident_id", "source_id"]].drop_duplicates()
    alone = pairs.groupby("incident_id")["source_id"].transform("size") == 1
    out = {
        str(sid): sorted(str(i) for i in rows["incident_id"])
        for sid, rows in pairs[alone.to_numpy()].groupby("source_id")
    }
    return dict(sorted(out.items()))


def disagreement_cells(found: dict[str, list[Discrepancy]]) -> set[tuple[str, str]]:
    """(article, incident) pairs where that article carries a claim in some discrepancy."""
    return {(sid, d.incident_id) for ds in found.values() for d in ds for sid in d.source_ids}


def disagreement_rows(found: dict[str, list[Discrepancy]], titles: dict[str, str]) -> pd.DataFrame:
    """One row per discrepancy: the incident (and what it is about), the kind, the articles
    and claims involved, and the detail in words."""
    columns = ["Incident", "About", "Discrepancy", "Articles", "Claims", "Detail"]
    rows = [
        (
            d.incident_id,
            titles.get(d.incident_id, ""),
            KIND_LABELS[d.kind],
            ", ".join(d.source_ids),
            ", ".join(d.event_ids),
            d.text(),
        )
        for ds in found.values()
        for d in ds
    ]
    return pd.DataFrame(rows, columns=columns)


def article_summary(
    events: pd.DataFrame,
    sources: pd.DataFrame,
    found: dict[str, list[Discrepancy]],
) -> pd.DataFrame:
    """One row per article: headline, date, claims carried, what only it reports, disagreements."""
    pairs = carried(events[_PAIRED])
    per_source = pairs.groupby("source_id")
    only_claims = exclusive_claims(events)
    only_incidents = exclusive_incidents(events)
    contested = Counter(sid for sid, _ in disagreement_cells(found))
    rows = []
    for src in sources.sort_values("source_id").to_dict("records"):
        sid = src["source_id"]
        mine = per_source.get_group(sid) if sid in per_source.groups else pairs.iloc[0:0]
        rows.append(
            {
                "Article": sid,
                "Headline": src["headline"],
                "Published": src["published"].date()
                if hasattr(src["published"], "date")
                else src["published"],
                "Claims": len(mine),
                "Incidents": int(mine["incident_id"].nunique()),
                "Claims only it carries": len(only_claims.get(sid, ())),
                "Incidents only it reports": listed(only_incidents.get(sid, [])),
                "Contested incidents it reports on": contested[sid],
            }
        )
    return pd.DataFrame(rows)


#: Ids named in one table cell; the rest are counted ("… and 3,210 more").
LISTED_MAX = 20


def listed(ids: list[str], limit: int = LISTED_MAX) -> str:
    """Ids as one cell's text, the first ``limit`` named and the rest counted."""
    text = ", ".join(ids[:limit])
    return text + (f" … and {len(ids) - limit:,} more" if len(ids) > limit else "")


def matrix_long(matrix: pd.DataFrame, cells: set[tuple[str, str]]) -> pd.DataFrame:
    """The matrix as chart rows (article, incident, claims, in_discrepancy)."""
    # The stubs allow a DataFrame (multi-level columns); the matrix has one level: a Series.
    stacked = cast("pd.Series[int]", matrix.stack())
    long = stacked.rename("claims").reset_index()
    long["in_discrepancy"] = [
        (s, i) in cells for s, i in zip(long["source_id"], long["incident_id"], strict=True)
    ]
    long["covered"] = long["claims"] > 0
    return long
