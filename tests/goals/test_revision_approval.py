"""Who approves and rejects (architecture.md "Auth model"), managers' goalSet proposals, and
what an approval checks again: the version (overtaken) and PERIOD_FINAL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kra_api.db.session import Database
from tests import helpers
from tests.conftest import Gql
from tests.goals.revision_support import (
    APPROVE,
    REJECT,
    approve,
    codes,
    history,
    proposed,
    reject,
    revise,
    revision,
    team,
)
from tests.goals.support import GOAL_SET, goal_input, set_goal
from tests.kras.support import counts, payload
from tests.periods.test_period_api import create as create_period

AHT = {"threshold": "420", "target": "360"}

# (approver, expected): "ok", a userError code, or a top-level error code. Proposals by M1.
MATRIX = [
    (("manager", "M1"), "OWN_PROPOSAL"),  # the author, also manager of the scope
    (("manager", "M2"), "FORBIDDEN"),  # another team's manager
    (("employee", "E1"), "FORBIDDEN"),
    (("manager", None), "FORBIDDEN"),  # a manager token for nobody leads nothing
    (("hr", "H1"), "ok"),
    (("admin", None), "ok"),
]


async def _top_code(gql: Gql, token: str, document: str, proposal: str) -> str | None:
    body = await gql(document, {"input": {"proposalId": proposal, "reason": "r"}}, token)
    return body["errors"][0]["extensions"]["code"] if body.get("errors") else None


@pytest.mark.parametrize(("caller", "expected"), MATRIX)
async def test_approval_matrix(
    gql: Gql, make_org: Any, database: Database, caller: tuple[str, str | None], expected: str
) -> None:
    t = await team(gql, make_org)
    proposal = await proposed(
        gql, t.token("manager", "M1"), revision(t.goal["id"], 1, "2026-03-01")
    )
    before = await counts(database, t.org.id)
    token = t.token(*caller)
    if expected == "FORBIDDEN":
        assert await _top_code(gql, token, APPROVE, proposal) == "FORBIDDEN"
        assert await _top_code(gql, token, REJECT, proposal) == "FORBIDDEN"
        assert await counts(database, t.org.id) == before
        return
    result = await approve(gql, token, proposal, "fine")
    if expected == "ok":
        assert result["userErrors"] == []
        assert (result["goal"]["version"], result["goal"]["author"]["label"]) == (2, "M1")
        return
    assert result["userErrors"] == [
        {
            "code": "OWN_PROPOSAL",
            "field": ["input", "proposalId"],
            "message": "nobody approves their own proposal: another approver must decide it",
        }
    ]
    assert await counts(database, t.org.id) == before


async def test_the_manager_of_the_scope_approves_others_and_nobody_their_own(
    gql: Gql, make_org: Any, database: Database
) -> None:
    t = await team(gql, make_org)
    m1, hr = t.token("manager", "M1"), t.token("hr", "H1")
    by_hr = await proposed(gql, hr, revision(t.goal["id"], 1, "2026-03-01"))
    assert (await approve(gql, m1, by_hr))["userErrors"] == []
    # Admins included: compared by employee, or by label for tokens without one.
    by_admin = await proposed(gql, t.admin, revision(t.goal["id"], 2, "2026-04-01"))
    assert codes(await approve(gql, t.org.token("admin", sub="ADMIN"), by_admin)) == [
        "OWN_PROPOSAL"
    ]
    assert (await reject(gql, t.admin, by_admin, "withdrawn"))["userErrors"] == []
    by_label = await proposed(gql, t.org.token("hr"), revision(t.goal["id"], 2, "2026-04-01"))
    assert codes(await approve(gql, t.org.token("hr"), by_label)) == ["OWN_PROPOSAL"]
    assert (await approve(gql, t.org.token("admin"), by_label))["userErrors"] == []
    # Another tenant's hr sees an unknown id; an integration never decides.
    other = await make_org()
    assert codes(await approve(gql, other.token("hr"), by_label)) == ["NOT_FOUND"]
    assert codes(await reject(gql, other.token("hr"), by_label, "no")) == ["NOT_FOUND"]
    foreign = await revise(gql, other.token("hr"), revision(t.goal["id"], 3, "2026-06-01"))
    assert [(e["code"], e["field"]) for e in foreign["userErrors"]] == [
        ("NOT_FOUND", ["input", "goalId"])
    ]
    key = await t.org.api_key(["definitions:write"])
    assert await _top_code(gql, key, APPROVE, by_label) == "FORBIDDEN"
    # A manager's own EMPLOYEE goal, and ROLE goals, are not theirs to propose or decide.
    own = goal_input(t.kpis["AHT"], t.people["M1"], AHT, "EMPLOYEE")
    body = await gql(GOAL_SET, {"input": own}, m1)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    role_goal = await set_goal(gql, t.admin, goal_input(t.kpis["AHT"], t.role, AHT))
    role_proposal = await proposed(
        gql, hr, revision(role_goal["goal"]["id"], 1, "2026-05-01", anchors=AHT)
    )
    assert await _top_code(gql, m1, APPROVE, role_proposal) == "FORBIDDEN"


async def test_reject_needs_a_reason_and_decides_once(
    gql: Gql, make_org: Any, database: Database
) -> None:
    t = await team(gql, make_org)
    m1, hr = t.token("manager", "M1"), t.token("hr", "H1")
    proposal = await proposed(gql, m1, revision(t.goal["id"], 1, "2026-03-01"))
    before = await counts(database, t.org.id)
    for reason in (None, " "):
        assert (await reject(gql, hr, proposal, reason))["userErrors"] == [
            {
                "code": "REASON_REQUIRED",
                "field": ["input", "reason"],
                "message": "a reason is required",
            }
        ]
    assert await counts(database, t.org.id) == before
    rejected = await reject(gql, hr, proposal, " targets too high ")
    assert rejected["userErrors"] == []
    assert (rejected["proposal"]["status"], rejected["proposal"]["decisionReason"]) == (
        "REJECTED",
        "targets too high",
    )
    assert rejected["proposal"]["approver"]["label"] == "H1"
    for document in (approve, reject):
        again = await document(gql, t.admin, proposal, "again")
        assert again["userErrors"][0]["code"] == "NOT_PROPOSED"
        assert again["userErrors"][0]["message"] == (
            "this goal is REJECTED, not PROPOSED: it was decided already"
        )
    rows = await history(gql, hr, t.goal["id"])
    assert [(r["status"], r["version"]) for r in rows] == [("REJECTED", None), ("APPROVED", 1)]


async def test_managers_propose_with_goal_set_inside_their_subtree(gql: Gql, make_org: Any) -> None:
    t = await team(gql, make_org)
    m1, m2 = t.token("manager", "M1"), t.token("manager", "M2")
    for token, kind, scope in (
        (m1, "ORG_UNIT", t.units["Site"]),
        (m2, "EMPLOYEE", t.people["E1"]),
        (m1, "ROLE", t.role),
    ):
        body = await gql(GOAL_SET, {"input": goal_input(t.kpis["AHT"], scope, AHT, kind)}, token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", (kind, body)
    team_goal = await set_goal(
        gql, m1, goal_input(t.kpis["AHT"], t.units["Team A"], AHT, "ORG_UNIT")
    )
    assert team_goal["userErrors"] == []
    goal = team_goal["goal"]
    assert (goal["status"], goal["version"], goal["author"]["label"]) == ("PROPOSED", None, "M1")
    assert goal["approver"] is None
    pending = await set_goal(
        gql, m1, goal_input(t.kpis["AHT"], t.units["Team A"], AHT, "ORG_UNIT", start="2027-01-01")
    )
    assert codes(pending) == ["PROPOSAL_PENDING"]
    assert codes(await approve(gql, m1, goal["id"])) == ["OWN_PROPOSAL"]
    approved = await approve(gql, t.token("hr", "H1"), goal["id"])
    assert approved["userErrors"] == []
    assert (approved["goal"]["status"], approved["goal"]["version"]) == ("APPROVED", 1)
    employee_goal = await set_goal(
        gql, m1, goal_input(t.kpis["AHT"], t.people["E1"], AHT, "EMPLOYEE")
    )
    assert employee_goal["goal"]["status"] == "PROPOSED"


async def test_an_overtaken_proposal_is_a_version_conflict(
    gql: Gql, make_org: Any, database: Database
) -> None:
    t = await team(gql, make_org)
    proposal = await proposed(
        gql, t.token("manager", "M1"), revision(t.goal["id"], 1, "2026-03-01")
    )
    earlier = goal_input(
        t.kpis["CSAT"],
        t.people["E1"],
        AHT | {"threshold": "70", "target": "80"},
        "EMPLOYEE",
        start="2025-01-01",
        end="2026-01-01",
    )
    assert (await set_goal(gql, t.admin, earlier))["goal"]["version"] == 2
    before = await counts(database, t.org.id)
    result = await approve(gql, t.token("hr", "H1"), proposal)
    assert result["userErrors"] == [
        {
            "code": "VERSION_CONFLICT",
            "field": ["input", "proposalId"],
            "message": "this proposal was made against version 1; the goal is at version 2 "
            "now: reject it and propose again",
        }
    ]
    assert await counts(database, t.org.id) == before


async def test_approval_checks_period_final_again(
    gql: Gql, make_org: Any, database: Database
) -> None:
    t = await team(gql, make_org, start="2025-01-01")
    # A month that ended a few weeks ago: PROVISIONAL with long grace days, FINAL without.
    this_month = dt.datetime.now(dt.UTC).date().replace(day=1)
    end = (this_month - dt.timedelta(days=1)).replace(day=1)
    start = (end - dt.timedelta(days=1)).replace(day=1)
    created = await create_period(gql, t.admin, "Closed", start.isoformat(), end.isoformat())
    assert created["userErrors"] == []
    await helpers.settings(gql, t.admin, graceDays=366)
    proposal = await proposed(gql, t.admin, revision(t.goal["id"], 1, start.isoformat()))
    await gql.data(helpers.SETTINGS, {"input": {"graceDays": 0}}, t.admin)
    before = await counts(database, t.org.id)
    result = await approve(gql, t.token("hr", "H1"), proposal)
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        ("PERIOD_FINAL", ["input", "proposalId"])
    ]
    assert await counts(database, t.org.id) == before
    assert (await payload(gql, t.admin, REJECT, {"proposalId": proposal, "reason": "late"}))[
        "userErrors"
    ] == []
