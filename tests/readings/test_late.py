"""A reading for a FINAL period is stored and flagged late; periods are dated in the
organization's time zone (scoring.md §1, §9)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Gql
from tests.readings.support import reading, record, setup, stored

PERIOD = """
mutation($input: PeriodCreateInput!) {
  periodCreate(input: $input) { period { state } userErrors { code field message } }
}"""


async def test_final_period_readings_are_stored_and_flagged(
    gql: Gql, make_org: Any, database: Any
) -> None:
    org = await make_org(timezone="Asia/Manila")  # UTC+8
    token = await setup(gql, org)
    january = {
        "name": "January 2026",
        "kind": "MONTH",
        "startDate": "2026-01-01",
        "endDate": "2026-02-01",
    }
    payload = (await gql.data(PERIOD, {"input": january}, token))["periodCreate"]
    assert payload["period"]["state"] == "FINAL"  # ended long ago, grace (3 days) passed
    readings = [
        # 2026-01-01 01:00 in Manila: January, which is FINAL
        reading("E1", start="2025-12-31T17:00:00Z", end="2026-01-01T17:00:00Z", seconds="1"),
        # 2026-02-01 04:00 in Manila: February has no final period
        reading("E1", start="2026-01-31T20:00:00Z", end="2026-02-01T20:00:00Z", seconds="2"),
        # 2025-12-31 23:00 in Manila: before January
        reading(
            "E1", start="2025-12-31T23:00:00+08:00", end="2026-01-01T23:00:00+08:00", seconds="3"
        ),
    ]
    assert (await record(gql, token, readings))["inserted"] == 3
    late = {
        str(r["components"]["handle_seconds"]): r["late"] for r in await stored(database, org.id)
    }
    assert late == {"1": True, "2": False, "3": False}
    # A later revision of a late reading is late too.
    revised = {**readings[0], "sourceRevision": 1}
    revised["components"] = [
        {"name": "handle_seconds", "value": "4"},
        {"name": "handled", "value": "1"},
    ]
    assert (await record(gql, token, [revised]))["updated"] == 1
    late = {
        str(r["components"]["handle_seconds"]): r["late"] for r in await stored(database, org.id)
    }
    assert late == {"4": True, "2": False, "3": False}
