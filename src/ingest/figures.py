"""The figures a sentence states: killed, wounded, missing, displaced, each as written.

"68 dead", "more than 200 wounded", "over 100,000 refugees", "two civilians were killed",
"killed six people, including four police officers", "four soldiers and two civilians had
died". A number counts for the category of the nearest casualty word after it (or, for
"killed six people", before it); the parts of one list ("four soldiers and two civilians")
add up to the figure, with the parts kept in the note; a number after "including" is a part
of the one before it and is kept in the note only. A qualifier ("at least", "more than") is
kept with the figure in ``notes``: the figure itself is the number as printed, never rounded
or estimated. Other counted things ("2,000 soldiers") are listed in ``other``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from src.schema import FIGURE_MAX

__all__ = ["CATEGORIES", "Figures", "find_figures", "word_number"]

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "a dozen": 12,
    "dozen": 12,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}


def word_number(text: str) -> int | None:
    """A number written in words ("two", "twenty-seven", "three hundred"), else None."""
    words = re.split(r"[\s-]+", text.casefold().strip())
    if " ".join(words) in _UNITS:
        return _UNITS[" ".join(words)]
    total = current = 0
    seen = False
    for word in words:
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES and (current or word != "hundred" or seen):
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total += current
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


_WORDS = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_NUMBER = (
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
    rf"|(?:{_WORDS})(?:[\s-](?:{_WORDS}))?)"
    r"(?P<scale>\s+(?:hundred|thousand|million))?"
)
_QUALIFIER = (
    r"(?P<qual>at\s+least|more\s+than|over|nearly|almost|about|around|approximately|"
    r"up\s+to|some|fewer\s+than|less\s+than|as\s+many\s+as|roughly|an\s+estimated)\s+"
)
_NUMBER_RE = re.compile(rf"\b(?:{_QUALIFIER})?{_NUMBER}\b", re.I)

#: Category → the words that name it (stems); order matters only for ties.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "fatalities": (
        "dead",
        "died",
        "die",
        "killed",
        "killing",
        "deaths",
        "death",
        "fatalities",
        "lives",
        "bodies",
        "perished",
    ),
    "injured": ("wounded", "injured", "injuries", "injuring", "hurt", "wounding"),
    "missing": ("missing", "unaccounted"),
    "displaced": (
        "displaced",
        "fled",
        "flee",
        "fleeing",
        "refugees",
        "refugee",
        "evacuated",
        "arrived",
        "crossed",
        "left",
        "exodus",
        "forcibly",
    ),
}
_CATEGORY_OF = {word: cat for cat, words in CATEGORIES.items() for word in words}
#: How far (words) a casualty word may follow its number ("two people died": 1).
WINDOW_AFTER = 6
#: How far a verb may precede its number ("killed six people").
WINDOW_BEFORE = 2
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
#: Words that mean a number is not a head count ("60 kilometers", "44-day war").
_NOT_COUNT = re.compile(
    r"^[\s-]*(?:km|kilomet|mile|metre|meter|per\s?cent|%|day|week|month|year|hour|minute|"
    r"time|kg|ton|dollar|euro|manat|dram|rouble|ruble|st|nd|rd|th)",
    re.I,
)


@dataclass
class Figures:
    """The figures of one sentence."""

    fatalities: int | None = None
    injured: int | None = None
    missing: int | None = None
    displaced: int | None = None
    #: category → the figure as written where it says more than the number
    #: ("at least 2", "4 soldiers + 2 civilians", "including 4 police officers")
    notes: dict[str, str] = field(default_factory=dict)
    #: other counted things: the phrase → its number as written ("2,000 soldiers": "2,000")
    other: dict[str, str] = field(default_factory=dict)

    def get(self, category: str) -> int | None:
        value: int | None = getattr(self, category)
        return value

    @property
    def any(self) -> bool:
        return any(self.get(c) is not None for c in CATEGORIES)


@dataclass(frozen=True)
class _Number:
    value: int
    written: str
    qualifier: str
    start: int
    end: int


def _value(match: re.Match[str]) -> int | None:
    raw = match.group("num").casefold()
    if raw[0].isdigit():
        if "." in raw and not match.group("scale"):
            return None
        number = float(raw.replace(",", ""))
    else:
        found = word_number(raw)
        if found is None:
            return None
        number = float(found)
    if match.group("scale"):
        number *= _SCALES[match.group("scale").strip().casefold()]
    return int(number)


def _numbers(sentence: str) -> list[_Number]:
    found = []
    for match in _NUMBER_RE.finditer(sentence):
        value = _value(match)
        if value is None or value > FIGURE_MAX:
            continue
        rest = sentence[match.end() : match.end() + 12]
        if _NOT_COUNT.match(rest) or re.match(r"^\s*(?:BC|AD)\b", rest):
            continue
        if 1900 <= value <= 2100 and match.group("num").isdigit():
            continue  # a year
        if re.search(r"\d[:.]\s*$", sentence[: match.start()]) or (
            sentence[match.end() : match.end() + 1] in {":", "-"} and rest[1:2].isdigit()
        ):
            continue  # a clock time or a date
        qual = re.sub(r"\s+", " ", (match.group("qual") or "").casefold())
        written = match.group(0)[len(match.group("qual") or "") :].strip()
        found.append(_Number(value, written, qual, match.start(), match.end()))
    return found


def _words_with_spans(text: str, offset: int) -> list[tuple[str, int]]:
    return [(m.group(0).casefold(), offset + m.start()) for m in _WORD.finditer(text)]


def _category_after(sentence: str, number: _Number, limit: int) -> str | None:
    words = _words_with_spans(sentence[number.end : limit], number.end)
    for j, (word, start) in enumerate(words[:WINDOW_AFTER]):
        if word == "among":  # "11 children among the injured"
            ahead = [w for w, _ in words[j + 1 : j + 4]]
            return next((_CATEGORY_OF[w] for w in ahead if w in _CATEGORY_OF), "")
        if word in {"including", "of"}:
            break
        if word in _CATEGORY_OF:
            # "two blasts killed six people": the verb's object is the next number
            after = sentence[start + len(word) : start + len(word) + 30]
            if _NUMBER_RE.match(after.lstrip()) and _value(_NUMBER_RE.match(after.lstrip())):  # type: ignore[arg-type]
                return None
            return _CATEGORY_OF[word]
    return None


def _category_before(sentence: str, number: _Number) -> str | None:
    words = _words_with_spans(sentence[max(0, number.start - 40) : number.start], 0)
    for word, _start in reversed(words[-WINDOW_BEFORE:]):
        if word in {
            "killed",
            "killing",
            "wounded",
            "injured",
            "wounding",
            "injuring",
            "displaced",
            "evacuated",
        }:
            return _CATEGORY_OF[word]
        if word in {"death", "deaths", "loss"}:
            return "fatalities"
    return None


_STOP = {
    "as",
    "in",
    "to",
    "of",
    "and",
    "the",
    "were",
    "was",
    "have",
    "had",
    "has",
    "are",
    "on",
    "at",
    "from",
    "who",
    "that",
    "by",
    "for",
    "with",
    "including",
}


def _noun_after(sentence: str, number: _Number) -> str:
    words = []
    for word, _ in _words_with_spans(sentence[number.end : number.end + 40], 0)[:2]:
        if word in _STOP or word in _CATEGORY_OF:
            break
        words.append(word)
    return " ".join(words)


def _joined(sentence: str, number: _Number, nxt: _Number) -> bool:
    """Two numbers of one list ("four soldiers and two civilians"), no casualty word between."""
    between = sentence[number.end : nxt.start]
    return re.fullmatch(
        r"\s*[A-Za-z ]{0,30}?\s*(?:,|and|,\s*and)\s*", between
    ) is not None and not any(w in _CATEGORY_OF for w, _ in _words_with_spans(between, 0))


def find_figures(sentence: str) -> Figures:
    """Every figure ``sentence`` states, by category (see the module docstring)."""
    result = Figures()
    numbers = _numbers(sentence)
    pending: list[_Number] = []  # list parts waiting for their casualty word
    part_of: set[int] = set()
    for i, number in enumerate(numbers):
        before = sentence[max(0, number.start - 12) : number.start].casefold()
        if re.search(r"\b(?:including|among\s+them|of\s+whom|of\s+them)\s*$", before):
            part_of.add(i)
    for i, number in enumerate(numbers):
        limit = numbers[i + 1].start if i + 1 < len(numbers) else len(sentence)
        if (
            i + 1 < len(numbers)
            and not {i, i + 1} & part_of
            and _joined(sentence, number, numbers[i + 1])
        ):
            pending.append(number)
            continue
        category = _category_after(sentence, number, limit)
        if category != "":
            category = category or _category_before(sentence, number)
        category = category or None
        if i in part_of:
            owner = category or _last_category(result)
            if owner:
                noun = _noun_after(sentence, number)
                result.notes[owner] = _join(
                    result.notes.get(owner), f"including {number.written} {noun}".strip()
                )
            continue
        if category is None:
            noun = _noun_after(sentence, number)
            if noun:
                result.other[f"{number.written} {noun}"] = number.written
            pending.clear()
            continue
        _set_figure(result, category, [*pending, number], sentence)
        pending.clear()
    return result


def _set_figure(result: Figures, category: str, parts: list[_Number], sentence: str) -> None:
    """The first figure of a category stands (a later one is a part or a repeat); the parts
    of a list add up, each kept in the note with any qualifier."""
    if result.get(category) is not None:
        return
    total = sum(p.value for p in parts)
    setattr(result, category, total)
    notes = []
    if len(parts) > 1:
        notes.append(" + ".join(f"{p.written} {_noun_after(sentence, p)}".strip() for p in parts))
    quals = {p.qualifier for p in parts if p.qualifier}
    if quals:
        notes.append(f"{' / '.join(sorted(quals))} {total:,}")
    if notes:
        result.notes[category] = "; ".join(notes)


def _last_category(figures: Figures) -> str | None:
    set_ = [c for c in CATEGORIES if figures.get(c) is not None]
    return set_[-1] if set_ else None


def _join(old: str | None, new: str) -> str:
    return f"{old}; {new}" if old else new
