"""The description over the real PTB stack: an address is refused, a text that looks like it
names someone is asked about with buttons, and only what the melder confirms is kept."""

from __future__ import annotations

from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import at_first_question, data_of, wait_for_text, wait_until_asking

USER = 640
TO_THE_DESCRIPTION = ("ja", "een persoon", "vrijwillig", "30", "geen", "zorg", "geen")


async def test_a_name_is_asked_about_and_an_address_refused(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    await at_first_question(fake, running.app, USER)
    for answer in TO_THE_DESCRIPTION:
        await fake.send_text(USER, answer)
    asked = await wait_until_asking(fake, USER, "omschrijving")

    await fake.send_text(USER, "Jongere woont aan de Zwanenburgstraat 12")
    refused = await wait_for_text(fake, USER, "Uw tekst lijkt een adres", after=asked["message_id"])
    await fake.send_text(USER, "Jongere woont sinds kort bij Pietje Puk in huis")
    confirm = await wait_until_asking(fake, USER, "omschrijving-naam", after=refused["message_id"])
    assert "lijkt een naam te bevatten" in confirm["text"]
    await fake.press(USER, confirm["message_id"], data_of(confirm, "aanpassen"))
    again = await wait_until_asking(fake, USER, "omschrijving", after=confirm["message_id"])
    await fake.send_text(USER, "Jongere woont sinds kort bij een familielid in huis")
    summary = await wait_until_asking(fake, USER, "summary", after=again["message_id"])
    assert "familielid" in summary["text"]
    assert "Pietje" not in summary["text"] and "Zwanenburgstraat" not in summary["text"]


async def test_an_e_mail_address_written_around_the_at_sign_is_refused(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    await at_first_question(fake, running.app, USER)
    for answer in TO_THE_DESCRIPTION:
        await fake.send_text(USER, answer)
    asked = await wait_until_asking(fake, USER, "omschrijving")

    await fake.send_text(USER, "Contact via jan.jansen (at) example.com")
    refused = await wait_for_text(
        fake, USER, "Uw tekst lijkt een e-mailadres", after=asked["message_id"]
    )
    await fake.send_text(USER, "Moeder at mee; het gezin praat over punt 3 van het plan.")
    summary = await wait_until_asking(fake, USER, "summary", after=refused["message_id"])
    assert "Moeder at mee" in summary["text"] and "jansen" not in summary["text"]
