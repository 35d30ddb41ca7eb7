"""Synthetic datasets of any size for the benchmarks and the large-data tests.

One generator for every bench (``bench_map``, ``bench_load``, ``bench_data``, the browser
benchmark): vectorised with numpy, so 1,000,000 claims take seconds, and shaped like real data
rather than uniform noise: places ~ N/20 (at most 20,000) with skewed (Zipf-like) use, a few
hundred claimants of whom a handful make most claims, actors and sources likewise, summaries of
varied length in Latin, Armenian, Azerbaijani and Russian script, some hostile strings
(``<script>``, ``=cmd|``, quotes, ampersands) that every output must escape, date spans and
precisions, blank places, figures and quotes. The bundled sources, places and stated distances
are kept (routes and the distance check still resolve) and synthetic ones added.

Run ``python -m bench.synth N DIR`` to write a folder; ``kcm validate --data DIR`` passes on it.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv

from src.dataset import DATA_DIR
from src.schema import (
    ARTICLES_DATASET,
    CLAIMANT_SIDES,
    DATE_PRECISIONS,
    EVENT_TAXONOMY,
    EVENTS,
    PLACES,
    SOURCES,
    STATED_DISTANCES,
    SUB_EVENT_TYPES,
    VERIFICATION,
)
from src.validation import typed_frame

__all__ = ["MAX_PLACES", "synthetic", "synthetic_dataset", "write_synthetic"]

#: Places grow with the data (one per 20 claims) up to this many, as a region's gazetteer does.
MAX_PLACES = 20_000
#: Synthetic articles added to the bundled five (a005 …): a source filter has a real choice.
EXTRA_SOURCES = 45
N_CLAIMANTS, N_ACTORS = 300, 120
#: The largest synthetic figure (killed or injured): the tail of a Zipf draw, clipped.
FIGURE_CAP = 5_000
#: Day 0 of the synthetic claims and how many days they spread over (most in 2020-2023).
START_DAY = np.datetime64("2020-01-01")
SPAN_DAYS = 1_500

#: Words of the summaries, in the scripts real notes use, and strings every output must escape.
_VOCABULARY = (
    "shelling reported near the village positions overnight forces ministry says claims "
    "soldiers civilians killed wounded convoy corridor checkpoint drone strike artillery "
    "blockade humanitarian aid evacuation talks statement denied according to sources "
    "local residents officials "
    "Ստեփանակերտ հրետակոծություն զինվորներ խաղաղ "  # Armenian
    "Xankəndi Şuşa atəşkəs mülki şəhid Ağdam "  # Azerbaijani
    "обстрел Степанакерт миротворцы Лачинский коридор"  # Russian
)
_WORDS = (*_VOCABULARY.split(), "«fatalities <10»", "losses > 200", "R&D", '"quoted"', "it's")
_HOSTILE = (
    "<script>alert('x')</script>",
    "=cmd|' /C calc'!A0",
    "+SUM(A1:A9)",
    "@AzDefenceMinistry",
    "<img src=x onerror=alert(1)>",
    "${7*7} `whoami` \\n",
)
_SCRIPTS = (
    ("Place", "Ավան", "Kənd", "Село"),
    ("Ministry of Defence", "Պաշտպանության նախարարություն", "Müdafiə Nazirliyi", "Минобороны"),
)


def _zipf_choice(rng: np.random.Generator, k: int, n: int, a: float = 1.1) -> np.ndarray:
    """``n`` indexes in [0, k) where index i is drawn in proportion to 1 / (i + 1) ** a."""
    weights = 1.0 / np.arange(1, k + 1) ** a
    return rng.choice(k, size=n, p=weights / weights.sum())


def _pool(rng: np.random.Generator, size: int, words: tuple[int, int]) -> list[str]:
    """Up to ``size`` distinct texts of between ``words`` words, drawn from the multilingual
    vocabulary, with a hostile string in about one in twenty."""
    vocab = np.array(_WORDS, dtype=object)
    lengths = rng.integers(words[0], words[1] + 1, size=size)
    texts = [" ".join(rng.choice(vocab, size=n)) for n in lengths]
    for i in np.flatnonzero(rng.random(size) < 0.05):
        texts[i] = f"{texts[i]} {_HOSTILE[i % len(_HOSTILE)]}"
    return list(dict.fromkeys(texts))


def _cat(codes: np.ndarray, values: list[str]) -> pd.Categorical[str]:
    """A column of ``values[codes]`` without building a million Python strings."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(values))


def _pick(
    rng: np.random.Generator, values: list[str], n: int, p: list[float] | None = None
) -> pd.Categorical[str]:
    return _cat(rng.choice(len(values), size=n, p=p), values)


