"""Free text that holds a street with a house number is refused; text that seems to hold a name
is kept pending while the user is asked to change it or to confirm that it holds no name."""

from __future__ import annotations

import pytest

from conversation.intake import IntakeDialogue
from conversation.privacy import identifying_detail
from rules import Schema
from tests.conversation.script import Script

DOUBT = (
    "Uw tekst lijkt een naam te bevatten (Puk, Zwanenburgstraat). Namen horen hier niet. "
    "Pas de tekst aan, of bevestig dat er geen naam in staat."
)
PIETJE = "Pietje Puk woont aan de Zwanenburgstraat"


@pytest.fixture(scope="module")
def dialogue(schema: Schema) -> IntakeDialogue:
    return IntakeDialogue(schema)


def at_omschrijving(dialogue: IntakeDialogue) -> Script:
    script = (
        Script(dialogue)
        .start()
        .type("ja", "een persoon", "vrijwillig", "30", "geen", "zorg", "geen")
    )
    assert script.asking == "omschrijving"
    return script


@pytest.mark.parametrize(
    "text",
    ["Woont aan de Zwanenburgstraat 12.", "Adres: Dorpsweg 3a", "verblijft kalverstraat 1"],
)
def test_a_street_with_a_house_number_is_refused(dialogue: IntakeDialogue, text: str) -> None:
    script = at_omschrijving(dialogue).type(text)
    assert script.texts[0] == (
        "Uw tekst lijkt een adres te bevatten. Laat namen, adressen, telefoonnummers en BSN weg."
    )
    assert script.asking == "omschrijving" and "omschrijving" not in script.memory.answers


@pytest.mark.parametrize("text", ["Hij is onderweg 2 dagen per week", "Moeder is 3 keer verhuisd"])
def test_numbers_after_ordinary_words_are_no_address(text: str) -> None:
    assert identifying_detail(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "jan.jansen (at) example.com",
        "Mail: jan.jansen[at]example.com",
        "jan {at} gemeente (punt) amsterdam (punt) nl",
        "jan.jansen @ example.com",
        "jan.jansen at example.com",
        "jan at example punt nl",
        "jan (apenstaartje) example.nl",
    ],
)
def test_an_e_mail_address_written_around_spam_filters_is_refused(text: str) -> None:
    assert identifying_detail(text) == "een e-mailadres"


@pytest.mark.parametrize(
    "text",
    [
        "Hij at de hele dag niets.",
        "Zij at bij oma.Daarna ging ze naar school.",
        "Moeder at mee; we praten over punt 3 van het plan.",
        "Op dit punt at hij niets meer.",
        "Overleg @ 10.30 uur op school.",
        "Hij at op school. Nl. de kantine",
    ],
)
def test_the_dutch_words_at_and_punt_are_no_e_mail_address(text: str) -> None:
    assert identifying_detail(text) is None


def test_a_name_is_asked_about_and_kept_pending(dialogue: IntakeDialogue) -> None:
    script = at_omschrijving(dialogue).type(PIETJE)
    assert script.texts == [DOUBT]
    reply = script.replies[-1]
    assert [(b.id, b.label) for b in reply.options] == [
        ("aanpassen", "Tekst aanpassen"),
        ("geen-naam", "Er staat geen naam in"),
    ]
    assert "omschrijving" not in script.memory.answers
    assert script.memory.draft == (PIETJE,)
    script.press("geen-naam")
    assert script.asking == "summary"
    assert script.memory.answers["omschrijving"] == PIETJE


def test_changing_the_text_asks_again(dialogue: IntakeDialogue) -> None:
    script = at_omschrijving(dialogue).type(PIETJE).press("aanpassen")
    assert script.asking == "omschrijving" and script.memory.draft is None
    script.type("Jongen woont bij moeder; Veilig Thuis en het Wijkteam zijn betrokken.")
    assert script.asking == "summary"


def test_typed_text_replaces_the_pending_text_and_is_checked_again(
    dialogue: IntakeDialogue,
) -> None:
    script = at_omschrijving(dialogue).type(PIETJE)
    script.type("De jongen is bekend bij Jansen")
    assert script.texts[-1].startswith("Uw tekst lijkt een naam te bevatten (Jansen).")
    assert script.memory.draft == ("De jongen is bekend bij Jansen",)
    script.type("Bel 06-12345678")
    assert script.texts[0].startswith("Uw tekst lijkt een telefoonnummer te bevatten.")
    assert script.asking == "omschrijving"
    script.type("Zorgen om school; de Raad voor de Kinderbescherming is betrokken.")
    assert script.asking == "summary"


def test_known_organisations_and_sentence_starts_are_no_names(dialogue: IntakeDialogue) -> None:
    script = at_omschrijving(dialogue).type(
        "Veel schoolverzuim. Moeder heeft contact met William Schrikker Groep, "
        "Leger des Heils en GGD in Amsterdam; OTS loopt via JBRA."
    )
    assert script.asking == "summary"


def test_the_name_check_numbers_work_as_typed_choices(dialogue: IntakeDialogue) -> None:
    script = at_omschrijving(dialogue).type(PIETJE).type("2")
    assert script.asking == "summary"
    assert script.memory.answers["omschrijving"] == PIETJE


def test_the_name_check_is_in_the_diagram(dialogue: IntakeDialogue) -> None:
    diagram = dialogue.diagram()
    assert "omschrijving-naam" in diagram


@pytest.mark.parametrize("word", ["ja", "bevestig", "klopt"])
def test_a_typed_yes_confirms_the_text_and_does_not_replace_it(
    dialogue: IntakeDialogue, word: str
) -> None:
    text = "Jongere woont sinds kort bij Pietje Puk in huis"
    script = at_omschrijving(dialogue).type(text)
    assert script.asking == "omschrijving-naam"
    script.type(word)
    assert script.asking == "summary"
    assert script.memory.answers["omschrijving"] == text


def test_a_typed_no_asks_for_the_text_again(dialogue: IntakeDialogue) -> None:
    script = at_omschrijving(dialogue).type("Jongere woont sinds kort bij Pietje Puk in huis")
    script.type("nee")
    assert script.asking == "omschrijving" and "omschrijving" not in script.memory.answers
