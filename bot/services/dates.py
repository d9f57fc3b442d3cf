"""Dates as a Dutch professional reads them: the day in the Netherlands, not in UTC."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def shown_date(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME).strftime("%d-%m-%Y")


def shown_moment(moment: datetime) -> str:
    """A day and time, e.g. "24-11-2026 14:05"."""
    return moment.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M")
