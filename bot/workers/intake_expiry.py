"""The timer that runs the intake expiry (bot/services/intake_expiry.py) and tells melders what
it did. Run hourly by `regiebot run` through python-telegram-bot's JobQueue."""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from bot.services.intake_expiry import Expired, IntakeExpiryService, Notice
from bot.telegram.sender import Sender

log = logging.getLogger(__name__)


class IntakeExpiry:
    def __init__(self, service: IntakeExpiryService, sender: Sender) -> None:
        self.service = service
        self.sender = sender

    async def run(self) -> Expired:
        expired, notices = await self.service.run()
        for notice in notices:
            await self._tell(notice)
        return expired

    async def _tell(self, notice: Notice) -> None:
        try:
            await self.sender.send(notice.chat_id, notice.text)
        except TelegramError as error:  # blocked the bot, or Telegram down: the change stands
            log.warning(
                "could not tell chat %s about its expiring intake: %s", notice.chat_id, error
            )
