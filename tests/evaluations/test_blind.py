"""Blind reviews: others see the self comment only once it is submitted; the employee sees the
manager comment, the override (final band) and its reason only once the evaluation is
FINALIZED. hr and the reviewer see everything; integrations never see comments or reasons."""

from __future__ import annotations

from typing import Any

from tests.conftest import Gql
from tests.evaluations.support import EVALUATION, bring_to, cycle, ok

LIST = """query($p: ID!) { organization { evaluations(first: 10, filter: {periodId: $p}) {
  edges { node { employee { externalId } managerComment overrideReason finalBand { level }
    revisions { managerComment finalBand { level } } } } } } }"""
REVIEWED = {"managerComment", "overrideReason", "finalBand"}


async def test_the_manager_sees_the_self_comment_once_submitted(gql: Gql, make_org: Any) -> None:
    c = await cycle(gql, make_org)
    evaluation_id = await bring_to(c, gql, "A1", "SELF_REVIEW")
    manager, employee = c.token("manager", "M1"), c.token("employee", "A1")
    variables = {"e": c.people["A1"], "p": c.march}
    assert (await gql.data(EVALUATION, variables, manager))["evaluation"]["selfComment"] is None
    await ok(gql, employee, "SELF_REVIEW_SUBMIT", evaluation_id, comment="Mine")
    for token in (manager, employee, c.hr):
        assert (await gql.data(EVALUATION, variables, token))["evaluation"]["selfComment"] == "Mine"


async def test_the_employee_sees_the_review_once_finalized(gql: Gql, make_org: Any) -> None:
    c = await cycle(gql, make_org)
    evaluation_id = await bring_to(c, gql, "A1", "MANAGER_REVIEW")
    manager, employee = c.token("manager", "M1"), c.token("employee", "A1")
    api_key = await c.s.org.api_key(["scorecards:read"])
    await ok(
        gql,
        manager,
        "MANAGER_REVIEW_SUBMIT",
        evaluation_id,
        comment="Needs polish",
        overrideBandLevel=3,
        overrideReason="Attendance",
    )
    variables = {"e": c.people["A1"], "p": c.march}

    async def seen(token: str) -> dict[str, Any]:
        found: dict[str, Any] = (await gql.data(EVALUATION, variables, token))["evaluation"]
        return {k: found[k] for k in REVIEWED}

    full = {
        "managerComment": "Needs polish",
        "overrideReason": "Attendance",
        "finalBand": {"level": 3, "label": "Meets expectations"},
    }
    for token in (manager, c.hr):
        assert await seen(token) == full
    hidden = {k: None for k in REVIEWED}
    assert await seen(employee) == hidden
    # Integrations never read comments or reasons; the band decided is no secret to them.
    assert await seen(api_key) == {**hidden, "finalBand": full["finalBand"]}
    await ok(gql, c.hr, "CALIBRATE", evaluation_id, bandLevel=2, reason="Calibration panel")
    assert await seen(employee) == hidden
    listed = await gql.data(LIST, {"p": c.march}, employee)
    (node,) = [e["node"] for e in listed["organization"]["evaluations"]["edges"]]
    assert (node["managerComment"], node["overrideReason"], node["finalBand"]) == (None,) * 3
    assert node["revisions"] == [{"managerComment": None, "finalBand": None}]

    await ok(gql, c.hr, "FINALIZE", evaluation_id)
    assert await seen(employee) == {
        "managerComment": "Needs polish",
        "overrideReason": "Calibration panel",
        "finalBand": {"level": 2, "label": "Needs improvement"},
    }
    assert (await seen(api_key))["managerComment"] is None
