"""Concurrent revisions of one goal line: one proposal wins, the others get VERSION_CONFLICT,
and the approved versions form one unbroken chain (no lost update, no gap, no overlap)."""

from __future__ import annotations

import asyncio
import datetime as dt
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.goals.revision_support import approve, history, revise, revision, team

ROUNDS = 3
CALLERS = 20


async def test_twenty_concurrent_revisions(gql: Gql, make_org: Any) -> None:
    t = await team(gql, make_org)
    hr, goal = t.token("hr", "H1"), t.goal["id"]
    tokens = [t.admin, t.token("manager", "M1"), t.token("hr", "H1"), t.org.token("admin")]
    for n in range(1, ROUNDS + 1):
        start = dt.date(2026, 1 + n, 1).isoformat()
        results = await asyncio.gather(
            *(
                revise(gql, tokens[i % len(tokens)], revision(goal, n, start, reason=f"r{i}"))
                for i in range(CALLERS)
            )
        )
        winners = [r["proposal"] for r in results if not r["userErrors"]]
        assert len(winners) == 1
        losers = [e["code"] for r in results for e in r["userErrors"]]
        assert losers == ["VERSION_CONFLICT"] * (CALLERS - 1)
        assert winners[0]["status"] == "PROPOSED"
        # Two approvers at once: one approves, the other finds it decided.
        decisions = await asyncio.gather(
            approve(gql, t.org.token("admin", sub="X1"), winners[0]["id"]),
            approve(gql, t.org.token("admin", sub="X2"), winners[0]["id"]),
        )
        assert sorted(str([e["code"] for e in d["userErrors"]]) for d in decisions) == [
            "['NOT_PROPOSED']",
            "[]",
        ]

    rows = await history(gql, hr, goal)
    assert [r["status"] for r in rows] == ["APPROVED"] * (ROUNDS + 1)
    chain = sorted(rows, key=lambda r: r["version"])
    assert [r["version"] for r in chain] == list(range(1, ROUNDS + 2))
    for older, newer in pairwise(chain):
        assert newer["supersedes"] == {"id": older["id"]}
        assert older["effectiveTo"] == newer["effectiveFrom"]
    assert chain[-1]["effectiveTo"] is None


async def test_the_database_holds_one_open_proposal_per_line(
    gql: Gql, make_org: Any, database: Database
) -> None:
    t = await team(gql, make_org)
    result = await revise(gql, t.admin, revision(t.goal["id"], 1, "2026-03-01"))
    assert result["userErrors"] == []
    copy = text(
        "INSERT INTO goal (organization_id, id, kpi_id, scope_kind, scope_id, employee_id, "
        "effective_from, mode, basis, threshold, target, status, created_at) "
        "SELECT organization_id, gen_random_uuid(), kpi_id, scope_kind, scope_id, employee_id, "
        "'2026-04-01', mode, basis, threshold, target, 'PROPOSED', now() "
        "FROM goal WHERE status = 'PROPOSED'"
    )
    with pytest.raises(IntegrityError, match="uq_goal_one_proposal"):
        async with database.session(t.org.id) as session, session.begin():
            await session.execute(copy)
