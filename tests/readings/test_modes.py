"""atomic / non-atomic / dryRun, and who may record readings."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Gql
from tests.readings.support import RECORD, count, counts, reading, record, setup, stored


async def test_non_atomic_writes_the_good_rows(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    token = await setup(gql, org)
    readings = [reading("E1"), reading("E2", kpiCode="NOPE"), reading("E2"), reading("X1")]
    payload = await record(gql, token, readings)
    assert counts(payload) == (2, 0, 0, 1, 1)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("UNKNOWN_KPI", ["input", "readings", "1", "kpiCode"])
    ]
    assert await count(database, org.id, "kpi_reading") == 2
    assert await count(database, org.id, "kpi_reading_quarantine") == 1


async def test_atomic_writes_all_or_nothing(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    token = await setup(gql, org)
    readings = [reading("E1"), reading("X1"), reading("E2", seconds="NaN")]
    payload = await record(gql, token, readings, atomic=True)
    assert counts(payload) == (0, 0, 0, 0, 1)
    assert payload["userErrors"][0]["field"] == [
        "input",
        "readings",
        "2",
        "components",
        "0",
        "value",
    ]
    assert await count(database, org.id, "kpi_reading") == 0
    assert await count(database, org.id, "kpi_reading_quarantine") == 0
    fixed = await record(gql, token, [*readings[:2], reading("E2")], atomic=True)
    assert counts(fixed) == (2, 0, 0, 1, 0)
    assert await count(database, org.id, "kpi_reading") == 2


async def test_dry_run_counts_and_writes_nothing(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    token = await setup(gql, org)
    readings = [reading("E1"), reading("E2"), reading("X1"), reading("E1", kpiCode="NOPE")]
    dry = await record(gql, token, readings, dryRun=True)
    assert counts(dry) == (2, 0, 0, 1, 1)
    assert len(dry["userErrors"]) == 1
    assert await count(database, org.id, "kpi_reading") == 0
    assert await count(database, org.id, "kpi_reading_quarantine") == 0
    await record(gql, token, readings[:3])
    before = await stored(database, org.id)
    audit = await count(database, org.id, "audit_log")
    changed = [reading("E1", seconds="1"), reading("E2", revision=1), reading("X1")]
    dry = await record(gql, token, changed, dryRun=True)
    assert counts(dry) == (0, 2, 0, 1, 0)  # a correction, a new revision, a quarantined one
    assert await stored(database, org.id) == before
    assert await count(database, org.id, "audit_log") == audit  # corrections not audited
    atomic_dry = await record(gql, token, readings, dryRun=True, atomic=True)
    assert counts(atomic_dry) == (0, 0, 0, 0, 1)


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [(["readings:write"], True), (["people:write", "scorecards:read"], False)],
)
async def test_api_key_needs_readings_write(
    gql: Gql, make_org: Any, database: Any, scopes: list[str], allowed: bool
) -> None:
    org = await make_org()
    await setup(gql, org)
    key = await org.api_key(scopes)
    body = await gql(RECORD, {"input": {"source": "wfm", "readings": [reading()]}}, key)
    if allowed:
        assert body["data"]["kpiReadingsRecord"]["inserted"] == 1
    else:
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert await count(database, org.id, "kpi_reading") == 0


@pytest.mark.parametrize(
    ("role", "allowed"), [("hr", True), ("manager", False), ("employee", False)]
)
async def test_users_need_admin_or_hr(gql: Gql, make_org: Any, role: str, allowed: bool) -> None:
    org = await make_org()
    await setup(gql, org)
    body = await gql(
        RECORD, {"input": {"source": "wfm", "readings": [reading()]}}, org.token(role, sub="E1")
    )
    assert ("errors" not in body) is allowed
    if not allowed:
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
