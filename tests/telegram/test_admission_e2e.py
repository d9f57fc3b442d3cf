"""Admission by invitation code, over the real PTB stack; strangers get nothing but how to get in."""

from __future__ import annotations

from datetime import timedelta

from bot.services.admission import Admission, AdmissionService
from bot.telegram.texts import ADMISSION_TEXT, REFUSED
from rules.vocabulary import Role
from tests.clock import TestClock
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import channel, wait_for_text

STRANGER = 501
MELDER = 502


async def test_stranger_gets_only_the_way_in(fake: FakeBotAPI, running: Running) -> None:
    for text in (
        "/aanmelden",
        "/wie ots 15 lvb",
        "/status ZVH-2026-0001",
        "hallo",
        "/help",
        "/start",
    ):
        last = fake.last(STRANGER)["message_id"] if fake.sent(STRANGER) else 0
        await fake.send_text(STRANGER, text)
        answer = await fake.wait_for_message(STRANGER, last)
        assert answer["text"] == REFUSED and "reply_markup" not in answer


async def test_stranger_inline_query_gets_no_results(fake: FakeBotAPI, running: Running) -> None:
    await fake.inline_query(STRANGER, "ots 15 lvb")
    await fake.wait_for(lambda: fake.count("answerInlineQuery") == 1)
    call = next(c for c in fake.calls if c.method == "answerInlineQuery")
    assert call.params["results"] == []
    assert call.params["button"]["text"] == "Toegang aanvragen"
    await fake.send_text(STRANGER, f"/start {call.params['button']['start_parameter']}")
    answer = await fake.wait_for_message(STRANGER, 0)
    assert answer["text"] == REFUSED


async def test_admission_by_code_once(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    invitation = await channel(running.app).admission.invite(role="melder")
    await fake.send_text(MELDER, f"/start {invitation.code}")
    await wait_for_text(fake, MELDER, ADMISSION_TEXT[Admission.ADMITTED])
    await fake.send_text(MELDER, "/help")
    await wait_for_text(fake, MELDER, "Wat u kunt doen:")
    await fake.send_text(STRANGER, f"/start {invitation.code}")
    await wait_for_text(fake, STRANGER, ADMISSION_TEXT[Admission.USED_CODE])
    await fake.send_text(STRANGER, "/start verzonnen-code")
    await wait_for_text(fake, STRANGER, ADMISSION_TEXT[Admission.UNKNOWN_CODE])


async def test_expired_code(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    invitation = await channel(running.app).admission.invite(
        role="melder", valid_for=timedelta(seconds=-1)
    )
    await fake.send_text(MELDER, f"/start {invitation.code}")
    await wait_for_text(fake, MELDER, ADMISSION_TEXT[Admission.EXPIRED_CODE])


async def test_guessing_codes_waits_after_five_wrong_ones_in_a_row(
    fake: FakeBotAPI, running: Running, clock: TestClock
) -> None:
    assert running.app is not None
    admission = channel(running.app).admission
    invitation = await admission.invite(role="melder")
    said = 0
    for guess in range(5):
        await fake.send_text(STRANGER, f"/start geraden-{guess}")
        answer = await fake.wait_for_message(STRANGER, said)
        assert answer["text"] == ADMISSION_TEXT[Admission.UNKNOWN_CODE]
        said = answer["message_id"]
    await fake.send_text(STRANGER, f"/start {invitation.code}")
    told = await fake.wait_for_message(STRANGER, said)
    assert told["text"] == ADMISSION_TEXT[Admission.TOO_MANY_WRONG_CODES]
    another_replica = AdmissionService(channel(running.app).database, clock=clock)
    assert (
        await another_replica.admit(invitation.code, STRANGER, "") == Admission.TOO_MANY_WRONG_CODES
    )
    await fake.send_text(MELDER, f"/start {invitation.code}")  # another account: no wait
    await wait_for_text(fake, MELDER, ADMISSION_TEXT[Admission.ADMITTED])

    second = await admission.invite(role="melder")
    clock.advance(timedelta(minutes=10))
    await fake.send_text(STRANGER, f"/start {second.code}")
    await wait_for_text(fake, STRANGER, ADMISSION_TEXT[Admission.ADMITTED])


async def test_command_menu_is_set_at_start(fake: FakeBotAPI, running: Running) -> None:
    call = next(c for c in fake.calls if c.method == "setMyCommands")
    assert [c["command"] for c in call.params["commands"]] == [
        "aanmelden",
        "wie",
        "status",
        "mijn",
        "profiel",
        "groep",
        "casussen",
        "uitnodigen",
        "mensen",
        "overzicht",
        "stoppen",
        "opnieuw",
        "help",
    ]


REGISSEUR, COORDINATOR = 503, 504


async def test_each_role_is_welcomed_and_helped_with_its_own_work(
    fake: FakeBotAPI, running: Running
) -> None:
    assert running.app is not None
    admission = channel(running.app).admission
    shown: dict[int, tuple[str, str]] = {}
    for user, role, partij in (
        (MELDER, Role.MELDER, "politie"),
        (REGISSEUR, Role.REGISSEUR, "gi-wsg"),
        (COORDINATOR, Role.COORDINATOR, None),
    ):
        invitation = await admission.invite(role=role, partij=partij)
        await fake.send_text(user, f"/start {invitation.code}")
        welcome = await wait_for_text(fake, user, "Welkom bij regiebot!")
        await fake.send_text(user, "/help")
        shown[user] = (
            welcome["text"],
            (await wait_for_text(fake, user, "Wat u kunt doen"))["text"],
        )
    assert shown[MELDER][0] == ADMISSION_TEXT[Admission.ADMITTED]
    welcome, help_text = shown[REGISSEUR]
    assert welcome.startswith(
        "Welkom bij regiebot! U heeft nu toegang als regisseur van William Schrikker Groep "
        "(gecertificeerde instelling, beperking/LVB)."
    )
    for said in ("Accepteren en Afwijzen", "/mijn", "/profiel", "/help"):
        assert said in welcome
    assert "/aanmelden" not in welcome and "Als regisseur:" in help_text
    welcome, help_text = shown[COORDINATOR]
    assert welcome.startswith("Welkom bij regiebot! U heeft nu toegang als coördinator.")
    for said in ("/uitnodigen", "/mensen", "/casussen", "/overzicht"):
        assert said in welcome and said in help_text
    assert "Als coördinator:" in help_text
    assert "Als regisseur" not in help_text and "/mijn" not in help_text
