"""The whole evaluation cycle end to end through GraphQL with the tokens of the employee, the
manager (reviewer) and hr: start, self review, manager review with an override, calibration,
finalization (frozen scorecard), acknowledgement; allowedActions, audit entries and outbox."""

from __future__ import annotations

from typing import Any

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.evaluations.support import (
    EVALUATION,
    cycle,
    ok,
    outbox,
    start,
)
from tests.scorecards.support import CARD_FIELDS

SCORECARD_OF = f"""query($e: ID!, $p: ID!) {{ evaluation(employeeId: $e, periodId: $p) {{
  scorecard {{ {CARD_FIELDS} }} }} }}"""
AUDIT = """query($filter: AuditLogFilter) { auditLog(first: 50, filter: $filter) {
  edges { node { action entityType entityId reason requestId at before after
    actor { kind label employee { externalId } } } } } }"""


async def _evaluation(gql: Gql, token: str, employee: str, period: str) -> dict[str, Any]:
    data = await gql.data(EVALUATION, {"e": employee, "p": period}, token)
    found: dict[str, Any] = data["evaluation"]
    return found


async def test_the_whole_cycle(gql: Gql, make_org: Any, database: Database) -> None:
    c = await cycle(gql, make_org)
    a1, march = c.people["A1"], c.march
    employee, manager, hr = c.token("employee", "A1"), c.token("manager", "M1"), c.hr

    assert await _evaluation(gql, hr, a1, march) is None
    first = await start(gql, manager, a1, march)  # the reviewer starts it
    assert first["userErrors"] == []
    ev = first["evaluation"]
    assert (ev["state"], ev["revision"], ev["reviewer"]["externalId"]) == ("SELF_REVIEW", 1, "M1")
    assert ev["placementDay"] == "2026-03-31"
    assert ev["computedBand"] == {"level": 4, "label": "Exceeds expectations"}
    assert ev["allowedActions"] == []  # the manager waits for the self review
    again = await start(gql, hr, a1, march)  # a second start returns the existing one
    assert again["evaluation"]["id"] == ev["id"]
    evaluation_id = ev["id"]

    mine = await _evaluation(gql, employee, a1, march)
    assert mine["allowedActions"] == ["SELF_REVIEW_SUBMIT"]
    ev = await ok(gql, employee, "SELF_REVIEW_SUBMIT", evaluation_id, comment="Best month yet")
    assert (ev["state"], ev["selfComment"]) == ("MANAGER_REVIEW", "Best month yet")

    assert (await _evaluation(gql, manager, a1, march))["allowedActions"] == [
        "MANAGER_REVIEW_SUBMIT"
    ]
    ev = await ok(
        gql,
        manager,
        "MANAGER_REVIEW_SUBMIT",
        evaluation_id,
        comment="Great CSAT",
        overrideBandLevel=5,
        overrideReason="Covered two teams",
    )
    assert ev["state"] == "CALIBRATION"
    assert (ev["managerComment"], ev["overrideReason"]) == ("Great CSAT", "Covered two teams")
    assert ev["computedBand"]["level"] == 4
    assert ev["finalBand"] == {"level": 5, "label": "Outstanding"}

    assert (await _evaluation(gql, hr, a1, march))["allowedActions"] == ["CALIBRATE", "FINALIZE"]
    ev = await ok(gql, hr, "CALIBRATE", evaluation_id, bandLevel=4, reason="Peer calibration")
    ev = await ok(gql, hr, "CALIBRATE", evaluation_id, bandLevel=5, reason="Second look")
    assert (ev["state"], ev["finalBand"]["level"], ev["overrideReason"]) == (
        "CALIBRATION",
        5,
        "Second look",
    )
    live = (await gql.data(SCORECARD_OF, {"e": a1, "p": march}, hr))["evaluation"]["scorecard"]
    assert live["final"] is False

    ev = await ok(gql, hr, "FINALIZE", evaluation_id)
    assert (ev["state"], ev["revision"], ev["forced"]) == ("FINALIZED", 1, False)
    assert len(ev["inputHash"]) == 64
    frozen = (await gql.data(SCORECARD_OF, {"e": a1, "p": march}, hr))["evaluation"]["scorecard"]
    assert frozen["final"] is True
    # The frozen card is the live card as it was, number for number.
    for card in (live, frozen):
        card.pop("final")
        card.pop("computedAt")
    assert frozen == live
    assert frozen["overallScore"] == "105.54"

    seen = await _evaluation(gql, employee, a1, march)
    assert seen["allowedActions"] == ["ACKNOWLEDGE"]
    assert (seen["managerComment"], seen["finalBand"]["level"]) == ("Great CSAT", 5)
    ev = await ok(gql, employee, "ACKNOWLEDGE", evaluation_id, comment="Thanks")
    assert (ev["state"], ev["acknowledgementComment"]) == ("ACKNOWLEDGED", "Thanks")
    assert ev["acknowledgedAt"] is not None
    assert (await _evaluation(gql, hr, a1, march))["allowedActions"] == ["ADJUST"]
    assert (await _evaluation(gql, employee, a1, march))["allowedActions"] == []

    events = await outbox(database, c.s.org.id)
    assert [(e["type"], e["state"], e["previousState"]) for e in events] == [
        ("evaluation.started", "SELF_REVIEW", None),
        ("evaluation.selfReviewSubmitted", "MANAGER_REVIEW", "SELF_REVIEW"),
        ("evaluation.managerReviewSubmitted", "CALIBRATION", "MANAGER_REVIEW"),
        ("evaluation.calibrated", "CALIBRATION", "CALIBRATION"),
        ("evaluation.calibrated", "CALIBRATION", "CALIBRATION"),
        ("evaluation.finalized", "FINALIZED", "CALIBRATION"),
        ("evaluation.acknowledged", "ACKNOWLEDGED", "FINALIZED"),
    ]
    entries = (await gql.data(AUDIT, {"filter": {"entityId": evaluation_id}}, hr))["auditLog"]
    nodes = [e["node"] for e in entries["edges"]]
    assert [n["action"] for n in reversed(nodes)] == [
        "evaluation.start",
        "evaluation.selfReviewSubmit",
        "evaluation.managerReviewSubmit",
        "evaluation.calibrate",
        "evaluation.calibrate",
        "evaluation.finalize",
        "evaluation.acknowledge",
    ]
    by_action = {n["action"]: n for n in nodes}
    assert by_action["evaluation.start"]["actor"] == {
        "kind": "USER",
        "label": by_action["evaluation.start"]["actor"]["label"],
        "employee": {"externalId": "M1"},
    }
    assert by_action["evaluation.selfReviewSubmit"]["actor"]["employee"] == {"externalId": "A1"}
    assert by_action["evaluation.calibrate"]["reason"] == "Peer calibration"
    assert by_action["evaluation.finalize"]["before"]["state"] == "CALIBRATION"
    assert by_action["evaluation.finalize"]["after"]["state"] == "FINALIZED"
    assert all(n["requestId"] and n["entityId"] == evaluation_id for n in nodes)
