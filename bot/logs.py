"""Logging for `regiebot run`. regiebot's own loggers log at REGIEBOT_LOG_LEVEL (they never log
what a user typed); other libraries stay at INFO whatever that level is, because at DEBUG
python-telegram-bot logs every request with its parameters, the text of every message included.
An operator who needs one of them at DEBUG names it (REGIEBOT_DEBUG_LOGGERS=telegram.ext) and
knows that it then logs what it logs, updates with their text included.

REGIEBOT_LOG_FORMAT=json writes one JSON object per line: time, level, logger and message, the
casus reference where there is one (a log call's `extra={"casus": reference}`, or within
`about_casus`), the Telegram update id while an update is handled (`handling_update`), and an
exception's traceback inside the line."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from bot.settings import Settings

OWN = ("bot", "conversation", "rules", "storage")
THIRD_PARTY = ("telegram", "httpx", "aiohttp", "apscheduler", "sqlalchemy", "transitions")
# httpx logs every request's URL, which holds the bot token; SQLAlchemy at INFO logs every
# statement with its parameters, the answers included; transitions logs every state's entry
# and exit, two lines per answer.
QUIETER = {"httpx": logging.WARNING, "sqlalchemy": logging.WARNING, "transitions": logging.WARNING}
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# The update being handled; set per update, and an update is handled in a task of its own, so
# every line logged while handling it (by any logger) carries its id.
_update_id: ContextVar[int | None] = ContextVar("update_id", default=None)
_casus: ContextVar[str | None] = ContextVar("casus", default=None)


@contextlib.contextmanager
def handling_update(update_id: int | None) -> Iterator[None]:
    """Log lines within the block carry `update_id`."""
    token = _update_id.set(update_id)
    try:
        yield
    finally:
        _update_id.reset(token)


@contextlib.contextmanager
def about_casus(reference: str | None) -> Iterator[None]:
    """Log lines within the block carry the casus `reference` (not personal data)."""
    token = _casus.set(reference)
    try:
        yield
    finally:
        _casus.reset(token)


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        casus = getattr(record, "casus", None) or _casus.get()
        if casus:
            line["casus"] = casus
        update_id = getattr(record, "update_id", None) or _update_id.get()
        if update_id is not None:
            line["update_id"] = update_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def formatter(settings: Settings) -> logging.Formatter:
    return JsonLines() if settings.log_format == "json" else logging.Formatter(FORMAT)


def configure_logging(settings: Settings) -> None:
    """Sets the levels as the settings say, with one handler on stderr in the settings' format
    (unless the root logger has a handler already, as under a test runner)."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(settings))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.getLogger().setLevel(logging.INFO)
    own = logging.getLevelNamesMapping()[settings.log_level.upper()]
    for name in OWN:
        logging.getLogger(name).setLevel(own)
    for name in THIRD_PARTY:  # never below INFO, nor below regiebot's own level
        logging.getLogger(name).setLevel(max(QUIETER.get(name, logging.INFO), own))
    for name in settings.debug_loggers.split(","):
        if name.strip():
            logging.getLogger(name.strip()).setLevel(logging.DEBUG)
