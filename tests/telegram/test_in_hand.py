"""The updates in hand (bot/telegram/in_hand.py): receiving waits while the most are in hand and
goes on as soon as one of them is handled."""

from __future__ import annotations

import asyncio

from bot.telegram.in_hand import InHand


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
