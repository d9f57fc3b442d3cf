"""Proof that a schema is complete: every allowed combination of answers reaches exactly one rule.

Only answers that some rule or constraint looks at are enumerated: each option of a choice, every
subset of the options named in conditions of a multi choice, and for an age both sides of every
boundary in the schema, its extremes and every band. What no rule decides is a gap; a band that
straddles a boundary a rule depends on is a gap too, because the rule cannot tell. A rule that
decides no combination is unreachable.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from rules.engine import Answer, facts_from_answers, is_asked, violations
from rules.facts import AgeRange, Facts, OneOf, all_of
from rules.schema import Question, Schema


@dataclass(frozen=True)
class Gap:
    answers: tuple[tuple[str, str], ...]
    reason: str

    def __str__(self) -> str:
        shown = ", ".join(f"{question}={value}" for question, value in self.answers)
        return f"{self.reason}: {shown}"


@dataclass(frozen=True)
class CompletenessReport:
    combinations: int
    forbidden: int
    decided_by: dict[str, int]
    gaps: tuple[Gap, ...]
    unreachable: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.gaps and not self.unreachable


def check_completeness(schema: Schema) -> CompletenessReport:
    return _Proof(schema).run()


@dataclass(frozen=True)
class _Decided:
    rule: str


_FORBIDDEN = "forbidden"
_OPEN = "open"


class _Proof:
    """Walks the answers question by question. Partial answers are facts like a lookup's, so a
    branch whose outcome the three-valued conditions already settle (every combination below it
    forbidden, or decided by one rule) is counted without being enumerated; only the rest is split
    on its next question. The figures are those of checking every combination one by one."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.relevant = [q for q in schema.questions if q.id in schema.rule_questions]
        self.values = {q.id: _values(schema, q) for q in self.relevant}
        # Questions some later asked_when looks at: how many combinations follow depends on them.
        self.steering = {c.question for q in self.relevant for c in q.asked_when}
        self.decided_by: Counter[str] = Counter()
        self.gaps: list[Gap] = []
        self.checked = self.forbidden = 0

    def run(self) -> CompletenessReport:
        self._explore(0, {})
        unreachable = tuple(r.id for r in self.schema.rules if not self.decided_by[r.id])
        return CompletenessReport(
            self.checked, self.forbidden, dict(self.decided_by), tuple(self.gaps), unreachable
        )

    def _explore(self, index: int, answers: dict[str, Answer]) -> None:
        index = self._next_asked(index, answers)
        facts = facts_from_answers(self.schema, answers)
        if index == len(self.relevant):
            self._leaf(answers, facts)
            return
        verdict = self._verdict(facts)
        if verdict == _FORBIDDEN:
            self.forbidden += self._count(index, answers)
        elif isinstance(verdict, _Decided):
            count = self._count(index, answers)
            self.checked += count
            self.decided_by[verdict.rule] += count
        else:
            question = self.relevant[index]
            for value in self.values[question.id]:
                self._explore(index + 1, {**answers, question.id: value})

    def _next_asked(self, index: int, answers: dict[str, Answer]) -> int:
        """The first question from `index` on that these answers ask."""
        while index < len(self.relevant):
            question = self.relevant[index]
            if not question.asked_when or is_asked(
                question, facts_from_answers(self.schema, answers)
            ):
                return index
            index += 1
        return index

    def _verdict(self, facts: Facts) -> _Decided | str:
        """Forbidden or decided for every combination these facts allow, or still open."""
        if violations(self.schema, facts):
            return _FORBIDDEN
        for constraint in self.schema.constraints:
            if (
                all_of(constraint.when, facts) is not False
                and all_of(constraint.require, facts) is not True
            ):
                return _OPEN
        for rule in self.schema.rules:
            truth = all_of(rule.when, facts)
            if truth is True:
                return _Decided(rule.id)
            if truth is None:
                return _OPEN
        return _OPEN

    def _leaf(self, answers: dict[str, Answer], facts: Facts) -> None:
        if violations(self.schema, facts):
            self.forbidden += 1
            return
        self.checked += 1
        for rule in self.schema.rules:
            truth = all_of(rule.when, facts)
            if truth is True:
                self.decided_by[rule.id] += 1
                return
            if truth is None:
                self.gaps.append(Gap(_shown(answers), f"rule '{rule.id}' cannot tell"))
                return
        self.gaps.append(Gap(_shown(answers), "no rule decides"))

    def _count(self, index: int, answers: dict[str, Answer]) -> int:
        """How many combinations of answers follow from `index` on."""
        index = self._next_asked(index, answers)
        if index == len(self.relevant):
            return 1
        question = self.relevant[index]
        values = self.values[question.id]
        if question.id not in self.steering:
            return len(values) * self._count(index + 1, answers)
        return sum(self._count(index + 1, {**answers, question.id: value}) for value in values)


def _values(schema: Schema, question: Question) -> list[Answer]:
    conditions = schema.deciding_conditions
    if question.kind == "choice":
        return [o.code for o in question.options]
    if question.kind == "multi":
        named = sorted(
            {
                code
                for c in conditions
                if isinstance(c, OneOf) and c.question == question.id
                for code in c.codes
            }
        )
        return [list(s) for size in range(len(named) + 1) for s in combinations(named, size)]
    if question.kind == "age":
        ages = {question.minimum, question.maximum}
        for c in conditions:
            if isinstance(c, AgeRange) and c.question == question.id:
                for bound in (c.at_least, c.below):
                    if bound is not None:
                        ages |= {bound - 1, bound}
        in_range = sorted(a for a in ages if question.minimum <= a <= question.maximum)
        return [*in_range, *(b.code for b in question.bands)]
    return [""]


def _shown(answers: dict[str, Answer]) -> tuple[tuple[str, str], ...]:
    def show(value: Answer) -> str:
        if isinstance(value, list):
            return "+".join(value) or "geen"
        return str(value)

    return tuple((question, show(value)) for question, value in answers.items())
