"""The KRA migration gives every existing role its draft v1 and reverts cleanly."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from kra_api.db import migrate
from kra_api.db.admin import drop_database, ensure_database
from kra_api.db.urls import async_url
from tests.db.test_migrations import fetch, tables

KRA_TABLES = {"kra_set", "kra", "kra_item", "goal"}


@pytest.fixture
async def definitions_database(database_url: str) -> AsyncIterator[str]:
    """A new database migrated up to the revision before the KRA one."""
    name = f"kra_kras_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(database_url, name)
    try:
        await migrate.upgrade(url, "20261125_definitions")
        yield url
    finally:
        await drop_database(database_url, name)


async def test_existing_roles_get_draft_v1_and_downgrade_removes_the_tables(
    definitions_database: str,
) -> None:
    url = definitions_database
    org, agent, lead = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO organization (id, name, slug, timezone, revision_mode, "
                    "grace_days, bands, created_at) "
                    "VALUES (:org, 'Old', :slug, 'UTC', 'PRORATE', 3, '[]', now())"
                ),
                {"org": org, "slug": f"old-{org.hex[:8]}"},
            )
            for role_id, code in ((agent, "AGENT"), (lead, "TEAM_LEADER")):
                await conn.execute(
                    text(
                        "INSERT INTO role (organization_id, id, code, name, created_at) "
                        "VALUES (:org, :id, :code, :code, now())"
                    ),
                    {"org": org, "id": role_id, "code": code},
                )
    finally:
        await engine.dispose()
    await migrate.upgrade(url, "20261125_kras")
    drafts = await fetch(
        url,
        "SELECT organization_id, role_id, version, status, effective_from FROM kra_set "
        "ORDER BY role_id",
    )
    assert sorted(drafts) == sorted([(org, agent, 1, "DRAFT", None), (org, lead, 1, "DRAFT", None)])
    forced = await fetch(url, "SELECT relforcerowsecurity FROM pg_class WHERE relname = 'role'")
    assert forced == [True]  # lifted for the data migration only
    assert await tables(url) >= KRA_TABLES
    await migrate.downgrade(url, "20261125_definitions")
    assert not KRA_TABLES & await tables(url)
    assert await fetch(url, "SELECT count(*) FROM role") == [2]
