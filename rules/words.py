"""Normalising what people type, so "Ondertoezichtstelling", "OTS." and "ots" compare equal."""

from __future__ import annotations

import re
import unicodedata

_PUNCTUATION_AT_ENDS = re.compile(r"^[\s.,;:!?()\"']+|[\s.,;:!?()\"']+$")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower case, without diacritics, surrounding punctuation or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", _PUNCTUATION_AT_ENDS.sub("", plain.casefold()))
