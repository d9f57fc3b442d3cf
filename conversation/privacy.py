"""Free text must not identify a person: refuse a BSN, an e-mail address, a phone number or a
postcode. Names cannot be recognised reliably; the question asks to leave them out."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+31|0031|0)[\s-]?(?:\d[\s-]?){8}\d(?!\d)")
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")
_NINE_DIGITS = re.compile(r"(?<![\d.])(\d[\s.]?(?:\d[\s.]?){7}\d)(?![\d])")


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
    if _EMAIL.search(text):
        return "een e-mailadres"
    if _PHONE.search(text):
        return "een telefoonnummer"
    if _POSTCODE.search(text):
        return "een postcode"
    return None
