"""Proof that a schema is complete: every allowed combination of answers reaches exactly one rule.

Only answers that some rule or constraint looks at are enumerated: each option of a choice, every
subset of the options named in conditions of a multi choice, and for an age both sides of every
boundary in the schema, its extremes and every band. What no rule decides is a gap; a band that
straddles a boundary a rule depends on is a gap too, because the rule cannot tell. A rule that
decides no combination is unreachable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from rules.engine import Answer, facts_from_answers, is_asked, violations
from rules.facts import AgeRange, OneOf, all_of
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
    decided_by: Counter[str] = Counter()
    gaps: list[Gap] = []
    checked = forbidden = 0
    for answers in _combinations(schema):
        facts = facts_from_answers(schema, answers)
        if violations(schema, facts):
            forbidden += 1
            continue
        checked += 1
        for rule in schema.rules:
            truth = all_of(rule.when, facts)
            if truth is True:
                decided_by[rule.id] += 1
                break
            if truth is None:
                gaps.append(Gap(_shown(answers), f"rule '{rule.id}' cannot tell"))
                break
        else:
            gaps.append(Gap(_shown(answers), "no rule decides"))
    unreachable = tuple(r.id for r in schema.rules if not decided_by[r.id])
    return CompletenessReport(checked, forbidden, dict(decided_by), tuple(gaps), unreachable)


def _rule_questions(schema: Schema) -> set[str]:
    """Questions whose answer can change which rule decides (notes do not count)."""
    conditions = [c for r in schema.rules for c in r.when]
    conditions += [c for k in schema.constraints for c in (*k.when, *k.require)]
    conditions += [c for q in schema.questions for c in q.asked_when]
    return {c.question for c in conditions} | {r.partij_from for r in schema.rules if r.partij_from}


def _combinations(schema: Schema) -> Iterator[dict[str, Answer]]:
    relevant = [q for q in schema.questions if q.id in _rule_questions(schema)]

    def extend(index: int, answers: dict[str, Answer]) -> Iterator[dict[str, Answer]]:
        if index == len(relevant):
            yield dict(answers)
            return
        question = relevant[index]
        if question.asked_when and not is_asked(question, facts_from_answers(schema, answers)):
            yield from extend(index + 1, answers)
            return
        for value in _values(schema, question):
            answers[question.id] = value
            yield from extend(index + 1, answers)
        del answers[question.id]

    yield from extend(0, {})


def _values(schema: Schema, question: Question) -> list[Answer]:
    conditions = [c for r in schema.rules for c in r.when]
    conditions += [c for k in schema.constraints for c in (*k.when, *k.require)]
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