def _ids(prefix: str, numbers: np.ndarray) -> pd.Series:
    text = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), 7, "0")
    return pd.Series(pd.arrays.ArrowStringArray(pc.binary_join_element_wise(prefix, text, "")))


def _names(prefix_choices: tuple[str, ...], k: int) -> list[str]:
    return [f"{prefix_choices[i % len(prefix_choices)]} {i}" for i in range(k)]


def _sources(base: pd.DataFrame, extra: int) -> pd.DataFrame:
    ids = [f"a{i:03d}" for i in range(len(base), len(base) + extra)]
    days = START_DAY + np.linspace(0, SPAN_DAYS, num=max(extra, 1)).astype(int)[:extra]
    return pd.DataFrame(
        {
            "source_id": ids,
            "file": [f"{s}_synthetic.txt" for s in ids],
            "headline": [f"Synthetic report {i} — Репортаж <{i}> & more" for i in range(extra)],
            "published": np.datetime_as_string(days, unit="D"),
            "outlet": "",
            "notes": "synthetic",
        }
    )


def _places(rng: np.random.Generator, k: int) -> pd.DataFrame:
    aliases = np.where(rng.random(k) < 0.3, [f"Alias {i}|Ալիաս {i}" for i in range(k)], "")
    return pd.DataFrame(
        {
            "place_id": [f"p{i}" for i in range(k)],
            "name": _names(_SCRIPTS[0], k),
            "aliases": aliases,
            "kind": rng.choice(["village", "town", "city"], size=k, p=[0.8, 0.15, 0.05]),
            "lat": np.round(rng.uniform(38.9, 40.9, size=k), 5).astype(str),
            "lon": np.round(rng.uniform(45.0, 48.0, size=k), 5).astype(str),
            "precision": rng.choice(["exact", "near", "region"], size=k, p=[0.7, 0.2, 0.1]),
            "country": rng.choice(["Azerbaijan", "Armenia"], size=k, p=[0.7, 0.3]),
            "in_theatre": "true",
            "waypoints": "",
            "coord_source": "synthetic",
            "notes": "",
        }
    )


def _blank_where(codes: np.ndarray, blank: np.ndarray, values: list[str]) -> pd.Categorical[str]:
    """``values[codes]``, or "" where ``blank``."""
    return _cat(np.where(blank, len(values), codes), [*values, ""])


def _figure(rng: np.random.Generator, n: int, stated: float) -> pd.Categorical[str]:
    """Mostly not stated; when stated, small numbers far more often than large ones (0 too)."""
    value = np.minimum(rng.zipf(1.6, size=n) - 1, FIGURE_CAP)
    numbers = [str(i) for i in range(FIGURE_CAP + 1)]
    return _blank_where(value, rng.random(n) >= stated, numbers)


