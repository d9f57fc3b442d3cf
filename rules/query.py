"""One-line lookups: "wie neemt regie bij ots 15 lvb?" or explicit options, turned into facts.

Used by `regiebot lookup`, `/wie` and inline mode. Whatever the query leaves open stays open, so the
engine answers with every partij still possible. Bad input raises QueryError with one Dutch line
that says what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rules.engine import (
    Advice,
    OpenAdvice,
    advise_facts,
    is_asked,
    known_from_answer,
    violations,
)
from rules.facts import Choices, Facts, Known, OneOf, Selection
from rules.schema import Question, Schema
from rules.words import normalize, read_age

_LONGEST_PHRASE = 4
# Free text that closes a multi-choice answer: "dakloos, verder geen" or "alleen dakloos".
NOTHING_ELSE = frozenset(
    {"verder geen", "verder niets", "verder niks", "niets anders", "niks anders", "anders niets"}
)
ONLY = "alleen"


class QueryError(ValueError):
    """A lookup that cannot be answered; the message is one Dutch line for the user."""


@dataclass
class Query:
    """What a lookup names. Multi-choice answers named in free text are a minimum ("lvb" does not
    rule out "verslaving"); given as an option they are the whole answer."""

    answers: dict[str, str | int] = field(default_factory=dict)
    selections: dict[str, frozenset[str]] = field(default_factory=dict)
    complete_selections: set[str] = field(default_factory=set)
    said_none: dict[str, str] = field(default_factory=dict)  # question id: the word for "none"

    def give(self, question: Question, value: str | int, word: str, *, only: bool = False) -> None:
        if question.kind == "multi":
            if only:
                self.complete_selections.add(question.id)
            if value == "":  # "geen": nothing (else) than what was named
                self.selections.setdefault(question.id, frozenset())
                self.complete_selections.add(question.id)
                self.said_none.setdefault(question.id, word)
            elif question.id in self.said_none:  # "geen dakloos" is not "dakloos, verder geen"
                raise _contradiction(question, self.said_none[question.id], word)
            else:
                self.selections[question.id] = self.selections.get(question.id, frozenset()) | {
                    str(value)
                }
            return
        earlier = self.answers.get(question.id)
        if earlier is not None and earlier != value:
            raise QueryError(
                f"'{word}' spreekt een eerder antwoord voor {question.id} tegen; "
                f"noem één {question.id}."
            )
        self.answers[question.id] = value


def lookup(schema: Schema, query: Query) -> Advice | OpenAdvice:
    return advise_facts(schema, facts_from_query(schema, query))


def parse_text(schema: Schema, text: str, query: Query | None = None) -> Query:
    """Read free text through the schema's codes, labels and synonyms (adding to `query`)."""
    vocabulary = _vocabulary(schema)
    words = normalize(text.replace(",", " ").replace("?", " ")).split()
    query = query if query is not None else Query()
    only = False  # "alleen" closes the multi-choice answer named next
    position = 0
    while position < len(words):
        for length in range(min(_LONGEST_PHRASE, len(words) - position), 0, -1):
            phrase = " ".join(words[position : position + length])
            meaning = vocabulary.get(phrase)
            if meaning is not None:
                question, value = meaning
                query.give(question, value, phrase, only=only)
                only = only and question.kind != "multi"
                position += length
                break
            age = read_age(phrase) if length <= 2 else None
            if age is not None:
                query.give(_age_question(schema), _checked_age(schema, age), phrase)
                position += length
                break
        else:
            word = words[position]
            if word == ONLY:
                only = True
            elif word not in schema.lookup_ignore:
                examples = ", ".join(_examples(schema))
                raise QueryError(
                    f"Onbekend woord '{word}'. Gebruik codes zoals {examples}, of een leeftijd."
                )
            position += 1
    return query


def query_from_options(schema: Schema, options: Mapping[str, str | Sequence[str] | None]) -> Query:
    """Explicit answers by question id, as `regiebot lookup --kader ... --profiel ...` has them.
    A question may be given several values: a multi choice takes them all, any other question
    only values that agree."""
    query = Query()
    for question_id, value in options.items():
        if value is None:
            continue
        question = schema.question_by_id[question_id]
        values = [value] if isinstance(value, str) else list(value)
        if question.kind == "multi":
            query.selections[question_id] = frozenset()
            query.complete_selections.add(question_id)
            values = _without_none(question, values)
        for item in values:
            if question.kind == "age":
                query.give(question, _parse_age(schema, question, item), item)
            else:
                query.give(question, _checked_code(question, item), item)
    return query


def _without_none(question: Question, values: Sequence[str]) -> list[str]:
    """The values of a multi choice given as options; "geen" beside a value contradicts it."""
    nones = [v for v in values if normalize(v) in question.none_words]
    named = [v for v in values if normalize(v) not in question.none_words]
    if nones and named:
        raise _contradiction(question, nones[0], named[0])
    return named


