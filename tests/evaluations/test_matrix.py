"""The transition matrix: every (state, role, action) of the workflow table. Allowed ones
succeed; the rest are FORBIDDEN (a caller who may never do it) or INVALID_STATE (a permitted
caller in the wrong state), and write nothing: no evaluation change, revision, audit entry or
outbox event. Nobody acts on their own evaluation but for the self review and acknowledgement."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from kra_api.db.session import Database
from kra_api.graphql.core.ids import to_global_id
from tests.conftest import Gql
from tests.evaluations.support import (
    ACTIONS,
    PATHS,
    act,
    bring_to,
    counts,
    cycle,
    evaluation_row,
    ok,
    payload_of,
    start,
    tokens,
)

ROLES = ("self", "reviewer", "upline", "peer", "hr", "admin")
# Who may ever perform each action (the table; architecture.md also lets hr/admin submit
# the manager review). "upline" is a manager above the reviewer, "peer" another employee.
WHO = {
    "SELF_REVIEW_SUBMIT": {"self"},
    "MANAGER_REVIEW_SUBMIT": {"reviewer", "hr", "admin"},
    "CALIBRATE": {"hr", "admin"},
    "FINALIZE": {"hr", "admin"},
    "ACKNOWLEDGE": {"self"},
    "ADJUST": {"hr", "admin"},
}
# From which states each action is allowed, and the state it leads to.
WHEN = {
    "SELF_REVIEW_SUBMIT": ({"SELF_REVIEW"}, "MANAGER_REVIEW"),
    "MANAGER_REVIEW_SUBMIT": ({"MANAGER_REVIEW"}, "CALIBRATION"),
    "CALIBRATE": ({"CALIBRATION"}, "CALIBRATION"),
    "FINALIZE": ({"CALIBRATION"}, "FINALIZED"),
    "ACKNOWLEDGE": ({"FINALIZED"}, "ACKNOWLEDGED"),
    "ADJUST": ({"FINALIZED", "ACKNOWLEDGED"}, "FINALIZED"),
}


def expected(state: str, role: str, action: str) -> str:
    """OK, FORBIDDEN or INVALID_STATE."""
    if role not in WHO[action]:
        return "FORBIDDEN"
    return "OK" if state in WHEN[action][0] else "INVALID_STATE"


def outcome(body: dict[str, Any]) -> str:
    """What a workflow mutation answered."""
    if body.get("errors"):
        codes = {e["extensions"]["code"] for e in body["errors"]}
        assert codes == {"FORBIDDEN"}, body
        return "FORBIDDEN"
    (result,) = body["data"].values()
    if result["userErrors"]:
        return str(result["userErrors"][0]["code"])
    return "OK"


@pytest.mark.parametrize("state", list(PATHS))
async def test_every_role_and_action_in_a_state(
    gql: Gql, make_org: Any, database: Database, state: str
) -> None:
    allowed = [(r, a) for a in ACTIONS for r in ROLES if expected(state, r, a) == "OK"]
    extra = tuple(f"B{i}" for i in range(len(allowed)))
    c = await cycle(gql, make_org, ("A1", "A2", *extra))
    refused_on = await bring_to(c, gql, "A1", state)
    before, row = (
        await counts(database, c.s.org.id),
        await evaluation_row(database, c.s.org.id, refused_on),
    )
    who = tokens(c, "A1")
    for action in ACTIONS:
        for role in ROLES:
            want = expected(state, role, action)
            if want == "OK":
                continue
            got = outcome(await act(gql, who[role], action, refused_on))
            assert got == want, (state, role, action)
    assert await counts(database, c.s.org.id) == before
    assert await evaluation_row(database, c.s.org.id, refused_on) == row

    for (role, action), external_id in zip(allowed, extra, strict=True):
        evaluation_id = await bring_to(c, gql, external_id, state)
        ahead = await counts(database, c.s.org.id)
        ev = await ok(gql, tokens(c, external_id)[role], action, evaluation_id)
        assert ev["state"] == WHEN[action][1], (state, role, action)
        after = await counts(database, c.s.org.id)
        assert after["audit_log"] == ahead["audit_log"] + 1
        assert after["outbox"] == ahead["outbox"] + 1
        frozen = action in ("FINALIZE", "ADJUST")
        assert after["evaluation_revision"] == ahead["evaluation_revision"] + frozen


async def test_nobody_acts_on_their_own_evaluation(
    gql: Gql, make_org: Any, database: Database
) -> None:
    c = await cycle(gql, make_org)
    manager, site_manager = c.token("manager", "M1"), c.token("manager", "S1")
    # M1's reviewer is S1 (M1 leads their own unit): M1 may not start nor review their own.
    body = await gql(
        START_DOC,
        {"input": {"employeeId": c.people["M1"], "periodId": c.march}},
        manager,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    own = await start(gql, site_manager, c.people["M1"], c.march, skip=True)
    assert own["userErrors"] == []
    evaluation_id = own["evaluation"]["id"]
    assert own["evaluation"]["reviewer"]["externalId"] == "S1"
    before = await counts(database, c.s.org.id)
    refused = await act(gql, manager, "MANAGER_REVIEW_SUBMIT", evaluation_id)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # An hr user who is the employee may not decide on it either (they hold both roles).
    hr_self = c.token("hr", "M1")
    for action in ("MANAGER_REVIEW_SUBMIT", "CALIBRATE", "FINALIZE"):
        assert outcome(await act(gql, hr_self, action, evaluation_id)) == "FORBIDDEN"
    assert await counts(database, c.s.org.id) == before
    assert (await ok(gql, site_manager, "MANAGER_REVIEW_SUBMIT", evaluation_id))["state"] == (
        "CALIBRATION"
    )


async def test_refusals_name_the_input(gql: Gql, make_org: Any, database: Database) -> None:
    c = await cycle(gql, make_org)
    evaluation_id = await bring_to(c, gql, "A1", "MANAGER_REVIEW")
    manager = c.token("manager", "M1")
    before = await counts(database, c.s.org.id)
    cases = [
        ({"overrideBandLevel": 9, "overrideReason": "x"}, "INVALID_BAND", "overrideBandLevel"),
        ({"overrideBandLevel": 2}, "REASON_REQUIRED", "overrideReason"),
        ({"overrideBandLevel": 2, "overrideReason": "  "}, "REASON_REQUIRED", "overrideReason"),
        ({"overrideReason": "no band"}, "INVALID_BAND", "overrideBandLevel"),
    ]
    for extra, code, field in cases:
        result = payload_of(
            await act(gql, manager, "MANAGER_REVIEW_SUBMIT", evaluation_id, **extra)
        )
        assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
            (code, ["input", field])
        ], extra
    unknown_id = to_global_id("Evaluation", uuid.uuid4())
    unknown = payload_of(await act(gql, c.hr, "FINALIZE", unknown_id))
    assert [e["code"] for e in unknown["userErrors"]] == ["NOT_FOUND"]
    await ok(gql, manager, "MANAGER_REVIEW_SUBMIT", evaluation_id)
    for extra, code, field in [
        ({"bandLevel": 0}, "INVALID_BAND", "bandLevel"),
        ({"reason": ""}, "REASON_REQUIRED", "reason"),
    ]:
        result = payload_of(await act(gql, c.hr, "CALIBRATE", evaluation_id, **extra))
        assert [(e["code"], e["field"]) for e in result["userErrors"]] == [(code, ["input", field])]
    after_review = await counts(database, c.s.org.id)
    assert after_review["audit_log"] == before["audit_log"] + 1  # only the review itself
    await ok(gql, c.hr, "FINALIZE", evaluation_id)
    result = payload_of(await act(gql, c.hr, "ADJUST", evaluation_id, reason=" "))
    assert [e["code"] for e in result["userErrors"]] == ["REASON_REQUIRED"]


START_DOC = """mutation($input: EvaluationStartInput!) {
  evaluationStart(input: $input) { evaluation { id } userErrors { code field message } } }"""
