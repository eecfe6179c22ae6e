"""Who reads which scorecard, team scorecard and trend (architecture.md "Auth model")."""

from __future__ import annotations

from typing import Any

import pytest

from tests import helpers
from tests.conftest import Gql
from tests.scorecards.support import EXAMPLE_A, SCORECARD, agents, hire, month, period, record

TEAM = """query($u: ID!, $p: ID!) { teamScorecard(orgUnitId: $u, periodId: $p) {
  memberCount members(first: 5) { edges { node { employee { externalId } } } } } }"""
TREND = """query($s: ID!) { kpiTrend(subjectId: $s, kpiCode: "AHT", from: "2026-03-01",
  to: "2026-04-01", grain: MONTH) { start value } }"""
NODE = "query($id: ID!) { node(id: $id) { id ... on Scorecard { overallScore } } }"


@pytest.fixture
async def world(gql: Gql, make_org: Any) -> dict[str, Any]:
    """Team A (agents E1, E2, led by M1) and Team B (agent E3, led by M2), March scored."""
    s = await agents(gql, make_org)
    team_b = await helpers.unit(gql, s.token, "Team B", "TEAM", s.units["Site"])
    people = {name: await hire(gql, s, name) for name in ("E1", "E2", "M1")}
    people["E3"] = await hire(gql, s, "E3", unit=team_b)
    people["M2"] = await hire(gql, s, "M2", unit=team_b)
    assert (await helpers.lead(gql, s.token, s.unit, people["M1"], "2026-01-01"))[
        "userErrors"
    ] == []
    assert (await helpers.lead(gql, s.token, team_b, people["M2"], "2026-01-01"))[
        "userErrors"
    ] == []
    await record(gql, s.token, month("E1", EXAMPLE_A) + month("E3", EXAMPLE_A))
    march = await period(gql, s.token)
    return {"s": s, "people": people, "team_b": team_b, "march": march}


def code(body: dict[str, Any]) -> str | None:
    """The first error's code (None: no error)."""
    errors = body.get("errors")
    return errors[0]["extensions"]["code"] if errors else None


SCORECARD_CASES = [
    (("employee", "E1"), "E1", True),
    (("employee", "E1"), "E2", False),
    (("manager", "M1"), "E1", True),
    (("manager", "M1"), "M1", True),  # their own scorecard
    (("manager", "M1"), "E3", False),  # another team's
    (("manager", "M2"), "E1", False),
    (("manager", "M2"), "E3", True),
    (("hr", None), "E3", True),
    (("admin", None), "E1", True),
    (("employee", None), "E1", False),  # a token for nobody
]
TEAM_CASES = [
    (("manager", "M1"), "Team A", True),
    (("manager", "M1"), "Team B", False),
    (("manager", "M1"), "Site", False),  # above the unit they lead
    (("manager", "M2"), "Team B", True),
    (("employee", "E1"), "Team A", False),
    (("hr", None), "Site", True),
]


async def test_scorecard_visibility(world: dict[str, Any], gql: Gql) -> None:
    s, people = world["s"], world["people"]
    for caller, target, allowed in SCORECARD_CASES:
        case = (caller, target)
        token = s.org.token(caller[0], sub=caller[1])
        body = await gql(SCORECARD, {"e": people[target], "p": world["march"]}, token)
        if allowed:
            assert code(body) is None, (case, body)
            assert body["data"]["scorecard"]["employee"]["externalId"] == target
        else:
            assert code(body) == "FORBIDDEN", (case, body)
            assert body["data"] is None or body["data"]["scorecard"] is None
        trend = await gql(TREND, {"s": people[target]}, token)
        assert code(trend) == (None if allowed else "FORBIDDEN"), (case, trend)


async def test_team_scorecard_visibility(world: dict[str, Any], gql: Gql) -> None:
    s = world["s"]
    units = {"Team A": s.unit, "Team B": world["team_b"], "Site": s.units["Site"]}
    for caller, unit, allowed in TEAM_CASES:
        token = s.org.token(caller[0], sub=caller[1])
        body = await gql(TEAM, {"u": units[unit], "p": world["march"]}, token)
        assert code(body) == (None if allowed else "FORBIDDEN"), (caller, unit, body)
        trend = await gql(TREND, {"s": units[unit]}, token)
        assert code(trend) == (None if allowed else "FORBIDDEN"), (caller, unit, trend)


async def test_integrations_need_scorecards_read(world: dict[str, Any], gql: Gql) -> None:
    s, people = world["s"], world["people"]
    variables = {"e": people["E1"], "p": world["march"]}
    reader = await s.org.api_key(["scorecards:read"])
    assert code(await gql(SCORECARD, variables, reader)) is None
    writer = await s.org.api_key(["readings:write"])
    assert code(await gql(SCORECARD, variables, writer)) == "FORBIDDEN"
    assert code(await gql(SCORECARD, variables)) == "UNAUTHENTICATED"


async def test_other_tenants_and_unknown_ids_are_null(
    world: dict[str, Any], gql: Gql, make_org: Any
) -> None:
    s, people = world["s"], world["people"]
    other = (await make_org()).token("admin")
    variables = {"e": people["E1"], "p": world["march"]}
    assert (await gql.data(SCORECARD, variables, other))["scorecard"] is None
    assert (await gql.data(TEAM, {"u": s.unit, "p": world["march"]}, other))[
        "teamScorecard"
    ] is None
    assert (await gql.data(TREND, {"s": people["E1"]}, other))["kpiTrend"] == []
    swapped = {"e": world["march"], "p": people["E1"]}
    assert (await gql.data(SCORECARD, swapped, s.token))["scorecard"] is None


async def test_scorecard_is_a_node(world: dict[str, Any], gql: Gql, make_org: Any) -> None:
    s, people = world["s"], world["people"]
    card = (await gql.data(SCORECARD, {"e": people["E1"], "p": world["march"]}, s.token))[
        "scorecard"
    ]
    node = (await gql.data(NODE, {"id": card["id"]}, s.token))["node"]
    assert node == {"id": card["id"], "overallScore": card["overallScore"]}
    # Not visible to another employee, nor to another tenant: null, like an unknown id.
    other_employee = s.org.token("employee", sub="E2")
    assert (await gql.data(NODE, {"id": card["id"]}, other_employee))["node"] is None
    other_tenant = (await make_org()).token("admin")
    assert (await gql.data(NODE, {"id": card["id"]}, other_tenant))["node"] is None
