"""REGIEBOT_LOG_FORMAT=json over the real Telegram stack: one JSON object per line, with the update
id while an update is handled and the casus reference where there is one; never a typed answer,
a name or the token, even at DEBUG; an exception's traceback inside its one line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.logs import OWN, THIRD_PARTY, JsonLines, about_casus, configure_logging, handling_update
from bot.settings import Settings
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI
from tests.telegram.helpers import (
    TO_THE_DESCRIPTION,
    admitted,
    typed_steps,
    wait_for_text,
    wait_until_asking,
)

USER = 731
NAMED = "Jan de Vries woont bij zijn tante"
DESCRIPTION = "Jongere woont sinds de zomer bij een tante"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What regiebot logs, as `regiebot run` writes it with REGIEBOT_LOG_FORMAT=json."""
    names = ("", *OWN, *THIRD_PARTY, "telegram.ext")
    levels = {name: logging.getLogger(name).level for name in names}
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonLines())
    # The fake Bot API's server runs in this process and logs its requests (the token is in
    # their path); that is Telegram's side. The webhook server of regiebot logs none.
    handler.addFilter(lambda record: record.name != "aiohttp.access")
    logging.getLogger().addHandler(handler)
    yield written
    logging.getLogger().removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def lines(written: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in written.getvalue().splitlines()]


async def test_an_intake_logged_as_json(
    fake: FakeBotAPI, running: Running, json_log: io.StringIO
) -> None:
    configure_logging(Settings(log_level="DEBUG", log_format="json"))
    assert running.app is not None
    await admitted(fake, running.app, USER)
    await fake.send_text(USER, "/aanmelden")
    last = (await wait_until_asking(fake, USER, "criteria"))["message_id"]
    steps = (*TO_THE_DESCRIPTION, (NAMED, "omschrijving-naam"))
    last = await typed_steps(fake, USER, steps, last)
    await fake.send_text(USER, DESCRIPTION)
    last = (await wait_until_asking(fake, USER, "summary", after=last))["message_id"]
    await fake.send_text(USER, "bevestig")
    await wait_for_text(fake, USER, "Advies: casusregie bij", after=last)

    written = json_log.getvalue()
    records = lines(json_log)  # every line one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert any("update_id" in r for r in records)
    assert any(r.get("casus", "").startswith("ZVH-") for r in records)
    for secret in (NAMED, "Vries", DESCRIPTION, "tante", "Professional", TOKEN, TOKEN[10:]):
        assert secret not in written, secret


def test_an_exception_is_one_line_with_its_traceback(json_log: io.StringIO) -> None:
    log = logging.getLogger("bot.test")
    log.setLevel(logging.INFO)
    with handling_update(4242), about_casus("ZVH-2026-0007"):
        try:
            raise ValueError("kapot")
        except ValueError:
            log.exception("handling an update for chat %s failed", 731)
    [record] = lines(json_log)
    assert record["message"] == "handling an update for chat 731 failed"
    assert (record["level"], record["update_id"], record["casus"]) == (
        "ERROR",
        4242,
        "ZVH-2026-0007",
    )
    assert record["exception"].startswith("Traceback (most recent call last):")
    assert record["exception"].endswith("ValueError: kapot")
    log.info("after the update")
    assert "update_id" not in lines(json_log)[-1]
