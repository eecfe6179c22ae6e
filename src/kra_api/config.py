"""Settings read from the environment (prefix ``KRA_``); they validate themselves."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "dev-only-insecure-secret-change-me"  # noqa: S105 - refused in production


class Environment(StrEnum):
    """Deployment mode: development opens introspection, the IDE and suggestions."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every knob of the service; see the configuration table in README.md."""

    model_config = SettingsConfigDict(env_prefix="KRA_", env_file=None, extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    database_url: str | None = Field(
        default=None,
        description="Owner URL (runs migrations). Unset: the CLI starts the embedded PostgreSQL.",
    )
    app_database_url: str | None = Field(
        default=None,
        description="URL that logs in as kra_app. Unset: the owner URL with SET ROLE kra_app.",
    )
    data_dir: Path = Path(".kra")
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_max_overflow: int = Field(default=10, ge=0, le=200)

    jwt_secret: str = PLACEHOLDER_SECRET
    jwt_algorithms: list[str] = ["HS256"]
    jwt_audience: str = "kra-api"
    jwt_issuer: str = "kra-api"
    jwt_jwks_url: str | None = None
    jwt_jwks_file: Path | None = None
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=600)
    dev_token_ttl_seconds: int = Field(default=8 * 3600, ge=60)

    max_query_depth: int = Field(default=12, ge=2)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=60_000, ge=100)
    max_top_level_mutations: int = Field(default=5, ge=1)
    max_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    # POST /v1/readings streams its body: the cap is on the wire size, far above /graphql's.
    max_ingest_bytes: int = Field(default=2 * 1024**3, ge=1024)
    ingest_batch_rows: int = Field(default=5000, ge=1, le=100_000)

    @property
    def is_production(self) -> bool:
        """True when running in production mode."""
        return self.env is Environment.PRODUCTION

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> Settings:
        if not self.is_production:
            return self
        uses_hmac = any(alg.startswith("HS") for alg in self.jwt_algorithms)
        if uses_hmac and (self.jwt_secret == PLACEHOLDER_SECRET or len(self.jwt_secret) < 32):
            raise ValueError(
                "KRA_JWT_SECRET must be set to a secret of at least 32 characters in production"
            )
        if not uses_hmac and not (self.jwt_jwks_url or self.jwt_jwks_file):
            raise ValueError("KRA_JWT_JWKS_URL or KRA_JWT_JWKS_FILE is required for RS256/ES256")
        if not self.database_url:
            raise ValueError("KRA_DATABASE_URL is required in production")
        return self


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
