"""/profiel: a regisseur (or coördinator) sees and changes their expertise, capacity and absence,
in a private chat. Every press changes the profile and shows it in the same message; a typed last
day of absence comes through handlers/text.py to the profile service's dialogue."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.services.profile import ProfileService
from bot.telegram import profile_view as view
from bot.telegram import texts
from bot.telegram.callbacks import ProfileButton
from bot.telegram.gate import RegieContext
from bot.telegram.handlers import Family, own_press
from bot.telegram.sender import Sender
from conversation import absence
from rules.vocabulary import Role

COMMAND = "profiel"
PRIVATE = filters.ChatType.PRIVATE


class ProfileHandlers:
    def __init__(self, profiles: ProfileService, sender: Sender) -> None:
        self.profiles = profiles
        self.sender = sender

    def family(self) -> Family:
        return Family(
            name="profiel",
            handlers=(
                CommandHandler(COMMAND, self.command, filters=PRIVATE),
                CommandHandler(COMMAND, self.private_only),
                CallbackQueryHandler(self.pressed, pattern=ProfileButton.pattern()),
            ),
            roles=frozenset({Role.REGISSEUR, Role.COORDINATOR}),
            commands=frozenset({COMMAND}),
            button_prefix=ProfileButton.prefix,
        )

    async def command(self, update: Update, context: RegieContext) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        profile = await self.profiles.profile(context.admitted.person_id, chat_id=chat.id)
        await self.sender.send(chat.id, *view.shown(profile))

    async def private_only(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is not None:
            await self.sender.send(update.effective_chat.id, view.PRIVATE_ONLY)

    async def pressed(self, update: Update, context: RegieContext) -> None:
        press = await own_press(update, ProfileButton, self.sender)
        if press is None:
            return
        chat_id, message_id = press.chat_id, press.message_id
        if message_id is None:  # too old to edit: /profiel shows it anew
            await self.sender.acknowledge(press.query_id, texts.STALE_BUTTON)
            return
        try:
            text, keyboard = await self._act(
                context.admitted.person_id, chat_id, message_id, press.button
            )
        except ValueError:  # a value an older message offered that is no longer allowed
            await self.sender.acknowledge(press.query_id, texts.STALE_BUTTON)
            text, keyboard = view.shown(await self.profiles.profile(context.admitted.person_id))
        else:
            await self.sender.acknowledge(press.query_id)
        await self.sender.edit(chat_id, message_id, text, keyboard)

    async def _act(
        self, person: int, chat_id: int, message_id: int, button: ProfileButton
    ) -> tuple[str, str | None]:
        """Does what the button says; the message's new text and keyboard."""
        profiles, action, value = self.profiles, button.action, button.value
        if action in (view.CHOOSE, view.UNCHOOSE):
            chosen = action == view.CHOOSE
            return view.shown(await profiles.set_expertise(person, value, chosen))
        if action == view.CAPACITY:
            return view.shown(await profiles.set_capacity(person, int(value)))
        if action == view.DAYS:
            return view.shown(await profiles.absent_for(person, int(value), chat_id=chat_id))
        if action == view.PRESENT:
            return view.shown(await profiles.present_again(person, chat_id=chat_id))
        if action == view.TYPE_DAY:
            await profiles.ask_absence_day(chat_id, message_id)
            return view.asking_day(await profiles.profile(person), absence.QUESTION)
        profile = await profiles.profile(person, chat_id=chat_id)
        if action == view.ABSENCE:
            return view.absence_choices(profile)
        if action == view.DONE:
            return view.closed(profile), None
        if action == view.BACK:
            return view.shown(profile)
        raise ValueError(f"no profile action {action!r}")
