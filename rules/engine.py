"""The advice engine: answers in, advice out, with one Dutch reason per aspect.

Rules are tried in order and the first that holds decides. On partial facts (a one-line lookup)
a rule may neither hold nor fail; then every partij still possible is returned instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rules.facts import (
    AgeRange,
    AgeSpan,
    Choices,
    Condition,
    Facts,
    FreeText,
    Known,
    Selection,
    Truth,
    all_of,
)
from rules.schema import Outcome, Partij, Question, Rule, Schema

Answer = str | int | Sequence[str]
Answers = Mapping[str, Answer]

FALLBACK_RULE_ID = "fallback"


@dataclass(frozen=True, slots=True)
class Reason:
    """How one aspect (regime, leeftijd, ...) weighed in the advice."""

    aspect: str
    label: str
    answer: str
    weight: str

    @property
    def text(self) -> str:
        return f"{self.label}: {self.answer}. {self.weight}"


@dataclass(frozen=True, slots=True)
class Advice:
    partij: Partij
    rule_id: str
    outcome: Outcome
    next_step: str
    explanation: str
    source: str
    reasons: tuple[Reason, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Requirement:
    """What an open answer must be for a candidate: one of `codes` (for a multi choice: one of
    them besides `named`, what was named already), or, for an age, within `ages`."""

    question: Question
    codes: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    ages: AgeRange | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A partij that is still possible while some answers are open. Candidates come in the
    order of the rules: the first whose `requires` all hold decides."""

    partij: Partij
    rule_id: str
    outcome: Outcome
    requires: tuple[Requirement, ...] = ()


@dataclass(frozen=True, slots=True)
class OpenAdvice:
    candidates: tuple[Candidate, ...]
    open_questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Violation:
    """A combination of answers the schema forbids, with the Dutch message to show."""

    message: str
    questions: tuple[str, ...]


# --- from answers to facts -----------------------------------------------------------------------


def known_from_answer(question: Question, answer: Answer) -> Known:
    if question.kind == "choice":
        return Choices(frozenset((str(answer),)))
    if question.kind == "multi":
        chosen = frozenset(answer) if not isinstance(answer, str | int) else frozenset()
        return Selection(chosen, chosen)
    if question.kind == "age":
        if isinstance(answer, int):
            return AgeSpan(answer, answer)
        band = next(b for b in question.bands if b.code == answer)
        return AgeSpan(band.at_least, band.below - 1)
    return FreeText(str(answer))


def is_asked(question: Question, facts: Facts) -> Truth:
    return all_of(question.asked_when, facts)


def facts_from_answers(schema: Schema, answers: Answers) -> Facts:
    """Facts of the given answers; an unanswered question that may be asked is unknown."""
    known: dict[str, Known] = {}
    maybe_absent: set[str] = set()
    for question in schema.advice_questions:
        asked = (
            is_asked(question, Facts(known, frozenset(maybe_absent)))
            if question.asked_when
            else True
        )
        if asked is False:
            continue
        answer = answers.get(question.id)
        known[question.id] = (
            question.unknown if answer is None else known_from_answer(question, answer)
        )
        if asked is None:
            maybe_absent.add(question.id)
    return Facts(known, frozenset(maybe_absent))


# --- constraints ---------------------------------------------------------------------------------


def violations(schema: Schema, facts: Facts) -> tuple[Violation, ...]:
    """Constraints the facts certainly break (an open answer gets the benefit of the doubt)."""
    return tuple(
        Violation(c.message, tuple(dict.fromkeys(x.question for x in (*c.when, *c.require))))
        for c in schema.constraints
        if all_of(c.when, facts) is True and all_of(c.require, facts) is False
    )


def age_violations(
    schema: Schema, answers: Answers, question: Question, span: AgeSpan
) -> tuple[Violation, ...]:
    """Constraints that some age in `span` would break, given the other answers. An age band is
    allowed only if every age in it is: the advice must not assume an age the regime excludes."""
    found: dict[Violation, None] = {}
    for age in _age_steps(schema, question, span):
        facts = facts_from_answers(schema, {**answers, question.id: age})
        found.update(dict.fromkeys(violations(schema, facts)))
    return tuple(found)


def allowed_ages(schema: Schema, answers: Answers, question: Question) -> tuple[AgeSpan, ...]:
    """The stretches of ages the age question may still take, given the other answers."""
    whole = AgeSpan(question.minimum, question.maximum)
    steps = _age_steps(schema, question, whole)
    allowed: list[AgeSpan] = []
    for start, end in zip(steps, [*(s - 1 for s in steps[1:]), whole.highest], strict=True):
        if age_violations(schema, answers, question, AgeSpan(start, start)):
            continue
        if allowed and allowed[-1].highest == start - 1:
            allowed[-1] = AgeSpan(allowed[-1].lowest, end)
        else:
            allowed.append(AgeSpan(start, end))
    return tuple(allowed)


