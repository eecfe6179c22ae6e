"""No N+1: nested fields batch through DataLoaders, so statements do not grow with list length."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from kra_api.db.session import Database
from tests import helpers
from tests.conftest import Gql

NESTED = """{ organization { employees(first: 50) { edges { node {
  name orgUnit { name } manager { name } role { name }
} } } } }"""
WIDER = """{ organization {
  employees(first: 50) { edges { node {
    name orgUnit { name parent { name } leader { name } } manager { name manager { name } }
    role { name } reviewer { name } feb: reviewer(at: "2025-02-01") { name }
    assignments { effectiveFrom role { code } orgUnit { name } }
    identities { source externalId }
  } } }
  orgUnits(first: 50) { edges { node { name parent { name } children { name } leader { name } } } }
} }"""


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """Collect every SQL statement sent on the shared engine inside the block."""
    seen: list[str] = []

    def spy(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", spy)
    try:
        yield seen
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", spy)


async def staff(gql: Gql, make_org: Any, size: int) -> str:
    """An organization of ``size`` employees spread over units, roles and managers, with
    past and present assignments and leaders; returns an admin token."""
    org = await make_org()
    token = org.token("admin")
    site = await helpers.unit(gql, token, "Site", "SITE")
    units = [await helpers.unit(gql, token, f"Team {i}", "TEAM", site) for i in range(3)]
    roles = [await helpers.role(gql, token, code, code.title()) for code in ("AGENT", "LEAD")]
    rows = [
        {
            "externalId": f"E{i:03d}",
            "name": f"Person {i:03d}",
            "managerExternalId": "E000" if i else None,
            "identities": [{"source": "wfm", "externalId": f"w{i}"}],
        }
        for i in range(size)
    ]
    ids = await helpers.employees(gql, token, rows)
    for i, (_, emp) in enumerate(sorted(ids.items())):
        first = await helpers.assign(gql, token, emp, roles[0], units[i % 3], "2025-01-01")
        later = await helpers.assign(
            gql, token, emp, roles[i % 2], units[(i + 1) % 3], "2025-06-01"
        )
        assert first["userErrors"] == later["userErrors"] == []
    for i, unit_id in enumerate(units):
        # Leaders are not managers: the employee loader then runs in the same waves whatever
        # the size (a manager already loaded would make a leader's load a cache hit).
        assert (await helpers.lead(gql, token, unit_id, ids[f"E{i + 1:03d}"], "2025-01-01"))[
            "userErrors"
        ] == []
    return token


async def measure(gql: Gql, database: Database, query: str, token: str) -> tuple[int, Any]:
    with statements(database) as seen:
        data = await gql.data(query, token=token)
    return len(seen), data


@pytest.mark.parametrize("query", [NESTED, WIDER], ids=["nested", "wider"])
async def test_statement_count_does_not_grow_with_employees(
    query: str, gql: Gql, make_org: Any, database: Database
) -> None:
    small, large = await staff(gql, make_org, 5), await staff(gql, make_org, 50)
    small_count, small_data = await measure(gql, database, query, small)
    large_count, large_data = await measure(gql, database, query, large)
    assert len(small_data["organization"]["employees"]["edges"]) == 5
    edges = large_data["organization"]["employees"]["edges"]
    assert len(edges) == 50
    assert all(e["node"]["orgUnit"] and e["node"]["role"] for e in edges)
    assert sum(1 for e in edges if e["node"]["manager"]) == 49
    assert small_count == large_count, (small_count, large_count)
    print(f"statements for 5 vs 50 employees: {small_count} vs {large_count}")
