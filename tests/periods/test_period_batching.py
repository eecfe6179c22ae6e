"""Nested period fields batch through DataLoaders: statements do not grow with the list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from kra_api.db.session import Database
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
