"""From an article to its proposal: one draft claim per sentence that reports something.

A sentence is a draft when it names a happening (a type rule fits), states a figure, or
attributes a statement to someone. Its date is the one it states, else the last day-precise
date of the sentences before it (news narrates "on Tuesday …" once), else the publication
day. Its place is the most specific place it names; a statement by a government with no
town named is placed at that government's seat (the dataset's convention: the Armenian
Foreign Ministry speaks from Yerevan); an act with no place inherits the previous act's.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from src.geo.gazetteer import Gazetteer
from src.geo.regional import regional_gazetteer
from src.ingest.attribution import Attribution, Attributor
from src.ingest.dates import DateGuess, find_date, time_of_day
from src.ingest.extract import Sentence, sentences
from src.ingest.figures import Figures, find_figures
from src.ingest.incidents import IncidentIndex
from src.ingest.places import PlaceFinder, best_mention
from src.ingest.proposal import Article, DraftClaim, PlaceMention, Proposal
from src.ingest.types import Suggestion, actors, suggest_type
from src.schema import QUOTE_MAX_WORDS

if TYPE_CHECKING:
    from src.dataset import Dataset

__all__ = ["build_proposal", "next_source_id", "outlet_claimant", "place_finder"]

#: Where a government's statement is placed when the sentence names no town.
SEATS = {
    "Azerbaijan": "baku",
    "Armenia": "yerevan",
    "Russia": "moscow",
    "Nagorno-Karabakh authorities": "stepanakert",
}
_SPEECH_TYPES = {"Statements and talks"}
#: A statement placed by its country's name alone is placed at the capital.
_CAPITALS = {"armenia": "yerevan", "azerbaijan": "baku"}
_MIN_WORDS = 5
#: Acts that a speaker's sentence asserts rather than reports as witnessed: without a figure
#: such a sentence is coded as the statement (or denial) it is.
_SAID_NOT_DONE = {
    "Armed clash",
    "Blockade",
    "Checkpoint",
    "Government regains territory",
    "Aid delivery",
    "Peaceful protest",
    "Agreement",
    "Other",
}
_DENIAL = re.compile(r"\b(?:denied|denies|deny|refuted|rejected|dismissed)\b", re.I)
#: The seat of a claimant that no side's seat covers, by the words of its name.
_CLAIMANT_SEATS = (
    (re.compile(r"\bU\.?N\.?\b|United Nations|Guterres|Security Council"), "new_york_un"),
    (re.compile(r"\bEU\b|European|Brussels|Klaar|Borrell"), "brussels"),
    (
        re.compile(r"\bU\.?S\.?\b|United States|State Department|Blinken|White House|Washington"),
        "washington",
    ),
    (re.compile(r"Kremlin|Russian|Russia"), "moscow"),
)
#: An agreement brokered by a power is placed at its capital.
_BROKER = re.compile(
    r"(?P<who>Russia|Russian|U\.?S\.?|American|EU|European)[- ](?:brokered|mediated)"
    r"|brokered by (?:the )?(?P<by>Russia|Russian|U\.?S\.?|American|EU|European)"
)
_BROKER_SEATS = {
    "russia": "moscow",
    "russian": "moscow",
    "us": "washington",
    "u.s.": "washington",
    "american": "washington",
    "eu": "brussels",
    "european": "brussels",
}
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_SOURCE_ID = re.compile(r"^a(\d{3})$")
_cache: dict[str, tuple[PlaceFinder, dict[str, str]]] = {}


def bundled_places(dataset: Dataset) -> pd.DataFrame:
    """The curated gazetteer's rows (imported datasets' own points are not names to match)."""
    places = dataset.places
    return places[~places["place_id"].astype(str).str.contains(":", regex=False)]


def place_finder(dataset: Dataset) -> tuple[PlaceFinder, dict[str, str]]:
    """The finder over this dataset version's places (and each place's kind), built once."""
    if dataset.version not in _cache:
        places = bundled_places(dataset)
        finder = PlaceFinder(
            Gazetteer.from_frame(places),
            regional_gazetteer(),
            dict(zip(places["place_id"].astype(str), places["country"].astype(str), strict=True)),
        )
        kinds = dict(zip(places["place_id"].astype(str), places["kind"].astype(str), strict=True))
        _cache.clear()
        _cache[dataset.version] = (finder, kinds)
    return _cache[dataset.version]


def next_source_id(sources: pd.DataFrame) -> str:
    """The next bundled source id (``a005`` after ``a004``)."""
    numbers = [
        int(m.group(1)) for s in sources["source_id"].astype(str) if (m := _SOURCE_ID.match(s))
    ]
    return f"a{max(numbers, default=-1) + 1:03d}"


def outlet_claimant(article: Article, source_id: str) -> str:
    """The claimant of what the article says in its own voice."""
    return article.outlet.strip() or f"Reporting outlet (article {source_id})"


def quote_of(sentence: str, anchor: int = 0) -> str:
    """The sentence verbatim if it has at most QUOTE_MAX_WORDS words, else the run of that
    many words around ``anchor`` (a character offset in the sentence)."""
    words = list(re.finditer(r"\S+", sentence))
    if len(words) <= QUOTE_MAX_WORDS:
        return sentence
    at = next((i for i, w in enumerate(words) if w.end() > anchor), 0)
    first = max(0, min(at - QUOTE_MAX_WORDS // 3, len(words) - QUOTE_MAX_WORDS))
    chosen = words[first : first + QUOTE_MAX_WORDS]
    return sentence[chosen[0].start() : chosen[-1].end()].strip(" ,;:")


def _is_prose(sentence: Sentence, headline: str) -> bool:
    text = sentence.text
    if text.strip() == headline.strip() or text.startswith("#"):
        return False
    return len(text.split()) >= _MIN_WORDS


def _anchor(sentence: Sentence, mentions: list[PlaceMention], figures: Figures) -> int:
    digits = re.search(r"\d", sentence.text)
    if figures.any and digits:
        return digits.start()
    located = [m for m in mentions if m.status == "found"]
    return located[0].start - sentence.start if located else 0


#: How far before publication the article's first stated day may lie to be its "today".
LEAD_DAYS = 3


def lead_day(text: str, published: date) -> DateGuess:
    """The day the article's undated sentences are about: its first stated day within
    LEAD_DAYS before publication (a report published past midnight about "Tuesday"), else the
    publication day."""
    for sentence in sentences(text):
        guess = find_date(sentence.text, published)
        if (
            guess is not None
            and guess.precision == "day"
            and not guess.ongoing
            and timedelta(0) <= published - guess.start <= timedelta(days=LEAD_DAYS)
        ):
            return DateGuess(guess.start, guess.start, "day")
    return DateGuess(published, published, "day")


class _Context:
    """What later sentences inherit: the last stated day (the whole article on) and month
    (to the end of its paragraph: "In April this year …"), and the last act's place."""

    def __init__(self, text: str, published: date) -> None:
        self.day = lead_day(text, published)
        self.month: tuple[DateGuess, int] | None = None
        self.place: PlaceMention | None = None
        self.claimant: Attribution | None = None
        #: the last draft's type, for a sentence that only adds figures to it
        self.suggestion: Suggestion | None = None

    def date(self, guess: DateGuess | None, paragraph: int) -> DateGuess:
        """``guess``, else what this sentence inherits; remembers what later ones inherit."""
        if guess is None:
            if self.month is not None and self.month[1] == paragraph:
                return self.month[0]
            return self.day
        if not guess.ongoing and guess.precision == "day":
            self.day, self.month = guess, None
        elif not guess.ongoing and guess.precision == "month":
            self.month = (guess, paragraph)
        return guess


