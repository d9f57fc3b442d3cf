"""A group aanmelding while it is made: several persons, each a casus of their own later.

Questions marked `per_person` in the schema are asked for every person; the others once for the
whole group, and a person may differ from the group in them. The dialogue holds one person's
answers at a time (`at`); the group keeps the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from conversation.answers import answer_text
from rules.engine import Answer
from rules.facts import OneOf
from rules.schema import Question, Schema

ONE = "persoon"  # the aanmelding is about one person
GROUP = "groep"  # ... about a group


@dataclass(frozen=True, slots=True)
class Group:
    """`shared`: the group's answers to the questions asked once. `persons`: each person's own
    answers (the per-person questions, and shared ones where the person differs). `at`: the
    person whose answers the dialogue holds now, `len(persons)` while a new one is added; None
    at the overview, or while an answer for the whole group is changed."""

    shared: Mapping[str, Answer]
    persons: tuple[Mapping[str, Answer], ...] = ()
    at: int | None = 0

    @property
    def first_walk(self) -> bool:
        """The first person is being added: the group's own answers come with theirs."""
        return self.at == 0 and not self.persons

    @property
    def adding(self) -> bool:
        return bool(self.persons) and self.at == len(self.persons)

    @property
    def editing(self) -> bool:
        return self.at is not None and self.at < len(self.persons)

    def answers_of(self, index: int) -> dict[str, Answer]:
        """A person's whole answers: the group's, with theirs where they differ."""
        return {**self.shared, **self.persons[index]}

    def filed(self, schema: Schema, answers: Mapping[str, Answer]) -> Group:
        """The group once the person at `at` has `answers` (all of theirs), or, with `at` None,
        once the group's own answers are `answers`. The overview comes next."""
        if self.at is None:
            changed = {q for q, a in answers.items() if self.shared.get(q) != a}
            kept = tuple(
                {q: a for q, a in person.items() if q not in changed} for person in self.persons
            )
            return Group(dict(answers), kept, None)
        per_person = {q.id for q in schema.per_person_questions}
        shared = dict(self.shared)
        if self.first_walk:
            shared = {q: a for q, a in answers.items() if q not in per_person}
        own = {q: a for q, a in answers.items() if q in per_person or shared.get(q, a) != a}
        persons: list[Mapping[str, Answer]] = list(self.persons)
        if self.at < len(persons):
            persons[self.at] = own
        else:
            persons.append(own)
        return Group(shared, tuple(persons), None)

    def without(self, index: int) -> Group:
        return replace(self, persons=self.persons[:index] + self.persons[index + 1 :], at=None)

    def to_record(self) -> dict[str, Any]:
        return {
            "scope": GROUP,
            "shared": dict(self.shared),
            "persons": [dict(p) for p in self.persons],
            "at": self.at,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Group:
        return cls(
            dict(record.get("shared", {})),
            tuple(dict(p) for p in record.get("persons", [])),
            record.get("at"),
        )


def aangemelde_line(schema: Schema, answers: Mapping[str, Answer]) -> str:
    """The person aangemeld (not a professional: see bot.services.casussen.person_line) at a
    glance, e.g. "Jeugdreclassering · 16 jaar · LVB": their per-person answers,
    leaving out an answer that a later one implies (kader "maatregel" before the maatregel; not
    kader "onderzoek" before the instantie, which is asked after "interventie" too) and a
    multiple choice with nothing chosen."""
    led_on = {
        c.question
        for q in schema.per_person_questions
        if q.id in answers
        for c in q.asked_when
        if isinstance(c, OneOf) and len(c.codes) == 1
    }
    return " · ".join(
        _brief(q, answers[q.id])
        for q in schema.per_person_questions
        if q.id in answers and not (q.kind == "choice" and q.id in led_on) and answers[q.id] != []
    )


def _brief(question: Question, answer: Answer) -> str:
    if question.kind == "multi" and isinstance(answer, list):
        return ", ".join(short_name(question.label_of(code)) for code in answer)
    return short_name(answer_text(question, answer, 40))


def short_name(name: str) -> str:
    """A label or partij name short enough for one line per person: "(Voorlopige)
    ondertoezichtstelling (OTS)" is "OTS", "Minderjarig (0-17 jaar)" is "Minderjarig",
    "Zorg- en Veiligheidshuis, team complexe casuïstiek" is "Zorg- en Veiligheidshuis"."""
    found = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", name)
    if found is not None:
        head, inner = found.groups()
        if re.fullmatch(r"[A-Z]{2,6}", inner):
            return inner
        name = head or name
    return name.split(", ", 1)[0]
