"""The decision schema as the rest of the program sees it: plain, immutable data.

rules.loading reads it from a YAML file, validates it and proves it complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

from rules.facts import AgeSpan, Choices, Condition, FreeText, Known, Selection
from rules.words import NONE_WORDS, normalize

DEFAULT_SCHEMA_PATH = Path(__file__).with_name("default.yaml")
QuestionKind = Literal["choice", "multi", "age", "text"]
# What an anonymised casus keeps of an answer: all of it, only its band (an age), or nothing.
Retention = Literal["keep", "band", "drop"]


# --- the schema as the rest of the program sees it ---------------------------------------------


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Band(Option):
    """An age group a person may choose instead of typing an age: at_least <= age < below."""

    at_least: int = 0
    below: int = 0


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per question
class Question:
    id: str
    kind: QuestionKind
    text: str
    short: str = ""
    options: tuple[Option, ...] = ()
    asked_when: tuple[Condition, ...] = ()
    none_label: str | None = None
    minimum: int = 0
    maximum: int = 120
    bands: tuple[Band, ...] = ()
    optional: bool = False
    max_length: int | None = None
    retention: Retention = "drop"
    expertise: bool = False  # its options name what a regisseur is good at
    per_person: bool = False  # in a group aanmelding, asked for every person (else once)

    @cached_property
    def option_by_code(self) -> Mapping[str, Option]:
        return {o.code: o for o in (*self.options, *self.bands)}

    @cached_property
    def words(self) -> Mapping[str, str]:
        """Every normalised word or phrase that names an option (or band): code, label, synonym."""
        found: dict[str, str] = {}
        for option in (*self.options, *self.bands):
            for word in (option.code, option.label, *option.synonyms):
                found.setdefault(normalize(word), option.code)
        return found

    @cached_property
    def none_words(self) -> frozenset[str]:
        """What may be typed for "none of these" where several answers (or none) are allowed."""
        return NONE_WORDS | {normalize(self.none_label or "geen")}

    def label_of(self, code: str) -> str:
        return self.option_by_code[code].label

    def band_of(self, age: object) -> str:
        """The band an age answer falls in (a band answer is its own band); else "onbekend"."""
        if isinstance(age, str):
            return age
        if isinstance(age, int):
            return next((b.code for b in self.bands if b.at_least <= age < b.below), "onbekend")
        return "onbekend"

    @cached_property
    def unknown(self) -> Known:
        """What is known before the question is answered: every answer it allows."""
        codes = frozenset(o.code for o in self.options)
        if self.kind == "choice":
            return Choices(codes)
        if self.kind == "multi":
            return Selection(frozenset(), codes)
        if self.kind == "age":
            return AgeSpan(self.minimum, self.maximum)
        return FreeText("")


@dataclass(frozen=True)
class Partij:
    code: str
    name: str
    kader: str | None = None
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str
    next_step: str


@dataclass(frozen=True)
class Rule:
    id: str
    when: tuple[Condition, ...]
    outcome: str
    explanation: str
    source: str
    partij: str | None = None
    partij_from: str | None = None


@dataclass(frozen=True)
class Constraint:
    when: tuple[Condition, ...]
    require: tuple[Condition, ...]
    message: str


@dataclass(frozen=True)
class Aspect:
    id: str
    label: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Note:
    when: tuple[Condition, ...]
    text: str


@dataclass(frozen=True)
class Fallback:
    partij: str
    outcome: str
    explanation: str
    source: str


@dataclass(frozen=True)
class Schema:
    name: str
    source: str
    contact_werkdagen: int
    questions: tuple[Question, ...]
    aspects: tuple[Aspect, ...]
    constraints: tuple[Constraint, ...]
    partijen: tuple[Partij, ...]
    rules: tuple[Rule, ...]
    fallback: Fallback
    outcomes: Mapping[str, Outcome]
    notes: tuple[Note, ...] = ()
    lookup_ignore: frozenset[str] = field(default_factory=frozenset)
    # Until rules.loading has proven otherwise a schema may have gaps, so an open advice keeps
    # the fallback among its candidates.
    has_gaps: bool = True

    @cached_property
    def question_by_id(self) -> Mapping[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def partij_by_code(self) -> Mapping[str, Partij]:
        return {p.code: p for p in self.partijen}

    @cached_property
    def aspect_of_question(self) -> Mapping[str, str]:
        """Question id -> the id of the aspect that describes it."""
        return {q: aspect.id for aspect in self.aspects for q in aspect.questions}

    @cached_property
    def aspect_questions(self) -> tuple[Question, ...]:
        """Questions the aspects describe, in order: those a one-line lookup can answer."""
        return tuple(q for q in self.questions if q.id in self.aspect_of_question)

    @cached_property
    def advice_questions(self) -> tuple[Question, ...]:
        """Questions the advice looks at: decisive ones and those an aspect describes."""
        return tuple(
            q
            for q in self.questions
            if q.id in self.decisive_questions or q.id in self.aspect_of_question
        )

    @cached_property
    def decisive_questions(self) -> frozenset[str]:
        """Questions that some rule, constraint, note or asked_when condition looks at."""
        return self.rule_questions | {c.question for n in self.notes for c in n.when}

    @cached_property
    def deciding_conditions(self) -> tuple[Condition, ...]:
        """The conditions of every rule and constraint."""
        return tuple(
            [c for r in self.rules for c in r.when]
            + [c for k in self.constraints for c in (*k.when, *k.require)]
        )

    @cached_property
    def rule_questions(self) -> frozenset[str]:
        """Questions whose answer can change which rule decides (notes do not count)."""
        conditions = [*self.deciding_conditions, *(c for q in self.questions for c in q.asked_when)]
        used = {c.question for c in conditions}
        used |= {r.partij_from for r in self.rules if r.partij_from}
        return frozenset(used)

    @cached_property
    def betrokken_question(self) -> Question | None:
        """The multi-choice question whose options are partijen: the organisations involved."""
        codes = set(self.partij_by_code)
        return next(
            (
                q
                for q in self.questions
                if q.kind == "multi" and q.options and {o.code for o in q.options} <= codes
            ),
            None,
        )

    @cached_property
    def expertise_questions(self) -> tuple[Question, ...]:
        """Questions whose options name a regisseur's expertise (profiel, interventie, ...)."""
        return tuple(q for q in self.questions if q.expertise)

    @cached_property
    def per_person_questions(self) -> tuple[Question, ...]:
        """Questions a group aanmelding asks for every person; the others once for the group.
        Without any, the schema offers no group aanmelding."""
        return tuple(q for q in self.questions if q.per_person)

    @cached_property
    def kept_answers(self) -> frozenset[str]:
        """Answers an anonymised casus keeps as they are."""
        return frozenset(q.id for q in self.questions if q.retention == "keep")

    @cached_property
    def banded_questions(self) -> tuple[Question, ...]:
        """Age questions whose answer an anonymised casus keeps only as its band."""
        return tuple(q for q in self.questions if q.retention == "band")
