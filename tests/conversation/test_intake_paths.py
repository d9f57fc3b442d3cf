"""Every path through the default schema, typed and by buttons, as scripted conversations."""

from __future__ import annotations

import pytest

from conversation.intake import IntakeDialogue
from rules import Schema
from tests.conversation.script import REFERENCE, Script


@pytest.fixture(scope="module")
def dialogue(schema: Schema) -> IntakeDialogue:
    return IntakeDialogue(schema)


PATHS = [
    # (typed answers from kader up to leeftijd, expected partij, rule)
    (["maatregel", "ots", "15"], "gi-jbra", "gi"),
    (["maatregel", "voogdij", "9"], "gi-jbra", "gi"),
    (["maatregel", "jeugdreclassering", "17"], "gi-jbra", "gi"),
    (["maatregel", "reclassering", "30"], "rn", "reclassering"),
    (["maatregel", "overig", "16"], "raad", "maatregel-overig-jeugd"),
    (["maatregel", "overig", "40"], "om", "maatregel-overig"),
    (["onderzoek", "politie", "19"], "politie", "instantie"),
    (["onderzoek", "om", "30"], "om", "instantie"),
    (["onderzoek", "leerplicht", "14"], "leerplicht", "instantie"),
    (["onderzoek", "dwi", "45"], "dwi", "instantie"),
    (["onderzoek", "raad", "8"], "raad", "instantie"),
    (["interventie", "politie", "17"], "politie", "instantie"),
    (["interventie", "om", "25"], "om", "instantie"),
    (["interventie", "leerplicht", "12"], "leerplicht", "instantie"),
    (["interventie", "dwi", "60"], "dwi", "instantie"),
    (["interventie", "raad", "minderjarig"], "raad", "instantie"),
    (["vrijwillig", "30"], "wijkteam", "vrijwillig"),
]


@pytest.mark.parametrize(("answers", "partij", "rule"), PATHS)
def test_typed_path_gives_advice_with_reference(
    dialogue: IntakeDialogue, answers: list[str], partij: str, rule: str
) -> None:
    script = (
        Script(dialogue)
        .start()
        .type("ja", "een persoon", *answers, "geen", "zorg", "geen", "overslaan")
    )
    assert script.asking == "summary"
    script.type("bevestig")
    assert script.registration is not None
    assert (script.registration.advice.partij.code, script.registration.advice.rule_id) == (
        partij,
        rule,
    )
    assert script.state == "done" and script.memory.answers == {}
    advice = script.texts[0]
    lines = advice.splitlines()
    assert lines[0].startswith("Advies: casusregie bij ")
    # partij, one line per aspect, outcome, next step, reference: in that order
    order = [
        next(i for i, line in enumerate(lines) if line.startswith(prefix))
        for prefix in (
            "Advies:",
            "• Regime:",
            "• Leeftijd:",
            "• Cliëntprofiel:",
            "• Interventie:",
            "Uitkomst:",
            "Volgende stap:",
            "Uw casusnummer:",
        )
    ]
    assert order == sorted(order)
    assert lines[-3:] == [
        f"Uw casusnummer: {REFERENCE}",
        "",
        "Typ /aanmelden om een nieuwe casus aan te melden.",
    ]


def test_path_by_buttons(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start()
    for button in ("twijfel", "persoon", "vrijwillig", "volwassen"):
        script.press(button)
    assert script.asking == "profiel" and script.replies[-1].multi
    script.press("psychisch").press("verslaving")
    assert [b.id for b in script.replies[-1].options if b.selected] == ["psychisch", "verslaving"]
    script.press("psychisch")  # toggles off again
    assert [b.id for b in script.replies[-1].options if b.selected] == ["verslaving"]
    script.press("verder").press("huiselijk_geweld").press("veilig-thuis").press("verder")
    script.press("overslaan")
    assert script.asking == "summary"
    assert "• Cliëntprofiel: Verslaving" in script.texts[-1]
    assert "• Leeftijd: Volwassen (23 jaar of ouder)" in script.texts[-1]
    script.press("bevestig")
    assert script.registration is not None
    assert script.registration.answers == {
        "criteria": "twijfel",
        "kader": "vrijwillig",
        "leeftijd": "volwassen",
        "profiel": ["verslaving"],
        "interventie": "huiselijk_geweld",
        "betrokken": ["veilig-thuis"],
        "omschrijving": "",
    }
    assert script.registration.advice.partij.code == "veilig-thuis"
    assert "U twijfelt of de casus aan de criteria voldoet." in script.texts[0]


def test_typed_synonyms_and_numbers(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start().type("1", "1", "gedwongen", "ondertoezichtstelling")
    script.type("15 jaar")
    script.type("licht verstandelijke beperking en ggz", "jeugd", "1, 11", "Gezin loopt vast.")
    assert script.memory.answers == {
        "criteria": "ja",
        "kader": "maatregel",
        "maatregel": "ots",
        "leeftijd": 15,
        "profiel": ["lvb", "psychisch"],
        "interventie": "jeugdbescherming",
        "betrokken": ["gi-jbra", "wijkteam"],
        "omschrijving": "Gezin loopt vast.",
    }
    assert script.asking == "summary"
