"""The event type and sub-type a sentence suggests, and its actors; keyword rules, most
specific first, every suggestion from the schema's own taxonomy.

A rule whose type the schema does not (yet) have is skipped, so the displacement rules start
suggesting "Displacement and missing" the moment the schema lists it; until then such a
sentence falls to the next rule that fits ("Access and aid / Evacuation").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from src.schema import EVENT_TAXONOMY

__all__ = ["EVENT_CUE", "Suggestion", "actors", "suggest_type"]

#: (pattern, event type, sub-type), first match wins.
_RULES: tuple[tuple[str, str, str], ...] = (
    (
        r"\bmissing\b|unaccounted for|forcibly disappeared",
        "Displacement and missing",
        "Missing persons",
    ),
    (
        r"\b(?:refugees?|evacuees)\b.{0,60}\b(?:arriv|reach|cross|register)|\barriv\w*\b.{0,40}\b(?:in|into)\s+armenia",
        "Displacement and missing",
        "Refugee arrival",
    ),
    (
        r"\b(?:fled|flee|fleeing|exodus|displaced|displacement|left their homes|"
        r"leaving their homes)\b",
        "Displacement and missing",
        "Displacement",
    ),
    (
        r"\b(?:explod\w*|landmines?|mine blasts?|mine explosions?|\bied\b|"
        r"explosive device|explosions?|blasts?)\b",
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    ),
    (
        r"\b(?:drones?|air\s*strikes?|airstrikes?|aircraft|bombers?|warplanes?)\b",
        "Explosions/Remote violence",
        "Air/drone strike",
    ),
    (
        r"\b(?:shell\w*|artillery|mortars?|missiles?|rockets?|bombard\w*|air-raid sirens|"
        r"air raid sirens|high-precision weapons|large-caliber)\b",
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    ),
    (
        r"\b(?:ceasefire|truce|agreement|deal|accord)\b.{0,60}\b(?:signed|agreed|reached|"
        r"brokered|announced|took effect)\b|\b(?:agreed|signed)\b.{0,40}\b(?:ceasefire|"
        r"truce|agreement)\b|\b\w+-brokered\b|\bended\s+with\s+(?:a|the)\b.{0,30}\b(?:ceasefire|"
        r"truce)\b",
        "Strategic developments",
        "Agreement",
    ),
    (r"\b(?:blockade\w*|blocked|blocking)\b", "Access and aid", "Blockade"),
    (
        r"\b(?:recaptur\w*|regain\w*|retook|retake|reclaim\w*|liberat\w*|took control|"
        r"seized|captured)\b",
        "Battles",
        "Government regains territory",
    ),
    (
        r"\b(?:clash\w*|fighting|fought|battles?|offensive|military operation|"
        r"anti-?terrorist|hostilities|gunfire|firefight|attack\w*|war)\b",
        "Battles",
        "Armed clash",
    ),
    (
        r"\b(?:protest\w*|rally|rallies|demonstrat\w*)\b.{0,80}\b(?:police|clash\w*|arrest\w*|detain\w*)\b",
        "Riots",
        "Violent demonstration",
    ),
    (r"\b(?:protest\w*|rally|rallies|demonstrat\w*|marched)\b", "Protests", "Peaceful protest"),
    (r"\b(?:arrest\w*|detain\w*|detention)\b", "Strategic developments", "Arrests"),
    (r"\bcheckpoints?\b", "Access and aid", "Checkpoint"),
    (r"\bevacuat\w*\b", "Access and aid", "Evacuation"),
    (
        r"\b(?:humanitarian aid|aid deliver\w*|convoy|red cross|icrc|aid)\b",
        "Access and aid",
        "Aid delivery",
    ),
    (
        r"\b(?:talks|negotiations?|negotiate|meeting|summit|met with|mediat\w*)\b",
        "Statements and talks",
        "Negotiations/talks",
    ),
    (r"\b(?:denied|denies|deny|refuted|rejected|dismissed)\b", "Statements and talks", "Denial"),
)
_COMPILED = tuple((re.compile(p, re.I), t, s) for p, t, s in _RULES)
#: Words that make a sentence a reported happening even without a type rule or figure.
EVENT_CUE = re.compile(
    r"\b(?:said|says|stated|announced|reported|claimed|accused|urged|called|declared|"
    r"warned|demanded|condemned|according to)\b",
    re.I,
)


@dataclass(frozen=True)
class Suggestion:
    event_type: str
    sub_event_type: str
    #: a rule matched (False: the fallback "Statement" or "Other")
    matched: bool


def suggest_type(sentence: str, attributed: bool) -> Suggestion:
    """The first rule that fits and whose type the schema has; else a statement if someone
    says it, else "Strategic developments / Other"."""
    for pattern, event_type, sub in _COMPILED:
        if sub in EVENT_TAXONOMY.get(event_type, ()) and pattern.search(sentence):
            return Suggestion(event_type, sub, True)
    if attributed:
        return Suggestion("Statements and talks", "Statement", False)
    return Suggestion("Strategic developments", "Other", False)


_FORCES = re.compile(
    r"\b(?P<who>Azerbaijani|Azerbaijan['’]s|Armenian|Armenia['’]s|Russian|Karabakh|separatist|"
    r"ethnic Armenian)\s+(?:armed\s+)?(?P<what>forces|troops|army|military|soldiers|units|"
    r"police|peacekeepers|protesters|formations)\b",
    re.I,
)
_ACTOR_NAMES = {
    ("azerbaijan", "police"): "Police Forces of Azerbaijan",
    ("azerbaijan", ""): "Military Forces of Azerbaijan",
    ("armenia", "police"): "Police Forces of Armenia",
    ("armenia", "protesters"): "Protesters (Armenia)",
    ("armenia", ""): "Armenian forces (unspecified)",
    ("russia", "peacekeepers"): "Russian peacekeepers",
    ("russia", ""): "Military Forces of Russia",
    ("karabakh", ""): "Nagorno-Karabakh Defence Army",
}
_GOVERNMENTS = {
    "Azerbaijan": "Government of Azerbaijan",
    "Armenia": "Government of Armenia",
    "Russia": "Government of Russia",
    "Nagorno-Karabakh authorities": "Nagorno-Karabakh authorities",
}


def _actor(who: str, what: str) -> str:
    low = who.casefold()
    country = (
        "azerbaijan"
        if low.startswith("azerbaijan")
        else "russia"
        if low.startswith("russia")
        else "karabakh"
        if low in {"karabakh", "separatist", "ethnic armenian"}
        else "armenia"
    )
    kind = what.casefold() if what.casefold() in {"police", "protesters", "peacekeepers"} else ""
    return _ACTOR_NAMES.get((country, kind)) or _ACTOR_NAMES[(country, "")]


def actors(sentence: str, suggestion: Suggestion, claimant: str, side: str) -> tuple[str, str]:
    """(actor1, actor2): for a statement, who speaks (the claimant's government, or the
    claimant); for an act, the first armed group named, then the next or civilians."""
    if suggestion.event_type == "Statements and talks":
        return _GOVERNMENTS.get(side, claimant), ""
    named = list(
        dict.fromkeys(_actor(m.group("who"), m.group("what")) for m in _FORCES.finditer(sentence))
    )
    if suggestion.event_type == "Protests":
        return (named[0] if named and "Protesters" in named[0] else "Protesters (unspecified)"), ""
    first = named[0] if named else "Unidentified"
    second = named[1] if len(named) > 1 else ""
    if not second and re.search(r"\bcivilian", sentence, re.I):
        second = (
            "Civilians (Nagorno-Karabakh)" if side != "Azerbaijan" else "Civilians (Azerbaijan)"
        )
    return first, second
