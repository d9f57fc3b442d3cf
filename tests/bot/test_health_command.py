"""`regiebot health`: exit 0 when the database answers and has every migration, else 1, each
with one line that says which; asking never creates a database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bot.cli import main
from storage import Database
from tests.conftest import HEAD


def health(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.setenv("REGIEBOT_DATABASE_URL", url)
    status = main(["health"])
    out = capsys.readouterr()
    assert (out.out + out.err).count("\n") == 1, "one line"
    return status, (out.out + out.err).strip()


def test_current_then_outdated_on_either_database(
    database_url: URL, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = database_url.render_as_string(hide_password=False)
    if database_url.get_backend_name() == "sqlite":
        Path(database_url.database or "").touch()  # there, but without regiebot's tables
    status, line = health(url, monkeypatch, capsys)
    assert status == 1 and "is at migration none" in line and "regiebot db upgrade" in line

    async def upgrade() -> None:
        database = Database(url)
        await database.upgrade()
        await database.dispose()

    asyncio.run(upgrade())
    status, line = health(url, monkeypatch, capsys)
    assert status == 0 and line.endswith(f"answers and is up to date (migration {HEAD}).")


def test_a_missing_sqlite_file_is_reported_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "nog-niet.db"
    status, line = health(f"sqlite+aiosqlite:///{file}", monkeypatch, capsys)
    assert status == 1 and line.endswith("does not exist yet: run `regiebot db upgrade`.")
    assert not file.exists()


def test_an_unreachable_server_and_a_bad_url_are_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, line = health("postgresql+asyncpg://postgres@127.0.0.1:1/test", monkeypatch, capsys)
    assert status == 1 and line.startswith("Cannot reach the database at")
    status, line = health("nonsense", monkeypatch, capsys)
    assert status == 1 and "cannot be parsed" in line
