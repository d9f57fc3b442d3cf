"""Normalising what people type, so "Ondertoezichtstelling", "OTS." and "ots" compare equal."""

from __future__ import annotations

import re
import unicodedata

# Typed for "none of these" on a question that allows several answers (or none).
NONE_WORDS = frozenset({"geen", "geen van deze", "nee", "niets", "nog geen"})

_PUNCTUATION_AT_ENDS = re.compile(r"^[\s.,;:!?()\"']+|[\s.,;:!?()\"']+$")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower case, without diacritics, surrounding punctuation or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", _PUNCTUATION_AT_ENDS.sub("", plain.casefold()))


_AGE = re.compile(r"^(\d{1,3})(?:\s*(?:jaar|jr|j))?$")


def read_age(text: str) -> int | None:
    """An age in years as people type it: "15", "15 jaar", "15j"; None if it is not one."""
    match = _AGE.match(normalize(text))
    return int(match.group(1)) if match else None
