"""The decision schema: its parts as plain data, and loading a YAML file into them with validation.

Loading checks the shape (through pydantic) and every cross-reference, and reports all problems at
once, each with the file, the line, the place in the document and what is wrong.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rules.facts import AgeRange, AgeSpan, Choices, Condition, FreeText, Known, OneOf, Selection
from rules.words import normalize

DEFAULT_SCHEMA_PATH = Path(__file__).with_name("default.yaml")

QuestionKind = Literal["choice", "multi", "age", "text"]


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

    def label_of(self, code: str) -> str:
        return self.option_by_code[code].label

    def band_of(self, age: int | str) -> str:
        """The band an age answer falls in (a band answer is its own band)."""
        if isinstance(age, str):
            return age
        return next((b.code for b in self.bands if b.at_least <= age < b.below), "onbekend")

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

    @cached_property
    def questions(self) -> tuple[str, ...]:
        """The question of each condition in `when`, in the same order."""
        return tuple(c.question for c in self.when)

    def partij_code(self, answers: Mapping[str, Any]) -> str:
        if self.partij is not None:
            return self.partij
        assert self.partij_from is not None
        return str(answers[self.partij_from])


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

    @cached_property
    def question_by_id(self) -> Mapping[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def partij_by_code(self) -> Mapping[str, Partij]:
        return {p.code: p for p in self.partijen}

    @cached_property
    def advice_questions(self) -> tuple[Question, ...]:
        """Questions the advice looks at: decisive ones and those an aspect describes."""
        described = {q for aspect in self.aspects for q in aspect.questions}
        return tuple(
            q for q in self.questions if q.id in self.decisive_questions or q.id in described
        )

    @cached_property
    def aspect_of_question(self) -> Mapping[str, str]:
        return {q: aspect.id for aspect in self.aspects for q in aspect.questions}

    @cached_property
    def has_gaps(self) -> bool:
        """Whether some allowed combination of answers reaches no rule (computed once)."""
        from rules.completeness import check_completeness

        return bool(check_completeness(self).gaps)

    @cached_property
    def decisive_questions(self) -> frozenset[str]:
        """Questions that some rule, constraint, note or asked_when condition looks at."""
        conditions = [c for r in self.rules for c in r.when]
        conditions += [c for k in self.constraints for c in (*k.when, *k.require)]
        conditions += [c for n in self.notes for c in n.when]
        conditions += [c for q in self.questions for c in q.asked_when]
        used = {c.question for c in conditions}
        used |= {r.partij_from for r in self.rules if r.partij_from}
        return frozenset(used)


# --- errors --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    source: str
    line: int | None
    place: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return (
            f"{where}: {self.place}: {self.message}" if self.place else f"{where}: {self.message}"
        )


class SchemaError(Exception):
    """A schema file that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --- the file format (validated by pydantic) -----------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _AgeRangeSpec(_Strict):
    at_least: int | None = None
    below: int | None = None


_ConditionSpec = list[str] | _AgeRangeSpec


class _OptionSpec(_Strict):
    code: str = Field(min_length=1, max_length=24, pattern=r"^[a-z0-9_-]+$")
    label: str = Field(min_length=1)
    synonyms: list[str] = []


class _BandSpec(_OptionSpec):
    at_least: int
    below: int


class _QuestionSpec(_Strict):
    id: str = Field(min_length=1, max_length=24, pattern=r"^[a-z0-9_]+$")
    kind: QuestionKind
    short: str | None = None
    text: str = Field(min_length=1)
    options: list[_OptionSpec] = []
    options_from: Literal["partijen"] | None = None
    asked_when: dict[str, _ConditionSpec] = {}
    none_label: str | None = None
    minimum: int = 0
    maximum: int = 120
    bands: list[_BandSpec] = []
    optional: bool = False
    max_length: int | None = Field(default=None, gt=0)


class _PartijSpec(_Strict):
    code: str = Field(min_length=1, max_length=24, pattern=r"^[a-z0-9_-]+$")
    name: str = Field(min_length=1)
    kader: Literal["gedwongen", "vrijwillig"] | None = None
    synonyms: list[str] = []


class _RuleSpec(_Strict):
    id: str = Field(min_length=1)
    when: dict[str, _ConditionSpec]
    partij: str | None = None
    partij_from: str | None = None
    outcome: str
    explanation: str = Field(min_length=1)
    source: str = Field(min_length=1)


