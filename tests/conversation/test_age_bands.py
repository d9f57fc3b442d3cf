"""The age question offers every band with an age in it that the answers given allow, accepts a
band that fits them in part (it means the ages of it they allow) and only ages they allow, and
says why when it refuses one."""

from __future__ import annotations

import pytest

from conversation.intake import IntakeDialogue
from conversation.messages import CONFIRM
from rules import Schema
from tests.conversation.script import Script


@pytest.fixture(scope="module")
def dialogue(schema: Schema) -> IntakeDialogue:
    return IntakeDialogue(schema)


def at_leeftijd(dialogue: IntakeDialogue, *regime: str) -> Script:
    script = Script(dialogue).start().type("ja", "een persoon", *regime)
    assert script.asking == "leeftijd"
    return script


JR = ["maatregel", "jeugdreclassering"]


def band_ids(script: Script) -> list[str]:
    return [b.id for b in script.replies[-1].options]


@pytest.mark.parametrize(
    ("regime", "bands", "hint"),
    [
        (["vrijwillig"], ["minderjarig", "jongvolwassen", "volwassen"], None),
        (["maatregel", "ots"], ["minderjarig"], "jonger dan 18 jaar."),
        (
            ["maatregel", "jeugdreclassering"],
            ["minderjarig", "jongvolwassen"],
            "12 tot en met 22 jaar",
        ),
        (["maatregel", "reclassering"], ["jongvolwassen", "volwassen"], "18 jaar of ouder"),
        (["onderzoek", "leerplicht"], ["minderjarig", "jongvolwassen"], "5 tot en met 22 jaar"),
    ],
)
def test_every_band_the_regime_allows_an_age_of(
    dialogue: IntakeDialogue, regime: list[str], bands: list[str], hint: str | None
) -> None:
    script = at_leeftijd(dialogue, *regime)
    assert band_ids(script) == bands
    line = "Bij uw antwoorden past een leeftijd van"
    if hint is None:
        assert line not in script.texts[-1]
    else:
        assert f"{line} {hint}" in script.texts[-1]


def test_a_band_with_no_allowed_age_is_refused_with_the_reason(dialogue: IntakeDialogue) -> None:
    script = at_leeftijd(dialogue, "maatregel", "jeugdreclassering")
    script.press("volwassen")  # a button of an older message, or the word typed
    assert script.texts[0] == (
        "De leeftijdsgroep Volwassen (23 jaar of ouder) past niet bij uw antwoorden. "
        "Jeugdreclassering geldt van 12 tot 23 jaar. Klopt de leeftijd? "
        "Typ de leeftijd in jaren, of kies een leeftijdsgroep die past."
    )
    assert script.asking == "leeftijd" and "leeftijd" not in script.memory.answers
    script.type("volwassen")
    assert script.asking == "leeftijd" and "leeftijd" not in script.memory.answers
    script.type("14")
    assert script.asking == "profiel" and script.memory.answers["leeftijd"] == 14


@pytest.mark.parametrize(
    ("regime", "partij"), [(["onderzoek", "leerplicht"], "leerplicht"), (JR, "gi-jbra")]
)
def test_a_band_that_fits_in_part_is_taken_and_later_answers_keep_it(
    dialogue: IntakeDialogue, regime: list[str], partij: str
) -> None:
    """A 13-year-old under leerplicht (5 to 22) or jeugdreclassering (12 to 22): Minderjarig
    (0-17) means 5 or 12 to 17 here, and is the same advice for each of those ages."""
    script = at_leeftijd(dialogue, *regime).press("minderjarig")
    assert script.asking == "profiel" and script.memory.answers["leeftijd"] == "minderjarig"
    script.type("geen", "onderwijs", "geen", "overslaan")
    assert script.asking == "summary", "no later answer refuses the band again"
    script.press(CONFIRM)
    assert script.registration is not None
    assert script.registration.advice.partij.code == partij
    for age in (13, 17):
        typed = at_leeftijd(dialogue, *regime).type(str(age), "geen", "onderwijs", "geen")
        typed.type("overslaan").press(CONFIRM)
        assert typed.registration is not None and typed.registration.advice.partij.code == partij


def test_a_refused_typed_age_says_why(dialogue: IntakeDialogue) -> None:
    script = at_leeftijd(dialogue, "maatregel", "jeugdreclassering").type("10")
    assert script.texts[0] == "Jeugdreclassering geldt van 12 tot 23 jaar. Klopt de leeftijd?"
    assert script.asking == "leeftijd" and "leeftijd" not in script.memory.answers
    script.press("jongvolwassen")
    assert script.memory.answers["leeftijd"] == "jongvolwassen"


def test_changing_the_regime_rechecks_a_band(dialogue: IntakeDialogue) -> None:
    script = at_leeftijd(dialogue, "maatregel", "ots").press("minderjarig")
    script.type("geen", "zorg", "geen", "overslaan")
    assert script.asking == "summary"
    script.press("wijzig-maatregel").type("reclassering")
    assert script.texts[0].startswith("Reclasseringstoezicht geldt voor volwassenen")
    assert script.memory.answers["maatregel"] == "ots"
    script.type("jeugdreclassering")  # a minor under jeugdreclassering is 12 to 17: it fits
    assert script.asking == "summary"
    assert script.memory.answers["maatregel"] == "jeugdreclassering"


def test_an_unknown_age_suggests_only_the_allowed_bands(dialogue: IntakeDialogue) -> None:
    script = at_leeftijd(dialogue, "maatregel", "reclassering").type("tiener")
    assert script.texts[0] == (
        "Dat is geen leeftijd die ik herken. Typ de leeftijd in jaren (bijvoorbeeld 15), "
        "of kies een leeftijdsgroep: jongvolwassen (18-22 jaar), volwassen (23 jaar of ouder)."
    )
