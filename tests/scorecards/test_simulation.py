"""goalSimulate and kraSetSimulate: scorecards before and after, band distributions, who may
simulate what, and nothing written (every tenant table counted, the audit log included).

Hand computation (March, Example A for S1 and Example B for S2, scoring.md §11):
- AHT anchors 400 / 340 / 280 for the month: AHT 100 + (340 - 339.473684) / 60 × 20 = 100.18.
  S1: Efficiency (70 × 100.18 + 30 × 107.67) / 100 = 102.43; overall
  (40 × 104.24 + 30 × 102.43 + 30 × 105.71) / 100 = 104.14 (band 4 → 3).
  S2: Efficiency (70 × 100.18 + 30 × 107.08) / 100 = 102.25; overall
  (40 × 92.47 + 30 × 102.25 + 30 × 105.71) / 100 = 99.38 (was 100.77, band 3 stays).
- KRA weights 20 / 50 / 30: S1 (20 × 104.24 + 50 × 107.09 + 30 × 105.71) / 100 = 106.11;
  S2 (20 × 92.47 + 50 × 106.91 + 30 × 105.71) / 100 = 103.66.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text

from kra_api.db.session import Database
from tests import helpers
from tests.conftest import Gql
from tests.kras.support import KRA_UPDATE, draft, payload
from tests.scorecards.support import EXAMPLE_A, Agents, agents, hire, month, period, record

OUTCOME = "overallScore overallStatus band { level } gateFailed"
SIMULATION = f"""simulation {{ period {{ name }} scorecardCount changedCount
  notRatedBefore notRatedAfter
  bandsBefore {{ band {{ level }} count }} bandsAfter {{ band {{ level }} count }}
  scorecards(first: $first, after: $after, changedOnly: $changedOnly) {{
    edges {{ cursor node {{ employee {{ externalId }} changed before {{ {OUTCOME} }}
      after {{ {OUTCOME} }} }} }} pageInfo {{ hasNextPage endCursor }} }} }}
  userErrors {{ code field message }}"""
GOAL_SIMULATE = f"""query($input: GoalSimulateInput!, $first: Int = 10, $after: String,
  $changedOnly: Boolean = false) {{ goalSimulate(input: $input) {{ {SIMULATION} }} }}"""
SET_SIMULATE = f"""query($input: KraSetSimulateInput!, $first: Int = 10, $after: String,
  $changedOnly: Boolean = false) {{ kraSetSimulate(input: $input) {{ {SIMULATION} }} }}"""
EXAMPLE_B = {**EXAMPLE_A, "CSAT": (44, 52), "FCR": (300, 430), "ADH": (9002, 9600)}
TRIED = {"threshold": "400", "target": "340", "stretch": "280"}


async def every_row(database: Database, org_id: uuid.UUID) -> dict[str, int]:
    """Rows of every table with an organization_id that the tenant sees (RLS scopes them)."""
    async with database.session(org_id) as session:
        tables = await session.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
                "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') "
                "AND a.attname = 'organization_id' AND NOT c.relispartition ORDER BY 1"
            )
        )
        names = [r[0] for r in tables]
        counts = {}
        for name in names:
            query = text(f'SELECT count(*) FROM "{name}"')  # names from the catalog, not input
            counts[name] = int((await session.execute(query)).scalar_one())
    assert {"goal", "kra_set", "kra", "audit_log", "kpi_reading"} <= set(counts)
    return counts


@pytest.fixture
async def world(gql: Gql, make_org: Any) -> dict[str, Any]:
    """Agents S1 (Example A) and S2 (Example B) in Team A, S3 without readings in Team B led by
    M2, L1 in another role; M1 leads Team A. March is a period."""
    s = await agents(gql, make_org)
    team_b = await helpers.unit(gql, s.token, "Team B", "TEAM", s.units["Site"])
    other_role = await helpers.role(gql, s.token, "TRAINER", "Trainer")
    people = {n: await hire(gql, s, n) for n in ("S1", "S2", "M1")}
    people["S3"] = await hire(gql, s, "S3", unit=team_b)
    people["M2"] = await hire(gql, s, "M2", unit=team_b)
    people["L1"] = await hire(gql, s, "L1", role=other_role)
    for leader, unit in (("M1", s.unit), ("M2", team_b)):
        assert (await helpers.lead(gql, s.token, unit, people[leader], "2026-01-01"))[
            "userErrors"
        ] == []
    await record(gql, s.token, month("S1", EXAMPLE_A) + month("S2", EXAMPLE_B))
    await record(gql, s.token, month("L1", EXAMPLE_A))
    return {"s": s, "people": people, "team_b": team_b, "march": await period(gql, s.token)}


def goal_input(s: Agents, march: str, kind: str, scope: str, **extra: Any) -> dict[str, Any]:
    """A goalSimulate input trying the AHT anchors above."""
    return {
        "kpiId": s.kpis["AHT"],
        "scopeKind": kind,
        "scopeId": scope,
        "anchors": TRIED,
        "periodId": march,
        **extra,
    }


def outcomes(sim: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Per employee: (changed, score before, band before, score after, band after)."""
    found = {}
    for edge in sim["scorecards"]["edges"]:
        n = edge["node"]
        before, after = n["before"], n["after"]
        level = [(b or {}).get("level") for b in (before["band"], after["band"])]
        found[n["employee"]["externalId"]] = (
            n["changed"],
            before["overallScore"],
            level[0],
            after["overallScore"],
            level[1],
        )
    return found


