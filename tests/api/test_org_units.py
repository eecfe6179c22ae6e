"""orgUnitUpdate (rename, re-parent, cycles) and the audit trail every mutation leaves."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import httpx

from kra_api.db.session import Database
from kra_api.graphql.core.ids import to_global_id
from tests import helpers
from tests.api.test_people import uid
from tests.conftest import Gql
from tests.db.rows import audit_rows, counts

UPDATE = """mutation($input: OrgUnitUpdateInput!) { orgUnitUpdate(input: $input) {
  orgUnit { id name parent { name } } userErrors { code field message } } }"""
TREE = """{ organization { orgUnits(first: 20) { edges { node {
  name parent { name } children { name } } } } } }"""


async def tree(gql: Gql, token: str) -> dict[str, Any]:
    """name → (parent name, child names)."""
    data = await gql.data(TREE, token=token)
    return {
        n["name"]: (
            n["parent"]["name"] if n["parent"] else None,
            [c["name"] for c in n["children"]],
        )
        for n in (e["node"] for e in data["organization"]["orgUnits"]["edges"])
    }


async def test_rename_and_reparent(gql: Gql, make_org: Any, database: Database) -> None:
    org = await make_org()
    token = org.token("admin")
    north = await helpers.unit(gql, token, "North", "SITE")
    south = await helpers.unit(gql, token, "South", "SITE")
    team = await helpers.unit(gql, token, "Team", "TEAM", north)

    renamed = await gql.data(UPDATE, {"input": {"orgUnitId": team, "name": "  Team A  "}}, token)
    assert renamed["orgUnitUpdate"] == {
        "orgUnit": {"id": team, "name": "Team A", "parent": {"name": "North"}},
        "userErrors": [],
    }
    moved = await gql.data(UPDATE, {"input": {"orgUnitId": team, "parentId": south}}, token)
    assert moved["orgUnitUpdate"]["orgUnit"] == {
        "id": team,
        "name": "Team A",
        "parent": {"name": "South"},
    }
    assert await tree(gql, token) == {
        "North": (None, []),
        "South": (None, ["Team A"]),
        "Team A": ("South", []),
    }
    rooted = await gql.data(UPDATE, {"input": {"orgUnitId": team, "parentId": None}}, token)
    assert rooted["orgUnitUpdate"]["orgUnit"]["parent"] is None

    before = await counts(database, org.id)
    for bad, code, field in [
        ({"orgUnitId": team, "name": " "}, "INVALID", "name"),
        (
            {"orgUnitId": to_global_id("OrgUnit", uuid.uuid4()), "name": "X"},
            "NOT_FOUND",
            "orgUnitId",
        ),
        ({"orgUnitId": "not-an-id", "name": "X"}, "NOT_FOUND", "orgUnitId"),
    ]:
        refused = await gql.data(UPDATE, {"input": bad}, token)
        assert refused["orgUnitUpdate"]["orgUnit"] is None
        errors = refused["orgUnitUpdate"]["userErrors"]
        assert [(e["code"], e["field"]) for e in errors] == [(code, ["input", field])]
    assert await counts(database, org.id) == before


async def test_a_unit_cannot_move_under_itself_or_its_subtree(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    token = org.token("admin")
    site = await helpers.unit(gql, token, "Site", "SITE")
    program = await helpers.unit(gql, token, "Program", "PROGRAM", site)
    team = await helpers.unit(gql, token, "Team", "TEAM", program)
    shape = await tree(gql, token)
    before = await counts(database, org.id)
    for unit, parent in [
        (site, team),
        (site, program),
        (program, team),
        (team, team),
        (site, site),
    ]:
        refused = await gql.data(UPDATE, {"input": {"orgUnitId": unit, "parentId": parent}}, token)
        errors = refused["orgUnitUpdate"]["userErrors"]
        assert [(e["code"], e["field"]) for e in errors] == [("CYCLE", ["input", "parentId"])]
    # A rename riding along with a cycle is not written either.
    both = {"orgUnitId": site, "name": "Renamed", "parentId": team}
    assert (await gql.data(UPDATE, {"input": both}, token))["orgUnitUpdate"]["userErrors"]
    assert await tree(gql, token) == shape
    assert await counts(database, org.id) == before
    # Moving a subtree elsewhere below itself is fine: the team up to the site.
    up = await gql.data(UPDATE, {"input": {"orgUnitId": team, "parentId": site}}, token)
    assert up["orgUnitUpdate"]["userErrors"] == []


async def call(
    client: httpx.AsyncClient, token: str, request_id: str, query: str, **variables: Any
) -> dict[str, Any]:
    """Run a mutation with a chosen X-Request-ID; return its payload."""
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": request_id},
    )
    assert response.headers["x-request-id"] == request_id
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = next(iter(body["data"].values()))
    assert payload["userErrors"] == [], payload
    return payload


async def test_every_mutation_is_audited(
    client: httpx.AsyncClient, make_org: Any, database: Database
) -> None:
    org = await make_org()
    token = org.token("hr", sub="HR-7")
    role = await call(client, token, "r-role", helpers.ROLE, input={"code": "AGENT", "name": "A"})
    rows = [{"externalId": "L", "name": "Lea"}, {"externalId": "E", "name": "Eve"}]
    people = await call(client, token, "r-upsert", helpers.UPSERT, input={"employees": rows})
    ids = {e["externalId"]: e["id"] for e in people["employees"]}
    new_unit = {"name": "Team", "kind": "TEAM", "leaderId": ids["L"]}
    unit = (await call(client, token, "r-unit", helpers.CREATE_UNIT, input=new_unit))["orgUnit"]
    await call(client, token, "r-rename", UPDATE, input={"orgUnitId": unit["id"], "name": "Team 2"})
    assignment = {"employeeId": ids["E"], "roleId": role["role"]["id"], "orgUnitId": unit["id"]}
    first = await call(
        client,
        token,
        "r-assign",
        helpers.ASSIGN,
        input={**assignment, "effectiveFrom": "2026-01-01"},
    )
    await call(
        client, token, "r-move", helpers.ASSIGN, input={**assignment, "effectiveFrom": "2026-02-01"}
    )
    lead = {"orgUnitId": unit["id"], "employeeId": ids["E"], "effectiveFrom": "2099-01-01"}
    await call(client, token, "r-lead", helpers.LEAD, input=lead)

    audit = await audit_rows(database, org.id)
    assert {(a["actor_kind"], a["actor_label"]) for a in audit} == {("USER", "HR-7")}
    # Rows of one request may share a timestamp, and other domains may add rows of their own
    # (a role gets a draft KRA set): every expected row is there, in any order.
    written = Counter((a["request_id"], a["action"], a["entity_type"]) for a in audit)
    expected = Counter(
        [
            ("r-role", "role.create", "Role"),
            ("r-upsert", "employee.upsert", "Employee"),
            ("r-upsert", "employee.upsert", "Employee"),
            ("r-unit", "orgUnit.create", "OrgUnit"),
            ("r-unit", "orgUnit.leaderAssign", "OrgUnit"),
            ("r-rename", "orgUnit.update", "OrgUnit"),
            ("r-assign", "employee.assign", "Assignment"),
            ("r-move", "assignment.end", "Assignment"),
            ("r-move", "employee.assign", "Assignment"),
            ("r-lead", "orgUnit.leaderAssign", "OrgUnit"),
        ]
    )
    assert expected - written == Counter(), expected - written
    by_action = {(a["request_id"], a["action"]): a for a in audit}
    created = by_action[("r-role", "role.create")]
    assert (created["entity_id"], created["before"]) == (uid(role["role"]["id"]), None)
    assert created["after"]["code"] == "AGENT"  # type: ignore[index]
    renamed = by_action[("r-rename", "orgUnit.update")]
    assert renamed["entity_id"] == uid(unit["id"])
    assert (renamed["before"]["name"], renamed["after"]["name"]) == ("Team", "Team 2")  # type: ignore[index]
    ended = by_action[("r-move", "assignment.end")]
    assert ended["entity_id"] == uid(first["assignment"]["id"])
    assert ended["before"]["effective_to"] is None  # type: ignore[index]
    assert ended["after"]["effective_to"] == "2026-02-01"  # type: ignore[index]
    led = by_action[("r-lead", "orgUnit.leaderAssign")]
    assert led["before"]["employee_id"] == str(uid(ids["L"]))  # type: ignore[index]
    assert led["after"]["employee_id"] == str(uid(ids["E"]))  # type: ignore[index]
    upserted = [a for a in audit if a["action"] == "employee.upsert"]
    assert {a["entity_id"] for a in upserted} == {uid(ids["L"]), uid(ids["E"])}
    assert all(a["before"] is None and a["after"]["name"] for a in upserted)  # type: ignore[index]


async def test_a_refused_mutation_does_not_break_the_next_one(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    body = await gql(
        """mutation {
          a: orgUnitCreate(input: {name: " ", kind: TEAM}) { orgUnit { id } userErrors { code } }
          b: orgUnitCreate(input: {name: "B", kind: SITE}) { orgUnit { name } userErrors { code } }
          c: roleCreate(input: {code: "bad", name: "x"}) { role { id } userErrors { code } }
          d: orgUnitCreate(input: {name: "D", kind: TEAM}) { orgUnit { name } userErrors { code } }
        }""",
        token=org.token("admin"),
    )
    assert body == {
        "data": {
            "a": {"orgUnit": None, "userErrors": [{"code": "INVALID"}]},
            "b": {"orgUnit": {"name": "B"}, "userErrors": []},
            "c": {"role": None, "userErrors": [{"code": "INVALID"}]},
            "d": {"orgUnit": {"name": "D"}, "userErrors": []},
        }
    }
    written = await counts(database, org.id)
    assert (written["org_unit"], written["role"]) == (2, 0)
