"""A one-line question ("ots 15 lvb") answered from the schema: for /wie and inline queries."""

from __future__ import annotations

from dataclasses import dataclass

from conversation.advice_text import lookup_text
from rules import Advice, QueryError, Schema, lookup, parse_text


@dataclass(frozen=True, slots=True)
class LookupAnswer:
    title: str  # one line, for an inline result
    text: str


def answer_lookup(schema: Schema, text: str) -> LookupAnswer:
    try:
        result = lookup(schema, parse_text(schema, text))
    except QueryError as error:
        return LookupAnswer("Dat begrijp ik niet helemaal", str(error))
    if isinstance(result, Advice):
        return LookupAnswer(f"Casusregie: {result.partij.name}", lookup_text(result))
    return LookupAnswer("Nog niet eenduidig", lookup_text(result))