def _events(rng: np.random.Generator, n: int, place_ids: list[str], n_sources: int) -> pd.DataFrame:
    types = list(EVENT_TAXONOMY)
    type_ix = _zipf_choice(rng, len(types), n, a=0.8)
    # a sub-type of the row's type: a uniform pick among that type's sub-types
    sub_counts = np.array([len(EVENT_TAXONOMY[t]) for t in types])
    offsets = np.concatenate([[0], np.cumsum(sub_counts)[:-1]])
    sub_ix = offsets[type_ix] + (rng.random(n) * sub_counts[type_ix]).astype(int)
    day = rng.integers(0, SPAN_DAYS, size=n)
    span = rng.choice([0, 0, 0, 0, 1, 2, 6, 30], size=n)
    days = list(np.datetime_as_string(START_DAY + np.arange(SPAN_DAYS + 31), unit="D"))
    claimants = _names(("Claimant", "Источник", "Mənbə", "Աղբյուր"), N_CLAIMANTS)
    claimants[3] = _HOSTILE[1]  # a formula-looking claimant among the frequent ones
    claimants[7] = "Ministry <b>of</b> Defence & Co"
    claimant_ix = _zipf_choice(rng, N_CLAIMANTS, n)
    side_of = rng.choice(len(CLAIMANT_SIDES), size=N_CLAIMANTS)  # a claimant keeps one side
    actors = _names(_SCRIPTS[1], N_ACTORS)
    # source lists: one article, or two (one in five); code a * S + b names "a;b" (a alone if a=b)
    src = _zipf_choice(rng, n_sources, n, a=0.9)
    second = _zipf_choice(rng, n_sources, n, a=0.9)
    second = np.where(rng.random(n) < 0.2, second, src)
    names = [f"a{i:03d}" for i in range(n_sources)]
    lists = [a if a == b else f"{a};{b}" for a in names for b in names]
    summaries = _pool(rng, 4_000, (4, 40))
    quotes = _pool(rng, 500, (3, 18))
    times = ["", "morning", "evening", "night", "14:30", "06:05"]
    return pd.DataFrame(
        {
            "event_id": _ids("E", np.arange(n)),
            "incident_id": _ids("I", np.cumsum(rng.random(n) < 0.4)),  # runs of claims
            "date_start": _cat(day, days),
            "date_end": _cat(day + span, days),
            "date_precision": _pick(rng, list(DATE_PRECISIONS), n, [0.85, 0.08, 0.05, 0.02]),
            "time_of_day": _pick(rng, times, n, [0.6, 0.1, 0.1, 0.1, 0.05, 0.05]),
            "place_id": _blank_where(
                _zipf_choice(rng, len(place_ids), n, a=0.9), rng.random(n) < 0.02, place_ids
            ),
            "event_type": _cat(type_ix, types),
            "sub_event_type": _cat(sub_ix, list(SUB_EVENT_TYPES)),
            "actor1": _cat(_zipf_choice(rng, N_ACTORS, n), actors),
            "actor2": _blank_where(_zipf_choice(rng, N_ACTORS, n), rng.random(n) < 0.3, actors),
            "claimant": _cat(claimant_ix, claimants),
            "claimant_side": _cat(side_of[claimant_ix], list(CLAIMANT_SIDES)),
            "source_ids": _cat(src * n_sources + second, lists),
            "fatalities": _figure(rng, n, 0.3),
            "injured": _figure(rng, n, 0.2),
            "figures_note": _pick(rng, ["", "as claimed; 0 = none reported"], n, [0.95, 0.05]),
            "verification": _pick(rng, list(VERIFICATION), n, [0.8, 0.1, 0.05, 0.05]),
            "summary": _cat(rng.integers(0, len(summaries), size=n), summaries),
            "quote": _blank_where(
                rng.integers(0, len(quotes), size=n), rng.random(n) >= 0.2, quotes
            ),
            "notes": _pick(rng, ["", "synthetic row; see bench/synth.py"], n, [0.9, 0.1]),
            # drawn last, so the columns above are what they were before these existed
            "displaced": _figure(rng, n, 0.02),
            "missing": _figure(rng, n, 0.01),
        }
    )


def synthetic_dataset(
    n: int, seed: int = 7, extra_sources: int = EXTRA_SOURCES
) -> dict[str, pd.DataFrame]:
    """The text (file) frames of a valid dataset of ``n`` claims: sources, places, events and
    stated_distances, each with exactly the schema's columns, every cell a string."""
    rng = np.random.default_rng(seed)
    base = {
        spec.name: pd.read_csv(DATA_DIR / spec.filename, dtype=str, keep_default_na=False)
        for spec in (SOURCES, PLACES, STATED_DISTANCES)
    }
    sources = pd.concat([base["sources"], _sources(base["sources"], extra_sources)])
    places = pd.concat([base["places"], _places(rng, min(MAX_PLACES, max(50, n // 20)))])
    events = _events(rng, n, list(places["place_id"]), len(sources))
    # the columns imported datasets fill (dataset, original_id, …): blank for article claims
    events = events.assign(**{c: "" for c in EVENTS.column_names if c not in events.columns})
    events = events[list(EVENTS.column_names)]
    return {
        "sources": sources.reset_index(drop=True),
        "places": places.reset_index(drop=True),
        "events": events,
        "stated_distances": base["stated_distances"],
    }


def write_synthetic(n: int, directory: Path, seed: int = 7) -> Path:
    """A dataset folder with ``n`` synthetic claims that passes ``kcm validate``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    frames = synthetic_dataset(n, seed)
    for spec in (SOURCES, PLACES, EVENTS):
        table = pa.Table.from_pandas(
            frames[spec.name][list(spec.column_names)], preserve_index=False
        )
        csv.write_csv(table, directory / spec.filename)  # pyarrow: 10x pandas' to_csv
    shutil.copy(DATA_DIR / STATED_DISTANCES.filename, directory / STATED_DISTANCES.filename)
    return directory


def synthetic(n: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(events, places) typed as ``load_dataset`` types them, without writing files: for the
    benches that time what happens after loading."""
    frames = synthetic_dataset(n, seed)
    events = typed_frame(EVENTS, frames["events"]).assign(dataset=ARTICLES_DATASET)
    places = typed_frame(PLACES, frames["places"])
    return events.drop(columns="line"), places.drop(columns="line")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m bench.synth N DIR", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    folder = write_synthetic(int(argv[0]), Path(argv[1]))
    print(f"{int(argv[0]):,} claims written to {folder} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
