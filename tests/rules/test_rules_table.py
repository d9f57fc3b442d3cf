"""Every rule of the default schema (docs/domain.md), each age boundary and every constraint, as
tables."""

from __future__ import annotations

from typing import Any

import pytest

from rules import Advice, Schema, advise, facts_from_answers, violations


def answers(**given: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "criteria": "ja",
        "leeftijd": 30,
        "profiel": [],
        "interventie": "zorg",
        "betrokken": [],
        "omschrijving": "",
    }
    base.update(given)
    return base


def advice_of(schema: Schema, **given: Any) -> Advice:
    assert not violations(schema, facts_from_answers(schema, answers(**given)))
    result = advise(schema, answers(**given))
    assert isinstance(result, Advice), result
    return result


RULES = [
    # (rule, partij, outcome, answers)
    (
        "gi-lvb",
        "gi-wsg",
        "reguliere_regie",
        dict(kader="maatregel", maatregel="ots", leeftijd=15, profiel=["lvb"]),
    ),
    (
        "gi-lvb",
        "gi-wsg",
        "reguliere_regie",
        dict(kader="maatregel", maatregel="voogdij", leeftijd=4, profiel=["lvb", "psychisch"]),
    ),
    (
        "gi-lvb",
        "gi-wsg",
        "reguliere_regie",
        dict(kader="maatregel", maatregel="jeugdreclassering", leeftijd=19, profiel=["lvb"]),
    ),
    ("gi", "gi-jbra", "reguliere_regie", dict(kader="maatregel", maatregel="ots", leeftijd=15)),
    (
        "gi",
        "gi-jbra",
        "reguliere_regie",
        dict(kader="maatregel", maatregel="voogdij", leeftijd=2, profiel=["psychisch"]),
    ),
    (
        "gi",
        "gi-jbra",
        "reguliere_regie",
        dict(kader="maatregel", maatregel="jeugdreclassering", leeftijd=16, profiel=["verslaving"]),
    ),
    (
        "reclassering-verslaving",
        "svg",
        "reguliere_regie",
        dict(kader="maatregel", maatregel="reclassering", profiel=["verslaving"]),
    ),
    (
        "reclassering-verslaving",
        "svg",
        "reguliere_regie",
        dict(kader="maatregel", maatregel="reclassering", profiel=["psychisch", "dakloos"]),
    ),
    (
        "reclassering-dakloos",
        "ldh",
        "reguliere_regie",
        dict(kader="maatregel", maatregel="reclassering", profiel=["dakloos"]),
    ),
    (
        "reclassering-dakloos",
        "ldh",
        "reguliere_regie",
        dict(kader="maatregel", maatregel="reclassering", profiel=["dakloos", "lvb"]),
    ),
    ("reclassering", "rn", "reguliere_regie", dict(kader="maatregel", maatregel="reclassering")),
    (
        "reclassering",
        "rn",
        "reguliere_regie",
        dict(kader="maatregel", maatregel="reclassering", profiel=["lvb"]),
    ),
    (
        "maatregel-overig-jeugd",
        "raad",
        "reguliere_regie",
        dict(kader="maatregel", maatregel="overig", leeftijd=14),
    ),
    (
        "maatregel-overig",
        "om",
        "reguliere_regie",
        dict(kader="maatregel", maatregel="overig", leeftijd=40),
    ),
    ("instantie", "politie", "reguliere_regie", dict(kader="onderzoek", instantie="politie")),
    ("instantie", "om", "reguliere_regie", dict(kader="interventie", instantie="om")),
    (
        "instantie",
        "leerplicht",
        "reguliere_regie",
        dict(kader="onderzoek", instantie="leerplicht", leeftijd=14),
    ),
    (
        "instantie",
        "dwi",
        "reguliere_regie",
        dict(kader="interventie", instantie="dwi", profiel=["lvb"]),
    ),
    ("instantie", "raad", "reguliere_regie", dict(kader="onderzoek", instantie="raad", leeftijd=9)),
    (
        "vrijwillig-huiselijk-geweld",
        "veilig-thuis",
        "screening",
        dict(kader="vrijwillig", interventie="huiselijk_geweld", profiel=["lvb"]),
    ),
    ("vrijwillig-lvb", "mee", "screening", dict(kader="vrijwillig", profiel=["lvb", "psychisch"])),
    ("vrijwillig-psychisch", "ggz", "screening", dict(kader="vrijwillig", profiel=["psychisch"])),
    (
        "vrijwillig-psychisch",
        "ggz",
        "screening",
        dict(kader="vrijwillig", profiel=["verslaving", "dakloos"]),
    ),
    ("vrijwillig", "wijkteam", "screening", dict(kader="vrijwillig")),
    (
        "vrijwillig",
        "wijkteam",
        "screening",
        dict(kader="vrijwillig", profiel=["dakloos"], interventie="wonen"),
    ),
]