def _contradiction(question: Question, none: str, named: str) -> QueryError:
    return QueryError(
        f"'{none}' en '{named}' spreken elkaar tegen bij {question.id}: "
        f"noem '{none}' alleen als er niets van speelt."
    )


def facts_from_query(schema: Schema, query: Query) -> Facts:
    narrowed = _narrow_by_asked_when(schema, query)
    known: dict[str, Known] = {}
    maybe_absent: set[str] = set()
    for question in schema.questions:
        asked = is_asked(question, Facts(known, frozenset(maybe_absent)))
        if asked is False:
            continue
        known[question.id] = _known(question, query, narrowed)
        if asked is None:
            maybe_absent.add(question.id)
    facts = Facts(known, frozenset(maybe_absent))
    broken = violations(schema, facts)
    if broken:
        raise QueryError(broken[0].message)
    return _without_forbidden_choices(schema, facts)


def _without_forbidden_choices(schema: Schema, facts: Facts) -> Facts:
    """Drop open choices the constraints forbid with what is known ("maatregel 30" is no OTS)."""
    known = dict(facts.known)
    for question_id, value in facts.known.items():
        if isinstance(value, Choices) and len(value.codes) > 1:
            allowed = frozenset(
                code
                for code in value.codes
                if not violations(
                    schema,
                    Facts({**known, question_id: Choices(frozenset((code,)))}, facts.maybe_absent),
                )
            )
            known[question_id] = Choices(allowed or value.codes)
    return Facts(known, facts.maybe_absent)


def _known(question: Question, query: Query, narrowed: Mapping[str, frozenset[str]]) -> Known:
    if question.id in query.answers:
        return known_from_answer(question, query.answers[question.id])
    if question.id in query.selections:
        chosen = query.selections[question.id]
        if question.id in query.complete_selections:
            return Selection(chosen, chosen)
        return Selection(chosen, frozenset(o.code for o in question.options))
    if question.id in narrowed:
        return Choices(narrowed[question.id])
    return question.unknown


def _narrow_by_asked_when(schema: Schema, query: Query) -> dict[str, frozenset[str]]:
    """An answer to "welke maatregel?" implies the kader under which that question is asked."""
    narrowed: dict[str, frozenset[str]] = {}
    for question in schema.questions:
        if question.id not in query.answers and question.id not in query.selections:
            continue
        for condition in question.asked_when:
            if not isinstance(condition, OneOf):
                continue
            given = query.answers.get(condition.question)
            if given is not None and given not in condition.codes:
                other = schema.question_by_id[condition.question]
                mine = query.answers.get(question.id)
                named = question.label_of(str(mine)) if mine is not None else question.id
                raise QueryError(
                    f"'{named}' past niet bij '{other.label_of(str(given))}'; "
                    "laat een van beide weg."
                )
            current = narrowed.get(condition.question, condition.codes)
            narrowed[condition.question] = current & condition.codes
    return narrowed


def _vocabulary(schema: Schema) -> dict[str, tuple[Question, str | int]]:
    vocabulary: dict[str, tuple[Question, str | int]] = {}
    for question in schema.aspect_questions:
        for word, code in question.words.items():
            vocabulary[word] = (question, code)
        if question.kind == "multi":
            for word in question.none_words | NOTHING_ELSE:
                vocabulary[word] = (question, "")
    return vocabulary


def _examples(schema: Schema) -> list[str]:
    return [o.code for q in schema.aspect_questions if q.kind != "age" for o in q.options][:12]


def _age_question(schema: Schema) -> Question:
    return next(q for q in schema.questions if q.kind == "age")


def _checked_age(schema: Schema, age: int) -> int:
    question = _age_question(schema)
    if not question.minimum <= age <= question.maximum:
        raise QueryError(
            f"Leeftijd {age} kan niet: geef een leeftijd van {question.minimum} "
            f"tot en met {question.maximum} jaar."
        )
    return age


def _parse_age(schema: Schema, question: Question, text: str) -> str | int:
    age = read_age(text)
    if age is not None:
        return _checked_age(schema, age)
    band = question.words.get(normalize(text))
    if band is None:
        bands = ", ".join(b.code for b in question.bands)
        raise QueryError(
            f"'{text}' is geen leeftijd: geef een getal van {question.minimum} tot en met "
            f"{question.maximum}, of een van: {bands}."
        )
    return band


def _checked_code(question: Question, text: str) -> str:
    code = question.words.get(normalize(text))
    if code is None:
        allowed = ", ".join(o.code for o in question.options)
        raise QueryError(f"'{text}' is geen keuze voor {question.id}. Kies uit: {allowed}.")
    return code
