"""A cluster of two replicas per test, on a PostgreSQL database of its own (the tests skip,
saying so, without REGIEBOT_TEST_DATABASE_URL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import postgres_database
from tests.replicas.cluster import Cluster
from tests.telegram.fake_bot_api import FakeBotAPI


@pytest.fixture
async def cluster(fake: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Cluster]:
    async with postgres_database() as url:
        started = Cluster(fake, url.render_as_string(hide_password=False), tmp_path)
        try:
            await started.start()
            yield started
        finally:
            await started.stop()