def _age_steps(schema: Schema, question: Question, span: AgeSpan) -> list[int]:
    """One age per stretch of `span` in which no condition on the question changes its truth."""
    bounds = {
        bound
        for condition in schema.deciding_conditions
        if isinstance(condition, AgeRange) and condition.question == question.id
        for bound in (condition.at_least, condition.below)
        if bound is not None and span.lowest < bound <= span.highest
    }
    return sorted({span.lowest, *bounds})


# --- advice --------------------------------------------------------------------------------------


def advise(schema: Schema, answers: Answers) -> Advice | OpenAdvice:
    return advise_facts(schema, facts_from_answers(schema, answers))


def advise_facts(schema: Schema, facts: Facts) -> Advice | OpenAdvice:
    """First rule that holds decides; stop at an undecided rule only to collect candidates."""
    candidates: list[Candidate] = []
    open_questions: dict[str, None] = {}
    for rule in schema.rules:
        truth = all_of(rule.when, facts)
        if truth is False:
            continue
        if truth is None:
            open_questions.update((c.question, None) for c in rule.when if c.test(facts) is None)
        rule_candidates = _candidates(schema, rule, facts)
        if len(rule_candidates) > 1:
            open_questions[rule.partij_from or ""] = None
        candidates.extend(rule_candidates)
        if truth is True:
            if len(candidates) == 1:
                return _advice(schema, rule, facts)
            return _open(schema, candidates, open_questions)
    if not candidates:
        return _advice(schema, None, facts)
    if not schema.has_gaps:
        return _open(schema, candidates, open_questions)
    fallback = schema.fallback
    candidates.append(
        Candidate(
            schema.partij_by_code[fallback.partij],
            FALLBACK_RULE_ID,
            schema.outcomes[fallback.outcome],
        )
    )
    return _open(schema, candidates, open_questions)


def _candidates(schema: Schema, rule: Rule, facts: Facts) -> list[Candidate]:
    outcome = schema.outcomes[rule.outcome]
    requires = tuple(
        _requirement(schema, condition, facts)
        for condition in rule.when
        if condition.test(facts) is None
    )
    if rule.partij is not None:
        return [Candidate(schema.partij_by_code[rule.partij], rule.id, outcome, requires)]
    known = facts.known.get(rule.partij_from or "")
    question = schema.question_by_id[rule.partij_from or ""]
    possible = known.codes if isinstance(known, Choices) else frozenset()
    codes = [o.code for o in question.options if o.code in possible]
    return [
        Candidate(
            schema.partij_by_code[code],
            rule.id,
            outcome,
            requires + ((Requirement(question, (code,)),) if len(codes) > 1 else ()),
        )
        for code in codes
    ]


def _requirement(schema: Schema, condition: Condition, facts: Facts) -> Requirement:
    question = schema.question_by_id[condition.question]
    if isinstance(condition, AgeRange):
        return Requirement(question, ages=condition)
    known = facts.known.get(condition.question)
    if isinstance(known, Selection):
        return Requirement(
            question,
            _in_order(question, condition.codes & known.possible),
            _in_order(question, known.chosen),
        )
    possible = known.codes if isinstance(known, Choices) else condition.codes
    return Requirement(question, _in_order(question, condition.codes & possible))


def _in_order(question: Question, codes: frozenset[str]) -> tuple[str, ...]:
    return tuple(o.code for o in question.options if o.code in codes)


def _open(
    schema: Schema, candidates: list[Candidate], open_questions: Mapping[str, None]
) -> OpenAdvice:
    unique = tuple({(c.partij.code, c.rule_id): c for c in candidates}.values())
    return OpenAdvice(unique, tuple(q for q in schema.questions if q.id in open_questions))


def _advice(schema: Schema, rule: Rule | None, facts: Facts) -> Advice:
    if rule is None:
        fallback = schema.fallback
        partij = schema.partij_by_code[fallback.partij]
        rule_id, outcome_code = FALLBACK_RULE_ID, fallback.outcome
        explanation, source = fallback.explanation, fallback.source
        deciding: frozenset[str] = frozenset()
    else:
        partij = schema.partij_by_code[_single_partij(rule, facts)]
        rule_id, outcome_code = rule.id, rule.outcome
        explanation, source = rule.explanation, rule.source
        deciding = frozenset(c.question for c in rule.when) | {rule.partij_from or ""}
    outcome = schema.outcomes[outcome_code]
    return Advice(
        partij=partij,
        rule_id=rule_id,
        outcome=outcome,
        next_step=outcome.next_step.format(partij=partij.name, werkdagen=schema.contact_werkdagen),
        explanation=explanation,
        source=source,
        reasons=_reasons(schema, facts, deciding, rule),
        notes=tuple(n.text for n in schema.notes if all_of(n.when, facts) is True),
    )


