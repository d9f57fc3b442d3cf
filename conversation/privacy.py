"""Free text must not identify a person: refuse a BSN, an e-mail address, a phone number, a
postcode or a street with a house number. Names cannot be recognised reliably, so words that look
like one (capitalised inside a sentence, and not a known organisation) are shown to the user, who
decides."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Each address pattern starts where a word does, so a long word is read once, not once from
# each of its letters.
_LOCAL_PART = r"(?<![\w.+-])[\w.+-]+"
_EMAIL = re.compile(rf"{_LOCAL_PART}@[\w-]+(?:\.[\w-]+)+")
# An address written around spam filters: "jan (at) example.com", "jan [at] example [dot] com",
# "jan @ example punt nl". Plain " at " and " punt " are Dutch words too ("hij at niets", "op dit
# punt"), so written out without brackets they count only before a common top-level domain.
_BRACKETED = r"\s*[(\[{{<]\s*(?:{})\s*[)\]}}>]\s*"
_AT = "at|@|apenstaartje"
_DOT = "dot|punt"
_SPELLED_DOT = rf"(?:\.|{_BRACKETED.format(_DOT)}|\s+(?:{_DOT})\s+)"
_HIDDEN_EMAIL = re.compile(
    rf"{_LOCAL_PART}(?:{_BRACKETED.format(_AT)}|\s+@\s*|\s*@\s+)[\w-]+(?:{_SPELLED_DOT}[\w-]+)*"
    rf"{_SPELLED_DOT}[^\W\d_]{{2,}}(?!\w)",
    re.IGNORECASE,
)
_COMMON_DOMAINS = "nl|com|org|net|eu|be|de|info|nu|online"
_WORDED_EMAIL = re.compile(
    rf"{_LOCAL_PART}\s+(?i:at|apenstaartje)\s+[\w-]+(?:{_SPELLED_DOT}[\w-]+)*"
    rf"{_SPELLED_DOT}(?:{_COMMON_DOMAINS})(?!\w)"
)
_PHONE = re.compile(r"(?<!\d)(?:\+31|0031|0)[\s-]?(?:\d[\s-]?){8}\d(?!\d)")
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")
_NINE_DIGITS = re.compile(r"(?<![\d.])(\d[\s.]?(?:\d[\s.]?){7}\d)(?![\d])")
# A street name and a house number: "Zwanenburgstraat 12", "Dorpsweg 3a". Suffixes that end
# ordinary words too ("onderweg 2 dagen", "kerkhof") count only in a capitalised name.
_STREET_SUFFIXES = (
    "straat|laan|plein|gracht|kade|dijk|singel|steeg|dreef|plantsoen|burgwal|boulevard"
)
_STREET = re.compile(
    rf"\b(?:[A-Z][\w'-]*(?:{_STREET_SUFFIXES}|weg|hof|pad|park|markt|wal|erf|dam|baan|veld|haven)"
    rf"|(?i:[^\W\d_][\w'-]*(?:{_STREET_SUFFIXES})))\s+\d{{1,4}}(?!\d)"
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_OPENING = " \t\"'([‘“«*•–—-"
_INITIAL = re.compile(r"(?:^|\W)[A-Z]\.$")

# Capitalised words that name no person and that a schema's partijen do not list: places and
# organisations a ZVH professional names often, and the laws they work under.
COMMON_ORGANISATIONS = (
    "Amsterdam",
    "Rotterdam",
    "Den Haag",
    "Utrecht",
    "Nederland",
    "Zorg- en Veiligheidshuis",
    "ZVH",
    "Jeugdzorg",
    "Bureau Jeugdzorg",
    "Centrum voor Jeugd en Gezin",
    "Halt",
    "UWV",
    "Sociale Dienst",
    "Humanitas",
    "Kinderbescherming",
    "Justitie",
    "Openbaar Ministerie",
    "Wmo",
    "Wlz",
    "Jeugdwet",
    "Participatiewet",
    "Wvggz",
    "Wzd",
    "Nederlandse",
)


def passes_elfproef(digits: str) -> bool:
    """The BSN check: 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11 (and not 0)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0 and total != 0


def identifying_detail(text: str) -> str | None:
    """What in `text` could identify a person, in Dutch ("een BSN"), or None."""
    for candidate in _NINE_DIGITS.findall(text):
        if passes_elfproef(re.sub(r"[\s.]", "", candidate)):
            return "een BSN"
    if any(e.search(text) for e in (_EMAIL, _HIDDEN_EMAIL, _WORDED_EMAIL)):
        return "een e-mailadres"
    if _PHONE.search(text):
        return "een telefoonnummer"
    if _POSTCODE.search(text):
        return "een postcode"
    if _STREET.search(text):
        return "een adres"
    return None


def possible_names(text: str, known: Iterable[str]) -> tuple[str, ...]:
    """Capitalised words in `text` that do not start a sentence and are not part of a `known`
    name (an organisation, a place), in order: what may be a person's name."""
    phrases = sorted({k for k in known if k.strip()}, key=len, reverse=True)
    if phrases:
        pattern = "|".join(re.escape(p) for p in phrases)
        text = re.sub(
            rf"(?<!\w)(?:{pattern})(?!\w)",
            lambda m: "x" * len(m.group()),
            text,
            flags=re.IGNORECASE,
        )
    found: dict[str, None] = {}
    for match in _WORD.finditer(text):
        word = match.group()
        if word[0].isupper() and not word.isupper() and not _starts_sentence(text, match.start()):
            found[word] = None
    return tuple(found)


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip(_OPENING)
    return not before or (before[-1] in ".!?\n" and not _INITIAL.search(before))
