"""The audit log through GraphQL (hr and admin only, newest first, filtered, keyset pages), and
history the database itself keeps: snapshots, evaluations and outbox events cannot be deleted,
snapshots not rewritten (only their acknowledgement may be set); the audit log is append-only
(tests/security/test_tenant_isolation.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.evaluations.support import bring_to, cycle, ok

AUDIT = """query($first: Int, $after: String, $filter: AuditLogFilter) {
  auditLog(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id action entityType entityId at reason requestId
      actor { kind label employee { externalId } } } }
    pageInfo { hasNextPage endCursor } } }"""


async def _actions(gql: Gql, token: str, **filter: Any) -> list[str]:
    data = await gql.data(AUDIT, {"first": 100, "filter": filter}, token)
    return [e["node"]["action"] for e in data["auditLog"]["edges"]]


async def test_audit_log_for_hr_and_admin_newest_first_filtered(gql: Gql, make_org: Any) -> None:
    c = await cycle(gql, make_org)
    evaluation_id = await bring_to(c, gql, "A1", "MANAGER_REVIEW")
    await ok(gql, c.token("manager", "M1"), "MANAGER_REVIEW_SUBMIT", evaluation_id)

    for token in (c.token("manager", "M1"), c.token("employee", "A1")):
        body = await gql(AUDIT, {"first": 5}, token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    key = await c.s.org.api_key(["scorecards:read"])
    assert (await gql(AUDIT, {"first": 5}, key))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(AUDIT, {}, c.hr))["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    everything = await gql.data(AUDIT, {"first": 100}, c.s.token)
    nodes = [e["node"] for e in everything["auditLog"]["edges"]]
    stamps = [n["at"] for n in nodes]
    assert stamps == sorted(stamps, reverse=True)
    assert nodes[0]["action"] == "evaluation.managerReviewSubmit"
    assert "kpiReadings.record" in [n["action"] for n in nodes]  # the readings call of set-up
    assert all(n["requestId"] for n in nodes)

    assert await _actions(gql, c.hr, actorId=c.people["M1"]) == ["evaluation.managerReviewSubmit"]
    assert await _actions(gql, c.hr, actorId=c.people["A1"]) == ["evaluation.selfReviewSubmit"]
    assert await _actions(gql, c.hr, entityId=evaluation_id) == [
        "evaluation.managerReviewSubmit",
        "evaluation.selfReviewSubmit",
        "evaluation.start",
    ]
    assert await _actions(gql, c.hr, action="evaluation.start") == ["evaluation.start"]
    start_at = dt.datetime.fromisoformat(nodes[2]["at"])
    window = {"from": start_at.isoformat(), "to": nodes[0]["at"]}
    assert await _actions(gql, c.hr, **window) == [
        "evaluation.selfReviewSubmit",
        "evaluation.start",
    ]

    first = await gql.data(AUDIT, {"first": 2}, c.hr)
    page = first["auditLog"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql.data(AUDIT, {"first": 2, "after": page["pageInfo"]["endCursor"]}, c.hr)
    assert [e["node"]["id"] for e in page["edges"] + rest["auditLog"]["edges"]] == [
        n["id"] for n in nodes[:4]
    ]
    node = await gql.data(
        """query($id: ID!) { node(id: $id) { ... on AuditEntry { action } } }""",
        {"id": nodes[0]["id"]},
        c.hr,
    )
    assert node["node"] == {"action": "evaluation.managerReviewSubmit"}
    hidden = await gql.data(
        """query($id: ID!) { node(id: $id) { id } }""",
        {"id": nodes[0]["id"]},
        c.token("manager", "M1"),
    )
    assert hidden["node"] is None


REFUSED = [
    "UPDATE evaluation_revision SET snapshot = '{}'::jsonb",
    "UPDATE evaluation_revision SET input_hash = 'x'",
    "DELETE FROM evaluation_revision",
    "DELETE FROM evaluation",
    "DELETE FROM outbox",
    "UPDATE outbox SET payload = '{}'::jsonb",
]


async def test_history_is_kept_by_the_database(gql: Gql, make_org: Any, database: Database) -> None:
    c = await cycle(gql, make_org)
    evaluation_id = await bring_to(c, gql, "A1", "FINALIZED")
    assert evaluation_id
    for statement in REFUSED:
        async with database.session(c.s.org.id) as session:
            with pytest.raises(DBAPIError, match="permission denied"):
                async with session.begin():
                    await session.execute(text(statement))
    allowed = [
        "UPDATE evaluation_revision SET acknowledged_at = now()",
        "UPDATE outbox SET delivered_at = now()",
    ]
    async with database.session(c.s.org.id) as session, session.begin():
        for statement in allowed:
            assert (await session.execute(text(statement))).rowcount >= 1
