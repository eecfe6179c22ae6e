"""Periods under load: nested fields batch (statements do not grow with the list), and
concurrent writers cannot create overlapping periods or duplicate KPI codes."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event

from kra_api.db.session import Database
from tests.catalog.kpi_support import count
from tests.catalog.kpi_support import create as create_kpi
from tests.conftest import Gql
from tests.periods.test_period_api import create

QUERY = """{ organization {
  periods(first: 100) { edges { node { name state previous { name state previous { name } } } } }
  kpis(first: 100) { edges { node { code components { name } minSample { minimum } } } }
} }"""


async def statements_for(gql: Gql, database: Database, token: str) -> int:
    """How many SQL statements one run of QUERY sends."""
    seen: list[str] = []

    def spy(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", spy)
    try:
        await gql.data(QUERY, token=token)
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", spy)
    return len(seen)


async def months(gql: Gql, token: str, year: int, count: int) -> None:
    """Create ``count`` consecutive months of ``year`` from January."""
    for month in range(1, count + 1):
        end = f"{year + 1}-01-01" if month == 12 else f"{year}-{month + 1:02d}-01"
        payload = await create(gql, token, f"{year}-{month:02d}", f"{year}-{month:02d}-01", end)
        assert payload["userErrors"] == []


async def test_period_list_does_not_grow_with_its_length(
    gql: Gql, make_org: Any, database: Database
) -> None:
    small, large = await make_org(), await make_org()
    await months(gql, small.token("admin"), 2026, 2)
    await months(gql, large.token("admin"), 2025, 12)
    await months(gql, large.token("admin"), 2026, 12)
    few = await statements_for(gql, database, small.token("admin"))
    many = await statements_for(gql, database, large.token("admin"))
    assert many == few


async def test_concurrent_creates_never_overlap(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    token = org.token("admin")
    periods = await asyncio.gather(
        *(create(gql, token, f"March {i}", "2026-03-01", "2026-04-01") for i in range(6))
    )
    kpis = await asyncio.gather(*(create_kpi(gql, token) for _ in range(6)))
    for results, code in ((periods, "OVERLAP"), (kpis, "DUPLICATE")):
        assert sum(not r["userErrors"] for r in results) == 1
        assert all(e["code"] == code for r in results for e in r["userErrors"])
    assert await count(database, org.id, "period") == 1
    assert await count(database, org.id, "kpi") == 1
