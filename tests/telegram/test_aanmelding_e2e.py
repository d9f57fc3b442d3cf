"""A whole aanmelding over the real PTB stack: by buttons, by typed text, back and change from the
summary, a stale button, /wie and inline mode, /status, and a restart halfway."""

from __future__ import annotations

from conversation import intake_texts
from storage import Casussen
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import (
    ASKS_SCOPE,
    admitted,
    asking,
    channel,
    data_of,
    wait_for_text,
    wait_until_asking,
)
from tests.texts import reference_in

USER = 600


async def press(fake: FakeBotAPI, message: dict, button: str, next_step: str) -> dict:  # type: ignore[type-arg]
    """Presses a button; the pressed message itself turns into the next question."""
    key = (USER, message["message_id"])
    await fake.press(USER, message["message_id"], data_of(message, button))
    await fake.wait_for(lambda: asking(fake.messages[key]) == next_step)
    return fake.messages[key]


async def test_aanmelding_by_buttons(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    await admitted(fake, running.app, USER)
    await fake.send_text(USER, "/aanmelden")
    question = await wait_until_asking(fake, USER, "criteria")
    assert question["text"].startswith(intake_texts.WELCOME + "\n\nVraag 1 van 9\n")
    for button, next_step, shown in (
        ("ja", "omvang", "✓ Criteria complexe casus: Ja\n\n" + ASKS_SCOPE),
        ("persoon", "kader", "✓ Omvang: één persoon\n\nVraag 3 van 9"),
        ("maatregel", "maatregel", "✓ Kader: Justitiële maatregel opgelegd\n\nVraag 4 van 9"),
        (
            "ots",
            "leeftijd",
            "✓ Maatregel: (Voorlopige) ondertoezichtstelling (OTS)\n\nVraag 5 van 9",
        ),
        ("minderjarig", "profiel", "✓ Leeftijd: Minderjarig (0-17 jaar)\n\nVraag 6 van 9"),
    ):
        question = await press(fake, question, button, next_step)
        assert question["text"].startswith(shown)
    key = (USER, question["message_id"])  # a toggle: the same question, ticked
    await fake.press(USER, question["message_id"], data_of(question, "lvb"))
    await fake.wait_for(
        lambda: fake.messages[key]["reply_markup"]["inline_keyboard"][0][0]["text"].startswith("✅")
    )
    question = fake.messages[key]
    question = await press(fake, question, "verder", "interventie")
    question = await press(fake, question, "jeugdbescherming", "betrokken")
    question = await press(fake, question, "geen", "omschrijving")
    summary = await press(fake, question, "overslaan", "summary")
    assert "• Cliëntprofiel: Licht verstandelijke beperking (LVB)" in summary["text"]
    await fake.press(USER, summary["message_id"], data_of(summary, "bevestig"))
    key = (USER, summary["message_id"])
    await fake.wait_for(lambda: "Advies: casusregie bij" in fake.messages[key]["text"])
    advice = fake.messages[key]
    assert advice["text"].startswith(
        "✓ Bevestigd\n\nAdvies: casusregie bij William Schrikker Groep"
    )
    assert "reply_markup" not in advice
    reference = reference_in(advice["text"])
    async with channel(running.app).database.transaction() as session:
        casus = await Casussen(session).by_reference(reference)
    assert casus is not None and casus.rule == "gi-lvb" and casus.chat_id == USER
    # one message for the whole aanmelding; every press answered first, then one edit
    assert len(fake.sent(USER)) == 2  # the admission welcome, and the aanmelding
    assert fake.count("answerCallbackQuery") == fake.count("editMessageText") == 11


async def test_aanmelding_by_typed_text_with_back_and_change(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    await admitted(fake, running.app, USER)
    await fake.send_text(USER, "/aanmelden")
    await wait_until_asking(fake, USER, "criteria")
    steps = [
        ("ja", "omvang"),
        ("een persoon", "kader"),
        ("vrijwillig", "leeftijd"),
        ("vorige", "kader"),
        ("onderzoek", "instantie"),
        ("politie", "leeftijd"),
        ("16 jaar", "profiel"),
        ("geen", "interventie"),
        ("veiligheid", "betrokken"),
        ("politie", "omschrijving"),
        ("Jongere betrokken bij overvallen.", "summary"),
    ]
    for text, next_step in steps:
        last = fake.last(USER)["message_id"]
        await fake.send_text(USER, text)
        await wait_until_asking(fake, USER, next_step, after=last)
    summary = fake.last(USER)
    await fake.press(USER, summary["message_id"], data_of(summary, "wijzig-leeftijd"))
    question = await wait_until_asking(fake, USER, "leeftijd", after=summary["message_id"])
    assert "(Uw huidige antwoord: 16 jaar.)" in question["text"]
    await fake.send_text(USER, "40")
    await wait_until_asking(fake, USER, "summary", after=question["message_id"])
    last = fake.last(USER)["message_id"]
    await fake.send_text(USER, "bevestig")
    advice = await wait_for_text(fake, USER, "Advies: casusregie bij Politie.", after=last)
    assert "• Leeftijd: 40 jaar." in advice["text"]


async def test_stale_button(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    await admitted(fake, running.app, USER)
    await fake.send_text(USER, "/aanmelden")
    first = await wait_until_asking(fake, USER, "criteria")
    await fake.send_text(USER, "ja")
    scope = await wait_until_asking(fake, USER, "omvang", after=first["message_id"])
    await fake.send_text(USER, "een persoon")
    await wait_until_asking(fake, USER, "kader", after=scope["message_id"])
    last = fake.last(USER)["message_id"]
    await fake.press(USER, first["message_id"], data_of(first, "nee"))
    stale = await wait_for_text(fake, USER, intake_texts.STALE_BUTTON, after=last)
    assert stale["text"].startswith(intake_texts.STALE_BUTTON + "\n\nVraag 3 van 9")
    assert asking(stale) == "kader"
    assert fake.count("answerCallbackQuery") == 1


async def test_restart_of_the_application_resumes(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    await admitted(fake, running.app, USER)
    await fake.send_text(USER, "/aanmelden")
    await wait_until_asking(fake, USER, "criteria")
    for text, next_step in (("ja", "omvang"), ("een persoon", "kader"), ("vrijwillig", "leeftijd")):
        last = fake.last(USER)["message_id"]
        await fake.send_text(USER, text)
        await wait_until_asking(fake, USER, next_step, after=last)
    await running.stop()
    await running.start()
    last = fake.last(USER)["message_id"]
    await fake.send_text(USER, "/aanmelden")
    resumed = await wait_for_text(fake, USER, intake_texts.RESUMED, after=last)
    assert resumed["text"].startswith(intake_texts.RESUMED + "\n\nVraag 4 van 8")
    assert asking(resumed) == "leeftijd"


async def test_wie_status_and_inline(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    await admitted(fake, running.app, USER)
    await fake.send_text(USER, "/wie ots 15 lvb")
    await wait_for_text(fake, USER, "Advies: casusregie bij William Schrikker Groep")
    await fake.send_text(USER, "/wie reclassering 30")
    answer = await wait_for_text(fake, USER, "Dat hangt nog af van meer gegevens.")
    assert "• Zo niet: Reclassering Nederland." in answer["text"]
    await fake.send_text(USER, "/wie ots 25")
    await wait_for_text(fake, USER, "Een ondertoezichtstelling geldt alleen voor minderjarigen.")
    await fake.send_text(USER, "/status")
    await wait_for_text(fake, USER, "U heeft nog geen casussen aangemeld.")
    await fake.send_text(USER, "/status ZVH-2026-0001")
    await wait_for_text(fake, USER, "Die casus vind ik niet bij uw aanmeldingen.")
    await fake.inline_query(USER, "vrijwillig 30 huiselijk geweld")
    await fake.wait_for(lambda: fake.count("answerInlineQuery") == 1)
    call = next(c for c in fake.calls if c.method == "answerInlineQuery")
    [article] = call.params["results"]
    assert article["title"] == "Casusregie: Veilig Thuis"
    assert article["input_message_content"]["message_text"].startswith(
        "Advies: casusregie bij Veilig Thuis."
    )


async def test_status_shows_only_own_casussen(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    other = USER + 1
    for user in (USER, other):
        await admitted(fake, running.app, user)
    await fake.send_text(other, "/aanmelden")
    await wait_until_asking(fake, other, "criteria")
    for text in (
        "ja",
        "een persoon",
        "vrijwillig",
        "30",
        "geen",
        "zorg",
        "geen",
        "overslaan",
        "bevestig",
    ):
        last = fake.last(other)["message_id"]
        await fake.send_text(other, text)
        await fake.wait_for_message(other, last)
    advice = await wait_for_text(fake, other, "Advies:")
    reference = reference_in(advice["text"])
    await fake.send_text(other, "/status")
    mine = await wait_for_text(fake, other, "Uw aanmeldingen:")
    assert reference in mine["text"]
    await fake.send_text(other, f"/status {reference}")
    detail = await wait_for_text(fake, other, f"Casus {reference}")
    assert "Advies: casusregie bij Wijkteam / Samen DOEN" in detail["text"]
    await fake.send_text(USER, f"/status {reference}")
    await wait_for_text(fake, USER, "Die casus vind ik niet bij uw aanmeldingen.")
