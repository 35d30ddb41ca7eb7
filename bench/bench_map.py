"""Benchmark: filter time, map build time and bytes sent, for 1k / 10k / 100k synthetic claims.

Run: ``.venv/bin/python -m bench.bench_map [SIZES…]``. Synthetic claims come from ``bench.synth``
(skewed places, claimants and sources, multilingual and hostile text);
the figures are what a filter change costs the server: filtering, building the claims layer
and rendering the JavaScript that streamlit-folium ships to the browser.
"""

from __future__ import annotations

import sys
import time

from bench.synth import synthetic
from src.filters import FilterState, apply_filters
from src.mapview.build import base_map, claims_layer
from src.schema import EVENT_TAXONOMY

__all__ = ["TYPICAL", "measure", "synthetic"]  # synthetic: bench.synth's, re-exported


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