class _ConstraintSpec(_Strict):
    when: dict[str, _ConditionSpec]
    require: dict[str, _ConditionSpec]
    message: str = Field(min_length=1)


class _AspectSpec(_Strict):
    id: str
    label: str
    questions: list[str] = Field(min_length=1)


class _NoteSpec(_Strict):
    when: dict[str, _ConditionSpec]
    text: str = Field(min_length=1)


class _FallbackSpec(_Strict):
    partij: str
    outcome: str
    explanation: str
    source: str


class _OutcomeSpec(_Strict):
    label: str
    next_step: str


class _LookupSpec(_Strict):
    ignore: list[str] = []


class _SchemaSpec(_Strict):
    version: Literal[1]
    name: str
    contact_werkdagen: int = Field(default=5, ge=1, le=60)
    questions: list[_QuestionSpec] = Field(min_length=1)
    aspects: list[_AspectSpec] = Field(min_length=1)
    constraints: list[_ConstraintSpec] = []
    partijen: list[_PartijSpec] = Field(min_length=1)
    rules: list[_RuleSpec] = Field(min_length=1)
    fallback: _FallbackSpec
    outcomes: dict[str, _OutcomeSpec] = Field(min_length=1)
    notes: list[_NoteSpec] = []
    lookup: _LookupSpec = _LookupSpec()


# --- loading -------------------------------------------------------------------------------------

Place = tuple[str | int, ...]


