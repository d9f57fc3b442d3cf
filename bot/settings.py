"""Settings from the environment (REGIEBOT_*), through pydantic-settings."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rules import DEFAULT_SCHEMA_PATH, Schema, load_schema

_TOKEN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
_PREFIX = "REGIEBOT_"
# Where compose (`secrets:`) and Kubernetes put secret files: one file a setting, named after its
# variable (regiebot_telegram_token), holding its value. REGIEBOT_SECRETS_DIR names another.
SECRETS_DIR = Path("/run/secrets")


class SettingsError(ValueError):
    """A setting that cannot work; the message is one line for the operator."""


class Settings(BaseSettings):
    # An empty variable is unset: `REGIEBOT_TELEGRAM_TOKEN=` in an env file leaves the token to
    # the secrets directory.
    model_config = SettingsConfigDict(env_prefix=_PREFIX, extra="ignore", env_ignore_empty=True)

    rules: Path = DEFAULT_SCHEMA_PATH
    database_url: str = "sqlite+aiosqlite:///regiebot.db"  # beside the working directory
    # Every count of days or hours has an upper bound: past it a value is a typo, and far past it
    # (999999999 days) it overflows a date, where it should be one line naming the setting.
    retention_days: int = Field(default=365, ge=1, le=7305)  # 20 years
    # An unfinished intake untouched this long is wiped; its melder is warned a day before.
    intake_expiry_days: int = Field(default=30, ge=2, le=365)
    # regiebot's own loggers; libraries stay at INFO or quieter unless named here (bot/logs.py)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    debug_loggers: str = ""  # comma-separated logger names, e.g. "telegram.ext,apscheduler"
    log_format: Literal["text", "json"] = "text"  # json: one JSON object per line

    telegram_token: SecretStr | None = None
    telegram_base_url: str | None = None  # another Bot API server, e.g. http://127.0.0.1:8081/bot
    telegram_bot_username: str | None = None  # for invitation links; asked from Telegram if unset
    webhook_url: str | None = None  # public https URL; polling when unset
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    invitation_days: int = Field(default=7, ge=1, le=365)
    # The most persons one group aanmelding holds.
    group_max: int = Field(default=25, ge=2, le=40)
    # A regisseur answers an offer within this time (a reminder at half of it), or it goes on.
    assign_timeout_hours: float = Field(default=24.0, gt=0, le=720)  # 30 days
    # How often each process looks for offers due a reminder or expiry. Every process does; each
    # timer still fires once (the offer is re-read under the casus's lock).
    timer_interval_seconds: float = Field(default=60.0, gt=0, le=3600)
    # A message the outbox dispatcher claimed is not claimed again this long: after a process
    # dies, what it had claimed goes out from another one this much later. Keep it well above
    # one send (a chat's spacing, the rate limit's wait and one try).
    outbox_lease_seconds: float = Field(default=60.0, ge=5, le=3600)
    # Telegram's broadcast limit is about 30 messages a second; a local Bot API server has none.
    telegram_max_rate: float = Field(default=30.0, gt=0, le=1000)
    # Updates handled at once (different chats). More is not faster: past a few, the HTTP client
    # spends more CPU per request than the waits it overlaps (bench/telegram_load.py).
    telegram_concurrency: int = Field(default=32, ge=1, le=256)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_case(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def load_schema(self) -> Schema:
        try:
            return load_schema(self.rules)
        except UnicodeDecodeError:
            raise SettingsError(
                f"{_PREFIX}RULES: {self.rules} is not a text file (a schema is UTF-8 YAML)."
            ) from None

    def token(self) -> str:
        """The bot token, checked; SettingsError says what is wrong without showing it."""
        if self.telegram_token is None or not self.telegram_token.get_secret_value():
            raise SettingsError(
                "REGIEBOT_TELEGRAM_TOKEN is not set: create a bot with @BotFather and set its "
                "token, or put it in the file regiebot_telegram_token in the secrets directory "
                f"({SECRETS_DIR} or {_PREFIX}SECRETS_DIR); regiebot chat needs none."
            )
        token = self.telegram_token.get_secret_value().strip()
        if not _TOKEN.match(token):
            raise SettingsError(
                "REGIEBOT_TELEGRAM_TOKEN is malformed: expected digits, a colon and the secret "
                "part, as @BotFather gives it."
            )
        return token

    def webhook_secret(self) -> str:
        """The secret Telegram sends with every webhook call; derived from the token, so every
        process behind one load balancer agrees on it without another setting."""
        return hashlib.sha256(b"regiebot-webhook:" + self.token().encode()).hexdigest()[:48]


def load_settings() -> Settings:
    """The settings from the environment, else from the secrets directory's files; SettingsError
    names each bad setting on one line."""
    try:
        # An init option of pydantic-settings, beside the fields that make up mypy's signature.
        return Settings(_secrets_dir=_secrets_dir())  # type: ignore[call-arg]
    except ValidationError as error:
        raise SettingsError("; ".join(_problem(e) for e in error.errors())) from None


def _secrets_dir() -> Path | None:
    named = os.environ.get(_PREFIX + "SECRETS_DIR")
    if not named:
        # Only where it exists: pydantic-settings warns about a missing one on every start.
        return SECRETS_DIR if SECRETS_DIR.is_dir() else None
    if not Path(named).is_dir():
        raise SettingsError(f"{_PREFIX}SECRETS_DIR={named!r} is not a directory.")
    return Path(named)


def _problem(error: Mapping[str, Any]) -> str:
    name = _PREFIX + "_".join(str(part) for part in error["loc"]).upper()
    value = error.get("input")
    shown = "" if "TOKEN" in name or not isinstance(value, str) else f"={value!r}"
    return f"{name}{shown} is not valid: {error['msg']}."
