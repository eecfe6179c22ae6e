"""Shared set-up of the readings tests: KPIs, employees, the mutation and table reads."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from kra_api.db.session import Database
from tests.catalog.kpi_support import create
from tests.conftest import Gql, Org
from tests.helpers import employees

RECORD = """
mutation($input: KpiReadingsRecordInput!) {
  kpiReadingsRecord(input: $input) {
    inserted updated unchanged quarantined rejected userErrors { code field message }
  }
}"""
LINK = """
mutation($input: EmployeeIdentityLinkInput!) {
  employeeIdentityLink(input: $input) {
    employee { externalId } applied userErrors { code field message }
  }
}"""
QUARANTINE = """
query($source: String!, $first: Int, $after: String) {
  quarantinedReadings(source: $source, first: $first, after: $after) {
    edges { cursor node { source employeeExternalId orgUnitExternalId kpi { code }
      intervalStart intervalEnd components { name value } sourceRevision reason } }
    pageInfo { hasNextPage endCursor }
  }
}"""
DAY = "2026-03-02T00:00:00+00:00"
NEXT_DAY = "2026-03-03T00:00:00+00:00"


def reading(
    employee: str | None = "E1",
    *,
    kpi: str = "AHT",
    start: str = DAY,
    end: str = NEXT_DAY,
    seconds: str = "3000",
    handled: str = "10",
    revision: int | str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A KpiReadingInput for the AHT KPI (components handle_seconds, handled)."""
    data: dict[str, Any] = {
        "employeeExternalId": employee,
        "kpiCode": kpi,
        "intervalStart": start,
        "intervalEnd": end,
        "components": [
            {"name": "handle_seconds", "value": seconds},
            {"name": "handled", "value": handled},
        ],
    }
    if revision is not None:
        data["sourceRevision"] = revision
    data.update(extra)
    return data


async def setup(gql: Gql, org: Org, *external_ids: str) -> str:
    """The AHT KPI and employees ``external_ids`` (default E1, E2); returns an admin token."""
    token = org.token("admin")
    assert (await create(gql, token, minSample=None))["userErrors"] == []
    ids = external_ids or ("E1", "E2")
    await employees(gql, token, [{"externalId": e, "name": f"Agent {e}"} for e in ids])
    return token


async def record(
    gql: Gql, token: str, readings: list[dict[str, Any]], source: str = "wfm", **flags: Any
) -> dict[str, Any]:
    """Run kpiReadingsRecord; return the payload."""
    variables = {"input": {"source": source, "readings": readings, **flags}}
    payload: dict[str, Any] = (await gql.data(RECORD, variables, token))["kpiReadingsRecord"]
    return payload


def counts(payload: dict[str, Any]) -> tuple[int, int, int, int, int]:
    """(inserted, updated, unchanged, quarantined, rejected)."""
    keys = ("inserted", "updated", "unchanged", "quarantined", "rejected")
    return tuple(payload[k] for k in keys)  # type: ignore[return-value]


async def stored(database: Database, org_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every reading the tenant sees, with exact components, in key order.

    Checks on the way that each reading's ``component_values`` are its components' values in
    its KPI's component order (what the scoring aggregates sum), whatever the path it came by.
    """
    async with database.session(org_id) as session:
        # Row-level security scopes these reads: make sure it applies (never a superuser).
        assert (await session.execute(text("SELECT current_user"))).scalar_one() == "kra_app"
        rows = await session.execute(
            text(
                "SELECT r.source, r.subject_kind, r.subject_id, r.kpi_id, r.interval_start, "
                "r.interval_end, r.components::text AS components, r.source_revision, "
                "r.received_at, r.late, r.component_values, k.components AS kpi_components "
                "FROM kpi_reading r JOIN kpi k ON k.id = r.kpi_id "
                "ORDER BY r.source, r.subject_id, r.kpi_id, r.interval_start"
            )
        )
        result = []
        for row in rows:
            data = dict(row._mapping)
            data["components"] = json.loads(
                data["components"], parse_float=Decimal, parse_int=Decimal
            )
            order = [c["name"] for c in data.pop("kpi_components")]
            values = data.pop("component_values")
            assert values == [data["components"][name] for name in order], data
            result.append(data)
        return result


async def quarantined(database: Database, org_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every quarantined reading the tenant sees."""
    async with database.session(org_id) as session:
        rows = await session.execute(
            text(
                "SELECT source, subject_kind, external_id, reason, source_revision, "
                "components::text AS components FROM kpi_reading_quarantine "
                "ORDER BY received_at, id"
            )
        )
        return [dict(r._mapping) for r in rows]


async def count(database: Database, org_id: uuid.UUID, table: str) -> int:
    """Rows of ``table`` the tenant sees (row-level security scopes the count)."""
    assert table in {"kpi_reading", "kpi_reading_quarantine", "audit_log"}
    async with database.session(org_id) as session:
        return int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
