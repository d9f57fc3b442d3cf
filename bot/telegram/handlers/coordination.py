"""/uitnodigen and /mensen: a coördinator admits people and keeps them, in a private chat.

/uitnodigen asks role, partij and expertise with buttons and answers with the deep link to
forward. /mensen lists the people by role and partij; a press opens one person's card, where
expertise, capacity, absence and partij change and someone is deactivated. Every press edits the
message it was pressed on."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.services.people import PeopleService
from bot.telegram import coordination_view as view
from bot.telegram import profile_view, texts
from bot.telegram.callbacks import CoordinationButton
from bot.telegram.gate import RegieContext
from bot.telegram.handlers import Family, own_press
from bot.telegram.sender import Sender
from rules import Schema
from rules.schema import Partij
from rules.vocabulary import Role

INVITE = "uitnodigen"
PEOPLE = "mensen"
PRIVATE = filters.ChatType.PRIVATE
PRIVATE_ONLY = "Mensen uitnodigen en beheren doet u in een privégesprek met mij."


class CoordinationHandlers:
    def __init__(self, people: PeopleService, schema: Schema, sender: Sender) -> None:
        self.people = people
        self.schema = schema
        self.sender = sender

    def family(self) -> Family:
        return Family(
            name="coordination",
            handlers=(
                CommandHandler(INVITE, self.invite, filters=PRIVATE),
                CommandHandler(PEOPLE, self.list_people, filters=PRIVATE),
                CommandHandler((INVITE, PEOPLE), self.private_only),
                CallbackQueryHandler(self.pressed, pattern=CoordinationButton.pattern()),
            ),
            roles=frozenset({Role.COORDINATOR}),
            commands=frozenset({INVITE, PEOPLE}),
            button_prefix=CoordinationButton.prefix,
        )

    async def invite(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is not None:
            await self.sender.send(update.effective_chat.id, *view.invite_roles())

    async def list_people(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is not None:
            await self.sender.send(
                update.effective_chat.id, *view.people_list(await self.people.groups())
            )

    async def private_only(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is not None:
            await self.sender.send(update.effective_chat.id, PRIVATE_ONLY)

    async def pressed(self, update: Update, context: RegieContext) -> None:
        press = await own_press(update, CoordinationButton, self.sender)
        if press is None:
            return
        if press.message_id is None:  # too old to edit: the command shows it anew
            await self.sender.acknowledge(press.query_id, texts.STALE_BUTTON)
            return
        me = context.admitted.person_id
        try:
            text, keyboard = await self._act(me, press.button, context.bot.username)
        except LookupError:  # someone deactivated meanwhile
            await self.sender.acknowledge(press.query_id, view.NOT_ACTIVE)
            text, keyboard = view.back_to_list(view.NOT_ACTIVE)
        except ValueError:  # a value an older message offered that is no longer allowed
            await self.sender.acknowledge(press.query_id, texts.STALE_BUTTON)
            text, keyboard = view.people_list(await self.people.groups())
        else:
            await self.sender.acknowledge(press.query_id)
        await self.sender.edit(press.chat_id, press.message_id, text, keyboard)

    async def _act(
        self, me: int, button: CoordinationButton, username: str
    ) -> tuple[str, str | None]:
        """Does what the button says; the message's new text and keyboard."""
        action = button.action
        if action in (view.ROLE, view.PARTIJ, view.EXPERTISE, view.MAKE, view.CANCEL):
            return await self._inviting(me, button, username)
        if action == view.LIST:
            return view.people_list(await self.people.groups(), _number(button.value or "0"))
        if action == profile_view.DONE:
            return view.CLOSED, None
        if action == view.PENDING:
            return view.pending_list(await self.people.pending())
        if action == view.REVOKE:
            revoked = await self.people.revoke(me, _number(button.subject))
            note = view.REVOKED if revoked else view.ALREADY_GONE
            return view.pending_list(await self.people.pending(), note)
        return await self._on_person(me, _number(button.subject), action, button.value)

    async def _on_person(
        self, me: int, person: int, action: str, value: str
    ) -> tuple[str, str | None]:
        people = self.people
        if action == view.CONFIRMED:
            card = await people.card(person)
            if person == me:
                return view.back_to_list(view.NOT_YOURSELF)
            done = await people.deactivate(me, person)
            moved = done.moved if done is not None else ()
            return view.back_to_list(view.deactivated(card.name, moved))
        if action in (profile_view.CHOOSE, profile_view.UNCHOOSE):
            chosen = action == profile_view.CHOOSE
            return view.person_card(await people.set_expertise(me, person, value, chosen))
        if action == profile_view.CAPACITY:
            return view.person_card(await people.set_capacity(me, person, _number(value)))
        if action == profile_view.DAYS:
            return view.person_card(await people.absent_for(me, person, _number(value)))
        if action == profile_view.PRESENT:
            return view.person_card(await people.present_again(me, person))
        if action == view.SET_PARTIJ:
            return view.person_card(await people.set_partij(me, person, value))
        card = await people.card(person)
        if action == view.CARD:
            return view.person_card(card)
        if action == profile_view.ABSENCE:
            return view.absence_choices(card)
        if action == view.MOVE:
            return view.partij_choices(card, self.schema.partijen)
        if action == view.DEACTIVATE:
            if person == me:
                return view.back_to_list(view.NOT_YOURSELF)
            return view.confirm_deactivate(card)
        raise ValueError(f"no coordination action {action!r}")

    async def _inviting(
        self, me: int, button: CoordinationButton, username: str
    ) -> tuple[str, str | None]:
        """One step of /uitnodigen; what it has chosen so far travels in the buttons."""
        action, subject, value = button.action, button.subject, button.value
        if action == view.CANCEL:
            return view.CANCELLED, None
        if action == view.ROLE:
            role = Role(value)
            if role == Role.COORDINATOR:
                return view.invite_confirm(role, None)
            return view.invite_partijen(role, self.schema.partijen)
        if action == view.PARTIJ:
            role = Role(subject)
            partij = self._partij(value) if value else None
            if role == Role.REGISSEUR and partij is not None:
                return view.invite_expertise(self.schema, partij, 0)
            return view.invite_confirm(role, partij)
        draft = view.draft_of(subject)
        if draft is None:
            raise ValueError(f"not an invitation being made: {subject!r}")
        role, code = draft
        mask = int(value or "0", 16)
        if action == view.EXPERTISE and code is not None:
            return view.invite_expertise(self.schema, self._partij(code), mask)
        expertise = view.chosen_codes(self.schema, mask)
        invitation = await self.people.invite(me, role, code, expertise)
        labels = [self.people.expertise_labels[c] for c in expertise]
        what = view.invited(role, self.people.partij_name(code), labels)
        link = f"https://t.me/{username}?start={invitation.code}"
        return view.made(what, link, invitation.code, invitation.expires_at), None

    def _partij(self, code: str) -> Partij:
        partij = self.schema.partij_by_code.get(code)
        if partij is None:
            raise ValueError(f"not a partij: {code!r}")
        return partij


def _number(text: str) -> int:
    """A number a button carries; anything else is a button this layout never made."""
    if not text.isdigit():
        raise ValueError(f"not a number: {text!r}")
    return int(text)
