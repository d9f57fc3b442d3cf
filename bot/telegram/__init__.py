"""The Telegram channel (python-telegram-bot 22): it renders replies as messages with inline
keyboards and turns commands, button presses and text into inputs for the services.

    app.py        build_application: services, sender, gate and handler families wired
    gate.py       the one access check, before any handler
    handlers/     one module per feature (access, intake, lookup, status, stale buttons)
    callbacks.py  typed callback data with a prefix per feature
    render.py     texts and keyboards from the dialogues' replies
    sender.py     the one way out, with one retry policy
    ordering.py   one chat in order, different chats concurrently
    texts.py      what the channel itself says, in Dutch
    transport.py  python-telegram-bot's requests over aiohttp
"""

from bot.telegram.app import build_application

__all__ = ["build_application"]
