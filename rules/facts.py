"""What is known about a casus, possibly partially, and conditions tested on it (three-valued).

A full intake knows every answer; a one-line lookup ("ots 15") knows only some. Both are `Facts`:
per question the set of answers still possible. A condition on facts is True (holds for every
possibility), False (for none) or None (it depends on what is not known yet).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

Truth: TypeAlias = bool | None


@dataclass(frozen=True, slots=True)
class Choices:
    """A single-choice answer: one of `codes`."""

    codes: frozenset[str]


@dataclass(frozen=True, slots=True)
class Selection:
    """A multi-choice answer: at least `chosen`, at most `possible` (equal when fully known)."""

    chosen: frozenset[str]
    possible: frozenset[str]


@dataclass(frozen=True, slots=True)
class AgeSpan:
    """An age somewhere from `lowest` to `highest`, both inclusive."""

    lowest: int
    highest: int


@dataclass(frozen=True, slots=True)
class FreeText:
    text: str


Known: TypeAlias = Choices | Selection | AgeSpan | FreeText


@dataclass(frozen=True, slots=True)
class Facts:
    """Per question what is known. A question missing from `known` is certainly not asked;
    one in `maybe_absent` may not be asked, depending on answers that are still open."""

    known: Mapping[str, Known]
    maybe_absent: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class OneOf:
    """Single choice: the answer is one of `codes`. Multi choice: any of `codes` was chosen."""

    question: str
    codes: frozenset[str]

    def test(self, facts: Facts) -> Truth:
        known = facts.known.get(self.question)
        if known is None:
            return False
        if isinstance(known, Choices):
            inside = len(known.codes & self.codes)
            truth: Truth = True if inside == len(known.codes) else (None if inside else False)
        elif isinstance(known, Selection):
            truth = (
                True
                if known.chosen & self.codes
                else (None if known.possible & self.codes else False)
            )
        else:
            return False
        if truth and self.question in facts.maybe_absent:
            return None
        return truth


@dataclass(frozen=True, slots=True)
class AgeRange:
    """`at_least` <= age < `below`; either bound may be None."""

    question: str
    at_least: int | None
    below: int | None

    def test(self, facts: Facts) -> Truth:
        known = facts.known.get(self.question)
        if not isinstance(known, AgeSpan):
            return False
        lowest = -1 if self.at_least is None else self.at_least
        below = known.highest + 1 if self.below is None else self.below
        truth: Truth
        if lowest <= known.lowest and known.highest < below:
            truth = True
        elif known.highest < lowest or known.lowest >= below:
            truth = False
        else:
            truth = None
        if truth and self.question in facts.maybe_absent:
            return None
        return truth

    def describe(self) -> str:
        if self.at_least is not None and self.below is not None:
            return f"{self.at_least} tot {self.below} jaar"
        if self.below is not None:
            return f"jonger dan {self.below} jaar"
        return f"{self.at_least} jaar of ouder"


Condition: TypeAlias = OneOf | AgeRange


def all_of(conditions: Iterable[Condition], facts: Facts) -> Truth:
    """Three-valued AND: False wins, then unknown, else True."""
    result: Truth = True
    for condition in conditions:
        truth = condition.test(facts)
        if truth is False:
            return False
        if truth is None:
            result = None
    return result
