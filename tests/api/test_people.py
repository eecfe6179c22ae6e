"""Dated leadership and assignments, and the reviewer rule that follows from them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import text

from kra_api.db.session import Database
from kra_api.graphql.core.ids import parse_global_id
from tests import helpers
from tests.conftest import Gql
from tests.db.rows import counts

LEADERS = """query($id: ID!) { node(id: $id) { ... on OrgUnit {
  dec: leader(at: "2025-12-31") { name } jan: leader(at: "2026-01-01") { name }
  feb: leader(at: "2026-02-28") { name } mar: leader(at: "2026-03-01") { name }
  may: leader(at: "2026-05-01") { name } now: leader { name }
} } }"""
ROLES = """query($id: ID!) { node(id: $id) { ... on Employee {
  jan: role(at: "2026-01-01") { code } feb: role(at: "2026-02-28") { code }
  mar: role(at: "2026-03-01") { code } may: role(at: "2026-05-31") { code }
  jun: role(at: "2026-06-01") { code } marUnit: orgUnit(at: "2026-03-01") { name }
  assignments { effectiveFrom effectiveTo role { code } orgUnit { name } }
} } }"""


def uid(global_id: str) -> uuid.UUID:
    parsed = parse_global_id(global_id)
    assert parsed is not None
    return parsed[1]


async def leaderships(database: Database, org_id: uuid.UUID, unit: str) -> list[Any]:
    async with database.session(org_id) as session:
        rows = await session.execute(
            text(
                "SELECT l.effective_from, l.effective_to, e.name FROM org_unit_leadership l "
                "LEFT JOIN employee e ON e.id = l.employee_id WHERE l.org_unit_id = :unit "
                "ORDER BY l.effective_from"
            ),
            {"unit": uid(unit)},
        )
        return [tuple(r) for r in rows]


def names(node: dict[str, Any]) -> dict[str, str | None]:
    return {k: v["name"] if v else None for k, v in node.items()}


async def test_leadership_is_dated(gql: Gql, make_org: Any, database: Database) -> None:
    org = await make_org()
    token = org.token("admin")
    team = await helpers.unit(gql, token, "Team", "TEAM")
    ids = await helpers.employees(
        gql, token, [{"externalId": "L1", "name": "Lea"}, {"externalId": "L2", "name": "Max"}]
    )
    assert (await helpers.lead(gql, token, team, ids["L1"], "2026-01-01"))["userErrors"] == []
    assert (await helpers.lead(gql, token, team, ids["L2"], "2026-03-01"))["userErrors"] == []
    node = (await gql.data(LEADERS, {"id": team}, token))["node"]
    assert names(node) == {
        "dec": None, "jan": "Lea", "feb": "Lea", "mar": "Max", "may": "Max", "now": "Max"
    }  # fmt: skip
    jan, mar = dt.date(2026, 1, 1), dt.date(2026, 3, 1)
    assert await leaderships(database, org.id, team) == [(jan, mar, "Lea"), (mar, None, "Max")]

    # A second assignment on the same day corrects the first instead of stacking.
    assert (await helpers.lead(gql, token, team, ids["L1"], "2026-03-01"))["userErrors"] == []
    assert await leaderships(database, org.id, team) == [(jan, mar, "Lea"), (mar, None, "Lea")]
    # Nobody from May: the leadership in force ends that day.
    assert (await helpers.lead(gql, token, team, None, "2026-05-01"))["userErrors"] == []
    node = (await gql.data(LEADERS, {"id": team}, token))["node"]
    assert (node["mar"], node["may"], node["now"]) == ({"name": "Lea"}, None, None)

    before = await counts(database, org.id)
    refused = await helpers.lead(gql, token, team, ids["L2"], "2026-02-01")
    assert refused["userErrors"][0]["code"] == "OVERLAP"
    assert refused["userErrors"][0]["field"] == ["input", "effectiveFrom"]
    assert await counts(database, org.id) == before
    assert len(await leaderships(database, org.id, team)) == 3


async def test_assignments_are_dated(gql: Gql, make_org: Any, database: Database) -> None:
    org = await make_org()
    token = org.token("admin")
    t1, t2 = await helpers.unit(gql, token, "T1"), await helpers.unit(gql, token, "T2")
    agent, lead = await helpers.role(gql, token, "AGENT"), await helpers.role(gql, token, "LEAD")
    ids = await helpers.employees(
        gql, token, [{"externalId": "E", "name": "Eve"}, {"externalId": "F", "name": "Fay"}]
    )
    assert (await helpers.assign(gql, token, ids["E"], agent, t1, "2026-01-01"))["userErrors"] == []
    moved = await helpers.assign(gql, token, ids["E"], lead, t2, "2026-03-01")
    assert moved["userErrors"] == []
    eve = (await gql.data(ROLES, {"id": ids["E"]}, token))["node"]
    assert (eve["feb"]["code"], eve["mar"]["code"], eve["marUnit"]["name"]) == (
        "AGENT",
        "LEAD",
        "T2",
    )
    assert eve["assignments"] == [
        {"effectiveFrom": "2026-01-01", "effectiveTo": "2026-03-01",
         "role": {"code": "AGENT"}, "orgUnit": {"name": "T1"}},
        {"effectiveFrom": "2026-03-01", "effectiveTo": None,
         "role": {"code": "LEAD"}, "orgUnit": {"name": "T2"}},
    ]  # fmt: skip

    # effectiveTo closes an assignment (exclusive end).
    closed = await helpers.assign(gql, token, ids["F"], agent, t1, "2026-01-01", "2026-06-01")
    assert closed["assignment"]["effectiveTo"] == "2026-06-01"
    fay = (await gql.data(ROLES, {"id": ids["F"]}, token))["node"]
    assert (fay["may"], fay["jun"]) == ({"code": "AGENT"}, None)
    future = await helpers.assign(gql, token, ids["F"], lead, t2, "2026-07-01")
    assert future["userErrors"] == []

    before = await counts(database, org.id)
    refusals = [
        (ids["F"], "2026-06-15", None, "OVERLAP"),  # runs into the July assignment
        (ids["F"], "2026-03-01", None, "OVERLAP"),  # would end the current one, then overlap
        (ids["F"], "2026-06-01", "2026-07-02", "OVERLAP"),
        (ids["E"], "2026-03-01", None, "OVERLAP"),  # the same start as the one in force
        (ids["E"], "2026-05-01", "2026-05-01", "INVALID"),
    ]
    for employee, start, end, code in refusals:
        refused = await helpers.assign(gql, token, employee, agent, t1, start, end)
        assert refused["assignment"] is None
        assert [e["code"] for e in refused["userErrors"]] == [code], (start, end)
    assert await counts(database, org.id) == before
    fay = (await gql.data(ROLES, {"id": ids["F"]}, token))["node"]
    assert [a["effectiveTo"] for a in fay["assignments"]] == ["2026-06-01", None]
    gap = await helpers.assign(gql, token, ids["F"], agent, t2, "2026-06-01", "2026-07-01")
    assert gap["userErrors"] == []


REVIEWERS = """query($id: ID!) { node(id: $id) { ... on Employee {
  dec: reviewer(at: "2025-12-31") { name } feb: reviewer(at: "2026-02-01") { name }
  apr: reviewer(at: "2026-04-15") { name } may: reviewer(at: "2026-05-15") { name }
  jun: reviewer(at: "2026-06-15") { name }
} } }"""


async def test_reviewer_is_the_nearest_other_leader_on_the_date(gql: Gql, make_org: Any) -> None:
    org = await make_org()
    token = org.token("admin")
    site = await helpers.unit(gql, token, "Site", "SITE")
    program = await helpers.unit(gql, token, "Program", "PROGRAM", site)
    team = await helpers.unit(gql, token, "Team", "TEAM", program)
    role = await helpers.role(gql, token)
    people = ["SL", "PL", "TL", "TL2", "A"]
    ids = await helpers.employees(gql, token, [{"externalId": p, "name": p} for p in people])
    for person, unit, start in [
        ("SL", site, "2026-01-01"),
        ("PL", program, "2026-01-01"),
        ("TL", team, "2026-01-01"),
        ("TL2", team, "2026-04-01"),
        ("A", team, "2026-01-01"),
    ]:
        assert (await helpers.assign(gql, token, ids[person], role, unit, start))[
            "userErrors"
        ] == []
    for unit, person, start in [
        (site, "SL", "2026-01-01"),
        (team, "TL", "2026-01-01"),
        (team, "TL2", "2026-04-01"),  # the team changes leader in April
        (program, "PL", "2026-05-01"),  # the program has no leader before May
        (team, None, "2026-06-01"),  # and the team none from June
    ]:
        assert (await helpers.lead(gql, token, unit, ids.get(person or ""), start))[
            "userErrors"
        ] == []

    async def reviewers(person: str) -> dict[str, str | None]:
        return names((await gql.data(REVIEWERS, {"id": ids[person]}, token))["node"])

    # Before any assignment there is no reviewer.
    assert await reviewers("A") == {
        "dec": None, "feb": "TL", "apr": "TL2", "may": "TL2", "jun": "PL"
    }  # fmt: skip
    # TL leads the team until April: skip TL, skip the program (no leader yet), reach the site.
    assert await reviewers("TL") == {
        "dec": None, "feb": "SL", "apr": "TL2", "may": "TL2", "jun": "PL"
    }  # fmt: skip
    # TL2 joins in April leading the team; the program gets its leader in May.
    assert await reviewers("TL2") == {
        "dec": None, "feb": None, "apr": "SL", "may": "PL", "jun": "PL"
    }  # fmt: skip
    assert await reviewers("PL") == {
        "dec": None, "feb": "SL", "apr": "SL", "may": "SL", "jun": "SL"
    }  # fmt: skip
    # The site leader leads the root: nobody above reviews them.
    assert await reviewers("SL") == dict.fromkeys(("dec", "feb", "apr", "may", "jun"))
