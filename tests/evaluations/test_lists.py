"""Listing and finding evaluations (each caller sees what they may read), and bulk start."""

from __future__ import annotations

import asyncio
from typing import Any

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.evaluations.support import (
    BULK_START,
    EVALUATION,
    NODE,
    START,
    counts,
    cycle,
    payload_of,
)
from tests.scorecards.support import period

LIST = """query($first: Int, $after: String, $filter: EvaluationFilter) { organization {
  evaluations(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id state employee { externalId } } }
    pageInfo { hasNextPage endCursor } } } }"""
OF_EMPLOYEE = """query($id: ID!) { node(id: $id) { ... on Employee {
  evaluations(first: 10) { edges { node { period { name } state } } } } } }"""


async def _bulk(gql: Gql, token: str, unit: str, period_id: str, **kw: Any) -> dict[str, Any]:
    variables = {"input": {"orgUnitId": unit, "periodId": period_id, **kw}}
    return await gql(BULK_START, variables, token)


async def _listed(gql: Gql, token: str, **filter: Any) -> list[str]:
    data = await gql.data(LIST, {"first": 50, "filter": filter or None}, token)
    edges = data["organization"]["evaluations"]["edges"]
    return sorted(e["node"]["employee"]["externalId"] for e in edges)


async def test_bulk_start_and_who_sees_what(gql: Gql, make_org: Any, database: Database) -> None:
    c = await cycle(gql, make_org)
    site, team = c.s.units["Site"], c.s.unit
    manager, employee = c.token("manager", "M1"), c.token("employee", "A1")

    # The team leader starts those they review in their team (not themself, reviewed by S1).
    mine = payload_of(await _bulk(gql, manager, team, c.march, skipSelfReview=True))
    assert (mine["started"], mine["existing"], mine["skipped"]) == (2, 0, 1)
    refused = await _bulk(gql, manager, site, c.march)  # M1 does not lead the site
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    before = await counts(database, c.s.org.id)
    hr = payload_of(await _bulk(gql, c.hr, site, c.march))
    assert (hr["started"], hr["existing"], hr["skipped"]) == (2, 2, 0)  # M1 and S1 now
    after = await counts(database, c.s.org.id)
    assert (after["evaluation"], after["audit_log"], after["outbox"]) == (
        before["evaluation"] + 2,
        before["audit_log"] + 2,
        before["outbox"] + 2,
    )
    again = payload_of(await _bulk(gql, c.hr, site, c.march))
    assert (again["started"], again["existing"]) == (0, 4)
    assert await counts(database, c.s.org.id) == after
    unknown = payload_of(await _bulk(gql, c.hr, c.march, c.march))
    assert [(e["code"], e["field"]) for e in unknown["userErrors"]] == [
        ("NOT_FOUND", ["input", "orgUnitId"])
    ]

    assert await _listed(gql, c.hr) == ["A1", "A2", "M1", "S1"]
    assert await _listed(gql, c.token("manager", "S1")) == ["A1", "A2", "M1", "S1"]
    assert await _listed(gql, manager) == ["A1", "A2", "M1"]  # their team and their own
    assert await _listed(gql, employee) == ["A1"]
    assert await _listed(gql, c.hr, orgUnitId=team) == ["A1", "A2", "M1"]
    assert await _listed(gql, c.hr, state="MANAGER_REVIEW") == ["A1", "A2"]
    assert await _listed(gql, c.hr, state="SELF_REVIEW") == ["M1", "S1"]
    april = await period(gql, c.s.token, "2026-04-01", "2026-05-01", name="April 2026")
    assert await _listed(gql, c.hr, periodId=april) == []

    first = await gql.data(LIST, {"first": 3}, c.hr)
    page = first["organization"]["evaluations"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql.data(LIST, {"first": 3, "after": page["pageInfo"]["endCursor"]}, c.hr)
    second = rest["organization"]["evaluations"]
    ids = [e["node"]["id"] for e in page["edges"] + second["edges"]]
    assert len(set(ids)) == 4
    assert second["pageInfo"]["hasNextPage"] is False

    own = await gql.data(OF_EMPLOYEE, {"id": c.people["A1"]}, employee)
    assert own["node"]["evaluations"]["edges"] == [
        {"node": {"period": {"name": "March 2026"}, "state": "MANAGER_REVIEW"}}
    ]
    peer = c.token("employee", "A2")
    hidden = await gql.data(OF_EMPLOYEE, {"id": c.people["A1"]}, peer)
    assert hidden["node"]["evaluations"]["edges"] == []
    forbidden = await gql(EVALUATION, {"e": c.people["A1"], "p": c.march}, peer)
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    found = await gql.data(EVALUATION, {"e": c.people["A1"], "p": c.march}, manager)
    evaluation_id = found["evaluation"]["id"]
    assert (await gql.data(NODE, {"id": evaluation_id}, peer))["node"] is None
    assert (await gql.data(NODE, {"id": evaluation_id}, manager))["node"]["id"] == evaluation_id
    other = await make_org()
    assert (await gql.data(NODE, {"id": evaluation_id}, other.token("admin")))["node"] is None


async def test_start_refuses_unknown_and_unassigned(gql: Gql, make_org: Any) -> None:
    c = await cycle(gql, make_org)
    may = await period(gql, c.s.token, "2025-05-01", "2025-06-01", name="May 2025")
    start = """mutation($input: EvaluationStartInput!) { evaluationStart(input: $input) {
      evaluation { id } userErrors { code field } } }"""
    cases = [
        ({"employeeId": c.march, "periodId": c.march}, ("NOT_FOUND", ["input", "employeeId"])),
        (
            {"employeeId": c.people["A1"], "periodId": c.s.unit},
            ("NOT_FOUND", ["input", "periodId"]),
        ),
        (
            {"employeeId": c.people["A1"], "periodId": may},
            ("NOT_ASSIGNED", ["input", "employeeId"]),
        ),
    ]
    for data, error in cases:
        result = payload_of(await gql(start, {"input": data}, c.hr))
        assert [(e["code"], e["field"]) for e in result["userErrors"]] == [error]
    employee = await gql(
        start, {"input": {"employeeId": c.people["A2"], "periodId": c.march}},
        c.token("employee", "A1"),
    )  # fmt: skip
    assert employee["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    upline = await gql(
        start, {"input": {"employeeId": c.people["A2"], "periodId": c.march}},
        c.token("manager", "S1"),
    )  # fmt: skip
    assert upline["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # S1 is not A2's reviewer


async def test_concurrent_starts_make_one_evaluation(
    gql: Gql, make_org: Any, database: Database
) -> None:
    c = await cycle(gql, make_org)
    before = await counts(database, c.s.org.id)
    variables = {"input": {"employeeId": c.people["A1"], "periodId": c.march}}
    bodies = await asyncio.gather(*(gql(START, variables, c.hr) for _ in range(6)))
    ids = {payload_of(b)["evaluation"]["id"] for b in bodies}
    assert len(ids) == 1
    after = await counts(database, c.s.org.id)
    assert {t: after[t] - before[t] for t in after} == {
        "evaluation": 1,
        "evaluation_revision": 0,
        "audit_log": 1,
        "outbox": 1,
    }