def build_proposal(article: Article, dataset: Dataset) -> Proposal:
    """The proposal for ``article`` (see the module docstring)."""
    finder, kinds = place_finder(dataset)
    source_id = next_source_id(dataset.sources)
    known = dataset.events[["claimant", "claimant_side"]].drop_duplicates()
    attributor = Attributor(
        zip(known["claimant"].astype(str), known["claimant_side"].astype(str), strict=True),
        outlet_claimant(article, source_id),
    )
    incidents = IncidentIndex(dataset.events)
    mentions = finder.find(article.text)
    context = _Context(article.text, article.published)
    claims: list[DraftClaim] = []
    for sentence in sentences(article.text):
        if not _is_prose(sentence, article.headline):
            continue
        inside = [m for m in mentions if sentence.start <= m.start < sentence.end]
        paragraph = article.text.count("\n\n", 0, sentence.start)
        draft = _draft(sentence, paragraph, inside, article, attributor, context, kinds, finder)
        if draft is None:
            continue
        start, end = date.fromisoformat(draft.date_start), date.fromisoformat(draft.date_end)
        found = incidents.candidates(
            draft.place_id, start, end, draft.event_type, draft.sub_event_type
        )
        draft.incident_candidates = tuple(found)
        draft.incident_id = incidents.best(found, draft.place_id, start, draft.sub_event_type)
        draft.draft_id = f"d{len(claims) + 1:03d}"
        claims.append(draft)
    return Proposal(article=article, places=mentions, claims=claims)


