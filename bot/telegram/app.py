"""The application factory: services, the sender, the gate and every handler family, wired into
one python-telegram-bot Application."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    ContextTypes,
)

from bot.services.admission import AdmissionService
from bot.services.assignment import AssignmentService, TimerRun
from bot.services.casussen import CasusService
from bot.services.clock import Clock, wall_clock
from bot.services.figures import FiguresService
from bot.services.free_text import FreeTextService
from bot.services.groups import GroupService
from bot.services.intake import IntakeService
from bot.services.intake_expiry import IntakeExpiryService
from bot.services.maintenance import anonymise, current_migration
from bot.services.outbox import OutboxService
from bot.services.people import PeopleService
from bot.services.profile import ProfileService
from bot.settings import Settings
from bot.telegram import texts
from bot.telegram.gate import Gate, RegieContext
from bot.telegram.handlers import Family
from bot.telegram.handlers.access import AccessHandlers
from bot.telegram.handlers.casussen import CasussenHandlers
from bot.telegram.handlers.coordination import CoordinationHandlers
from bot.telegram.handlers.groups import GroupHandlers
from bot.telegram.handlers.intake import COMMANDS as INTAKE_COMMANDS
from bot.telegram.handlers.intake import IntakeHandlers
from bot.telegram.handlers.lookup import LookupHandlers
from bot.telegram.handlers.overzicht import OverzichtHandlers
from bot.telegram.handlers.profile import ProfileHandlers
from bot.telegram.handlers.regisseur import RegisseurHandlers
from bot.telegram.handlers.stale import StaleButtons
from bot.telegram.handlers.status import StatusHandlers
from bot.telegram.handlers.text import TextHandlers
from bot.telegram.in_hand import InHand
from bot.telegram.ordering import PerChatOrder
from bot.telegram.sender import Sender
from bot.telegram.transport import AiohttpRequest, UpdatesRequest
from bot.workers.intake_expiry import IntakeExpiry
from bot.workers.outbox import OutboxDispatcher
from storage import Database

log = logging.getLogger(__name__)

App = Application[Any, RegieContext, Any, Any, Any, Any]
GATE_GROUP = -1  # before every handler family (group 0)
AFTER_GROUP = 1  # after them
EXPIRY_INTERVAL = timedelta(hours=1)
TIMERS_FIRST = 5.0  # seconds after the start: the casus timers' first round
# Retention runs a few minutes after each start (a bot restarted every night still runs it) and
# then daily. Every replica runs it: it is idempotent and locks the casussen it anonymises
# (storage/retention.py), so a second run finds nothing left to do.
RETENTION_INTERVAL = timedelta(days=1)
RETENTION_FIRST = timedelta(minutes=5)
# Updates received and not yet handled, per update handled at once: enough that handling never
# waits for receiving, few enough that a stop handles them in seconds (bot/telegram/in_hand.py).
IN_HAND_PER_CONCURRENT = 2


class Channel:
    """The Telegram channel of one process: its database, services and sender."""

    def __init__(self, application: App, settings: Settings, clock: Clock) -> None:
        self.clock = clock  # every service's: the one clock of this process
        self.schema = schema = settings.load_schema()
        self.retention_days = settings.retention_days
        self.database = Database(settings.database_url)
        self.admission = AdmissionService(self.database, clock=clock)
        self.sender = Sender(application.bot, settings.telegram_max_rate)
        # Sends what the services wrote to the outbox: at once after this process's commits,
        # and on a poll for what other processes wrote.
        self.dispatcher = OutboxDispatcher(
            OutboxService(self.database),
            self.sender,
            clock=clock,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
        )
        self.database.after_outbox_commit = self.dispatcher.wake
        self._dispatching: asyncio.Task[None] | None = None
        self.assignments = AssignmentService(
            self.database,
            schema,
            clock=clock,
            answer_within=timedelta(hours=settings.assign_timeout_hours),
        )
        intake = IntakeService(
            self.database, schema, self.assignments, clock=clock, group_max=settings.group_max
        )
        self.profile = ProfileService(self.database, schema, clock=clock)
        self.groups = GroupService(self.database, schema, clock=clock)
        free_text = FreeTextService(
            self.database, intake, (self.assignments, self.profile, self.groups), clock=clock
        )
        self.text = TextHandlers(free_text, self.sender)
        self.people = PeopleService(
            self.database,
            schema,
            self.admission,
            self.profile,
            self.assignments,
            clock=clock,
            invitation_days=settings.invitation_days,
        )
        self.families: tuple[Family, ...] = (
            AccessHandlers(self.admission, schema, self.sender).family(),
            IntakeHandlers(intake, self.sender).family(),
            self.text.family(),
            RegisseurHandlers(self.assignments, self.sender).family(),
            CasussenHandlers(self.assignments, self.sender).family(),
            GroupHandlers(self.groups, self.sender).family(),
            ProfileHandlers(self.profile, self.sender).family(),
            CoordinationHandlers(self.people, schema, self.sender).family(),
            LookupHandlers(schema, self.sender).family(),
            StatusHandlers(CasusService(self.database, schema), self.sender).family(),
            OverzichtHandlers(
                FiguresService(self.database, schema, clock=clock), self.sender
            ).family(),
            StaleButtons(self.sender).family(),  # last: every button nobody else routes
        )
        self.gate = Gate(self.admission, self.sender, self.families)
        self.intake_expiry = IntakeExpiry(
            IntakeExpiryService(self.database, settings.intake_expiry_days, clock=clock),
            self.sender,
        )
        self.timer_interval = settings.timer_interval_seconds

    def register(self, application: App) -> None:
        application.add_handler(self.gate.handler(), group=GATE_GROUP)
        for family in self.families:
            application.add_handlers(family.handlers)
        application.add_handler(self.text.after_commands(INTAKE_COMMANDS), group=AFTER_GROUP)
        application.add_error_handler(self.error)
        if application.job_queue is not None:
            application.job_queue.run_repeating(
                self.expire_intakes, interval=EXPIRY_INTERVAL, first=60, name="intake-expiry"
            )
            application.job_queue.run_repeating(
                self.run_timers,
                interval=self.timer_interval,
                first=min(TIMERS_FIRST, self.timer_interval),
                name="casus-timers",
            )
            application.job_queue.run_repeating(
                self.apply_retention,
                interval=RETENTION_INTERVAL,
                first=RETENTION_FIRST,
                name="retention",
            )

    async def expire_intakes(self, context: RegieContext) -> None:
        await self.intake_expiry.run()

    async def run_timers(self, context: RegieContext) -> None:
        """Offers' reminders and expiries, and OOV's hand-overs; rows with a due time, so a
        restart loses none."""
        ran = await self.assignments.run_timers()
        if ran != TimerRun():
            log.info("timers: %s", ran)

    async def apply_retention(self, context: RegieContext) -> None:
        """Anonymises the casussen closed longer than REGIEBOT_RETENTION_DAYS ago."""
        references = await anonymise(
            self.database, self.schema, self.retention_days, now=self.clock()
        )
        if references:
            log.info("retention anonymised %d casussen: %s", len(references), ", ".join(references))

    async def health(self) -> str:
        """The database's migration when it answers and is up to date; raises otherwise (the
        webhook's health endpoint)."""
        return await current_migration(self.database)

    async def post_init(self, application: App) -> None:
        await self.database.prepare()
        self._dispatching = asyncio.create_task(self.dispatcher.run(), name="outbox")
        commands = {c for family in self.families for c in family.commands}
        menu = [BotCommand(c, d) for c, d in texts.MENU if c in commands]
        try:
            await application.bot.set_my_commands(menu)
        except TelegramError as error:  # the menu is a convenience; the bot works without it
            log.warning("setMyCommands failed: %s", error)

    async def post_stop(self, application: App) -> None:
        """Before the bot's HTTP client closes: the sends under way finish and are marked."""
        self.dispatcher.stop()
        if self._dispatching is not None:
            await self._dispatching

    async def post_shutdown(self, application: App) -> None:
        await self.database.dispose()

    async def error(self, update: object, context: RegieContext) -> None:
        # Never log the update itself: it holds what the user typed.
        chat = (
            update.effective_chat.id
            if isinstance(update, Update) and update.effective_chat
            else None
        )
        log.error("handling an update for chat %s failed", chat, exc_info=context.error)
        if isinstance(update, Update) and update.callback_query is not None:
            await self.sender.acknowledge(update.callback_query.id)  # or the button keeps spinning
        if chat is not None:
            try:
                await self.sender.send(chat, texts.SOMETHING_WENT_WRONG)
            except TelegramError:
                log.warning("could not tell chat %s that something went wrong", chat)
        raise ApplicationHandlerStop  # a failed gate must not let the update through


def build_application(
    settings: Settings,
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] | None = None,
    *,
    clock: Clock = wall_clock,
) -> App:
    """The bot with every handler wired. A given builder is used as it is (tests and embedders
    bring their own token, base URL and request objects); otherwise one comes from `settings`.
    `clock` is the one clock of every service (tests bring their own)."""
    if builder is None:
        builder = (
            ApplicationBuilder()
            .token(settings.token())
            .request(AiohttpRequest(settings.telegram_concurrency + 2))
            .get_updates_request(UpdatesRequest(1))
        )
        if settings.telegram_base_url:
            builder = builder.base_url(settings.telegram_base_url)
    in_hand = InHand(IN_HAND_PER_CONCURRENT * settings.telegram_concurrency)
    application: App = (
        builder.context_types(ContextTypes(context=RegieContext))
        .concurrent_updates(PerChatOrder(settings.telegram_concurrency, in_hand.handled))
        .update_queue(in_hand)
        .build()
    )
    channel = Channel(application, settings, clock)
    application.post_init = channel.post_init
    application.post_stop = channel.post_stop
    application.post_shutdown = channel.post_shutdown
    channel.register(application)
    application.bot_data["channel"] = channel  # for embedders and tests: its database, services
    return application
