"""Who says so: the claimant of a sentence and its side.

The claimant is the subject of a speech verb ("the Azerbaijan Defense Ministry said",
"…,” said Andrei Kartapolov", "according to the ombudsman"), named the way the dataset
already names it where it can be: a person or body the existing claims cite keeps its name
and side ("Pashinyan" → "Nikol Pashinyan (Armenian PM)", Armenia); a ministry is "<country>
<ministry>". A sentence with no attribution is the outlet's own claim. "The ministry said"
and "it added" continue the previous sentence's claimant. The side is never guessed from
what is claimed, only from who claims it; an unplaceable claimant's side is "Unknown".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from src.schema import UNKNOWN_SIDE

__all__ = ["OUTLET_SIDE", "Attribution", "Attributor"]

OUTLET_SIDE = "Independent/media"
SPEECH = (
    r"said|says|say|stated|states|announced|announces|reported|reports|claimed|claims|"
    r"accused|accuses|denied|denies|refuted|rejected|urged|urges|called\s+(?:on|for)|"
    r"calls\s+(?:on|for)|declared|"
    r"warned|told|added|insisted|asserted|confirmed|demanded|condemned|mentioned|noted|"
    r"tweeted|wrote|alleged|decried|blamed|described|characterized|characterised|"
    r"reiterated|argued|estimated|acknowledged|admitted|responded|pledged|vowed|asked"
)
_SPEECH = re.compile(rf"\b(?:{SPEECH})\b")
_ACCORDING = re.compile(r"\baccording\s+to\s+(?P<who>[^,.;:“”\"]{3,80})", re.I)
_INVERTED = re.compile(rf"[,”\"]\s*(?:{SPEECH})\s+(?P<who>(?:the\s+)?[A-Z][^,.;:“”\"]{{2,80}})")
_PRONOUN = re.compile(
    r"^(?:it|he|she|they|the\s+(?:ministry|statement|military|army|office|official|"
    r"spokesman|spokeswoman|spokesperson|department|government|president|minister))$",
    re.I,
)
_COUNTRY = {
    "Azerbaijan": r"azerbaijan|azerbaijani|baku|aliyev|hajiyev|bayramov",
    "Armenia": r"armenia(?!ns?\s+(?:in|of)\s+karabakh)|armenian|yerevan|pashinyan|mirzoyan",
    "Nagorno-Karabakh authorities": (
        r"karabakh|artsakh|stepanakert|separatist|ethnic[- ]armenian\s+(?:authorit|leader|official)"
        r"|local\s+authorit|ombudsman|de\s+facto"
    ),
    "Russia": r"russia|russian|kremlin|moscow|peskov|zakharova|lavrov|putin|duma",
    "International": (
        r"\bu\.?n\.?\b|united\s+nations|\beu\b|european|\bu\.?s\.?\b|united\s+states|"
        r"washington|state\s+department|blinken|red\s+cross|icrc|amnesty|human\s+rights\s+watch|"
        r"unhcr|osce|nato|france|french|germany|german|turkey|turkish|iran|iranian|guterres"
    ),
    OUTLET_SIDE: r"media|journalist|reporter|correspondent|analyst|expert|chatham|carnegie|"
    r"think\s+tank|fellow|newspaper|outlet|agency",
}
_MINISTRY = re.compile(
    r"(?:ministry\s+of\s+(?P<a>defen[cs]e|foreign\s+affairs|emergency\s+situations|health|interior)"
    r"|(?P<b>defen[cs]e|foreign|interior|health|emergencies)\s+ministry)",
    re.I,
)
_MINISTRY_NAMES = {
    "defence": "Ministry of Defence",
    "defense": "Ministry of Defence",
    "foreign": "Foreign Ministry",
    "foreign affairs": "Foreign Ministry",
    "interior": "Interior Ministry",
    "health": "Health Ministry",
    "emergency situations": "Ministry of Emergency Situations",
    "emergencies": "Ministry of Emergency Situations",
}
_GOVERNMENTS = {
    "Azerbaijan": "Government of Azerbaijan",
    "Armenia": "Government of Armenia",
    "Russia": "Government of Russia",
}
_COUNTRY_PREFIX = {"Azerbaijan": "Azerbaijan", "Armenia": "Armenia", "Russia": "Russian"}
_BODIES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"prosecutor", re.I), "Prosecutor General's Office", ""),
    (re.compile(r"\bkremlin\b", re.I), "Kremlin", "Russia"),
    (re.compile(r"armenian\s+media", re.I), "Armenian media", OUTLET_SIDE),
    (re.compile(r"azerbaijani\s+media", re.I), "Azerbaijani media", OUTLET_SIDE),
    (re.compile(r"red\s+cross|\bicrc\b", re.I), "ICRC", "International"),
    (re.compile(r"\bunhcr\b", re.I), "UNHCR", "International"),
    (
        re.compile(
            r"(?:karabakh|separatist|local(?=\s+karabakh)|ethnic[- ]armenian)\s+(?:authorit|"
            r"official|leader)",
            re.I,
        ),
        "Nagorno-Karabakh authorities",
        "Nagorno-Karabakh authorities",
    ),
    (
        re.compile(r"azerbaijan(?:i|['’]s)\s+(?:military|army|armed\s+forces|forces)", re.I),
        "Azerbaijani military",
        "Azerbaijan",
    ),
    (
        re.compile(r"azerbaijani\s+(?:authorit|officials)", re.I),
        "Azerbaijani authorities",
        "Azerbaijan",
    ),
    (
        re.compile(r"armenian\s+(?:authorit|officials|government)", re.I),
        "Government of Armenia",
        "Armenia",
    ),
)


_ORG_WORDS = re.compile(
    r"\b(?:Ministry|Government|Office|Kremlin|authorities|media|Forces|Council|military|"
    r"officials|Armenians|outlet|caption|Committee|House|Europe)\b"
)
#: A country or capital alone as the speaker: its government.
_GOVERNMENT_WORDS = {
    "azerbaijan": "Government of Azerbaijan",
    "baku": "Government of Azerbaijan",
    "armenia": "Government of Armenia",
    "yerevan": "Government of Armenia",
    "russia": "Government of Russia",
    "moscow": "Government of Russia",
    "russian side": "Government of Russia",
    "azerbaijani side": "Government of Azerbaijan",
    "armenian side": "Government of Armenia",
}


@dataclass(frozen=True)
class Attribution:
    """The claimant of one sentence; ``phrase`` is the text it came from ("" = the outlet)."""

    claimant: str
    side: str
    phrase: str = ""


def side_of(text: str) -> str:
    """The side a claimant's words name (first match in ``_COUNTRY`` order), else Unknown."""
    low = text.casefold()
    for side, pattern in _COUNTRY.items():
        if re.search(pattern, low):
            return side
    return UNKNOWN_SIDE