def _draft(
    sentence: Sentence,
    paragraph: int,
    mentions: list[PlaceMention],
    article: Article,
    attributor: Attributor,
    context: _Context,
    kinds: dict[str, str],
    finder: PlaceFinder,
) -> DraftClaim | None:
    text = sentence.text
    figures = find_figures(text)
    attribution = attributor.attribute(text, context.claimant)
    attributed = bool(attribution.phrase)
    # what a speaker is quoted as saying is their statement, not an act the outlet reports
    suggestion = suggest_type(_QUOTED.sub(" ", text) if attributed else text, attributed)
    if attributed and not figures.any and suggestion.sub_event_type in _SAID_NOT_DONE:
        suggestion = Suggestion(
            "Statements and talks", "Denial" if _DENIAL.search(text) else "Statement", True
        )
    if not (suggestion.matched or figures.any or attributed):
        return None
    hurt = figures.fatalities is not None or figures.injured is not None
    if not suggestion.matched and hurt:
        # "More than 200 wounded were taken to hospital": the act the article reports before;
        # with none, an attack (on civilians where it says so)
        suggestion = context.suggestion or (
            Suggestion("Violence against civilians", "Attack", False)
            if re.search(r"\bcivilian", text, re.I)
            else Suggestion("Battles", "Armed clash", False)
        )
    context.suggestion = suggestion
    if attributed:
        context.claimant = attribution
    guess = find_date(text, article.published)
    if guess is not None and suggestion.event_type in _SPEECH_TYPES and guess.precision != "day":
        guess = None  # "… signed in 2020", says the ministry: dated when it is said
    guess = context.date(guess, paragraph)
    place = _place(mentions, suggestion, attribution, kinds, context, finder, text)
    actor1, actor2 = actors(text, suggestion, attribution.claimant, attribution.side)
    other = {**figures.notes, **figures.other}
    return DraftClaim(
        draft_id="",
        date_start=guess.start.isoformat(),
        date_end=guess.end.isoformat(),
        date_precision=guess.precision,
        time_of_day=time_of_day(text),
        place_id=place.place_id if place else None,
        lat=place.lat if place else None,
        lon=place.lon if place else None,
        place_mention=place.mention if place else "",
        claimant=attribution.claimant,
        claimant_side=attribution.side,
        actor1=actor1,
        actor2=actor2,
        fatalities=figures.fatalities,
        injured=figures.injured,
        displaced=figures.displaced,
        missing=figures.missing,
        other_figures=other,
        event_type=suggestion.event_type,
        sub_event_type=suggestion.sub_event_type,
        quote=quote_of(text, _anchor(sentence, mentions, figures)),
        incident_id=None,
        incident_candidates=(),
    )


def _seat(attribution: Attribution) -> str | None:
    if attribution.side in SEATS:
        return SEATS[attribution.side]
    for pattern, place_id in _CLAIMANT_SEATS:
        if pattern.search(attribution.claimant) or pattern.search(attribution.phrase):
            return place_id
    return None


def _place(
    mentions: list[PlaceMention],
    suggestion: Suggestion,
    attribution: Attribution,
    kinds: dict[str, str],
    context: _Context,
    finder: PlaceFinder,
    text: str,
) -> PlaceMention | None:
    best = best_mention(mentions, kinds)
    specific = best is not None and kinds.get(best.place_id or "", "village") not in {
        "region",
        "country",
    }
    broker = _BROKER.search(text) if suggestion.sub_event_type == "Agreement" else None
    if broker and not specific:
        seat = _BROKER_SEATS.get((broker.group("who") or broker.group("by")).casefold())
        if seat and seat in finder.gazetteer:
            return _seat_mention(finder, seat)
    if suggestion.event_type in _SPEECH_TYPES:
        seat = _seat(attribution) if attribution.phrase else None
        # a statement is made where its speaker sits, whatever it speaks about; talks are
        # held where the text says
        talks = suggestion.sub_event_type == "Negotiations/talks"
        if seat and seat in finder.gazetteer and not (talks and specific):
            return _seat_mention(finder, seat)
        if best is not None and kinds.get(best.place_id or "") == "country":
            capital = _CAPITALS.get(best.place_id or "")
            if capital and capital in finder.gazetteer:
                return _seat_mention(finder, capital)
        return best
    # an act happens somewhere more precise than a country the sentence names as an actor
    acts = [m for m in mentions if kinds.get(m.place_id or "") != "country"]
    best = best_mention(acts, kinds)
    unplaced = [m for m in acts if m.status != "found"]
    if unplaced and (best is None or kinds.get(best.place_id or "") == "region"):
        # "shells hit Martuni" (three Martunis) in Nagorno-Karabakh: the claim waits for the
        # analyst's choice of Martuni (as the prose writes it, not a dateline's capitals),
        # and so do the sentences after it that name no place, as with a found place
        context.place = min(unplaced, key=lambda m: (m.mention.isupper(), m.start))
        return context.place
    if best is not None:
        context.place = best
        return best
    return context.place


def _seat_mention(finder: PlaceFinder, place_id: str) -> PlaceMention:
    """A government's seat as the place of its statement (no text span: "" at 0)."""
    c = finder.curated(place_id)
    return PlaceMention(
        "", 0, 0, "found", c.place_id, c.name, c.lat, c.lon, c.precision, c.provenance, (c,)
    )
