"""Loading a schema: a YAML file into rules.schema's data, validated, then proven complete.

Loading checks the shape (through pydantic) and every cross-reference, and reports all problems at
once, each with the file, the line, the place in the document and what is wrong. A schema that
loads has been through the completeness proof once, so nothing pays for it later (the proof
takes tens of milliseconds; an open lookup on the event loop should not).
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rules.completeness import check_completeness
from rules.facts import AgeRange, Condition, OneOf
from rules.problems import Problem, SchemaError
from rules.schema import (
    DEFAULT_SCHEMA_PATH,
    Aspect,
    Band,
    Constraint,
    Fallback,
    Note,
    Option,
    Outcome,
    Partij,
    Question,
    QuestionKind,
    Retention,
    Rule,
    Schema,
)
from rules.words import normalize

NEXT_STEP_FIELDS = ("partij", "werkdagen")


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
    retention: Retention = "drop"
    expertise: bool = False
    per_person: bool = False


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
    """Validate schema text and prove it complete; raise SchemaError naming every problem."""
    node, data = _read_yaml(text, source)
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
    return dataclasses.replace(schema, has_gaps=bool(check_completeness(schema).gaps))


# libyaml parses the default schema ten times faster than the pure-Python parser.
_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The default schema nests 7 deep and holds about 600 values. Far past these, a document is no
# schema: deeper, its tree walks overflow Python's stack; larger once its aliases are expanded
# (aliases of aliases, "billion laughs"), walking it takes minutes and gigabytes.
MAX_DEPTH = 50
MAX_VALUES = 100_000
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep (the default schema: 7)"
TOO_LARGE = f"more than {MAX_VALUES:,} values with its aliases expanded (the default schema: 600)"


def _read_yaml(text: str, source: str) -> tuple[yaml.Node | None, Any]:
    """The document's nodes (they know their lines) and its data, from one parse."""
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _within_limits(node, source)
        return node, (loader.construct_document(node) if node is not None else None)
    except yaml.YAMLError as error:
        raise _yaml_error(text, source, error) from None
    finally:
        loader.dispose()


def _within_limits(root: yaml.Node, source: str) -> None:
    """Refuses a document nested deeper than MAX_DEPTH or holding more than MAX_VALUES values,
    an alias counted every time it is used, before anything walks it as a tree."""
    waiting = [(root, 1)]
    values = 0
    while waiting:
        node, depth = waiting.pop()
        values += 1
        if depth > MAX_DEPTH or values > MAX_VALUES:
            message = TOO_DEEP if depth > MAX_DEPTH else TOO_LARGE
            raise SchemaError([Problem(source, node.start_mark.line + 1, "", message)])
        if isinstance(node, yaml.MappingNode):
            waiting.extend((child, depth + 1) for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            waiting.extend((child, depth + 1) for child in node.value)


def _yaml_error(text: str, source: str, error: yaml.YAMLError) -> SchemaError:
    mark = getattr(error, "problem_mark", None)
    # libyaml's message leaves out the offending line; the pure-Python parser's shows it.
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as shown:
        error, mark = shown, getattr(shown, "problem_mark", None)
    except RecursionError:  # that parser recurses per level: libyaml stopped at its 1000 levels
        line = mark.line + 1 if mark is not None else None
        return SchemaError([Problem(source, line, "", TOO_DEEP)])
    line = mark.line + 1 if mark is not None else None
    return SchemaError([Problem(source, line, "", f"not valid YAML: {error}")])


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
        schema = Schema(
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
            lookup_ignore=frozenset(normalize(w) for w in spec.lookup.ignore),
        )
        self._check_lookup_words(schema)
        return schema

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
        self._check_retention(spec, place)
        if spec.expertise and spec.kind not in ("choice", "multi"):
            self.report((*place, "expertise"), "only a choice or multi question can name expertise")
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
            retention=spec.retention,
            expertise=spec.expertise,
            per_person=spec.per_person,
        )
        self._check_shared(question, place)
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

    def _check_shared(self, question: Question, place: Place) -> None:
        """A question asked once for a whole group cannot depend on one person's answers."""
        if question.per_person:
            return
        for condition in question.asked_when:
            earlier = self.questions.get(condition.question)
            if earlier is not None and earlier.per_person:
                self.report(
                    (*place, "asked_when", condition.question),
                    f"'{question.id}' is asked once for a group (no per_person) and cannot "
                    f"depend on '{condition.question}', which is asked per person",
                )

    def _check_retention(self, spec: _QuestionSpec, place: Place) -> None:
        here = (*place, "retention")
        if spec.retention == "band" and not (spec.kind == "age" and spec.bands):
            self.report(here, "only an age question with bands can keep its band")
        elif spec.retention == "keep" and spec.kind == "age":
            self.report(here, "an exact age can identify a person; keep its band instead")
        elif spec.retention == "keep" and spec.kind == "text":
            self.report(here, "free text can identify a person; it cannot be kept")

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

    def _check_lookup_words(self, schema: Schema) -> None:
        """A word in a one-line query must mean one thing across the questions it can answer."""
        owner: dict[str, str] = {}
        for question in schema.aspect_questions:
            for word, code in question.words.items():
                meaning = f"{question.id} {code}"
                if word in schema.lookup_ignore:
                    self.report(("lookup", "ignore"), f"'{word}' is ignored but means {meaning}")
                elif owner.get(word, meaning) != meaning:
                    self.report(
                        ("questions",),
                        f"'{word}' means both {owner[word]} and {meaning} in a one-line query",
                    )
                owner.setdefault(word, meaning)
