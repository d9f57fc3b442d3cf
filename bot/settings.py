"""Settings from the environment (REGIEBOT_*), through pydantic-settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from rules import DEFAULT_SCHEMA_PATH, Schema, load_schema
from storage import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REGIEBOT_", extra="ignore")

    rules: Path = DEFAULT_SCHEMA_PATH
    database_url: str = DEFAULT_DATABASE_URL
    retention_days: int = Field(default=365, ge=1)

    def load_schema(self) -> Schema:
        return load_schema(self.rules)
