"""Every place an article names: the curated gazetteer's names and aliases first, then the
regional GeoNames layer; ambiguous names with their candidates; cue-led names ("in X",
"village of X") that neither knows, listed as unknown.

Words are matched as runs of up to ``MAX_WORDS`` words starting with a capital, longest
first, by the gazetteer's own keys (``normalize``: case, accents, Azerbaijani letters,
punctuation; then ``loose_key``: transliteration variants), so "Stepanakert's",
"Khankendi/Stepanakert", "Xankəndi" and "Shusha (Shushi)" all resolve. Two mentions of one
place written side by side ("Shusha (Shushi)") become one mention. A regional place within
``SAME_PLACE_KM`` of a curated one is the curated one (the reviewed coordinates win).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from src.geo.gazetteer import Gazetteer
from src.geo.normalize import loose_key, normalize
from src.geo.regional import PRECISION as REGIONAL_PRECISION
from src.geo.regional import PROVENANCE as REGIONAL
from src.geo.regional import RegionalGazetteer, RegionalPlace
from src.ingest.proposal import Candidate, PlaceMention

__all__ = ["MAX_WORDS", "PlaceFinder", "haversine_km"]

MAX_WORDS = 5
SAME_PLACE_KM = 3.0
#: The shortest single word the loose (transliteration) key may match: shorter names
#: collide with ordinary words too easily.
LOOSE_MIN_CHARS = 5
_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['’ʻʼ](?=[^\W\d_]))*")
_POSSESSIVE = re.compile(r"['’]s$|s['’]$", re.I)
#: Capitalised words that are never a place on their own (sentence starts, days, titles).
_NEVER = {
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "he",
    "she",
    "they",
    "we",
    "i",
    "but",
    "and",
    "or",
    "as",
    "after",
    "before",
    "since",
    "while",
    "meanwhile",
    "however",
    "although",
    "despite",
    "according",
    "both",
    "many",
    "some",
    "several",
    "local",
    "aid",
    "state",
    "president",
    "prime",
    "minister",
    "ministry",
    "foreign",
    "defense",
    "defence",
    "official",
    "officials",
    "military",
    "army",
    "police",
    "news",
    "media",
    "press",
    "agency",
    "council",
    "security",
    "united",
    "nations",
    "european",
    "union",
    "national",
    "republic",
    "government",
    "ambassador",
    "secretary",
    "general",
    "office",
    "human",
    "rights",
    "red",
    "cross",
    "international",
    "committee",
    "mr",
    "mrs",
    "ms",
    "dr",
    "gen",
    "col",
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "leave",
    "comment",
    "read",
    "more",
    "photo",
    "image",
    "video",
    "file",
    "update",
    "updated",
    "armenian",
    "armenians",
    "azerbaijani",
    "azerbaijanis",
    "russian",
    "russians",
    "turkish",
    "soviet",
    "ethnic",
    "western",
    "eastern",
    "northern",
    "southern",
    "central",
    "mountains",
    "caucasus",
    "south",
    "north",
    "east",
    "west",
    "chatham",
    "house",
    "kremlin",
    "duma",
    "parliament",
    "tass",
    "reuters",
    "ap",
    "afp",
    "bbc",
    "cnn",
}
_CUE = re.compile(
    r"\b(?:in|near|at|from|into|towards?|outside|around|via|through|reached|entered|left|"
    r"crossed|across|fled\s+to|arrived\s+in|"
    r"(?:village|villages|town|city|region|district|settlement)s?\s+of)\s+"
    r"(?P<name>[A-Z][^\W\d_]+(?:[-\s][A-Z][^\W\d_]+){0,2})"
)
_KIND_RANK = {
    "crossing": 0,
    "village": 1,
    "town": 1,
    "city": 1,
    "capital": 1,
    "location": 1,
    "road": 2,
    "corridor": 2,
    "region": 3,
    "country": 4,
}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    found = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        possessive = _POSSESSIVE.search(word)
        end = m.end() - (len(possessive.group(0)) if possessive else 0)
        if end > m.start():
            found.append(_Token(text[m.start() : end], m.start(), end))
    return found


def _capitalised(word: str) -> bool:
    first = word[0]
    return first.isupper() or not ("a" <= first.casefold() <= "z" or first.isascii())


class PlaceFinder:
    """Finds place mentions in text against the curated gazetteer and the regional layer."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        regional: RegionalGazetteer | None,
        countries: Mapping[str, str] | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.regional = regional
        self._countries = dict(countries or {})
        self._keys: dict[str, dict[str, set[str]]] = {"normalised": {}, "loose": {}}
        for place in gazetteer:
            for label in place.labels:
                for layer, key in (("normalised", normalize(label)), ("loose", loose_key(label))):
                    if key:
                        self._keys[layer].setdefault(key, set()).add(place.place_id)
        self._points = [
            p for p in gazetteer if not p.is_line and p.kind not in {"region", "country"}
        ]

    # --- one name ----------------------------------------------------------------------------

    def candidates(self, name: str, *, loose: bool = True) -> list[Candidate]:
        """Every place ``name`` may mean: curated ones if any know it, else regional ones."""
        key = normalize(name)
        if not key:
            return []
        owners = self._keys["normalised"].get(key)
        if not owners and loose:
            owners = self._keys["loose"].get(loose_key(name))
        if owners:
            return [self.curated(pid) for pid in sorted(owners)]
        if self.regional is None:
            return []
        found = self.regional.candidates(name) if loose else self._regional_strict(name)
        result: dict[str, Candidate] = {}
        for place in found:
            candidate = self._near_curated(place) or self._regional(place)
            result.setdefault(candidate.place_id or f"{candidate.lat},{candidate.lon}", candidate)
        return list(result.values())

    def _regional_strict(self, name: str) -> list[RegionalPlace]:
        assert self.regional is not None
        key = normalize(name)
        return [
            p for p in self.regional.candidates(name) if key in {normalize(x) for x in p.labels}
        ]

    def curated(self, place_id: str) -> Candidate:
        """The candidate of a curated place."""
        place = self.gazetteer.place(place_id)
        lat, lon = self.gazetteer.representative_point(place_id)
        return Candidate(
            place_id=place_id,
            name=place.name,
            lat=lat,
            lon=lon,
            country=self._country(place_id),
            precision=place.precision,
            provenance="gazetteer",
        )

    def _country(self, place_id: str) -> str:
        return self._countries.get(place_id, "")

    def _regional(self, place: RegionalPlace) -> Candidate:
        return Candidate(
            place_id=None,
            name=place.name,
            lat=place.lat,
            lon=place.lon,
            country=place.country,
            precision=REGIONAL_PRECISION,
            provenance=REGIONAL,
            geonameid=place.geonameid,
        )

    def _near_curated(self, place: RegionalPlace) -> Candidate | None:
        for point in self._points:
            if haversine_km(place.lat, place.lon, point.lat, point.lon) <= SAME_PLACE_KM:
                return self.curated(point.place_id)
        return None

    # --- a text ------------------------------------------------------------------------------

    def find(self, text: str) -> list[PlaceMention]:
        """Every place mention of ``text`` in order (see the module docstring)."""
        tokens = _tokens(text)
        mentions: list[PlaceMention] = []
        i = 0
        while i < len(tokens):
            if not _capitalised(tokens[i].text) or (
                tokens[i].text.casefold() in _NEVER and not self._curated_word(tokens[i].text)
            ):
                i += 1
                continue
            for n in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
                run = tokens[i : i + n]
                if not _contiguous(text, run):
                    continue
                written = text[run[0].start : run[-1].end]
                loose = n > 1 or len(written) >= LOOSE_MIN_CHARS
                found = self.candidates(written, loose=loose)
                if (
                    n == 1
                    and found
                    and found[0].provenance != "gazetteer"
                    and not _regional_ok(written, text)
                ):
                    found = []
                if found:
                    mentions.append(_mention(written, run[0].start, run[-1].end, found))
                    i += n
                    break
            else:
                i += 1
        mentions = _merge_pairs(text, mentions)
        return _with_unknown(text, mentions)

    def _curated_word(self, word: str) -> bool:
        return normalize(word) in self._keys["normalised"]