def bands(sim: dict[str, Any], key: str) -> dict[int, int]:
    """Non-zero band counts."""
    return {b["band"]["level"]: b["count"] for b in sim[key] if b["count"]}


async def test_goal_simulation_before_and_after_writes_nothing(
    gql: Gql, database: Database, world: dict[str, Any]
) -> None:
    s, march = world["s"], world["march"]
    before = await every_row(database, s.org.id)
    data = await gql.data(GOAL_SIMULATE, {"input": goal_input(s, march, "ROLE", s.role)}, s.token)
    result = data["goalSimulate"]
    assert result["userErrors"] == []
    sim = result["simulation"]
    assert outcomes(sim) == {
        "S1": (True, "105.54", 4, "104.14", 3),
        "S2": (True, "100.77", 3, "99.38", 3),
        "M1": (False, None, None, None, None),
        "S3": (False, None, None, None, None),
        "M2": (False, None, None, None, None),
    }
    assert [e["node"]["employee"]["externalId"] for e in sim["scorecards"]["edges"]][:2] == [
        "S1",
        "S2",
    ]  # changed first
    assert (sim["scorecardCount"], sim["changedCount"]) == (5, 2)
    assert bands(sim, "bandsBefore") == {3: 1, 4: 1}
    assert bands(sim, "bandsAfter") == {3: 2}
    assert (sim["notRatedBefore"], sim["notRatedAfter"]) == (3, 3)
    assert [b["band"]["level"] for b in sim["bandsAfter"]] == [1, 2, 3, 4, 5]
    # Pages, and only the changed ones.
    page = await gql.data(
        GOAL_SIMULATE,
        {"input": goal_input(s, march, "ROLE", s.role), "first": 1, "changedOnly": True},
        s.token,
    )
    edges = page["goalSimulate"]["simulation"]["scorecards"]
    assert [e["node"]["employee"]["externalId"] for e in edges["edges"]] == ["S1"]
    rest = await gql.data(
        GOAL_SIMULATE,
        {
            "input": goal_input(s, march, "ROLE", s.role),
            "first": 5,
            "after": edges["pageInfo"]["endCursor"],
            "changedOnly": True,
        },
        s.token,
    )
    assert [
        e["node"]["employee"]["externalId"]
        for e in rest["goalSimulate"]["simulation"]["scorecards"]["edges"]
    ] == ["S2"]
    # An EMPLOYEE-scope simulation reaches that employee only.
    one = await gql.data(
        GOAL_SIMULATE,
        {"input": goal_input(s, march, "EMPLOYEE", world["people"]["S2"])},
        s.token,
    )
    assert outcomes(one["goalSimulate"]["simulation"]) == {"S2": (True, "100.77", 3, "99.38", 3)}
    assert await every_row(database, s.org.id) == before


