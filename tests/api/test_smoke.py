"""The foundation works end to end: structure, people, dated roles, reviewer rule."""

from __future__ import annotations

from typing import Any

from tests import helpers
from tests.conftest import Gql


async def test_viewer_and_organization(gql: Gql, make_org: Any) -> None:
    org = await make_org(name="Acme BPO")
    data = await gql.data(
        "{ viewer { roles organization { name slug } } }", token=org.token("admin")
    )
    assert data["viewer"] == {
        "roles": ["ADMIN"],
        "organization": {"name": "Acme BPO", "slug": org.slug},
    }


async def test_dated_roles_units_and_reviewer(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    site = await helpers.unit(gql, token, "Site", "SITE")
    team = await helpers.unit(gql, token, "Team A", "TEAM", site)
    other = await helpers.unit(gql, token, "Team B", "TEAM", site)
    agent = await helpers.role(gql, token, "AGENT", "Agent")
    leader_role = await helpers.role(gql, token, "TEAM_LEADER", "Team leader")
    ids = await helpers.employees(
        gql,
        token,
        [
            {"externalId": "A1", "name": "Alice"},
            {"externalId": "B1", "name": "Bob"},
            {"externalId": "S1", "name": "Sara"},
        ],
    )
    assert (await helpers.assign(gql, token, ids["A1"], agent, team, "2026-01-01"))[
        "userErrors"
    ] == []
    moved = await helpers.assign(gql, token, ids["A1"], leader_role, other, "2026-03-01")
    assert moved["userErrors"] == []
    assert (await helpers.assign(gql, token, ids["B1"], leader_role, team, "2026-01-01"))[
        "userErrors"
    ] == []
    assert (await helpers.lead(gql, token, team, ids["B1"], "2026-01-01"))["userErrors"] == []
    assert (await helpers.lead(gql, token, site, ids["S1"], "2026-01-01"))["userErrors"] == []
    query = """query($id: ID!) { node(id: $id) { ... on Employee {
        feb: role(at: "2026-02-15") { code } mar: role(at: "2026-03-01") { code }
        febUnit: orgUnit(at: "2026-02-15") { name } marUnit: orgUnit(at: "2026-03-01") { name }
        febReviewer: reviewer(at: "2026-02-15") { name }
        assignments { effectiveFrom effectiveTo }
    } } }"""
    alice = (await gql.data(query, {"id": ids["A1"]}, token))["node"]
    assert alice["feb"]["code"] == "AGENT"
    assert alice["mar"]["code"] == "TEAM_LEADER"
    assert alice["febUnit"]["name"] == "Team A"
    assert alice["marUnit"]["name"] == "Team B"
    assert alice["febReviewer"]["name"] == "Bob"
    assert alice["assignments"] == [
        {"effectiveFrom": "2026-01-01", "effectiveTo": "2026-03-01"},
        {"effectiveFrom": "2026-03-01", "effectiveTo": None},
    ]
    # Bob leads his own unit: his reviewer is the nearest leader above who is not Bob.
    bob = (await gql.data(query, {"id": ids["B1"]}, token))["node"]
    assert bob["febReviewer"]["name"] == "Sara"
