"""The bot token from a secrets file, as compose's `secrets:` and Kubernetes give it, beside the
environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
ANOTHER = "987654321:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9"


@pytest.fixture
def secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REGIEBOT_SECRETS_DIR", str(tmp_path))
    monkeypatch.delenv("REGIEBOT_TELEGRAM_TOKEN", raising=False)
    return tmp_path


def test_the_token_comes_from_its_file_in_the_secrets_directory(secrets: Path) -> None:
    (secrets / "regiebot_telegram_token").write_text(TOKEN + "\n", encoding="utf-8")
    assert load_settings().token() == TOKEN


def test_an_empty_variable_in_the_env_file_leaves_the_token_to_the_file(
    secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (secrets / "regiebot_telegram_token").write_text(TOKEN, encoding="utf-8")
    monkeypatch.setenv("REGIEBOT_TELEGRAM_TOKEN", "")  # as regiebot.env.example has it
    assert load_settings().token() == TOKEN


def test_a_token_in_the_environment_wins_over_the_file(
    secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (secrets / "regiebot_telegram_token").write_text(TOKEN, encoding="utf-8")
    monkeypatch.setenv("REGIEBOT_TELEGRAM_TOKEN", ANOTHER)
    assert load_settings().token() == ANOTHER


def test_a_secrets_directory_that_is_not_there_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "secrets"
    monkeypatch.setenv("REGIEBOT_SECRETS_DIR", str(missing))
    assert main(["run"]) == 2
    assert capsys.readouterr().err == f"REGIEBOT_SECRETS_DIR='{missing}' is not a directory.\n"
