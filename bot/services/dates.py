"""Dates as a Dutch professional reads them: the day in the Netherlands, not in UTC."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def shown_date(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME).strftime("%d-%m-%Y")