def _single_partij(rule: Rule, facts: Facts) -> str:
    if rule.partij is not None:
        return rule.partij
    known = facts.known[rule.partij_from or ""]
    assert isinstance(known, Choices)
    return next(iter(known.codes))


def _reasons(
    schema: Schema, facts: Facts, deciding: frozenset[str], decided_by: Rule | None
) -> tuple[Reason, ...]:
    """Per aspect: decisive, or which partijen its answer ruled out, or no part at all."""
    aspect_of = schema.aspect_of_question
    decisive = {aspect_of.get(q) for q in deciding}
    excluded: dict[str, dict[str, None]] = {}
    for rule in schema.rules:
        if rule is decided_by:
            break
        ruled_out_by = _sole_failing_aspect(rule, facts, aspect_of, decisive)
        if ruled_out_by is not None and rule.partij is not None:
            excluded.setdefault(ruled_out_by, {})[schema.partij_by_code[rule.partij].name] = None
    reasons = []
    for aspect in schema.aspects:
        answer = "; ".join(
            describe(schema.question_by_id[q], facts.known[q])
            for q in aspect.questions
            if q in facts.known
        )
        names = list(excluded.get(aspect.id, ()))
        if aspect.id in decisive:
            weight = "Bepalend voor dit advies."
        elif not names:
            weight = "Speelt bij dit advies geen rol."
        elif len(names) == 1:
            weight = f"Daardoor komt {names[0]} niet in aanmerking."
        else:
            weight = f"Daardoor komen {', '.join(names[:-1])} en {names[-1]} niet in aanmerking."
        reasons.append(Reason(aspect.id, aspect.label, answer or "niet gevraagd", weight))
    return tuple(reasons)


def _sole_failing_aspect(
    rule: Rule, facts: Facts, aspect_of: Mapping[str, str], decisive: set[str | None]
) -> str | None:
    """The one aspect, not already decisive, on which alone this (failed) rule fell away."""
    found: str | None = None
    for condition in rule.when:
        if condition.test(facts) is not False:
            continue
        aspect = aspect_of.get(condition.question)
        if aspect is None or aspect in decisive or found not in (None, aspect):
            return None
        found = aspect
    return found


@lru_cache(maxsize=4096)  # answers repeat; a description depends only on its two arguments
def describe(question: Question, known: Known) -> str:
    """A Dutch description of what is known about one answer."""
    if known == question.unknown:
        return "niet genoemd"
    if isinstance(known, Choices):
        return " of ".join(o.label for o in question.options if o.code in known.codes)
    if isinstance(known, Selection):
        if not known.possible:
            return (question.none_label or "geen").lower()
        return ", ".join(o.label for o in question.options if o.code in known.chosen) or "onbekend"
    if isinstance(known, AgeSpan):
        if known.lowest == known.highest:
            return f"{known.lowest} jaar"
        band = next(
            (
                b
                for b in question.bands
                if (b.at_least, b.below - 1) == (known.lowest, known.highest)
            ),
            None,
        )
        return band.label if band else f"{known.lowest} tot en met {known.highest} jaar"
    return known.text


def advice_record(result: Advice | OpenAdvice) -> dict[str, object]:
    """A JSON-ready description: what `regiebot lookup --json` prints and a casus keeps."""
    if isinstance(result, OpenAdvice):
        return {
            "partij": None,
            "partij_name": None,
            "rule": None,
            "outcome": None,
            "next_step": None,
            "reasons": [],
            "candidates": [
                {
                    "partij": c.partij.code,
                    "partij_name": c.partij.name,
                    "rule": c.rule_id,
                    "outcome": c.outcome.code,
                    "requires": [_requirement_record(r) for r in c.requires],
                }
                for c in result.candidates
            ],
            "open_questions": [q.id for q in result.open_questions],
        }
    return {
        "partij": result.partij.code,
        "partij_name": result.partij.name,
        "rule": result.rule_id,
        "outcome": result.outcome.code,
        "outcome_label": result.outcome.label,
        "next_step": result.next_step,
        "explanation": result.explanation,
        "source": result.source,
        "reasons": [
            {
                "aspect": r.aspect,
                "label": r.label,
                "answer": r.answer,
                "weight": r.weight,
                "text": r.text,
            }
            for r in result.reasons
        ],
        "notes": list(result.notes),
    }


def _requirement_record(requirement: Requirement) -> dict[str, object]:
    record: dict[str, object] = {"question": requirement.question.id}
    if requirement.ages is not None:
        record["at_least"] = requirement.ages.at_least
        record["below"] = requirement.ages.below
    else:
        record["one_of"] = list(requirement.codes)
    if requirement.named:
        record["besides"] = list(requirement.named)
    return record