@pytest.mark.parametrize(("rule", "partij", "outcome", "given"), RULES)
def test_rule_decides(
    schema: Schema, rule: str, partij: str, outcome: str, given: dict[str, Any]
) -> None:
    advice = advice_of(schema, **given)
    assert (advice.rule_id, advice.partij.code, advice.outcome.code) == (rule, partij, outcome)


def test_every_rule_is_in_the_table(schema: Schema) -> None:
    assert {rule for rule, *_ in RULES} == {r.id for r in schema.rules}


AGE_BOUNDARIES = [
    # (answers, age, rule or None when the combination is forbidden)
    (dict(kader="maatregel", maatregel="jeugdreclassering"), 11, None),
    (dict(kader="maatregel", maatregel="jeugdreclassering"), 12, "gi"),
    (dict(kader="maatregel", maatregel="jeugdreclassering"), 22, "gi"),
    (dict(kader="maatregel", maatregel="jeugdreclassering"), 23, None),
    (dict(kader="maatregel", maatregel="ots"), 17, "gi"),
    (dict(kader="maatregel", maatregel="ots"), 18, None),
    (dict(kader="maatregel", maatregel="voogdij"), 17, "gi"),
    (dict(kader="maatregel", maatregel="voogdij"), 18, None),
    (dict(kader="maatregel", maatregel="reclassering"), 17, None),
    (dict(kader="maatregel", maatregel="reclassering"), 18, "reclassering"),
    (dict(kader="maatregel", maatregel="overig"), 17, "maatregel-overig-jeugd"),
    (dict(kader="maatregel", maatregel="overig"), 18, "maatregel-overig"),
    (dict(kader="maatregel", maatregel="overig"), "minderjarig", "maatregel-overig-jeugd"),
    (dict(kader="maatregel", maatregel="overig"), "jongvolwassen", "maatregel-overig"),
    (dict(kader="onderzoek", instantie="raad"), 17, "instantie"),
    (dict(kader="onderzoek", instantie="raad"), 18, None),
    (dict(kader="onderzoek", instantie="leerplicht"), 4, None),
    (dict(kader="onderzoek", instantie="leerplicht"), 5, "instantie"),
    (dict(kader="onderzoek", instantie="leerplicht"), 22, "instantie"),
    (dict(kader="onderzoek", instantie="leerplicht"), 23, None),
    (dict(kader="vrijwillig"), 0, "vrijwillig"),
    (dict(kader="vrijwillig"), 120, "vrijwillig"),
]


@pytest.mark.parametrize(("given", "age", "rule"), AGE_BOUNDARIES)
def test_age_boundaries(
    schema: Schema, given: dict[str, Any], age: int | str, rule: str | None
) -> None:
    full = answers(**given, leeftijd=age)
    broken = violations(schema, facts_from_answers(schema, full))
    if rule is None:
        assert broken, f"{given} at {age} should be forbidden"
    else:
        assert not broken
        result = advise(schema, full)
        assert isinstance(result, Advice) and result.rule_id == rule


