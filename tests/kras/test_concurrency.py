"""Concurrent writers: locks and constraints keep one draft per role, one KPI placement, and
goal versions that never overlap and are numbered without gaps or clashes."""

from __future__ import annotations

import asyncio
from typing import Any

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.goals.support import goal_input, set_goal
from tests.kras.support import (
    AGENT_KPIS,
    counts,
    draft,
    import_kpis,
    item,
    kra,
    publish,
    role_with_draft,
)

ANCHORS = {"threshold": "75", "target": "85"}


async def test_concurrent_drafts_items_and_publishes(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    token = org.token("admin")
    await import_kpis(gql, token, AGENT_KPIS)
    role_id, v1 = await role_with_draft(gql, token)
    kra_id = await kra(gql, token, v1, "Quality", "100")
    items = await asyncio.gather(*(item(gql, token, kra_id, "QA", weight="100") for _ in range(6)))
    assert sum(not r["userErrors"] for r in items) == 1
    assert {e["code"] for r in items for e in r["userErrors"]} == {"DUPLICATE_KPI"}
    publishes = await asyncio.gather(*(publish(gql, token, v1, "2026-01-01") for _ in range(4)))
    assert sum(not r["userErrors"] for r in publishes) == 1
    assert {e["code"] for r in publishes for e in r["userErrors"]} == {"NOT_DRAFT"}
    drafts = await asyncio.gather(*(draft(gql, token, role_id) for _ in range(6)))
    assert sum(not r["userErrors"] for r in drafts) == 1
    assert {e["code"] for r in drafts for e in r["userErrors"]} == {"DRAFT_EXISTS"}
    rows = await counts(database, org.id)
    assert (rows["kra_set"], rows["kra_item"]) == (2, 2)


async def test_concurrent_goal_versions(gql: Gql, make_org: Any, database: Database) -> None:
    org = await make_org()
    token = org.token("admin")
    kpis = await import_kpis(gql, token, ["CSAT"])
    role_id, _ = await role_with_draft(gql, token)
    same = goal_input(kpis["CSAT"], role_id, ANCHORS)
    clashing = await asyncio.gather(*(set_goal(gql, token, same) for _ in range(5)))
    assert sum(not r["userErrors"] for r in clashing) == 1
    assert {e["code"] for r in clashing for e in r["userErrors"]} == {"OVERLAP"}
    years = [f"{year}-01-01" for year in range(2020, 2025)]
    separate = await asyncio.gather(
        *(
            set_goal(gql, token, goal_input(kpis["CSAT"], role_id, ANCHORS, start=y, end=end))
            for y, end in zip(years, [*years[1:], "2026-01-01"], strict=True)
        )
    )
    assert all(r["userErrors"] == [] for r in separate)
    assert sorted(r["goal"]["version"] for r in separate) == [2, 3, 4, 5, 6]
    assert (await counts(database, org.id))["goal"] == 6
