"""Which ages and age bands the other answers allow, from the schema's constraints."""

from __future__ import annotations

from rules import Schema
from rules.engine import age_violations, allowed_ages
from rules.facts import AgeSpan


def test_allowed_ages_follow_the_constraints(schema: Schema) -> None:
    leeftijd = schema.question_by_id["leeftijd"]
    jr = {"criteria": "ja", "kader": "maatregel", "maatregel": "jeugdreclassering"}
    assert allowed_ages(schema, jr, leeftijd) == (AgeSpan(12, 22),)
    assert allowed_ages(schema, {"kader": "vrijwillig"}, leeftijd) == (AgeSpan(0, 120),)


def test_a_span_breaks_a_constraint_if_any_age_in_it_does(schema: Schema) -> None:
    leeftijd = schema.question_by_id["leeftijd"]
    jr = {"kader": "maatregel", "maatregel": "jeugdreclassering"}
    (broken,) = age_violations(schema, jr, leeftijd, AgeSpan(0, 17))
    assert broken.message == "Jeugdreclassering geldt van 12 tot 23 jaar. Klopt de leeftijd?"
    assert age_violations(schema, jr, leeftijd, AgeSpan(12, 17)) == ()
