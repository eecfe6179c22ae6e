"""periodFinalize: NOT_ENDED before the period's end; after it, every evaluation is finalized
whatever its state (audited as forced), the missing ones are created and finalized, and the
period is FINAL (so goals can no longer reach into it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.evaluations.support import (
    EVALUATION,
    PERIOD_FINALIZE,
    bring_to,
    counts,
    cycle,
    ok,
    outbox,
    payload_of,
)
from tests.goals.support import goal_input, set_goal
from tests.scorecards.support import anchors, period

LIST = """query($p: ID!) { organization { evaluations(first: 20, filter: {periodId: $p}) {
  edges { node { employee { externalId } state forced revisionReason finalBand { level } } } }
} }"""


def _this_month() -> tuple[str, str]:
    today = dt.datetime.now(dt.UTC).date()
    start = today.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start.isoformat(), end.isoformat()


async def test_a_period_that_has_not_ended_is_refused(
    gql: Gql, make_org: Any, database: Database
) -> None:
    c = await cycle(gql, make_org)
    current = await period(gql, c.s.token, *_this_month(), name="This month")
    before = await counts(database, c.s.org.id)
    result = payload_of(await gql(PERIOD_FINALIZE, {"input": {"periodId": current}}, c.hr))
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        ("NOT_ENDED", ["input", "periodId"])
    ]
    assert await counts(database, c.s.org.id) == before
    unknown = payload_of(await gql(PERIOD_FINALIZE, {"input": {"periodId": c.people["A1"]}}, c.hr))
    assert [e["code"] for e in unknown["userErrors"]] == ["NOT_FOUND"]
    manager = await gql(PERIOD_FINALIZE, {"input": {"periodId": c.march}}, c.token("manager", "M1"))
    assert manager["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_past_period_is_finalized_whatever_the_states(
    gql: Gql, make_org: Any, database: Database
) -> None:
    c = await cycle(gql, make_org)
    await bring_to(c, gql, "A1", "SELF_REVIEW")
    a2 = await bring_to(c, gql, "A2", "MANAGER_REVIEW")
    await ok(
        gql, c.token("manager", "M1"), "MANAGER_REVIEW_SUBMIT", a2,
        overrideBandLevel=5, overrideReason="Mentored the new hires",
    )  # fmt: skip
    before = await counts(database, c.s.org.id)
    result = payload_of(await gql(PERIOD_FINALIZE, {"input": {"periodId": c.march}}, c.hr))
    assert result["userErrors"] == []
    # A1 and A2 existed; M1 (Team A) and S1 (Site) were assigned on March 31 without one.
    assert (result["finalized"], result["created"], result["period"]["state"]) == (4, 2, "FINAL")
    listed = await gql.data(LIST, {"p": c.march}, c.hr)
    nodes = {
        e["node"]["employee"]["externalId"]: e["node"]
        for e in listed["organization"]["evaluations"]["edges"]
    }
    assert set(nodes) == {"A1", "A2", "M1", "S1"}
    assert {(n["state"], n["forced"], n["revisionReason"]) for n in nodes.values()} == {
        ("FINALIZED", True, "forced by periodFinalize")
    }
    assert nodes["A2"]["finalBand"] == {"level": 5}
    assert nodes["A1"]["finalBand"] == {"level": 4}
    after = await counts(database, c.s.org.id)
    assert after["evaluation"] == before["evaluation"] + 2
    assert after["evaluation_revision"] == before["evaluation_revision"] + 4
    assert after["audit_log"] == before["audit_log"] + 2 + 4 + 1  # starts, finalizations, period
    events = (await outbox(database, c.s.org.id))[-6:]
    assert (
        sorted(e["type"] for e in events)
        == ["evaluation.finalized"] * 4 + ["evaluation.started"] * 2
    )
    assert all(e["forced"] for e in events)
    async with database.session(c.s.org.id) as session:
        rows = await session.execute(
            text(
                "SELECT action, reason, after->>'forced' FROM audit_log "
                "WHERE action IN ('evaluation.finalize', 'period.finalize') ORDER BY at, id"
            )
        )
        logged = [tuple(r) for r in rows]
    assert logged == [("evaluation.finalize", "forced by periodFinalize", "true")] * 4 + [
        ("period.finalize", None, None)
    ]

    # Finalizing again finds nothing left to do; the FINAL period refuses goals reaching in.
    again = payload_of(await gql(PERIOD_FINALIZE, {"input": {"periodId": c.march}}, c.hr))
    assert (again["finalized"], again["created"]) == (0, 0)
    refused = await set_goal(
        gql, c.s.token, goal_input(c.s.kpis["CSAT"], c.people["A1"], anchors("CSAT"), "EMPLOYEE",
                                   start="2026-03-15"),
    )  # fmt: skip
    assert [e["code"] for e in refused["userErrors"]] == ["PERIOD_FINAL"]
    seen = await gql.data(EVALUATION, {"e": c.people["A1"], "p": c.march}, c.hr)
    assert seen["evaluation"]["allowedActions"] == ["ADJUST"]