def _regional_ok(word: str, text: str) -> bool:
    """A one-word regional match is kept unless the word is also written in lower case
    (then it is an ordinary word: "Aid", "Panik")."""
    return re.search(rf"\b{re.escape(word.casefold())}\b", text) is None


def _contiguous(text: str, run: list[_Token]) -> bool:
    """Words joined only by spaces, hyphens, slashes or a bracket ("Shusha (Shushi)" is two
    mentions, merged later; "Nagorno-Karabakh" is one run)."""
    for a, b in itertools.pairwise(run):
        gap = text[a.end : b.start]
        if not re.fullmatch(r"[ \t\-–/]{1,3}|['’]s[ \t]", gap):
            return False
    return (
        all(
            _capitalised(t.text)
            or t.text.casefold()
            in {"of", "road", "corridor", "bridge", "checkpoint", "route", "city", "region"}
            for t in run[1:]
        )
        or len(run) == 1
    )


def _mention(written: str, start: int, end: int, found: list[Candidate]) -> PlaceMention:
    if len(found) == 1:
        (c,) = found
        return PlaceMention(
            written,
            start,
            end,
            "found",
            c.place_id,
            c.name,
            c.lat,
            c.lon,
            c.precision,
            c.provenance,
            (c,),
        )
    return PlaceMention(
        written, start, end, "ambiguous", None, written, None, None, "", "", tuple(found)
    )


