"""What a user types never reaches the log, at any level REGIEBOT_LOG_LEVEL allows: the bot runs
over the fake Bot API with logging set up as `regiebot run` sets it up."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.logs import OWN, THIRD_PARTY, configure_logging
from bot.settings import Settings
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import (
    TO_THE_DESCRIPTION,
    admitted,
    typed_steps,
    wait_for_text,
    wait_until_asking,
)

USER = 730
ANSWER = "Jongere woont bij tante"


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logged() -> Iterator[Kept]:
    names = ("", *OWN, *THIRD_PARTY, "telegram.ext")
    levels = {name: logging.getLogger(name).level for name in names}
    kept = Kept()
    logging.getLogger().addHandler(kept)
    yield kept
    logging.getLogger().removeHandler(kept)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])
async def test_a_typed_answer_is_never_logged(
    fake: FakeBotAPI, running: Running, logged: Kept, level: str
) -> None:
    configure_logging(Settings(log_level=level))
    assert running.app is not None
    await admitted(fake, running.app, USER)
    await fake.send_text(USER, "/aanmelden")
    last = (await wait_until_asking(fake, USER, "criteria"))["message_id"]
    last = await typed_steps(fake, USER, (*TO_THE_DESCRIPTION, (ANSWER, "summary")), last)
    await fake.send_text(USER, "bevestig")
    await wait_for_text(fake, USER, "Advies: casusregie bij", after=last)
    assert any(ANSWER in m["text"] for m in fake.sent(USER)), "the answer was there to leak"
    assert logging.getLogger("bot").isEnabledFor(logging.DEBUG) == (level == "DEBUG")
    leaked = [r for r in logged.records if ANSWER in r.getMessage()]
    assert leaked == []


def test_a_library_at_debug_only_when_named(logged: Kept) -> None:
    configure_logging(Settings(log_level="DEBUG"))
    assert logging.getLogger("bot").getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("telegram.ext").getEffectiveLevel() == logging.INFO
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    configure_logging(Settings(log_level="INFO", debug_loggers="telegram.ext"))
    assert logging.getLogger("telegram.ext").getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("telegram").getEffectiveLevel() == logging.INFO
