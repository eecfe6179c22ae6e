"""goalRevise: proposals, VERSION_CONFLICT, BEFORE_CURRENT, PERIOD_FINAL, anchors, and the
overlap / backdating rules applied on approval (scoring.md §3, §9)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.goals.revision_support import (
    HIGHER,
    approve,
    codes,
    history,
    proposed,
    reject,
    revise,
    revision,
    team,
)
from tests.goals.support import GOALS, goal_input, set_goal
from tests.kras.support import actions, counts
from tests.periods.test_period_api import create as create_period


async def test_a_revision_is_a_proposal_until_approved(
    gql: Gql, make_org: Any, database: Database
) -> None:
    t = await team(gql, make_org)
    hr = t.token("hr", "H1")
    result = await revise(gql, hr, revision(t.goal["id"], 1, "2026-03-11"))
    assert result["userErrors"] == []
    proposal = result["proposal"]
    assert (proposal["status"], proposal["version"], proposal["decidedAt"]) == (
        "PROPOSED",
        None,
        None,
    )
    assert (proposal["effectiveFrom"], proposal["effectiveTo"]) == ("2026-03-11", None)
    assert (proposal["mode"], proposal["basis"], proposal["target"]) == ("LINEAR", "ABSOLUTE", "88")
    assert proposal["supersedes"] == {"id": t.goal["id"], "version": 1}
    assert proposal["author"]["label"] == "H1"
    assert proposal["approver"] is None
    # Not in force: v1 is untouched and still the only version active in March.
    active = await gql.data(GOALS, {"first": 10, "filter": {"activeOn": "2026-03-20"}}, hr)
    assert [e["node"]["id"] for e in active["organization"]["goals"]["edges"]] == [t.goal["id"]]
    assert (await history(gql, hr, t.goal["id"]))[1]["effectiveTo"] is None

    approved = await approve(gql, t.admin, proposal["id"], "agreed in review")
    assert approved["userErrors"] == [], approved
    goal = approved["goal"]
    assert (goal["status"], goal["version"], goal["decisionReason"]) == (
        "APPROVED",
        2,
        "agreed in review",
    )
    assert (goal["approver"]["label"], goal["reason"]) == ("ADMIN", "new contract")
    rows = await history(gql, hr, t.goal["id"])
    assert [(r["version"], r["status"], r["effectiveFrom"], r["effectiveTo"]) for r in rows] == [
        (2, "APPROVED", "2026-03-11", None),
        (1, "APPROVED", "2026-01-01", "2026-03-11"),
    ]
    assert rows[0]["supersedes"] == {"id": t.goal["id"]}
    for day, expected in (("2026-03-10", t.goal["id"]), ("2026-03-11", goal["id"])):
        active = await gql.data(GOALS, {"first": 10, "filter": {"activeOn": day}}, hr)
        assert [e["node"]["id"] for e in active["organization"]["goals"]["edges"]] == [expected]
    assert (await actions(database, t.org.id))[-3:] == ["goal.propose", "goal.end", "goal.approve"]
    # The audit log keeps each step with its author, approver, reason and dates.
    async with database.session(t.org.id) as session:
        rows = await session.execute(
            text(
                "SELECT action, actor_label, reason, after FROM audit_log "
                "WHERE entity_type = 'Goal' ORDER BY at, id"
            )
        )
        log = [(r[0], r[1], r[2], _view(r[3])) for r in rows]
    assert log == [
        ("goal.set", "ADMIN", None, ("APPROVED", 1, "2026-01-01", None, "ADMIN", "ADMIN")),
        ("goal.propose", "H1", "new contract", ("PROPOSED", None, "2026-03-11", None, "H1", None)),
        ("goal.end", "ADMIN", None, ("APPROVED", 1, "2026-01-01", "2026-03-11", "ADMIN", "ADMIN")),
        (
            "goal.approve",
            "ADMIN",
            "agreed in review",
            ("APPROVED", 2, "2026-03-11", None, "H1", "ADMIN"),
        ),
    ]


def _view(after: dict[str, Any]) -> tuple[Any, ...]:
    keys = ("status", "version", "effective_from", "effective_to")
    return (*(after[k] for k in keys), after["author_label"], after["approver_label"])


async def test_version_conflicts(gql: Gql, make_org: Any, database: Database) -> None:
    t = await team(gql, make_org)
    hr = t.token("hr", "H1")
    stale = await revise(gql, hr, revision(t.goal["id"], 0, "2026-03-01"))
    assert stale["userErrors"] == [
        {
            "code": "VERSION_CONFLICT",
            "field": ["input", "expectedVersion"],
            "message": "this goal is at version 1, not 0",
        }
    ]
    first = await proposed(gql, hr, revision(t.goal["id"], 1, "2026-03-01"))
    before = await counts(database, t.org.id)
    second = await revise(gql, t.admin, revision(t.goal["id"], 1, "2026-04-01"))
    assert second["userErrors"] == [
        {
            "code": "VERSION_CONFLICT",
            "field": ["input", "expectedVersion"],
            "message": "this goal already has an open proposal (from 2026-03-01); "
            "it must be approved or rejected first",
        }
    ]
    assert await counts(database, t.org.id) == before
    # Decided, the line takes proposals again; naming an older version of it is fine.
    assert (await reject(gql, t.admin, first, "not now"))["userErrors"] == []
    assert (
        await approve(
            gql, t.admin, await proposed(gql, hr, revision(t.goal["id"], 1, "2026-05-01"))
        )
    )["userErrors"] == []
    again = await revise(gql, hr, revision(t.goal["id"], 1, "2026-06-01"))
    assert codes(again) == ["VERSION_CONFLICT"]
    assert again["userErrors"][0]["message"] == "this goal is at version 2, not 1"
    assert (await revise(gql, hr, revision(t.goal["id"], 2, "2026-06-01")))["userErrors"] == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"effectiveFrom": "2025-12-31"}, [("BEFORE_CURRENT", "effectiveFrom")]),
        ({"reason": "  "}, [("REASON_REQUIRED", "reason")]),
        ({"anchors": {"threshold": "90", "target": "85"}}, [("INVALID_ANCHORS", "target")]),
        ({"anchors": {"target": "85"}}, [("MISSING_ANCHOR", "threshold")]),
        ({"anchors": {**HIGHER, "lowTarget": "1"}}, [("INVALID_ANCHORS", "lowTarget")]),
        (
            {"goalId": "R29hbDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDE="},
            [("NOT_FOUND", "goalId")],
        ),
        ({"goalId": "garbage"}, [("NOT_FOUND", "goalId")]),
        ({"effectiveFrom": "1800-01-01"}, [("INVALID", "effectiveFrom")]),
    ],
)
async def test_refusals_write_nothing(
    gql: Gql,
    make_org: Any,
    database: Database,
    changes: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    t = await team(gql, make_org)
    before = await counts(database, t.org.id)
    result = await revise(gql, t.admin, {**revision(t.goal["id"], 1, "2026-03-01"), **changes})
    assert [(e["code"], e["field"][-1]) for e in result["userErrors"]] == expected
    assert await counts(database, t.org.id) == before


async def test_period_final(gql: Gql, make_org: Any, database: Database) -> None:
    t = await team(gql, make_org, start="2019-06-01")
    created = await create_period(gql, t.admin, "Jan 2020", "2020-01-01", "2020-02-01")
    assert created["userErrors"] == []
    before = await counts(database, t.org.id)
    for start in ("2020-01-15", "2019-07-01"):  # into the FINAL month, or across it
        result = await revise(gql, t.admin, revision(t.goal["id"], 1, start))
        assert result["userErrors"] == [
            {
                "code": "PERIOD_FINAL",
                "field": ["input", "effectiveFrom"],
                "message": "reaches into MONTH period 'Jan 2020' (2020-01-01 to 2020-02-01), "
                "which is FINAL",
            }
        ]
    assert await counts(database, t.org.id) == before
    assert (await revise(gql, t.admin, revision(t.goal["id"], 1, "2020-02-01")))["userErrors"] == []


async def test_backdating_and_overlap_rules(gql: Gql, make_org: Any) -> None:
    """Inside the latest version it ends there; on its first day it is SUPERSEDED; after an
    ended version the revision starts a new open range (the gap stays without a goal)."""
    t = await team(gql, make_org)
    hr, goal = t.token("hr", "H1"), t.goal["id"]
    # v2 replaces v1 from its very first day: v1 never governed a day.
    assert (await approve(gql, hr, await proposed(gql, t.admin, revision(goal, 1, "2026-01-01"))))[
        "userErrors"
    ] == []
    # v3 inside v2, v2 ends; a backdated v4 before v3 is refused.
    assert (await approve(gql, hr, await proposed(gql, t.admin, revision(goal, 2, "2026-04-01"))))[
        "userErrors"
    ] == []
    early = await revise(gql, t.admin, revision(goal, 3, "2026-03-31"))
    assert early["userErrors"][0]["code"] == "BEFORE_CURRENT"
    assert early["userErrors"][0]["message"] == (
        "the current version 3 runs 2026-04-01 to open-ended; "
        "a revision must start inside or after it"
    )
    rows = await history(gql, hr, goal)
    assert [(r["version"], r["status"], r["effectiveFrom"], r["effectiveTo"]) for r in rows] == [
        (3, "APPROVED", "2026-04-01", None),
        (2, "APPROVED", "2026-01-01", "2026-04-01"),
        (1, "SUPERSEDED", "2026-01-01", None),
    ]
    # An ended line: a revision inside it keeps its end, one after it starts an open range.
    aht = {"threshold": "420", "target": "360"}
    data = goal_input(t.kpis["AHT"], t.people["E1"], aht, "EMPLOYEE", end="2026-03-01")
    ended = (await set_goal(gql, t.admin, data))["goal"]["id"]
    inside = revision(ended, 1, "2026-02-01", anchors={"threshold": "400", "target": "350"})
    assert (await approve(gql, hr, await proposed(gql, t.admin, inside)))["userErrors"] == []
    after = revision(ended, 2, "2026-05-01", anchors={"threshold": "390", "target": "340"})
    assert (await approve(gql, hr, await proposed(gql, t.admin, after)))["userErrors"] == []
    rows = await history(gql, hr, ended)
    assert [(r["version"], r["effectiveFrom"], r["effectiveTo"]) for r in rows] == [
        (3, "2026-05-01", None),  # March and April keep no goal of this line
        (2, "2026-02-01", "2026-03-01"),
        (1, "2026-01-01", "2026-02-01"),
    ]


AUDIT = """query($id: ID!) { auditLog(first: 10, filter: {entityId: $id}) { edges { node {
  action reason entityId after } } } }"""


async def test_the_audit_log_answers_a_version_history(gql: Gql, make_org: Any) -> None:
    t = await team(gql, make_org)
    proposal = await proposed(gql, t.token("hr", "H1"), revision(t.goal["id"], 1, "2026-03-11"))
    assert (await approve(gql, t.admin, proposal, "agreed"))["userErrors"] == []
    edges = (await gql.data(AUDIT, {"id": proposal}, t.admin))["auditLog"]["edges"]
    entries = sorted((e["node"] for e in edges), key=lambda n: n["action"])
    assert [(n["action"], n["reason"], n["entityId"]) for n in entries] == [
        ("goal.approve", "agreed", proposal),
        ("goal.propose", "new contract", proposal),
    ]
    approved = entries[0]["after"]
    assert (approved["version"], approved["author_label"], approved["approver_label"]) == (
        2,
        "H1",
        "ADMIN",
    )
    assert (approved["effective_from"], approved["decision_reason"]) == ("2026-03-11", "agreed")
