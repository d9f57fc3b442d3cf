"""The age question offers only the bands the answers given allow entirely, accepts only ages
they allow, and says why when it refuses one."""

from __future__ import annotations

import pytest

from conversation.intake import IntakeDialogue
from rules import Schema
from tests.conversation.script import Script


@pytest.fixture(scope="module")
def dialogue(schema: Schema) -> IntakeDialogue:
    return IntakeDialogue(schema)


def at_leeftijd(dialogue: IntakeDialogue, *regime: str) -> Script:
    script = Script(dialogue).start().type("ja", "een persoon", *regime)
    assert script.asking == "leeftijd"
    return script


def band_ids(script: Script) -> list[str]:
    return [b.id for b in script.replies[-1].options]


@pytest.mark.parametrize(
    ("regime", "bands", "hint"),
    [
        (["vrijwillig"], ["minderjarig", "jongvolwassen", "volwassen"], None),
        (["maatregel", "ots"], ["minderjarig"], "jonger dan 18 jaar."),
        (["maatregel", "jeugdreclassering"], ["jongvolwassen"], "12 tot en met 22 jaar"),
        (["maatregel", "reclassering"], ["jongvolwassen", "volwassen"], "18 jaar of ouder"),
        (["onderzoek", "leerplicht"], ["jongvolwassen"], "5 tot en met 22 jaar"),
    ],
)
def test_only_the_bands_the_regime_allows_entirely(
    dialogue: IntakeDialogue, regime: list[str], bands: list[str], hint: str | None
) -> None:
    script = at_leeftijd(dialogue, *regime)
    assert band_ids(script) == bands
    line = "Bij uw antwoorden past een leeftijd van"
    if hint is None:
        assert line not in script.texts[-1]
    else:
        assert f"{line} {hint}" in script.texts[-1]


def test_a_band_not_wholly_allowed_is_refused_with_the_reason(dialogue: IntakeDialogue) -> None:
    script = at_leeftijd(dialogue, "maatregel", "jeugdreclassering")
    script.press("minderjarig")  # a button of an older message, or the word typed
    assert script.texts[0] == (
        "De leeftijdsgroep Minderjarig (0-17 jaar) past niet helemaal bij uw antwoorden. "
        "Jeugdreclassering geldt van 12 tot 23 jaar. Klopt de leeftijd? "
        "Typ de leeftijd in jaren."
    )
    assert script.asking == "leeftijd" and "leeftijd" not in script.memory.answers
    script.type("minderjarig")
    assert script.asking == "leeftijd" and "leeftijd" not in script.memory.answers
    script.type("14")
    assert script.asking == "profiel" and script.memory.answers["leeftijd"] == 14


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
    script.press("wijzig-maatregel").type("jeugdreclassering")
    assert script.texts[0] == "Jeugdreclassering geldt van 12 tot 23 jaar. Klopt de leeftijd?"
    assert script.memory.answers["maatregel"] == "ots"


def test_an_unknown_age_suggests_only_the_allowed_bands(dialogue: IntakeDialogue) -> None:
    script = at_leeftijd(dialogue, "maatregel", "jeugdreclassering").type("tiener")
    assert script.texts[0] == (
        "Dat is geen leeftijd die ik herken. Typ de leeftijd in jaren (bijvoorbeeld 15), "
        "of kies een leeftijdsgroep: jongvolwassen (18-22 jaar)."
    )
