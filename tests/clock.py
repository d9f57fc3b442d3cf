"""The clocks tests give the services. None of them reads the wall clock's date: a test stands
where its clock says, whatever day it runs (CI also runs the suite with the wall clock moved far
away, .ci/moved-clock)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

# A Monday morning in Amsterdam, far from any day the suite is run on purpose.
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class TestClock:
    """Stands at `start` and moves only when told (`now = ...`, `advance`); with `ticking`, it
    also runs at the pace of the monotonic clock, for tests whose retries and leases must come
    due by themselves."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, start: datetime = START, *, ticking: bool = False) -> None:
        self._start = start
        self._ticking = ticking
        self._origin = time.monotonic()

    def __call__(self) -> datetime:
        if not self._ticking:
            return self._start
        return self._start + timedelta(seconds=time.monotonic() - self._origin)

    @property
    def now(self) -> datetime:
        return self()

    @now.setter
    def now(self, moment: datetime) -> None:
        self._start, self._origin = moment, time.monotonic()

    def advance(self, by: timedelta) -> datetime:
        self.now = self() + by
        return self.now