async def test_kra_set_simulation_of_a_draft(
    gql: Gql, database: Database, world: dict[str, Any]
) -> None:
    s, march = world["s"], world["march"]
    v2 = (await draft(gql, s.token, s.role))["kraSet"]
    weights = {"Customer experience": "20", "Efficiency": "50", "Quality": "30"}
    for kra in v2["kras"]:
        changed = await payload(
            gql, s.token, KRA_UPDATE, {"kraId": kra["id"], "weight": weights[kra["title"]]}
        )
        assert changed["userErrors"] == []
    before = await every_row(database, s.org.id)
    variables = {"input": {"kraSetId": v2["id"], "periodId": march}}
    result = (await gql.data(SET_SIMULATE, variables, s.token))["kraSetSimulate"]
    assert result["userErrors"] == []
    sim = result["simulation"]
    found = outcomes(sim)
    assert (found["S1"], found["S2"]) == (
        (True, "105.54", 4, "106.11", 4),
        (True, "100.77", 3, "103.66", 3),
    )
    assert "L1" not in found  # scored on another role
    assert await every_row(database, s.org.id) == before
    # Only drafts, and only drafts that could be published.
    published = {"input": {"kraSetId": (await _published(gql, s)), "periodId": march}}
    refused = (await gql.data(SET_SIMULATE, published, s.token))["kraSetSimulate"]
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_DRAFT"]
    first = v2["kras"][0]["id"]
    assert (await payload(gql, s.token, KRA_UPDATE, {"kraId": first, "weight": "25"}))[
        "userErrors"
    ] == []
    broken = (await gql.data(SET_SIMULATE, variables, s.token))["kraSetSimulate"]
    assert [e["code"] for e in broken["userErrors"]] == ["WEIGHTS_TOTAL"]
    assert broken["simulation"] is None


async def _published(gql: Gql, s: Agents) -> str:
    query = 'query($id: ID!) { node(id: $id) { ... on Role { kraSet(at: "2026-03-01") { id } } } }'
    found: str = (await gql.data(query, {"id": s.role}, s.token))["node"]["kraSet"]["id"]
    return found


async def test_who_may_simulate_and_refusals(
    gql: Gql, make_org: Any, world: dict[str, Any]
) -> None:
    s, march, people = world["s"], world["march"], world["people"]
    m1 = s.org.token("manager", sub="M1")
    team = await gql.data(GOAL_SIMULATE, {"input": goal_input(s, march, "ORG_UNIT", s.unit)}, m1)
    assert set(outcomes(team["goalSimulate"]["simulation"])) == {"S1", "S2", "M1", "L1"}
    for kind, scope in (
        ("ROLE", s.role),
        ("ORG_UNIT", world["team_b"]),
        ("EMPLOYEE", people["M1"]),
    ):
        body = await gql(GOAL_SIMULATE, {"input": goal_input(s, march, kind, scope)}, m1)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", kind
    for token in (s.org.token("employee", sub="S1"), await s.org.api_key(["scorecards:read"])):
        body = await gql(GOAL_SIMULATE, {"input": goal_input(s, march, "ROLE", s.role)}, token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(SET_SIMULATE, {"input": {"kraSetId": s.role, "periodId": march}}, m1)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    cases = [
        ({"anchors": {"threshold": "300", "target": "340"}}, [("INVALID_ANCHORS", "target")]),
        ({"anchors": {"target": "340"}}, [("MISSING_ANCHOR", "threshold")]),
        ({"periodId": s.role}, [("NOT_FOUND", "periodId")]),
        ({"kpiId": s.role}, [("NOT_FOUND", "kpiId")]),
        ({"scopeId": people["S1"]}, [("NOT_FOUND", "scopeId")]),  # an employee is no role
    ]
    # Another tenant's ids are unknown ids, whoever asks.
    other = await make_org()
    foreign = await helpers.unit(gql, other.token("admin"), "Elsewhere", "TEAM")
    cases.append(({"scopeKind": "ORG_UNIT", "scopeId": foreign}, [("NOT_FOUND", "scopeId")]))
    for change, expected in cases:
        data = await gql.data(
            GOAL_SIMULATE, {"input": {**goal_input(s, march, "ROLE", s.role), **change}}, s.token
        )
        errors = data["goalSimulate"]["userErrors"]
        assert [(e["code"], e["field"][-1]) for e in errors] == expected, change