CONSTRAINTS = [
    (
        dict(kader="maatregel", maatregel="ots", leeftijd=25),
        "Een ondertoezichtstelling geldt alleen voor minderjarigen. Klopt de leeftijd?",
    ),
    (
        dict(kader="maatregel", maatregel="voogdij", leeftijd=18),
        "Voogdij geldt alleen voor minderjarigen. Klopt de leeftijd?",
    ),
    (
        dict(kader="maatregel", maatregel="jeugdreclassering", leeftijd=11),
        "Jeugdreclassering geldt van 12 tot 23 jaar. Klopt de leeftijd?",
    ),
    (
        dict(kader="maatregel", maatregel="reclassering", leeftijd="minderjarig"),
        "Reclasseringstoezicht geldt voor volwassenen (18 jaar of ouder). Voor jongeren is er "
        "jeugdreclassering. Klopt de leeftijd?",
    ),
    (
        dict(kader="onderzoek", instantie="raad", leeftijd="volwassen"),
        "De Raad voor de Kinderbescherming onderzoekt alleen bij minderjarigen. Klopt de leeftijd?",
    ),
    (
        dict(kader="interventie", instantie="leerplicht", leeftijd=3),
        "Leerplicht en kwalificatieplicht gelden van 5 tot 23 jaar. Klopt de leeftijd?",
    ),
]


@pytest.mark.parametrize(("given", "message"), CONSTRAINTS)
def test_constraint_message(schema: Schema, given: dict[str, Any], message: str) -> None:
    broken = violations(schema, facts_from_answers(schema, answers(**given)))
    assert [v.message for v in broken] == [message]
    assert "leeftijd" in broken[0].questions


def test_every_constraint_is_in_the_table(schema: Schema) -> None:
    assert len(CONSTRAINTS) == len(schema.constraints)


def test_band_that_fits_a_constraint_partly_gets_the_benefit_of_the_doubt(schema: Schema) -> None:
    # jeugdreclassering runs 12-22; "minderjarig" (0-17) may well be 12 or over.
    full = answers(kader="maatregel", maatregel="jeugdreclassering", leeftijd="minderjarig")
    assert not violations(schema, facts_from_answers(schema, full))


def test_reasons_cover_each_aspect_in_dutch(schema: Schema) -> None:
    advice = advice_of(schema, kader="vrijwillig", leeftijd=30, interventie="zorg")
    assert [r.text for r in advice.reasons] == [
        "Regime: Vrijwillig kader (geen van deze). Bepalend voor dit advies.",
        "Leeftijd: 30 jaar. Speelt bij dit advies geen rol.",
        "Cliëntprofiel: geen van deze. Daardoor komen MEE (ondersteuning bij LVB) en "
        "GGZ / GGD bemoeizorg niet in aanmerking.",
        "Interventie: Zorg en gezondheid. Daardoor komt Veilig Thuis niet in aanmerking.",
    ]


def test_age_reason_names_the_partij_it_rules_out(schema: Schema) -> None:
    advice = advice_of(schema, kader="maatregel", maatregel="overig", leeftijd=18)
    leeftijd = next(r for r in advice.reasons if r.aspect == "leeftijd")
    assert leeftijd.text == (
        "Leeftijd: 18 jaar. Daardoor komt Raad voor de Kinderbescherming niet in aanmerking."
    )


def test_next_step_names_partij_and_contact_promise(schema: Schema) -> None:
    advice = advice_of(schema, kader="vrijwillig", profiel=["lvb"])
    assert "casusregisseur van MEE (ondersteuning bij LVB)" in advice.next_step
    assert "binnen 5 werkdagen" in advice.next_step


def test_criteria_nee_adds_a_note(schema: Schema) -> None:
    advice = advice_of(schema, kader="vrijwillig", criteria="nee")
    assert advice.notes and advice.notes[0].startswith("Let op:")
    assert not advice_of(schema, kader="vrijwillig").notes
