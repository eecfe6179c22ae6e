"""Data migrations under test: a new database stopped at an earlier revision, with rows written
the way that revision's code wrote them (as the owner)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from kra_api.db import migrate
from kra_api.db.admin import drop_database, ensure_database
from kra_api.db.urls import async_url

ORGANIZATION = """INSERT INTO organization (id, name, slug, timezone, revision_mode, grace_days,
  bands, created_at) VALUES (:org, 'Old', :slug, 'UTC', 'PRORATE', 3, '[]', now())"""


@asynccontextmanager
async def database_at(server_url: str, revision: str) -> AsyncIterator[str]:
    """A brand-new database migrated up to ``revision``; its URL; dropped afterwards."""
    name = f"kra_at_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server_url, name)
    try:
        await migrate.upgrade(url, revision)
        yield url
    finally:
        await drop_database(server_url, name)


@asynccontextmanager
async def owner(url: str) -> AsyncIterator[AsyncConnection]:
    """A transaction as the database owner (no tenant), committed at the end."""
    engine: AsyncEngine = create_async_engine(async_url(url), poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            yield connection
    finally:
        await engine.dispose()


async def add_organization(connection: AsyncConnection, org_id: uuid.UUID) -> None:
    """An organization row with the columns every revision has had."""
    await connection.execute(text(ORGANIZATION), {"org": org_id, "slug": f"old-{org_id.hex[:8]}"})
