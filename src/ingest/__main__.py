"""``kcm ingest FILE --published YYYY-MM-DD``: propose the places and draft claims of an
article (.txt, .md or a saved .html page).

``--json`` prints the proposal as one JSON object (places: mention, place_id or null, name,
lat, lon, precision, provenance, candidates; claims: dates and precision, place, claimant,
figures, type, quote, incident); without it a short table. Nothing is written unless
``--save``, which saves every draft as proposed (its regional places as new places.csv rows)
in one atomic step. Exit 0 on success, 1 if the save is refused (problems printed as
``file:line: field: message``, or the data changed meanwhile), 2 for an unusable argument.
``python -m src.ingest FILE …`` is the same.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from src.cli import add_data_option, strict_date
from src.dataset import DataValidationError, default_data_dir, load_dataset
from src.ingest.proposal import Proposal, propose, read_article
from src.ingest.save import IngestError, data_version, save_article
from src.store import ConflictError, StoreError


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``kcm ingest``."""
    parser.add_argument("file", help="the article: .txt, .md or a saved .html page")
    parser.add_argument(
        "--published",
        metavar="YYYY-MM-DD",
        help="publication date (relative dates resolve against it); required unless the "
        "page states one",
    )
    parser.add_argument("--outlet", metavar="NAME", help="the outlet, where the text lacks it")
    parser.add_argument("--headline", metavar="TEXT", help="the headline, where the text lacks it")
    parser.add_argument("--json", action="store_true", help="print the proposal as JSON")
    parser.add_argument(
        "--save", action="store_true", help="write the proposal as is (default: write nothing)"
    )
    add_data_option(parser)


def _table(proposal: Proposal) -> str:
    lines = [f"{len(proposal.places)} place mention(s), {len(proposal.claims)} draft claim(s)"]
    for p in proposal.places:
        where = p.place_id or (f"{p.lat:.4f},{p.lon:.4f}" if p.lat is not None else "-")
        lines.append(f"  place  {p.status:9} {p.mention!r} → {where} {p.provenance}")
    for c in proposal.claims:
        figures = " ".join(
            f"{k}={v}"
            for k, v in (
                ("killed", c.fatalities),
                ("injured", c.injured),
                ("displaced", c.displaced),
                ("missing", c.missing),
            )
            if v is not None
        )
        lines.append(
            f"  {c.draft_id} {c.date_start}/{c.date_end} ({c.date_precision}) "
            f"{c.place_id or '-'} {c.event_type} / {c.sub_event_type}; {c.claimant} "
            f"[{c.claimant_side}] {figures}".rstrip()
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Propose (and with --save, write) one article."""
    data_dir = Path(args.data) if args.data else default_data_dir()
    published = None
    if args.published:
        published = strict_date(args.published)
        if published is None:
            print(
                f"error: --published: {args.published!r} is not a date YYYY-MM-DD", file=sys.stderr
            )
            return 2
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"error: {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        article = read_article(data, path.name, published, args.outlet, args.headline)
    except ValueError as exc:
        print(f"error: {exc} (--published YYYY-MM-DD)", file=sys.stderr)
        return 2
    try:
        version = data_version(data_dir)
        dataset = load_dataset(data_dir)
    except DataValidationError as exc:
        print(f"error: the data folder does not load: {exc}", file=sys.stderr)
        return 2
    proposal = propose(article, dataset)
    if args.json:
        print(json.dumps(proposal.to_json_dict(), ensure_ascii=False, indent=1, allow_nan=False))
    else:
        print(_table(proposal))
    if not args.save:
        return 0
    regional = [
        c
        for m in proposal.places
        if m.status == "found"
        for c in m.candidates
        if c.place_id is None
    ]
    try:
        result = save_article(data_dir, article, proposal.claims, regional, version)
    except IngestError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("nothing written", file=sys.stderr)
        return 1
    except ConflictError as exc:
        print(f"error: {exc}; nothing written", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"saved source {result.source_id}: {len(result.event_ids)} claim(s), "
        f"{len(result.place_ids)} new place(s)",
        file=sys.stderr,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m src.ingest FILE …``: the same as ``kcm ingest``."""
    parser = argparse.ArgumentParser(prog="python -m src.ingest")
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
