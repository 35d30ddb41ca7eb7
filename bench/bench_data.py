"""Data bench: generating, validating, loading and filtering 10k / 100k / 1M synthetic claims.

Run from the repository root: ``.venv/bin/python -m bench.bench_data [SIZES…]`` (default
10000 100000 1000000). Per size it writes a folder with ``bench.synth`` and then, each in a
fresh Python process (as the app starts): the *cold* load (validation of every row, then the
snapshot written), the *warm* load (the snapshot of the same bytes, no validation) with the
process's RSS after it, the hashing of the files alone, and the filter changes an analyst makes
(a side, a type, a date window, a source, an actor, a text search: the first one builds the
search index, later ones reuse it; a place; a search naming a place by an alias, with the
alias lookup ``search_places`` timed apart), plus ``facet_options``. Times are wall-clock seconds or
milliseconds (median of 5 for filters); on a busy machine read the ratios.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synth import write_synthetic

ROOT = Path(__file__).resolve().parent.parent

#: Runs in a fresh process: load the folder, report seconds, RSS and (warm) filter times.
CHILD = r"""
import json, statistics, sys, time
from datetime import timedelta
t0 = time.perf_counter()
from pathlib import Path
from src.dataset import default_paths, load_dataset
from src.filters import FilterState, apply_filters, facet_options, search_places
from src.snapshot import digest_files
t1 = time.perf_counter()
folder = Path(sys.argv[1])
data = load_dataset(folder)
t2 = time.perf_counter()
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
out = {"import_s": t1 - t0, "load_s": t2 - t1, "rss_mb": rss(), "rows": len(data.events),
       "frame_mb": data.events.memory_usage(deep=True).sum() / 1e6}
if sys.argv[2] == "warm":
    h = time.perf_counter(); digest_files(default_paths(folder), ["sources", "places", "events"])
    out["hash_s"] = time.perf_counter() - h
    ev = data.events
    first = lambda c: ev[c].value_counts().index[0]
    mid = ev["date_start"].min() + (ev["date_end"].max() - ev["date_start"].min()) / 2
    changes = {
        "side": FilterState(sides=(first("claimant_side"),)),
        "type": FilterState(types=(first("event_type"),)),
        "window": FilterState(date_from=mid.date(), date_to=(mid + timedelta(days=30)).date()),
        "source": FilterState(sources=("a001",)),
        "actor": FilterState(actors=(first("actor1"),)),
        "text": FilterState(text="степанакерт"),
        "place": FilterState(places=(first("place_id"),)),
        "alias": FilterState(text="Khankendi",
                             text_places=search_places("Khankendi", data.places)),
        "combined": FilterState(period="blockade", sides=(first("claimant_side"),),
                                types=(first("event_type"),)),
    }
    t = time.perf_counter(); apply_filters(ev, changes["text"])
    out["text_first_ms"] = (time.perf_counter() - t) * 1000
    for name, state in changes.items():
        runs = []
        for _ in range(5):
            t = time.perf_counter(); shown = apply_filters(ev, state)
            runs.append((time.perf_counter() - t) * 1000)
        out[name + "_ms"] = statistics.median(runs)
        out[name + "_rows"] = len(shown)
    t = time.perf_counter(); search_places("Xankəndi", data.places)
    out["place_search_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter(); facet_options(ev, data.sources)
    out["facets_ms"] = (time.perf_counter() - t) * 1000
    out["rss_after_filters_mb"] = rss()
print(json.dumps(out))
"""


def child(folder: Path, mode: str) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def measure(n: int, tmp: Path) -> dict[str, float]:
    t = time.perf_counter()
    folder = write_synthetic(n, tmp / f"s{n}")
    generate = time.perf_counter() - t
    size = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
    cold = child(folder, "cold")
    warm = child(folder, "warm")
    return (
        {"n": n, "generate_s": generate, "csv_mb": size, "cold_s": cold["load_s"]}
        | {k: v for k, v in warm.items() if k != "load_s"}
        | {"warm_s": warm["load_s"], "cold_rss_mb": cold["rss_mb"]}
    )


COLUMNS = (
    ("claims", "n", "{:,.0f}"),
    ("CSV MB", "csv_mb", "{:.0f}"),
    ("generate s", "generate_s", "{:.1f}"),
    ("cold load s", "cold_s", "{:.1f}"),
    ("warm load s", "warm_s", "{:.2f}"),
    ("hash s", "hash_s", "{:.2f}"),
    ("RSS MB", "rss_mb", "{:.0f}"),
    ("frame MB", "frame_mb", "{:.0f}"),
    ("side ms", "side_ms", "{:.0f}"),
    ("type ms", "type_ms", "{:.0f}"),
    ("window ms", "window_ms", "{:.0f}"),
    ("source ms", "source_ms", "{:.0f}"),
    ("actor ms", "actor_ms", "{:.0f}"),
    ("text ms (1st)", "text_ms", "{:.0f} ({text_first_ms:.0f})"),
    ("place ms", "place_ms", "{:.0f}"),
    ("alias text ms (place search)", "alias_ms", "{:.0f} ({place_search_ms:.0f})"),
    ("combined ms", "combined_ms", "{:.0f}"),
    ("facets ms", "facets_ms", "{:.0f}"),
)


def table(rows: list[dict[str, float]]) -> str:
    """The results as a Markdown table (README's performance section takes it as is)."""
    lines = ["| " + " | ".join(c[0] for c in COLUMNS) + " |"]
    lines.append("|" + "---:|" * len(COLUMNS))
    for r in rows:
        cells = [fmt.format(r[key], **r) for _, key, fmt in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [10_000, 100_000, 1_000_000]
    rows = []
    with tempfile.TemporaryDirectory(prefix="kcm-bench-data-") as tmp:
        for n in sizes:
            rows.append(measure(n, Path(tmp)))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(table(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
