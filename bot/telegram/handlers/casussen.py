"""/casussen for coördinatoren: every casus, filtered by status, partij and age, ten to a page
with Vorige and Volgende. Each casus is a button to its card (the regisseur family's `a` prefix,
which coördinatoren may use); the list's own buttons have the `k` prefix, for coördinatoren only.
Page and filters travel in the button, so an old list pressed again shows what is there now."""

from __future__ import annotations

import json
from dataclasses import replace

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.services.assignment import AssignmentService, Filters, Listing, Who
from bot.telegram import texts
from bot.telegram.callbacks import CasusButton, ListButton
from bot.telegram.gate import RegieContext
from bot.telegram.handlers import Family, own_press, show_in_place
from bot.telegram.render import laid_out
from bot.telegram.sender import Sender
from conversation import casus_texts as say
from conversation.messages import Button
from rules.vocabulary import CasusStatus, Role

PRIVATE = filters.ChatType.PRIVATE


class CasussenHandlers:
    def __init__(self, assignments: AssignmentService, sender: Sender) -> None:
        self.assignments = assignments
        self.sender = sender

    def family(self) -> Family:
        return Family(
            name="casussen",
            handlers=(
                CommandHandler("casussen", self.listed, filters=PRIVATE),
                CallbackQueryHandler(self.pressed, pattern=ListButton.pattern()),
            ),
            roles=frozenset({Role.COORDINATOR}),
            commands=frozenset({"casussen"}),
            button_prefix=ListButton.prefix,
        )

    async def listed(self, update: Update, context: RegieContext) -> None:
        if update.effective_chat is None:
            return
        chat_id = update.effective_chat.id
        text, markup = await self._page(self._who(context, chat_id), Filters())
        await self.sender.send(chat_id, text, markup)

    async def pressed(self, update: Update, context: RegieContext) -> None:
        press = await own_press(update, ListButton, self.sender)
        if press is None:
            return
        button, chat_id = press.button, press.chat_id
        if not button.page.isdigit():
            await self.sender.acknowledge(press.query_id, texts.STALE_BUTTON)
            return
        await self.sender.acknowledge(press.query_id)
        chosen = Filters(button.status, button.partij, button.age, int(button.page))
        markup: str | None
        if button.menu in say.LIST_CHOOSE:
            text, markup = say.LIST_CHOOSE[button.menu], self._menu(button.menu, chosen)
        else:
            text, markup = await self._page(self._who(context, chat_id), chosen)
        await show_in_place(self.sender, press, text, markup)

    @staticmethod
    def _who(context: RegieContext, chat_id: int) -> Who:
        member = context.admitted
        return Who(member.person_id, member.role, chat_id)

    async def _page(self, who: Who, chosen: Filters) -> tuple[str, str | None]:
        listing = await self.assignments.listing(who, chosen)
        if listing is None:
            return say.COORDINATORS_ONLY, None
        return listing.text, _keyboard(listing)

    def _menu(self, menu: str, chosen: Filters) -> str:
        """The choices of one filter; each shows the list's first page with that choice."""
        first = replace(chosen, page=0)
        options: list[tuple[str, Filters]]
        if menu == "s":
            options = [
                (say.LIST_ALL, replace(first, status="")),
                ("Open", replace(first, status=say.OPEN_FILTER)),
                *((say.STATUS_LABEL[s], replace(first, status=s.value)) for s in CasusStatus),
            ]
        elif menu == "p":
            options = [
                (say.LIST_ALL, replace(first, partij="")),
                *(
                    (p.name, replace(first, partij=p.code))
                    for p in self.assignments.schema.partijen
                ),
            ]
        else:
            options = [
                (say.LIST_ALL, replace(first, age="")),
                *((label, replace(first, age=age)) for age, label in say.AGE_BUTTONS.items()),
            ]
        return _markup([[_button(label, f)] for label, f in options])


def _button(label: str, filters: Filters, menu: str = "") -> Button:
    data = ListButton(menu, filters.status, filters.partij, filters.age, str(filters.page))
    return Button(data.pack(), label)


def _keyboard(listing: Listing) -> str:
    """The casussen on the page, then Vorige and Volgende, then the filters."""
    chosen = listing.filters
    casussen = [Button(CasusButton("card", str(i)).pack(), ref) for ref, i in listing.casussen]
    rows = laid_out(casussen)
    paging = []
    if chosen.page > 0:
        paging.append(_button(say.LIST_BUTTONS["prev"], replace(chosen, page=chosen.page - 1)))
    if chosen.page + 1 < listing.pages:
        paging.append(_button(say.LIST_BUTTONS["next"], replace(chosen, page=chosen.page + 1)))
    if paging:
        rows.append(paging)
    rows.append([_button(say.LIST_BUTTONS[m], chosen, m) for m in ("s", "p", "l")])
    return _markup(rows)


def _markup(rows: list[list[Button]]) -> str:
    keyboard = [[{"text": b.label, "callback_data": b.id} for b in row] for row in rows]
    return json.dumps({"inline_keyboard": keyboard}, ensure_ascii=False)
