"""Score the article ingest against the hand-coded claims of the five seed articles.

    python bench/bench_ingest.py [--seeds ../shared/seeds] [--data data] [--verbose]

The seeds' claims are hidden first: the proposal is made against the dataset *without* the
events citing any seed article (so neither their claimant names nor their incidents can
help), with the curated places kept. Each hand-coded claim is matched to the sentence its
quote comes from (most shared words), and to the draft made from that sentence, if any.

Printed per article and in total:

- places: recall = the places the article's claims use that the proposal names (a found
  mention, a candidate of an ambiguous one, or a draft's place); precision = the proposal's
  places that the article's claims use (the texts name places no claim needs, so this is a
  floor, not an error rate);
- claims: hand-coded claims whose sentence yielded a draft;
- dates: matched claims whose draft starts on the same day (exact day), and with the same
  start and end;
- claim places: matched claims whose draft has the same place;
- figures: killed/injured figures the claims state that the draft states alike (recall), and
  the drafts' figures that the claims agree with (precision).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from src.dataset import Dataset, load_dataset  # noqa: E402
from src.ingest.extract import sentences  # noqa: E402
from src.ingest.proposal import DraftClaim, Proposal, propose, read_article  # noqa: E402
from src.schema import split_list  # noqa: E402

_WORD = re.compile(r"[a-z0-9]+")
#: A claim's quote must share this share of its words with a sentence to be matched to it.
MATCH_MIN = 0.6
#: The coder's note saying the claim's date is not in the article.
_OUTSIDE = re.compile(
    r"(?:date|dated|start|deployment|since then|fighting began|signed)[^.]{0,120}outside the "
    r"articles|outside the articles[^.]{0,40}(?:date|signed|fighting)|outside knowledge",
    re.I,
)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold().replace("’", "'")))


@dataclass
class Score:
    """Counts for one article (or the total)."""

    places_hand: int = 0
    places_found: int = 0
    places_proposed: int = 0
    places_right: int = 0
    claims: int = 0
    claims_matched: int = 0
    days_right: int = 0
    #: claims whose date the article itself gives (the coder's notes do not say the date
    #: comes from outside the articles), and how many of those the draft dates right
    in_text: int = 0
    in_text_right: int = 0
    spans_right: int = 0
    claim_places_right: int = 0
    figures_hand: int = 0
    figures_found: int = 0
    figures_drafted: int = 0
    figures_agreed: int = 0
    drafts: int = 0
    seconds: float = 0.0
    missed: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name, value in vars(other).items():
            if isinstance(value, (int, float)):
                setattr(self, name, getattr(self, name) + value)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} % ({part}/{whole})" if whole else "    – (0/0)"


def hidden(dataset: Dataset, source_ids: set[str]) -> Dataset:
    """The dataset without the claims citing any of ``source_ids``."""
    cites = dataset.events["source_ids"].map(lambda v: bool(set(split_list(v)) & source_ids))
    return replace(dataset, events=dataset.events[~cites].reset_index(drop=True))


def _sentence_of(text: str, quote: str) -> int | None:
    want = _words(quote)
    best, index = 0.0, None
    for i, sentence in enumerate(sentences(text)):
        share = len(want & _words(sentence.text)) / max(1, len(want))
        if share > best:
            best, index = share, i
    return index if best >= MATCH_MIN else None


def _draft_sentences(text: str, proposal: Proposal) -> dict[int, DraftClaim]:
    spans = sentences(text)
    found: dict[int, DraftClaim] = {}
    for draft in proposal.claims:
        at = text.find(draft.quote)
        for i, s in enumerate(spans):
            if s.start <= at < s.end:
                found.setdefault(i, draft)
    return found


def _proposed_places(proposal: Proposal) -> set[str]:
    ids = {m.place_id for m in proposal.places if m.place_id}
    ids |= {c.place_id for m in proposal.places for c in m.candidates if c.place_id}
    return ids | {d.place_id for d in proposal.claims if d.place_id}


def _figure(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


def score_article(text: str, proposal: Proposal, claims: pd.DataFrame) -> Score:
    score = Score(claims=len(claims), drafts=len(proposal.claims))
    hand_places = {p for p in claims["place_id"].astype(str) if p and p != "<NA>"}
    proposed = _proposed_places(proposal)
    score.places_hand, score.places_found = len(hand_places), len(hand_places & proposed)
    score.places_proposed, score.places_right = len(proposed), len(proposed & hand_places)
    score.missed += [f"place {p}" for p in sorted(hand_places - proposed)]
    score.missed += [f"extra place {p}" for p in sorted(proposed - hand_places)]
    drafts = _draft_sentences(text, proposal)
    for row in claims.itertuples():
        at = _sentence_of(text, str(row.quote))
        draft = drafts.get(at) if at is not None else None
        hand = {"fatalities": _figure(row.fatalities), "injured": _figure(row.injured)}
        score.figures_hand += sum(v is not None for v in hand.values())
        if draft is None:
            score.missed.append(f"{row.event_id}: {str(row.quote)[:70]}")
            continue
        score.claims_matched += 1
        start, end = str(row.date_start)[:10], str(row.date_end)[:10]
        hand_place = "" if pd.isna(row.place_id) else str(row.place_id)
        score.days_right += draft.date_start == start
        score.spans_right += (draft.date_start, draft.date_end) == (start, end)
        score.claim_places_right += (draft.place_id or "") == hand_place
        if not _OUTSIDE.search(str(row.notes)):
            score.in_text += 1
            score.in_text_right += draft.date_start == start
        said = f"{row.event_id}: {draft.quote[:50]}"
        if draft.date_start != start:
            score.missed.append(f"date {start}..{end}, drafted {draft.date_start} — {said}")
        if (draft.place_id or "") != hand_place:
            score.missed.append(f"claim place {hand_place}, drafted {draft.place_id} — {said}")
        mine = {"fatalities": draft.fatalities, "injured": draft.injured}
        score.figures_found += sum(v is not None and mine[k] == v for k, v in hand.items())
        score.figures_drafted += sum(v is not None for v in mine.values())
        score.figures_agreed += sum(v is not None and hand[k] == v for k, v in mine.items())
    return score


def _print(name: str, s: Score) -> None:
    places = f"recall {_pct(s.places_found, s.places_hand)}"
    places += f"   precision {_pct(s.places_right, s.places_proposed)}"
    days = f"exact day {_pct(s.days_right, s.claims_matched)}"
    days += f"   start+end {_pct(s.spans_right, s.claims_matched)}"
    figures = f"recall {_pct(s.figures_found, s.figures_hand)}"
    figures += f"   precision {_pct(s.figures_agreed, s.figures_drafted)}"
    print(f"{name}: {s.drafts} drafts for {s.claims} hand-coded claims, {s.seconds:.2f} s")
    print(f"  places    {places}")
    print(f"  claims    matched {_pct(s.claims_matched, s.claims)}")
    print(f"  dates     {days}")
    print(f"  dates     exact day, dated in the text {_pct(s.in_text_right, s.in_text)}")
    print(f"  places    per claim {_pct(s.claim_places_right, s.claims_matched)}")
    print(f"  figures   {figures}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--verbose", action="store_true", help="list the claims not matched")
    args = parser.parse_args(argv)
    dataset = load_dataset(args.data)
    sources = dataset.sources[dataset.sources["source_id"].astype(str).str.fullmatch(r"a\d{3}")]
    blind = hidden(dataset, set(sources["source_id"].astype(str)))
    total = Score()
    for source in sources.itertuples():
        path = args.seeds / str(source.file)
        published = pd.Timestamp(source.published).date()
        started = time.perf_counter()
        article = read_article(path, path.name, date.fromordinal(published.toordinal()), None, None)
        proposal = propose(article, blind)
        elapsed = time.perf_counter() - started
        cites = dataset.events["source_ids"].map(
            lambda v, s=str(source.source_id): s in split_list(v)
        )
        score = score_article(article.text, proposal, dataset.events[cites])
        score.seconds = elapsed
        _print(f"{source.source_id} {source.file}", score)
        if args.verbose:
            for line in score.missed:
                print(f"    not matched: {line}")
        total.add(score)
    _print("all five", total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
