"""Scope precedence data: goals at ROLE, ORG_UNIT and EMPLOYEE scope are all stored, resolve
their scope union, and are listed and filtered by Organization.goals."""

from __future__ import annotations

from typing import Any

from tests import helpers
from tests.conftest import Gql
from tests.goals.support import GOAL_FIELDS, GOALS, goal_input, set_goal
from tests.kras.support import import_kpis

HIGHER = {"threshold": "75", "target": "85", "stretch": "95"}


async def _scoped(gql: Gql, make_org: Any) -> tuple[str, dict[str, str], dict[str, str]]:
    """One goal line per scope for CSAT (plus an AHT one); returns token, ids, goal ids."""
    org = await make_org()
    token = org.token("admin")
    kpis = await import_kpis(gql, token, ["CSAT", "AHT"])
    site = await helpers.unit(gql, token, "Site", "SITE")
    team = await helpers.unit(gql, token, "Team", "TEAM", site)
    agent = await helpers.role(gql, token, "AGENT", "Agent")
    people = await helpers.employees(gql, token, [{"externalId": "E1", "name": "Ann"}])
    assert (await helpers.assign(gql, token, people["E1"], agent, team, "2026-01-01"))[
        "userErrors"
    ] == []
    ids = {"site": site, "team": team, "agent": agent, "E1": people["E1"], **kpis}
    plan = [
        ("role", "ROLE", agent, "CSAT", "2026-01-01", None),
        ("site", "ORG_UNIT", site, "CSAT", "2026-02-01", None),
        ("team", "ORG_UNIT", team, "CSAT", "2026-03-01", "2026-06-01"),
        ("employee", "EMPLOYEE", people["E1"], "CSAT", "2026-04-01", None),
        ("aht", "ROLE", agent, "AHT", "2026-05-01", None),
    ]
    goals = {}
    for name, kind, scope, code, start, end in plan:
        anchors = HIGHER if code == "CSAT" else {"threshold": "420", "target": "360"}
        data = goal_input(kpis[code], scope, anchors, scope_kind=kind, start=start, end=end)
        result = await set_goal(gql, token, data)
        assert result["userErrors"] == [], result
        assert result["goal"]["version"] == 1
        goals[name] = result["goal"]["id"]
    return token, ids, goals


async def _ids(gql: Gql, token: str, **filter: Any) -> list[str]:
    data = await gql.data(GOALS, {"first": 100, "filter": filter or None}, token)
    return [e["node"]["id"] for e in data["organization"]["goals"]["edges"]]


async def test_every_scope_is_stored_and_resolves_its_union(gql: Gql, make_org: Any) -> None:
    token, ids, goals = await _scoped(gql, make_org)
    query = f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on Goal {{ {GOAL_FIELDS} }} }} }}"
    order = ["role", "site", "team", "employee"]
    nodes = (await gql.data(query, {"ids": [goals[n] for n in order]}, token))["nodes"]
    assert [(n["scopeKind"], n["scope"]) for n in nodes] == [
        ("ROLE", {"__typename": "Role", "id": ids["agent"], "code": "AGENT"}),
        ("ORG_UNIT", {"__typename": "OrgUnit", "id": ids["site"], "name": "Site"}),
        ("ORG_UNIT", {"__typename": "OrgUnit", "id": ids["team"], "name": "Team"}),
        ("EMPLOYEE", {"__typename": "Employee", "id": ids["E1"], "externalId": "E1"}),
    ]
    assert {n["kpi"]["code"] for n in nodes} == {"CSAT"}


async def test_filters(gql: Gql, make_org: Any) -> None:
    token, ids, goals = await _scoped(gql, make_org)
    newest_first = ["aht", "employee", "team", "site", "role"]
    assert await _ids(gql, token) == [goals[n] for n in newest_first]
    assert await _ids(gql, token, scopeKind="ORG_UNIT") == [goals["team"], goals["site"]]
    assert await _ids(gql, token, scopeId=ids["team"]) == [goals["team"]]
    assert await _ids(gql, token, scopeId=ids["E1"]) == [goals["employee"]]
    assert await _ids(gql, token, scopeId=ids["agent"]) == [goals["aht"], goals["role"]]
    assert await _ids(gql, token, scopeId=ids["agent"], kpiId=ids["AHT"]) == [goals["aht"]]
    assert await _ids(gql, token, scopeId=ids["team"], scopeKind="ROLE") == []
    assert await _ids(gql, token, kpiId=ids["CSAT"], status="APPROVED") == [
        goals[n] for n in newest_first[1:]
    ]
    assert await _ids(gql, token, status="PROPOSED") == []
    assert await _ids(gql, token, activeOn="2026-03-15") == [
        goals["team"],
        goals["site"],
        goals["role"],
    ]
    assert await _ids(gql, token, activeOn="2026-06-01", scopeKind="ORG_UNIT") == [goals["site"]]
    # Ids that are not ids of the right type match nothing, like unknown ids.
    assert await _ids(gql, token, kpiId=ids["agent"]) == []
    assert await _ids(gql, token, scopeId=ids["CSAT"]) == []
    assert await _ids(gql, token, scopeId="not-an-id") == []


async def test_pages(gql: Gql, make_org: Any) -> None:
    token, _, goals = await _scoped(gql, make_org)
    first = await gql.data(GOALS, {"first": 2}, token)
    page = first["organization"]["goals"]
    assert [e["node"]["id"] for e in page["edges"]] == [goals["aht"], goals["employee"]]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql.data(GOALS, {"first": 10, "after": page["pageInfo"]["endCursor"]}, token)
    tail = rest["organization"]["goals"]
    assert [e["node"]["id"] for e in tail["edges"]] == [goals["team"], goals["site"], goals["role"]]
    assert tail["pageInfo"]["hasNextPage"] is False
    missing = await gql(GOALS, {}, token)
    assert missing["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await gql(GOALS, {"first": 101}, token))["errors"][0]["extensions"][
        "code"
    ] == "BAD_USER_INPUT"
