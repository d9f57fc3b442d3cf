"""Back, change from the summary, cancel, restart, stale buttons and bad input: the exact Dutch
the user reads, and the question asked again with nothing lost."""

from __future__ import annotations

import pytest

from conversation import intake_texts
from conversation.intake import IntakeDialogue
from rules import Schema
from tests.conversation.script import Script


@pytest.fixture(scope="module")
def dialogue(schema: Schema) -> IntakeDialogue:
    return IntakeDialogue(schema)


def at_summary(dialogue: IntakeDialogue, *until_leeftijd: str) -> Script:
    script = (
        Script(dialogue)
        .start()
        .type("ja", "een persoon", *until_leeftijd, "geen", "zorg", "geen", "overslaan")
    )
    assert script.asking == "summary"
    return script


def test_first_question_is_numbered_and_has_no_back(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start()
    assert script.texts[0] == intake_texts.WELCOME
    assert script.texts[1].startswith("Vraag 1 van 9\nIs er sprake van meervoudige problematiek")
    assert [b.id for b in script.replies[-1].controls] == ["stoppen"]
    script.press("vorige", step="criteria")
    assert script.texts[0] == "Dit is de eerste vraag." and script.asking == "criteria"


def test_back_keeps_the_answer_and_shows_it(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start().type("ja", "een persoon", "maatregel", "ots")
    assert script.asking == "leeftijd"
    script.press("vorige")
    assert script.asking == "maatregel"
    assert "(Uw huidige antwoord: (Voorlopige) ondertoezichtstelling (OTS).)" in script.texts[-1]
    assert script.memory.answers["maatregel"] == "ots"
    script.type("vorige")
    assert script.asking == "kader"
    script.type("maatregel")  # the same answer again: on to the first open question
    assert script.asking == "leeftijd"


def test_changing_kader_drops_what_no_longer_applies(dialogue: IntakeDialogue) -> None:
    script = at_summary(dialogue, "maatregel", "ots", "15")
    script.press("wijzig-kader")
    assert script.asking == "kader"
    script.type("vrijwillig")
    assert script.asking == "summary"
    assert "maatregel" not in script.memory.answers
    assert "• Maatregel:" not in script.texts[-1]


def test_changing_kader_asks_only_the_new_question(dialogue: IntakeDialogue) -> None:
    script = at_summary(dialogue, "vrijwillig", "30")
    script.type("wijzig kader").type("onderzoek")
    assert script.asking == "instantie"
    script.type("politie")
    assert script.asking == "summary"
    assert script.memory.answers["leeftijd"] == 30


def test_changing_leeftijd_rechecks_the_constraints(dialogue: IntakeDialogue) -> None:
    script = at_summary(dialogue, "maatregel", "ots", "15")
    script.press("wijzig-leeftijd").type("25")
    assert (
        script.texts[0]
        == "Een ondertoezichtstelling geldt alleen voor minderjarigen. Klopt de leeftijd?"
    )
    assert script.asking == "leeftijd" and script.memory.answers["leeftijd"] == 15
    script.type("16")
    assert script.asking == "summary" and script.memory.answers["leeftijd"] == 16


def test_summary_numbers_and_words(dialogue: IntakeDialogue) -> None:
    script = at_summary(dialogue, "vrijwillig", "30")
    buttons = [b.id for b in script.replies[-1].options]
    assert buttons[0] == "bevestig" and "wijzig-leeftijd" in buttons
    script.type(str(buttons.index("wijzig-leeftijd") + 1))
    assert script.asking == "leeftijd"
    script.type("31")
    script.type("wat nu?")
    assert script.texts[0] == intake_texts.SUMMARY_UNKNOWN and script.asking == "summary"


def test_stop_clears_and_says_so(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start().type("ja", "een persoon", "vrijwillig").command("stoppen")
    assert script.texts == [
        "De aanmelding is gestopt en uw antwoorden zijn gewist. Typ /aanmelden om opnieuw te beginnen."
    ]
    assert (script.state, script.memory.answers) == ("cancelled", {})
    script.type("ja")
    assert script.texts == [
        "Er loopt nu geen aanmelding. Typ /aanmelden om een casus aan te melden."
    ]


def test_stop_button(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start().type("ja").press("stoppen")
    assert script.state == "cancelled"


def test_aanmelden_while_running_resumes_and_opnieuw_restarts(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start().type("ja", "een persoon", "vrijwillig").command("aanmelden")
    assert script.texts[0] == intake_texts.RESUMED and script.asking == "leeftijd"
    script.command("opnieuw")
    assert script.texts[0] == intake_texts.RESTARTED
    assert (script.asking, script.memory.answers) == ("criteria", {})


def test_stale_button_gets_the_current_question(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start().type("ja", "een persoon", "maatregel", "ots")
    script.press("vrijwillig", step="kader")
    assert script.texts[0] == "Deze knop is verlopen. Dit is de vraag waar u nu bent:"
    assert script.asking == "leeftijd" and script.memory.answers["kader"] == "maatregel"
    script.press("ots", step="summary")
    assert script.texts[0] == intake_texts.STALE_BUTTON


BAD_INPUT = [
    (
        ["ja", "een persoon", "zeven"],
        "kader",
        "Dat antwoord herken ik niet. Kies een van deze mogelijkheden: 1. Justitiële maatregel opgelegd; "
        "2. Onderzoek of proces loopt bij een instantie; 3. Intensieve interventie door politie of "
        "justitie; 4. Vrijwillig kader (geen van deze).",
    ),
    (
        ["ja", "een persoon", "vrijwillig", "130"],
        "leeftijd",
        "Een leeftijd van 130 jaar kan niet. Typ een leeftijd van 0 tot en met 120 jaar.",
    ),
    (
        ["ja", "een persoon", "vrijwillig", "heel oud"],
        "leeftijd",
        "Dat is geen leeftijd die ik herken. Typ de leeftijd in jaren (bijvoorbeeld 15), of kies een "
        "leeftijdsgroep: minderjarig (0-17 jaar), jongvolwassen (18-22 jaar), volwassen (23 jaar of ouder).",
    ),
    (
        ["ja", "een persoon", "maatregel", "ots", "25"],
        "leeftijd",
        "Een ondertoezichtstelling geldt alleen voor minderjarigen. Klopt de leeftijd?",
    ),
    (
        ["ja", "een persoon", "maatregel", "jr", "11"],
        "leeftijd",
        "Jeugdreclassering geldt van 12 tot 23 jaar. Klopt de leeftijd?",
    ),
    (
        ["ja", "een persoon", "onderzoek", "raad", "18"],
        "leeftijd",
        "De Raad voor de Kinderbescherming onderzoekt alleen bij minderjarigen. Klopt de leeftijd?",
    ),
    (
        ["ja", "een persoon", "vrijwillig", "30", "lvb, bla"],
        "profiel",
        "'bla' herken ik niet. Kies uit: 1. Licht verstandelijke beperking (LVB); 2. Psychische "
        "problematiek; 3. Verslaving; 4. Dakloos of thuisloos. Typ bijvoorbeeld 1, 3; of typ 'geen'.",
    ),
    (
        ["ja", "een persoon", "vrijwillig", "30", "geen", "zorg", "geen", "x" * 501],
        "omschrijving",
        "Uw tekst is 501 tekens lang; het maximum is 500. Wilt u hem korter maken?",
    ),
    (
        [
            "ja",
            "een persoon",
            "vrijwillig",
            "30",
            "geen",
            "zorg",
            "geen",
            "BSN 111222333, moeder belt vaak",
        ],
        "omschrijving",
        "Uw tekst lijkt een BSN te bevatten. Laat namen, adressen, telefoonnummers en BSN weg.",
    ),
    (
        [
            "ja",
            "een persoon",
            "vrijwillig",
            "30",
            "geen",
            "zorg",
            "geen",
            "mail naar a.jansen@example.nl",
        ],
        "omschrijving",
        "Uw tekst lijkt een e-mailadres te bevatten. Laat namen, adressen, telefoonnummers en BSN weg.",
    ),
    (
        [
            "ja",
            "een persoon",
            "vrijwillig",
            "30",
            "geen",
            "zorg",
            "geen",
            "bereikbaar op 06-12345678",
        ],
        "omschrijving",
        "Uw tekst lijkt een telefoonnummer te bevatten. Laat namen, adressen, telefoonnummers en BSN weg.",
    ),
]


@pytest.mark.parametrize(("typed", "question", "message"), BAD_INPUT)
def test_bad_input_gets_a_dutch_answer_and_the_same_question(
    dialogue: IntakeDialogue, typed: list[str], question: str, message: str
) -> None:
    script = Script(dialogue).start().type(*typed[:-1])
    before = dict(script.memory.answers)
    script.type(typed[-1])
    assert script.texts[0] == message
    assert script.asking == question
    assert script.memory.answers == before


def test_a_nine_digit_number_that_is_no_bsn_is_fine(dialogue: IntakeDialogue) -> None:
    script = (
        Script(dialogue)
        .start()
        .type("ja", "een persoon", "vrijwillig", "30", "geen", "zorg", "geen")
    )
    script.type("Dossiernummer 123456789 bij de school.")
    assert script.asking == "summary"


def test_a_number_beyond_the_summarys_choices_stops_nothing(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start().type("ja", "een persoon", "vrijwillig", "30", "geen")
    script.type("zorg", "geen", "overslaan")
    shown = len(script.replies[-1].options)
    script.type(str(shown + 1), str(shown + 2))  # Vorige and Stoppen are not numbered choices
    assert script.asking == "summary" and script.texts[0] == intake_texts.SUMMARY_UNKNOWN
    assert script.memory.answers["kader"] == "vrijwillig"
