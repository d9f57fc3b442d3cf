"""The updates in hand (bot/telegram/in_hand.py): receiving waits while the most are in hand and
goes on as soon as one of them is handled; polling may confirm up to the first one not handled."""

from __future__ import annotations

import asyncio

from bot.telegram.in_hand import InHand
from tests.telegram.updates import message


async def test_receiving_waits_for_room() -> None:
    in_hand = InHand(most=2)
    await in_hand.put("update 1")
    await in_hand.put("update 2")
    assert in_hand.room() == 0
    third = asyncio.create_task(in_hand.put("update 3"))
    await asyncio.sleep(0)
    assert not third.done() and in_hand.qsize() == 2

    in_hand.get_nowait()  # taken by the Application: still in hand until handled
    await asyncio.sleep(0)
    assert not third.done()
    in_hand.task_done()  # handled
    await third
    assert in_hand.count == 2 and in_hand.qsize() == 2


async def test_the_first_update_not_handled_is_where_polling_may_confirm() -> None:
    in_hand = InHand(most=4)
    for update_id in (7, 8, 9):
        await in_hand.put(message(update_id, "x", user=update_id))
    in_hand.handled(message(8, "x", user=8))  # another chat's update, done before the first
    assert in_hand.first_unhandled() == 7
    in_hand.handled(message(7, "x", user=7))
    assert in_hand.first_unhandled() == 9
    in_hand.handled(message(9, "x", user=9))
    assert in_hand.first_unhandled() is None
