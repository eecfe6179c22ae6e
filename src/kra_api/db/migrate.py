"""Run Alembic migrations from code (CLI, app start-up with --migrate, tests)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from kra_api.db.urls import async_url


def migrations_dir() -> Path:
    """The migrations folder: shipped inside the wheel, or the checkout's top-level one."""
    packaged = Path(__file__).resolve().parent.parent / "_migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and ``url``."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("path_separator", "os")
    config.attributes["url"] = url
    return config


def upgrade_sync(url: str, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (blocking)."""
    command.upgrade(alembic_config(url), revision)


def downgrade_sync(url: str, revision: str = "base") -> None:
    """Downgrade the database to ``revision`` (blocking)."""
    command.downgrade(alembic_config(url), revision)


async def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade without blocking the event loop (Alembic's env runs its own loop)."""
    await asyncio.to_thread(upgrade_sync, url, revision)


async def downgrade(url: str, revision: str = "base") -> None:
    """Downgrade without blocking the event loop."""
    await asyncio.to_thread(downgrade_sync, url, revision)


def head_revision() -> str | None:
    """The newest revision in the migrations folder."""
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


async def current_revision(url: str) -> str | None:
    """The revision the database is at (None when unmigrated)."""

    def _read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    engine = create_async_engine(async_url(url), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_read)
    finally:
        await engine.dispose()