def _same(a: PlaceMention, b: PlaceMention) -> bool:
    return a.status == b.status == "found" and (a.place_id, a.lat, a.lon) == (
        b.place_id,
        b.lat,
        b.lon,
    )


def _merge_pairs(text: str, mentions: list[PlaceMention]) -> list[PlaceMention]:
    merged: list[PlaceMention] = []
    for m in mentions:
        prev = merged[-1] if merged else None
        if prev is not None and _same(prev, m):
            gap = text[prev.end : m.start]
            if re.fullmatch(r"\s*(?:/|\(|,|or|also known as|aka)\s*", gap):
                end = m.end + (1 if text[m.end : m.end + 1] == ")" and "(" in gap else 0)
                merged[-1] = PlaceMention(
                    text[prev.start : end],
                    prev.start,
                    end,
                    prev.status,
                    prev.place_id,
                    prev.name,
                    prev.lat,
                    prev.lon,
                    prev.precision,
                    prev.provenance,
                    prev.candidates,
                )
                continue
        merged.append(m)
    return merged


def _with_unknown(text: str, mentions: list[PlaceMention]) -> list[PlaceMention]:
    covered = [(m.start, m.end) for m in mentions]
    unknown: list[PlaceMention] = []
    seen: set[str] = set()
    for match in _CUE.finditer(text):
        start, end = match.span("name")
        name = match.group("name")
        words = re.split(r"[-\s]", name)
        if any(s < end and start < e for s, e in covered):
            continue
        if words[0].casefold() in _NEVER or all(w.casefold() in _NEVER for w in words):
            continue
        if key := normalize(name):
            if key in seen:
                continue
            seen.add(key)
        unknown.append(PlaceMention(name, start, end, "unknown", None, name, None, None, "", ""))
    return sorted([*mentions, *unknown], key=lambda m: m.start)


def best_mention(mentions: Iterable[PlaceMention], kinds: dict[str, str]) -> PlaceMention | None:
    """The most specific located mention of a sentence (a village over its region)."""
    located = [m for m in mentions if m.status == "found"]
    if not located:
        return None
    return min(
        located,
        key=lambda m: (_KIND_RANK.get(kinds.get(m.place_id or "", "village"), 1), m.start),
    )
