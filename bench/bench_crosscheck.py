"""Cross-check bench: the bundled article claims against 10k and 100k synthetic dataset events.

    .venv/bin/python -m bench.bench_crosscheck            # 10k and 100k
    .venv/bin/python -m bench.bench_crosscheck --events 250000

The events are copies of the bundled claims moved to a made-up dataset, on random days of
2018–2023 at random gazetteer places, so the day buckets and distances are as dense as a real
ACLED country file. Prints the time of one ``cross_check`` (best of three) and the matches.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from src.analysis.crosscheck import CrossCheckParams, cross_check
from src.dataset import load_dataset


def synthetic_events(events: pd.DataFrame, places: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` dataset events cloned from ``events``, on random days and gazetteer points."""
    rng = np.random.default_rng(7)
    points = places.loc[places["waypoints"] == "", "place_id"].to_numpy()
    out = events.iloc[rng.integers(0, len(events), n)].reset_index(drop=True).copy()
    day = pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 6 * 365, n), unit="D")
    out["date_start"] = day
    out["date_end"] = day
    out["place_id"] = rng.choice(points, n)
    out["event_id"] = [f"bench:{i}" for i in range(n)]
    out["dataset"] = "bench"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args(argv)
    data = load_dataset()
    claims = data.events.assign(dataset="articles")
    params = CrossCheckParams()
    print(f"{len(claims)} article claims, window {params.km:g} km / ±{params.days} day(s)")
    for n in args.events:
        events = pd.concat([claims, synthetic_events(claims, data.places, n)], ignore_index=True)
        times = []
        for _ in range(3):
            begin = time.perf_counter()
            check = cross_check(events, data.places, params)
            times.append(time.perf_counter() - begin)
        matched = len(check.claim_ids("with"))
        print(
            f"{n:>9,} dataset events: {min(times) * 1000:7.0f} ms (best of 3); "
            f"{len(check.matches):,} matches, {matched} claims matched"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
