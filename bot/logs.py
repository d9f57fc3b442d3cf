"""Logging for `regiebot run`. regiebot's own loggers log at REGIEBOT_LOG_LEVEL (they never log
what a user typed); other libraries stay at INFO whatever that level is, because at DEBUG
python-telegram-bot logs every request with its parameters, the text of every message included.
An operator who needs one of them at DEBUG names it (REGIEBOT_DEBUG_LOGGERS=telegram.ext) and
knows that it then logs what it logs, updates with their text included."""

from __future__ import annotations

import logging

from bot.settings import Settings

OWN = ("bot", "conversation", "rules", "storage")
THIRD_PARTY = ("telegram", "httpx", "aiohttp", "apscheduler", "sqlalchemy")
# httpx logs every request's URL, which holds the bot token; SQLAlchemy at INFO logs every
# statement with its parameters, the answers included.
QUIETER = {"httpx": logging.WARNING, "sqlalchemy": logging.WARNING}
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(settings: Settings) -> None:
    """Sets the levels as the settings say, with one handler on stderr."""
    logging.basicConfig(level=logging.INFO, format=FORMAT)
    logging.getLogger().setLevel(logging.INFO)
    own = logging.getLevelNamesMapping()[settings.log_level.upper()]
    for name in OWN:
        logging.getLogger(name).setLevel(own)
    for name in THIRD_PARTY:  # never below INFO, nor below regiebot's own level
        logging.getLogger(name).setLevel(max(QUIETER.get(name, logging.INFO), own))
    for name in settings.debug_loggers.split(","):
        if name.strip():
            logging.getLogger(name.strip()).setLevel(logging.DEBUG)
