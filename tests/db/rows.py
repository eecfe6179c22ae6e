"""Row counts through a tenant session: how tests prove that nothing was written.

The counts run as ``kra_app`` with the organization set and no WHERE clause, so they rely on
row-level security (pinned by tests/security/test_tenant_isolation.py) to see one tenant only.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text

from kra_api.db.session import Database

# Every table carrying organization_id, read from the catalogue so that tables added by later
# migrations are covered by every "nothing was written" check without editing this list.
_TENANT_TABLES_SQL = text(
    """
    SELECT c.relname FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id'
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
      AND NOT c.relispartition AND c.relname <> 'tenant_lookup'
    ORDER BY c.relname
    """
)


async def tenant_tables(database: Database) -> list[str]:
    """Names of the tenant tables (partitioned parents, not their partitions)."""
    async with database.session(None) as session:
        return [r[0] for r in await session.execute(_TENANT_TABLES_SQL)]


async def count(database: Database, org_id: uuid.UUID | None, table: str) -> int:
    """Rows of ``table`` the tenant sees."""
    assert table in (*await tenant_tables(database), "organization")
    async with database.session(org_id) as session:
        return int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def counts(database: Database, org_id: uuid.UUID) -> dict[str, int]:
    """Rows of every tenant table the tenant sees."""
    tables = await tenant_tables(database)
    async with database.session(org_id) as session:
        return {
            table: int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
            for table in tables
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