def load_schema(path: str | Path = DEFAULT_SCHEMA_PATH) -> Schema:
    """Read and validate a schema file; raise SchemaError naming every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SchemaError(
            [Problem(str(path), None, "", f"cannot read: {error.strerror}")]
        ) from None
    return parse_schema(text, source=str(path))


def parse_schema(text: str, source: str = "<schema>") -> Schema:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SchemaError([Problem(source, line, "", f"not valid YAML: {error}")]) from None
    lines = _line_numbers(node)

    def problem(place: Place, message: str) -> Problem:
        return Problem(source, _nearest_line(lines, place), _format_place(place), message)

    if not isinstance(data, dict):
        raise SchemaError([problem((), "expected a mapping with questions, partijen, rules, ...")])
    try:
        spec = _SchemaSpec.model_validate(data)
    except ValidationError as error:
        raise SchemaError(
            [problem(tuple(e["loc"]), e["msg"]) for e in error.errors(include_url=False)]
        ) from None
    builder = _Builder(spec, problem)
    schema = builder.build(source)
    if builder.problems:
        raise SchemaError(builder.problems)
    return schema


def _line_numbers(node: yaml.Node | None) -> dict[Place, int]:
    lines: dict[Place, int] = {}

    def walk(current: yaml.Node, place: Place) -> None:
        lines[place] = current.start_mark.line + 1
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                child = (*place, key.value)
                walk(value, child)
                lines[child] = key.start_mark.line + 1
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                walk(item, (*place, index))

    if node is not None:
        walk(node, ())
    return lines


def _nearest_line(lines: Mapping[Place, int], place: Place) -> int | None:
    while place not in lines and place:
        place = place[:-1]
    return lines.get(place)


def _format_place(place: Place) -> str:
    text = ""
    for part in place:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class _Builder:
    """Turns a shape-checked spec into a Schema, collecting every cross-reference problem."""

    def __init__(self, spec: _SchemaSpec, problem: Any) -> None:
        self.spec = spec
        self.problem = problem
        self.problems: list[Problem] = []
        self.partij_codes = list(dict.fromkeys(p.code for p in spec.partijen))
        self.questions: dict[str, Question] = {}

    def report(self, place: Place, message: str) -> None:
        self.problems.append(self.problem(place, message))

    def build(self, source: str) -> Schema:
        spec = self.spec
        self._check_unique([p.code for p in spec.partijen], ("partijen",), "code", "partij")
        self._check_unique([q.id for q in spec.questions], ("questions",), "id", "question")
        self._check_unique([r.id for r in spec.rules], ("rules",), "id", "rule")
        self._check_unique([a.id for a in spec.aspects], ("aspects",), "id", "aspect")
        partijen = tuple(Partij(p.code, p.name, p.kader, tuple(p.synonyms)) for p in spec.partijen)
        for index, question_spec in enumerate(spec.questions):
            question = self._question(question_spec, ("questions", index))
            self.questions.setdefault(question.id, question)
        aspects = tuple(self._aspect(a, ("aspects", i)) for i, a in enumerate(spec.aspects))
        constraints = tuple(
            Constraint(
                self._conditions(c.when, ("constraints", i, "when")),
                self._conditions(c.require, ("constraints", i, "require")),
                c.message,
            )
            for i, c in enumerate(spec.constraints)
        )
        rules = tuple(self._rule(r, ("rules", i)) for i, r in enumerate(spec.rules))
        self._check_partij(spec.fallback.partij, ("fallback", "partij"))
        self._check_outcome(spec.fallback.outcome, ("fallback", "outcome"))
        outcomes = {code: Outcome(code, o.label, o.next_step) for code, o in spec.outcomes.items()}
        for code, outcome in spec.outcomes.items():
            self._check_placeholders(outcome.next_step, ("outcomes", code, "next_step"))
        notes = tuple(
            Note(self._conditions(n.when, ("notes", i, "when")), n.text)
            for i, n in enumerate(spec.notes)
        )
        ignore = frozenset(normalize(w) for w in spec.lookup.ignore)
        self._check_lookup_words(ignore)
        return Schema(
            name=spec.name,
            source=source,
            contact_werkdagen=spec.contact_werkdagen,
            questions=tuple(self.questions.values()),
            aspects=aspects,
            constraints=constraints,
            partijen=partijen,
            rules=rules,
            fallback=Fallback(**spec.fallback.model_dump()),
            outcomes=outcomes,
            notes=notes,
            lookup_ignore=ignore,
        )

    def _check_unique(self, codes: list[str], place: Place, key: str, what: str) -> None:
        seen: set[str] = set()
        for index, code in enumerate(codes):
            if code in seen:
                self.report((*place, index, key), f"duplicate {what} {key} '{code}'")
            seen.add(code)

    def _question(self, spec: _QuestionSpec, place: Place) -> Question:
        options = tuple(Option(o.code, o.label, tuple(o.synonyms)) for o in spec.options)
        if spec.options_from == "partijen":
            options += tuple(Option(p.code, p.name, tuple(p.synonyms)) for p in self.spec.partijen)
        bands = tuple(
            Band(b.code, b.label, tuple(b.synonyms), b.at_least, b.below) for b in spec.bands
        )
        if spec.kind in ("choice", "multi") and not options:
            self.report((*place, "options"), f"a {spec.kind} question needs options")
        if spec.kind not in ("choice", "multi") and (spec.options or spec.options_from):
            self.report((*place, "options"), f"a {spec.kind} question has no options")
        if spec.kind != "age" and spec.bands:
            self.report((*place, "bands"), "only an age question has bands")
        if not spec.options_from:  # a duplicate partij is reported with the partijen
            self._check_unique([o.code for o in options], (*place, "options"), "code", "option")
        self._check_unique([b.code for b in bands], (*place, "bands"), "code", "band")
        for index, band in enumerate(bands):
            if not spec.minimum <= band.at_least < band.below <= spec.maximum + 1:
                self.report(
                    (*place, "bands", index),
                    f"band '{band.code}' must lie within {spec.minimum}-{spec.maximum} "
                    "with at_least < below",
                )
        question = Question(
            id=spec.id,
            kind=spec.kind,
            text=spec.text,
            short=spec.short or spec.id.capitalize(),
            options=options,
            # asked_when may only look back, so the dialogue can decide it when it gets there.
            asked_when=self._conditions(
                spec.asked_when, (*place, "asked_when"), earlier_than=spec.id
            ),
            none_label=spec.none_label,
            minimum=spec.minimum,
            maximum=spec.maximum,
            bands=bands,
            optional=spec.optional,
            max_length=spec.max_length,
        )
        words: dict[str, str] = {}
        for option in (*options, *bands):
            for word in (option.code, option.label, *option.synonyms):
                key = normalize(word)
                if words.get(key, option.code) != option.code:
                    self.report(
                        (*place, "options"),
                        f"'{word}' names both '{words[key]}' and '{option.code}'",
                    )
                words.setdefault(key, option.code)
        return question

    def _conditions(
        self,
        specs: Mapping[str, _ConditionSpec],
        place: Place,
        earlier_than: str | None = None,
    ) -> tuple[Condition, ...]:
        conditions: list[Condition] = []
        for question_id, spec in specs.items():
            here = (*place, question_id)
            question = self.questions.get(question_id)
            if question is None:
                known = ", ".join(self.questions) or "none yet"
                if earlier_than is not None and any(
                    q.id == question_id for q in self.spec.questions
                ):
                    self.report(
                        here, f"asked_when may only refer to questions before '{earlier_than}'"
                    )
                else:
                    self.report(
                        here, f"condition on unknown question '{question_id}' (known: {known})"
                    )
                continue
            if isinstance(spec, _AgeRangeSpec):
                if question.kind != "age":
                    self.report(
                        here,
                        f"an age range needs an age question; '{question_id}' is {question.kind}",
                    )
                    continue
                if spec.at_least is None and spec.below is None:
                    self.report(here, "an age range needs at_least, below or both")
                    continue
                conditions.append(AgeRange(question_id, spec.at_least, spec.below))
                continue
            if question.kind not in ("choice", "multi"):
                self.report(
                    here,
                    f"a list of codes needs a choice question; '{question_id}' is {question.kind}",
                )
                continue
            unknown = [code for code in spec if code not in question.option_by_code]
            if unknown:
                allowed = ", ".join(o.code for o in question.options)
                self.report(
                    here,
                    f"unknown option {', '.join(repr(c) for c in unknown)} for '{question_id}' "
                    f"(allowed: {allowed})",
                )
                continue
            if not spec:
                self.report(here, "an empty list never holds")
                continue
            conditions.append(OneOf(question_id, frozenset(spec)))
        return tuple(conditions)

    def _aspect(self, spec: _AspectSpec, place: Place) -> Aspect:
        for index, question_id in enumerate(spec.questions):
            if question_id not in self.questions:
                self.report((*place, "questions", index), f"unknown question '{question_id}'")
        return Aspect(spec.id, spec.label, tuple(spec.questions))

    def _rule(self, spec: _RuleSpec, place: Place) -> Rule:
        if (spec.partij is None) == (spec.partij_from is None):
            self.report(place, f"rule '{spec.id}' needs exactly one of partij and partij_from")
        if spec.partij is not None:
            self._check_partij(spec.partij, (*place, "partij"))
        if spec.partij_from is not None:
            question = self.questions.get(spec.partij_from)
            if question is None or question.kind != "choice":
                self.report(
                    (*place, "partij_from"), f"'{spec.partij_from}' is not a choice question"
                )
            else:
                for option in question.options:
                    self._check_partij(option.code, (*place, "partij_from"))
        self._check_outcome(spec.outcome, (*place, "outcome"))
        return Rule(
            id=spec.id,
            when=self._conditions(spec.when, (*place, "when")),
            outcome=spec.outcome,
            explanation=spec.explanation,
            source=spec.source,
            partij=spec.partij,
            partij_from=spec.partij_from,
        )

    def _check_partij(self, code: str, place: Place) -> None:
        if code not in self.partij_codes:
            self.report(place, f"unknown partij '{code}' (known: {', '.join(self.partij_codes)})")

    def _check_outcome(self, code: str, place: Place) -> None:
        if code not in self.spec.outcomes:
            known = ", ".join(self.spec.outcomes)
            self.report(place, f"unknown outcome '{code}' (known: {known})")

    def _check_placeholders(self, text: str, place: Place) -> None:
        for _, name, _, _ in string.Formatter().parse(text):
            if name is not None and name not in NEXT_STEP_FIELDS:
                allowed = ", ".join("{" + f + "}" for f in NEXT_STEP_FIELDS)
                self.report(place, f"unknown placeholder '{{{name}}}' (allowed: {allowed})")

    def _check_lookup_words(self, ignore: frozenset[str]) -> None:
        """A word in a one-line query must mean one thing across the questions it can answer."""
        owner: dict[str, str] = {}
        looked_up = {q for aspect in self.spec.aspects for q in aspect.questions}
        for question in self.questions.values():
            if question.id not in looked_up:
                continue
            for word, code in question.words.items():
                meaning = f"{question.id} {code}"
                if word in ignore:
                    self.report(("lookup", "ignore"), f"'{word}' is ignored but means {meaning}")
                elif owner.get(word, meaning) != meaning:
                    self.report(
                        ("questions",),
                        f"'{word}' means both {owner[word]} and {meaning} in a one-line query",
                    )
                owner.setdefault(word, meaning)


NEXT_STEP_FIELDS = ("partij", "werkdagen")


def lookup_questions(schema: Schema) -> tuple[Question, ...]:
    """Questions a one-line lookup can answer: those the aspects weigh."""
    wanted = {q for aspect in schema.aspects for q in aspect.questions}
    return tuple(q for q in schema.questions if q.id in wanted)
