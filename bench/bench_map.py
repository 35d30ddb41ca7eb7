"""Benchmark: filter time, map build time and bytes sent, for 1k / 10k / 100k synthetic claims.

Run: ``.venv/bin/python bench/bench_map.py [SIZES…]``. Synthetic claims are spread over random
points of the region (each point a gazetteer-like place) with random dates, sides and types;
the figures are what a filter change costs the server: filtering, building the claims layer
and rendering the JavaScript that streamlit-folium ships to the browser.
"""

from __future__ import annotations

import random
import sys
import time

import pandas as pd

from src.dataset import load_dataset
from src.filters import FilterState, apply_filters
from src.mapview.build import base_map, claims_layer
from src.schema import CLAIMANT_SIDES, EVENT_TAXONOMY, VERIFICATION


def synthetic(n: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = random.Random(seed)
    base = load_dataset()
    n_places = max(50, n // 20)
    places = pd.DataFrame(
        {
            "place_id": [f"p{i}" for i in range(n_places)],
            "name": [f"Place {i}" for i in range(n_places)],
            "aliases": "",
            "kind": "village",
            "lat": [rng.uniform(38.9, 40.9) for _ in range(n_places)],
            "lon": [rng.uniform(45.0, 48.0) for _ in range(n_places)],
            "precision": [rng.choice(["exact", "near", "region"]) for _ in range(n_places)],
            "country": "Azerbaijan",
            "in_theatre": True,
            "waypoints": "",
            "coord_source": "synthetic",
            "notes": "",
        }
    )
    places = pd.concat([base.places, places], ignore_index=True)
    types = list(EVENT_TAXONOMY)
    start = pd.Timestamp("2020-09-27")
    rows = []
    for i in range(n):
        etype = rng.choice(types)
        day = start + pd.Timedelta(days=rng.randrange(0, 1100))
        rows.append(
            {
                "event_id": f"E{i:06d}",
                "incident_id": f"I{i // 3:06d}",
                "date_start": day,
                "date_end": day + pd.Timedelta(days=rng.choice([0, 0, 0, 1, 30])),
                "date_precision": "day",
                "time_of_day": "",
                "place_id": f"p{rng.randrange(n_places)}",
                "event_type": etype,
                "sub_event_type": rng.choice(EVENT_TAXONOMY[etype]),
                "actor1": f"Actor {rng.randrange(40)}",
                "actor2": f"Actor {rng.randrange(40)}",
                "claimant": f"Claimant {rng.randrange(60)}",
                "claimant_side": rng.choice(CLAIMANT_SIDES),
                "source_ids": rng.choice(["a000", "a001", "a002;a003", "a004"]),
                "fatalities": pd.NA,
                "injured": rng.choice([pd.NA, 3]),
                "figures_note": "",
                "verification": rng.choice(VERIFICATION),
                "summary": "A synthetic claim summary of typical length for the dataset, "
                "naming the claimant and what they say happened at the place.",
                "quote": "",
                "notes": "",
            }
        )
    events = pd.DataFrame(rows)
    events["fatalities"] = events["fatalities"].astype("Int64")
    events["injured"] = events["injured"].astype("Int64")
    return events, places


#: The filter change measured: three sides and six event types (about 40 % of the claims).
TYPICAL = FilterState(sides=("Azerbaijan", "Armenia", "Russia"), types=tuple(EVENT_TAXONOMY)[:6])


def measure(n: int, state: FilterState) -> dict[str, float]:
    events, places = synthetic(n)
    headlines = {f"a00{i}": f"Headline {i}" for i in range(5)}
    t0 = time.perf_counter()
    shown = apply_filters(events, state)
    t1 = time.perf_counter()
    m = base_map(places.iloc[:40], events.iloc[:0])
    layer, stats = claims_layer(shown, places, headlines)
    layer.add_to(m)
    html = m.get_root().render()
    t2 = time.perf_counter()
    return {
        "claims": n,
        "shown": len(shown),
        "filter_ms": (t1 - t0) * 1000,
        "build_ms": (t2 - t1) * 1000,
        "bytes": len(html.encode()),
        "compact": stats.compact,
    }


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1_000, 10_000, 100_000]
    print(f"{'claims':>8} {'shown':>7} {'filter ms':>10} {'build ms':>9} {'MB sent':>8}  mode")
    for n, state in [(n, s) for n in sizes for s in (TYPICAL, FilterState())]:
        r = measure(n, state)
        mode = "compact popups" if r["compact"] else "full popups"
        print(
            f"{r['claims']:>8} {r['shown']:>7} {r['filter_ms']:>10.1f} {r['build_ms']:>9.0f} "
            f"{r['bytes'] / 1e6:>8.2f}  {mode}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
