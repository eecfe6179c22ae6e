"""What-if runs are set-based: goalSimulate and kraSetSimulate cost the same statements for a
team of 5 and of 50."""

from __future__ import annotations

from typing import Any

from kra_api.db.session import Database
from tests.api.test_query_count import statements
from tests.conftest import Gql
from tests.kras.support import draft
from tests.scorecards.test_query_count import team_of

SIMULATION = """simulation { changedCount bandsAfter { count }
  scorecards(first: 50) { edges { node { employee { name } before { overallScore }
  after { overallScore band { level } } } } } } userErrors { code }"""
GOAL = f"query($input: GoalSimulateInput!) {{ goalSimulate(input: $input) {{ {SIMULATION} }} }}"
SET = f"query($input: KraSetSimulateInput!) {{ kraSetSimulate(input: $input) {{ {SIMULATION} }} }}"
IDS = """query { organization { kpis(first: 10) { edges { node { id code } } }
  roles(first: 1) { edges { node { id } } } } }"""


async def _counted(database: Database, gql: Gql, token: str, query: str, data: Any) -> int:
    with statements(database) as seen:
        result = await gql.data(query, {"input": data}, token)
    (payload,) = result.values()
    assert payload["userErrors"] == [], payload
    assert payload["simulation"]["changedCount"] > 0
    return len(seen)


async def test_simulation_statements_do_not_grow(
    gql: Gql, make_org: Any, database: Database
) -> None:
    counts: dict[str, list[int]] = {"goal": [], "set": []}
    for size in (5, 50):
        token, unit, march, _ = await team_of(gql, make_org, size)
        ids = (await gql.data(IDS, {}, token))["organization"]
        aht = next(e["node"]["id"] for e in ids["kpis"]["edges"] if e["node"]["code"] == "AHT")
        role = ids["roles"]["edges"][0]["node"]["id"]
        tried = {"threshold": "400", "target": "340", "stretch": "280"}
        goal = {"kpiId": aht, "scopeKind": "ORG_UNIT", "scopeId": unit, "anchors": tried}
        counts["goal"].append(
            await _counted(database, gql, token, GOAL, {**goal, "periodId": march})
        )
        v2 = (await draft(gql, token, role))["kraSet"]
        # The copied draft is identical: change a KRA weight so that scores move.
        weights = {"Customer experience": "20", "Efficiency": "50", "Quality": "30"}
        for kra in v2["kras"]:
            await gql.data(
                "mutation($i: KraUpdateInput!) { kraUpdate(input: $i) { kra { id } } }",
                {"i": {"kraId": kra["id"], "weight": weights[kra["title"]]}},
                token,
            )
        counts["set"].append(
            await _counted(database, gql, token, SET, {"kraSetId": v2["id"], "periodId": march})
        )
    assert counts["goal"][0] == counts["goal"][1], counts
    assert counts["set"][0] == counts["set"][1], counts
