"""Settings validate themselves: placeholder secrets never reach production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kra_api.config import PLACEHOLDER_SECRET, Settings

DB = "postgresql://u@db/kra"


def test_development_accepts_the_placeholder_secret() -> None:
    assert Settings(env="development").jwt_secret == PLACEHOLDER_SECRET


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="KRA_JWT_SECRET"):
        Settings(env="production", database_url=DB)


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(env="production", database_url=DB, jwt_secret="short")


def test_production_requires_a_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KRA_DATABASE_URL", raising=False)
    with pytest.raises(ValidationError, match="KRA_DATABASE_URL"):
        Settings(env="production", jwt_secret="s" * 40)


def test_production_with_rs256_needs_keys() -> None:
    with pytest.raises(ValidationError, match="JWKS"):
        Settings(env="production", database_url=DB, jwt_algorithms=["RS256"])


def test_settings_read_the_kra_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KRA_MAX_ALIASES", "7")
    monkeypatch.setenv("KRA_ENV", "production")
    monkeypatch.setenv("KRA_JWT_SECRET", "x" * 40)
    monkeypatch.setenv("KRA_DATABASE_URL", DB)
    settings = Settings()
    assert settings.max_aliases == 7
    assert settings.is_production
