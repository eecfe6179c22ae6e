"""The KRA migration gives every existing role its draft v1 and reverts cleanly."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from kra_api.db import migrate
from tests.db.migrated import add_organization, database_at, owner
from tests.db.test_migrations import fetch, tables

KRA_TABLES = {"kra_set", "kra", "kra_item", "goal"}


@pytest.fixture
async def definitions_database(database_url: str) -> AsyncIterator[str]:
    """A new database migrated up to the revision before the KRA one."""
    async with database_at(database_url, "20261125_definitions") as url:
        yield url


async def test_existing_roles_get_draft_v1_and_downgrade_removes_the_tables(
    definitions_database: str,
) -> None:
    url = definitions_database
    org, agent, lead = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with owner(url) as conn:
        await add_organization(conn, org)
        for role_id, code in ((agent, "AGENT"), (lead, "TEAM_LEADER")):
            await conn.execute(
                text(
                    "INSERT INTO role (organization_id, id, code, name, created_at) "
                    "VALUES (:org, :id, :code, :code, now())"
                ),
                {"org": org, "id": role_id, "code": code},
            )
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
