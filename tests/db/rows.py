"""Row counts through a tenant session: how tests prove that nothing was written.

The counts run as ``kra_app`` with the organization set and no WHERE clause, so they rely on
row-level security (pinned by tests/security/test_tenant_isolation.py) to see one tenant only.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text

from kra_api.db.session import Database

TENANT_TABLES = (
    "org_unit",
    "employee",
    "employee_identity",
    "role",
    "org_unit_leadership",
    "assignment",
    "api_key",
    "audit_log",
)


async def count(database: Database, org_id: uuid.UUID | None, table: str) -> int:
    """Rows of ``table`` the tenant sees."""
    assert table in (*TENANT_TABLES, "organization")
    async with database.session(org_id) as session:
        return int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def counts(database: Database, org_id: uuid.UUID) -> dict[str, int]:
    """Rows of every tenant table the tenant sees."""
    async with database.session(org_id) as session:
        return {
            table: int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
            for table in TENANT_TABLES
        }


async def audit_rows(database: Database, org_id: uuid.UUID) -> list[dict[str, object]]:
    """The tenant's audit log, oldest first."""
    async with database.session(org_id) as session:
        result = await session.execute(
            text(
                "SELECT actor_kind, actor_label, action, entity_type, entity_id, before, after, "
                "request_id FROM audit_log ORDER BY at, id"
            )
        )
        return [dict(row._mapping) for row in result]
