"""Place-name normalisation: turn the many spellings of one name into a shared matching key.

Sources about Karabakh spell the same place in Azerbaijani Latin (Xankəndi, Şuşa, Laçın),
in Russian-style English (Khankendi, Shusha, Lachin), in Armenian-style English (Stepanakert,
Shushi, Berdzor) and in ad-hoc ASCII (Khankandi, Agdam, Erevan). The gazetteer lists the
*names* as aliases, but it cannot list every *spelling* of every name. Two keys bridge that:

``normalize(text)``
    A conservative, readable key: case, diacritics, punctuation, spacing, generic prefixes
    ("the", "city of") and the Azerbaijani letters are folded to one ASCII spelling. Two
    strings with the same ``normalize`` key are the same name written differently.

``loose_key(text)``
    A transliteration-equivalence key on top of that: it also merges the letters that
    transliteration schemes disagree on (a/e for ə, kh/x/h, gh/g, q/k/g, c/ch/j, sh/s, a
    word-initial "ye"/"e", final "y"/"i", spaces). It is deliberately coarser, so the
    gazetteer consults it only after exact and ``normalize`` matches fail, and treats a key
    shared by two places as ambiguous instead of guessing. Repeated letters are *not*
    merged: "Stepanakertt" is a typo to be suggested against, not a spelling to accept.

Both functions are pure and deterministic, and both sides of a comparison (gazetteer entry
and user query) go through the same function, so a mapping can only merge spellings, never
make a correct spelling miss.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["GENERIC_PREFIXES", "loose_key", "normalize"]

#: Leading words that say what kind of place follows but are not part of its name.
GENERIC_PREFIXES: tuple[str, ...] = (
    "the city of",
    "the town of",
    "the village of",
    "the region of",
    "city of",
    "town of",
    "village of",
    "region of",
    "the",
)

# Azerbaijani Latin letters with no ASCII twin, folded to their usual English transliteration.
# Applied after casefolding, before diacritics are stripped (ş would otherwise become plain s).
# "x" is the Azerbaijani kh (Xankəndi, Yevlax) and "q" its hard g (Qazax, Qubadlı); the few
# English place names with x or q fold identically on both sides, so nothing is lost.
_AZ_LETTERS = str.maketrans(
    {
        "ə": "a",
        "ä": "a",
        "ş": "sh",
        "ç": "ch",
        "ğ": "gh",
        "ı": "i",
        "ö": "o",
        "ü": "u",
        "x": "kh",
        "q": "g",
    }
)

# Apostrophes and similar marks vanish (Armenian transliterations use them for aspiration:
# "Ts'ar"); every other non-letter, non-digit becomes a word break.
_APOSTROPHES = re.compile(r"['’‘`ʼʻ´]")
_NON_WORD = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")


def _strip_marks(text: str) -> str:
    """Drop combining marks (é→e, İ→i) after compatibility decomposition."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _strip_prefixes(text: str) -> str:
    """Remove one generic prefix, but never the whole name ("The Hague" stays "hague")."""
    for prefix in GENERIC_PREFIXES:
        if text.startswith(prefix + " ") and len(text) > len(prefix) + 1:
            return text[len(prefix) + 1 :]
    return text


def normalize(text: str) -> str:
    """The readable matching key of ``text``: lower-case ASCII-ish words separated by one space.

    >>> normalize("  The city of Xankəndi ")
    'khankandi'
    >>> normalize("Nagorno-Karabakh")
    'nagorno karabakh'

    Letters outside Latin (Cyrillic, Armenian) are kept, only case-folded and de-accented,
    so an alias written in those scripts still matches itself.
    """
    folded = unicodedata.normalize("NFC", text).casefold().translate(_AZ_LETTERS)
    folded = _strip_marks(folded)
    folded = _APOSTROPHES.sub("", folded)
    folded = _NON_WORD.sub(" ", folded)
    folded = _SPACES.sub(" ", folded).strip()
    return _strip_prefixes(folded)


# Ordered rewrites for loose_key; each maps spellings that transliteration schemes disagree on.
_LOOSE_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bdzh"), "j"),  # Russian-style Dzhebrail → Jebrail
    (re.compile(r"sh"), "s"),  # ASCII text drops the cedilla: Şuşa → Susa
    (re.compile(r"zh"), "j"),
    (re.compile(r"kh"), "h"),  # Khankendi / Xankəndi / Hankendi
    # Azerbaijani c is English j (Xocalı → Khojaly) and ç is ch, but ASCII text drops the
    # cedilla (Laçın → Lacin): c, ch and j are one class here.
    (re.compile(r"ch|c"), "j"),
    (re.compile(r"[qk]"), "g"),  # Qarabağ / Karabakh, Qazax / Gazakh
    (re.compile(r"g?h\b|g\b"), "h"),  # final ğ sounds kh: Qarabağ / Karabakh / Karabag
    (re.compile(r"gh"), "g"),  # Aghdam / Agdam
    (re.compile(r"\b[yi]e"), "e"),  # Yerevan / Erevan, Yevlakh / Evlakh / Ievlakh
    (re.compile(r"(?:iy|yi|ie)\b"), "i"),  # word-final -iy / -yi / -ie → -i
    (re.compile(r"(?<=[aeiou])y(?=[aeiou])"), ""),  # Jabrayil / Jebrail
    (re.compile(r"(?<=[^aeiou\s])y\b"), "i"),  # Khojaly / Xocalı
    (re.compile(r"e"), "a"),  # ə is written e or a: Khankendi / Khankandi
    (re.compile(r"\s+"), ""),  # Khan Kendi / Khankendi
)


def loose_key(text: str) -> str:
    """The transliteration-equivalence key of ``text`` (see the module docstring).

    >>> loose_key("Xankəndi") == loose_key("Khankendi") == loose_key("Khankandi")
    True
    >>> loose_key("Stepanakertt") == loose_key("Stepanakert")
    False
    """
    key = normalize(text)
    for pattern, replacement in _LOOSE_REWRITES:
        key = pattern.sub(replacement, key)
    return key
