"""A group aanmelding as scripted conversations: the source text's example of a politie
aanmelding of a group of jongeren, and adding, changing, removing and leaving persons."""

from __future__ import annotations

import pytest

from conversation.intake import (
    CANCELLED,
    OVERVIEW,
    SCOPE,
    SUMMARY,
    GroupRegistration,
    IntakeDialogue,
    Registration,
)
from conversation.messages import BACK, CONFIRM, Memory, Pressed
from rules import Schema
from tests.conversation.script import GROUP_REFERENCE, Script, member_reference

# Per person: kader (and maatregel), leeftijd, profiel. The source text's group: two under
# jeugdreclassering (one with LVB), one under reclasseringstoezicht, two without a maatregel.
FIVE = (
    ("maatregel", "jeugdreclassering", "16", "lvb"),
    ("maatregel", "jeugdreclassering", "17", "geen"),
    ("maatregel", "reclassering", "19", "geen"),
    ("vrijwillig", "16", "geen"),
    ("vrijwillig", "17", "psychisch"),
)
ADVISED = [
    ("gi-wsg", "reguliere_regie"),
    ("gi-jbra", "reguliere_regie"),
    ("rn", "reguliere_regie"),
    ("wijkteam", "screening"),
    ("ggz", "screening"),
]
SHARED = ("veiligheid", "politie", "overslaan")  # interventie, betrokken, omschrijving


@pytest.fixture
def dialogue(schema: Schema) -> IntakeDialogue:
    return IntakeDialogue(schema)


def group_of(dialogue: IntakeDialogue, *persons: tuple[str, ...]) -> Script:
    """A group at its overview: the first person with the group's own answers, then the rest."""
    first, *rest = persons
    script = Script(dialogue).start().type("ja", "een groep", *first, *SHARED)
    for person in rest:
        script.type("toevoegen", *person)
    assert script.state == OVERVIEW, script.texts
    return script


def members(script: Script) -> tuple[Registration, ...]:
    assert isinstance(script.registration, GroupRegistration)
    return script.registration.members


