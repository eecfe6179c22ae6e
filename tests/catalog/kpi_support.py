"""GraphQL documents and row counts shared by the KPI API tests."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from kra_api.db.session import Database
from tests.conftest import Gql

KPI_FIELDS = """id code name description unit direction subject formula
  components { name aggregation } minSample { component minimum }"""
CREATE = f"""
mutation($input: KpiCreateInput!) {{
  kpiCreate(input: $input) {{ kpi {{ {KPI_FIELDS} }} userErrors {{ code field message }} }}
}}"""
UPDATE = f"""
mutation($input: KpiUpdateInput!) {{
  kpiUpdate(input: $input) {{ kpi {{ {KPI_FIELDS} }} userErrors {{ code field message }} }}
}}"""
IMPORT = """
mutation($input: KpiCatalogImportInput!) {
  kpiCatalogImport(input: $input) { kpis { id code } userErrors { code field message } }
}"""
LIST = """query($first: Int, $after: String) { organization { kpis(first: $first, after: $after) {
  edges { cursor node { id code } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }"""
NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on Kpi {{ {KPI_FIELDS} }} }} }}"


def aht(**changes: Any) -> dict[str, Any]:
    """A valid kpiCreate input (average handle time with a min sample), with ``changes``."""
    data: dict[str, Any] = {
        "code": "AHT",
        "name": "Average handle time",
        "description": "Handle seconds per contact",
        "unit": "SECONDS",
        "direction": "LOWER_IS_BETTER",
        "components": [{"name": "handle_seconds"}, {"name": "handled", "aggregation": "SUM"}],
        "formula": "handle_seconds / handled",
        "minSample": {"component": "handled", "minimum": "20"},
    }
    data.update(changes)
    return data


async def create(gql: Gql, token: str, **changes: Any) -> dict[str, Any]:
    """Run kpiCreate with ``aht(**changes)``; return the payload."""
    payload: dict[str, Any] = (await gql.data(CREATE, {"input": aht(**changes)}, token))[
        "kpiCreate"
    ]
    return payload


async def count(database: Database, org_id: uuid.UUID, table: str) -> int:
    """Rows of ``table`` the tenant sees (row-level security scopes the count)."""
    assert table in {"kpi", "period", "audit_log"}
    async with database.session(org_id) as session:
        return int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def actions(database: Database, org_id: uuid.UUID) -> list[str]:
    """The audit log's actions, oldest first."""
    async with database.session(org_id) as session:
        rows = await session.execute(text("SELECT action FROM audit_log ORDER BY at, id"))
        return [r[0] for r in rows]