class Attributor:
    """Attributes sentences, reusing the claimant names and sides the dataset has."""

    def __init__(self, known: Iterable[tuple[str, str]], outlet_claimant: str) -> None:
        self.outlet = Attribution(outlet_claimant, OUTLET_SIDE)
        self._people: list[tuple[re.Pattern[str], Attribution]] = []
        self._names: dict[str, Attribution] = {}
        for claimant, side in known:
            if not claimant or claimant.startswith("Reporting outlet"):
                continue
            attribution = Attribution(claimant, side)
            self._names.setdefault(claimant.casefold(), attribution)
            head, _, rest = claimant.partition(" (")
            person = head if not _ORG_WORDS.search(head) else rest.rstrip(")")
            words = person.split()
            if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
                # a person ("Nikol Pashinyan (Armenian PM)", "… Ministry (Maria Zakharova)")
                surname = re.escape(words[-1])
                self._people.append((re.compile(rf"\b{surname}\b"), attribution))

    def attribute(self, sentence: str, previous: Attribution | None = None) -> Attribution:
        """The sentence's claimant; the outlet if none is named."""
        phrase = self._phrase(sentence)
        if phrase is None:
            return self.outlet
        if _PRONOUN.match(phrase.strip()) and previous is not None:
            return Attribution(previous.claimant, previous.side, phrase)
        return self.canonical(phrase)

    def canonical(self, phrase: str) -> Attribution:
        """The dataset's name for the claimant ``phrase`` names, with its side."""
        text = re.sub(r"\s+", " ", phrase).strip(" ,“”\"'")
        if text.casefold() in self._names:
            return Attribution(
                self._names[text.casefold()].claimant, self._names[text.casefold()].side, phrase
            )
        for pattern, attribution in self._people:
            if pattern.search(text):
                return Attribution(attribution.claimant, attribution.side, phrase)
        side = side_of(text)
        bare = re.sub(r"^the\s+", "", text, flags=re.I).casefold()
        if bare in _GOVERNMENT_WORDS:
            return self._known(_GOVERNMENT_WORDS[bare], side, phrase)
        if re.search(r"\bgovernment\b", text, re.I) and side in _GOVERNMENTS:
            return self._known(_GOVERNMENTS[side], side, phrase)
        ministry = _MINISTRY.search(text)
        if ministry and side in _COUNTRY_PREFIX:
            kind = (ministry.group("a") or ministry.group("b")).casefold()
            name = f"{_COUNTRY_PREFIX[side]} {_MINISTRY_NAMES[kind]}"
            return self._known(name, side, phrase)
        for pattern, name, body_side in _BODIES:
            if pattern.search(text):
                prefix = f"{side} " if not body_side and side in _COUNTRY_PREFIX else ""
                return self._known(f"{prefix}{name}", body_side or side, phrase)
        return Attribution(_tidy(text), side, phrase)

    def _known(self, name: str, side: str, phrase: str) -> Attribution:
        known = self._names.get(name.casefold())
        return Attribution(known.claimant if known else name, known.side if known else side, phrase)

    @staticmethod
    def _phrase(sentence: str) -> str | None:
        according = _ACCORDING.search(sentence)
        if according:
            return according.group("who")
        inverted = _INVERTED.search(sentence)
        if inverted:
            return inverted.group("who")
        for verb in _SPEECH.finditer(sentence):
            before = sentence[: verb.start()]
            if re.search(r"\b(?:was|were|been|being|is|are)\s+(?:\w+ly\s+)?$", before):
                by = re.match(r"\s*by\s+(?P<who>[^,.;:“”\"]{3,60})", sentence[verb.end() :])
                if by:
                    return by.group("who")
                continue  # "shelling was reported": the happening, not a speaker
            # the subject: back to the clause start (a comma, a quote, "that", "and")
            clause = re.split(r"[,;:“”\"()]|\b(?:that|and|but|while|as|which|who)\b", before)[-1]
            words = clause.split()
            if not words:
                continue
            subject = " ".join(words[-9:])
            subject = re.sub(
                r"\b(?:has|have|had|also|on|in|previously|reportedly|later|"
                r"earlier|further|then|again|was|were|is|are|once|immediately)\b.*$",
                "",
                subject,
                flags=re.I,
            ).strip()
            if subject:
                return subject
        return None


def _tidy(text: str) -> str:
    """A claimant phrase without its leading article or possessive ("the ombudsman's")."""
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
    text = re.sub(r"['’]s$", "", text)
    return text[:1].upper() + text[1:] if text else text