def test_the_scope_is_asked_right_after_the_criteria(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start().type("ja")
    assert script.asking == SCOPE
    assert [b.label for b in script.replies[-1].options] == ["Eén persoon", "Een groep"]
    assert "kader, leeftijd en cliëntprofiel" in script.texts[-1]


def test_a_group_of_five_each_gets_the_advice_the_rules_give(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, *FIVE)
    overview = script.texts[-1]
    assert "Controleer uw groepsaanmelding (5 personen):" in overview
    for line in (
        "1. Jeugdreclassering · 16 jaar · LVB",
        "2. Jeugdreclassering · 17 jaar\n",
        "3. Reclasseringstoezicht · 19 jaar\n",
        "4. Vrijwillig kader · 16 jaar\n",
        "5. Vrijwillig kader · 17 jaar · Psychische problematiek",
        "• Interventie: Veiligheid en overlast",
        "• Al betrokken: Politie",
    ):
        assert line in overview
    script.press(CONFIRM)
    registered = members(script)
    assert [(m.advice.partij.code, m.advice.outcome.code) for m in registered] == ADVISED
    assert all(m.answers["interventie"] == "veiligheid" for m in registered)
    assert all(m.answers["betrokken"] == ["politie"] for m in registered)
    assert registered[2].answers == {
        "criteria": "ja",
        "kader": "maatregel",
        "maatregel": "reclassering",
        "leeftijd": 19,
        "profiel": [],
        "interventie": "veiligheid",
        "betrokken": ["politie"],
        "omschrijving": "",
    }
    advice = "\n".join(script.texts)
    assert f"5 personen, groepsnummer {GROUP_REFERENCE}" in advice
    assert (
        f"1. {member_reference(1)} · Jeugdreclassering · 16 jaar · LVB → William Schrikker Groep "
        "(gecertificeerde instelling, beperking/LVB): reguliere casusregie." in advice
    )
    assert (
        f"4. {member_reference(4)} · Vrijwillig kader · 16 jaar → Wijkteam / Samen DOEN: "
        "screening door het Zorg- en Veiligheidshuis." in advice
    )
    assert "• Personen 1, 2 en 3: " not in advice  # their next steps name their own partij
    assert "• Personen 4 en 5: " not in advice
    assert script.memory == Memory("done")


def test_a_new_persons_questions_are_numbered_as_their_own(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, FIVE[0]).type("toevoegen")
    assert script.asking == "kader#2"
    assert script.texts[-1].startswith("Persoon 2, vraag 1 van 4\n")
    assert [b.label for b in script.replies[-1].controls] == ["Vorige", "Stoppen"]


def test_back_from_a_new_persons_first_question_leaves_them_out(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, FIVE[0]).type("toevoegen", "maatregel", "vorige", "vorige")
    assert script.asking == "groep#1"
    assert "Persoon 2 is niet toegevoegd." in script.texts
    assert script.memory.group is not None and len(script.memory.group.persons) == 1


def test_back_within_a_new_person_keeps_their_answers(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, FIVE[0]).type("toevoegen", "maatregel", "ots", "vorige")
    assert script.asking == "maatregel#2"
    script.type("voogdij", "10", "geen")
    assert script.state == OVERVIEW
    assert "2. (Voorlopige) voogdij · 10 jaar\n" in script.texts[-1]


def test_change_one_person_and_return_to_the_group(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, *FIVE[:3]).type("wijzig 2")
    assert script.asking == "summary#2"
    assert script.texts[-1].startswith("Persoon 2 van de groep:\n• Kader: ")
    assert "Criteria" not in script.texts[-1]  # the group's first answer is not one person's
    script.type("wijzig leeftijd", "13")
    assert script.asking == "summary#2"
    script.press("naar-groep")
    assert script.state == OVERVIEW
    assert "2. Jeugdreclassering · 13 jaar\n" in script.texts[-1]
    script.press(CONFIRM)
    assert [m.answers["leeftijd"] for m in members(script)] == [16, 13, 19]


def test_a_person_may_differ_from_the_group(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, *FIVE[:3]).type("wijzig 3", "wijzig interventie", "wonen")
    assert "• Interventie: Wonen (afwijkend)" in script.texts[-1]
    script.press("naar-groep")
    assert "3. Reclasseringstoezicht · 19 jaar (interventie: Wonen)" in script.texts[-1]
    script.press(CONFIRM)
    assert [m.answers["interventie"] for m in members(script)] == [
        "veiligheid",
        "veiligheid",
        "wonen",
    ]


def test_changing_the_groups_answer_changes_it_for_everyone(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, *FIVE[:2]).type("wijzig 2", "wijzig interventie", "wonen")
    script.press("naar-groep").type("wijzig interventie")
    assert script.texts[-1].startswith("Voor de hele groep\n")
    script.type("onderwijs")
    assert script.state == OVERVIEW
    assert "(interventie:" not in script.texts[-1]
    script.press(CONFIRM)
    assert [m.answers["interventie"] for m in members(script)] == ["onderwijs", "onderwijs"]


def test_going_back_from_a_groups_answer_changes_nothing(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, *FIVE[:2]).type("wijzig interventie", "vorige")
    assert script.state == OVERVIEW
    assert "• Interventie: Veiligheid en overlast" in script.texts[-1]


def test_remove_a_person_and_the_rest_move_up(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, *FIVE[:3])
    overview = script.asking
    script.press("verwijder-2")
    assert "Persoon 2 is verwijderd" in script.texts[0]
    assert "2. Reclasseringstoezicht · 19 jaar" in script.texts[-1]
    script.press("verwijder-2", overview)  # a second press on the same message: stale
    assert script.texts[0] == "Deze knop is verlopen. Dit is de vraag waar u nu bent:"
    assert "(2 personen)" in script.texts[-1]
    script.press(CONFIRM)
    assert [m.advice.partij.code for m in members(script)] == ["gi-wsg", "rn"]


def test_back_at_the_overview_says_where_the_melder_is(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, FIVE[0]).command("vorige")
    assert script.texts[0].startswith("Dit is het overzicht van de groep.")
    assert script.state == OVERVIEW


def test_the_last_person_stays(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, FIVE[0]).type("verwijder 1")
    assert script.texts[0].startswith("Persoon 1 is de enige in de groep")
    assert script.state == OVERVIEW and "(1 persoon)" in script.texts[-1]


def test_a_button_of_one_persons_question_does_not_answer_anothers(
    dialogue: IntakeDialogue,
) -> None:
    script = group_of(dialogue, FIVE[0]).type("toevoegen")
    old = script.asking  # kader#2
    script.type("vorige", "toevoegen")  # person 2 left out, a new person 2 asked anew
    assert script.asking == old  # the same person number: the same question, and still valid
    script.type("maatregel", "ots", "vorige", "vorige")
    script.type("toevoegen", "vrijwillig")
    script.send(Pressed("kader#1", "maatregel"))  # the first person's kader: long gone
    assert script.texts[0] == "Deze knop is verlopen. Dit is de vraag waar u nu bent:"
    assert script.asking == "leeftijd#2"


def test_twenty_six_persons_get_a_clear_message(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, *[FIVE[3]] * 25)
    assert "(25 personen)" in script.texts[-1]
    script.type("toevoegen")
    assert script.texts[0] == (
        "Een groepsaanmelding heeft ten hoogste 25 personen. Bevestig deze groep en meld de "
        "overige personen aan in een nieuwe groepsaanmelding."
    )
    assert script.state == OVERVIEW and "(25 personen)" in script.texts[-1]
    script.press(CONFIRM)
    assert len(members(script)) == 25
    assert all(len(text) <= 4096 for text in script.texts)


def test_the_maximum_is_a_setting(schema: Schema) -> None:
    script = group_of(IntakeDialogue(schema, group_max=2), *FIVE[:2]).type("toevoegen")
    assert script.texts[0].startswith("Een groepsaanmelding heeft ten hoogste 2 personen.")


def test_stopping_keeps_nothing(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, *FIVE[:2]).type("toevoegen", "maatregel").command("stoppen")
    assert script.state == CANCELLED
    assert script.memory == Memory(CANCELLED)
    script.command("aanmelden").type("ja")
    assert script.asking == SCOPE  # a new aanmelding asks anew


def test_one_person_goes_on_as_before(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start().type("ja", "een persoon")
    assert script.asking == "kader"
    assert script.texts[-1].startswith("Vraag 3 van ")
    script.type("vrijwillig", "16", "geen", "veiligheid", "politie", "overslaan")
    assert script.asking == SUMMARY
    script.press(CONFIRM)
    assert isinstance(script.registration, Registration)


def test_back_to_the_scope_turns_a_first_person_into_one_persons_aanmelding(
    dialogue: IntakeDialogue,
) -> None:
    script = Script(dialogue).start().type("ja", "groep", "maatregel", "ots")
    script.type("vorige", "vorige", "vorige")
    assert script.asking == SCOPE
    script.type("een persoon")
    assert script.asking == "leeftijd"  # the answers given are kept; the next is asked
    script.press(BACK)
    assert script.asking == "maatregel"
    assert "(Uw huidige antwoord: (Voorlopige) ondertoezichtstelling (OTS).)" in script.texts[-1]


def test_a_typed_scope_that_is_neither_asks_again(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start().type("ja", "misschien")
    assert script.texts == ["Kies Eén persoon of Een groep.", script.texts[-1]]
    assert script.asking == SCOPE


def test_the_diagram_draws_the_group(dialogue: IntakeDialogue) -> None:
    diagram = dialogue.diagram()
    for edge in ("criteria --> omvang", "omvang --> kader", "groep --> summary: edit_person"):
        assert edge in diagram, edge


@pytest.mark.parametrize("typed", ["verwijder 0", "verwijder 4", "wijzig 7", "wijzig persoon 0"])
def test_a_person_not_on_the_list_changes_nothing(dialogue: IntakeDialogue, typed: str) -> None:
    script = group_of(dialogue, *FIVE[:3]).type(typed)
    number = typed.split()[-1]
    assert (
        script.texts[0] == f"Er is geen persoon {number}; de groep telt de personen 1 tot en met 3."
    )
    assert script.state == OVERVIEW and "(3 personen)" in script.texts[-1]


def test_a_number_beyond_the_choices_stops_nothing(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, *FIVE[:3])
    shown = len(script.replies[-1].options)
    script.type(str(shown + 1))  # Stoppen is a button, not a numbered choice
    assert script.texts[0].startswith("Dat herken ik niet.")
    assert script.state == OVERVIEW and "(3 personen)" in script.texts[-1]
    script.type("wijzig 2", "12")
    assert script.texts[0].startswith("Dat herken ik niet. Kies Terug naar de groep")
    assert script.asking == "summary#2"


def test_labels_and_back_are_understood_as_typed(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, *FIVE[:2]).type("wijzig 2", "Terug naar de groep")
    assert script.state == OVERVIEW
    script.type("vorige")
    assert script.texts[0].startswith("Dit is het overzicht van de groep.")
    script.type("Persoon toevoegen")
    assert script.asking == "kader#3"


def test_the_groups_answer_over_a_persons_own_says_so(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, *FIVE[:3]).type("wijzig 2", "wijzig interventie", "wonen")
    script.type("terug", "wijzig interventie", "onderwijs")
    assert script.texts[0] == (
        "Persoon 2 had een eigen antwoord op deze vraag; nu geldt ook daar het antwoord voor de "
        "hele groep."
    )


def test_the_groups_questions_say_they_are_for_the_whole_group(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start().type("ja", "een groep", *FIVE[0])
    assert script.texts[-1].startswith("Voor de hele groep, vraag 7 van 9\n")
    script.type(*SHARED, "toevoegen")
    assert script.texts[-1].startswith("Persoon 2, vraag 1 van 4\n")


def test_the_advice_line_shows_where_a_person_differs(dialogue: IntakeDialogue) -> None:
    script = group_of(dialogue, *FIVE[3:]).type(
        "wijzig 1", "wijzig interventie", "huiselijk geweld"
    )
    script.type("terug", "bevestig")
    assert (
        f"1. {member_reference(1)} · Vrijwillig kader · 16 jaar (interventie: Huiselijk geweld of "
        "kindermishandeling) → Veilig Thuis: screening" in "\n".join(script.texts)
    )
