"""The line `regiebot run` logs first: which database (never its password), which mode, which
decision schema file, named and with a digest of its content, so replicas can be compared."""

from __future__ import annotations

import hashlib

from bot.cli import _startup_line
from bot.settings import Settings
from rules import DEFAULT_SCHEMA_PATH, Schema


def test_database_mode_and_schema_without_the_password(schema: Schema) -> None:
    digest = hashlib.sha256(DEFAULT_SCHEMA_PATH.read_bytes()).hexdigest()[:12]
    polling = _startup_line(
        Settings(database_url="postgresql+asyncpg://regiebot:geheim@db.example/regiebot"), schema
    )
    assert polling == (
        "regiebot run: database postgresql+asyncpg://regiebot:***@db.example/regiebot, polling, "
        f"schema {DEFAULT_SCHEMA_PATH} ('Standaardschema casusregie (reconstructie)', "
        f"sha256 {digest})"
    )
    webhook = _startup_line(
        Settings(
            webhook_url="https://bot.example.nl/regiebot/telegram",
            webhook_listen="0.0.0.0",
            webhook_port=8080,
        ),
        schema,
    )
    assert ", webhook on 0.0.0.0:8080 path /regiebot/telegram (health check /healthz), " in webhook
