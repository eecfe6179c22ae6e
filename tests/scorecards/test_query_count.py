"""Set-based scoring: teamScorecard costs the same statements for 5 and for 50 members."""

from __future__ import annotations

from typing import Any

from kra_api.db.session import Database
from tests import helpers
from tests.api.test_query_count import statements
from tests.conftest import Gql
from tests.scorecards.support import EXAMPLE_A, agents, month, period, record

TEAM = """query($u: ID!, $p: ID!) { teamScorecard(orgUnitId: $u, periodId: $p) {
  orgUnit { name } period { name } averageScore ratedCount memberCount
  bandDistribution { band { level } count } kpis { kpi { code } value }
  members(first: 50) { edges { node {
    id overallScore band { label } employee { name } role { code } orgUnit { name parent { name } }
    kraSet { version role { code } }
    kras { kra { title } score items {
      kpi { code } item { scope kra { title } } value score goals { days goal { version } }
    } }
  } } }
} }"""
SCORECARD = """query($e: ID!, $p: ID!) { scorecard(employeeId: $e, periodId: $p) {
  overallScore employee { name } role { code } orgUnit { name } kraSet { version }
  kras { kra { title } items { kpi { code } item { scope } goals { goal { version } } } } } }"""


async def team_of(gql: Gql, make_org: Any, size: int) -> tuple[str, str, str, str]:
    """A team of ``size`` agents with a month of readings; (token, team, period, an agent)."""
    s = await agents(gql, make_org)
    rows = [{"externalId": f"E{i:03d}", "name": f"Agent {i:03d}"} for i in range(size)]
    ids = await helpers.employees(gql, s.token, rows)
    for employee in ids.values():
        assigned = await helpers.assign(gql, s.token, employee, s.role, s.unit, "2026-01-01")
        assert assigned["userErrors"] == []
    readings = []
    for i, external_id in enumerate(sorted(ids)):
        # One reading per KPI over the whole month, volumes varying by agent.
        totals = {**EXAMPLE_A, "AHT": (120000 + 1000 * i, 380)}
        readings += month(external_id, totals, start="2026-03-01", end="2026-03-02")
    await record(gql, s.token, readings)
    march = await period(gql, s.token)
    return s.token, s.unit, march, ids["E000"]


async def test_team_scorecard_statements_do_not_grow(
    gql: Gql, make_org: Any, database: Database
) -> None:
    small, large = await team_of(gql, make_org, 5), await team_of(gql, make_org, 50)
    counts = []
    for token, unit, march, _ in (small, large):
        with statements(database) as seen:
            data = await gql.data(TEAM, {"u": unit, "p": march}, token)
        counts.append(len(seen))
        members = data["teamScorecard"]["members"]["edges"]
        assert all(m["node"]["overallScore"] for m in members)
        assert len(members) == data["teamScorecard"]["memberCount"]
    assert counts[0] == counts[1], counts
    print(f"teamScorecard statements for 5 vs 50 members: {counts[0]} vs {counts[1]}")


async def test_scorecard_statement_count(gql: Gql, make_org: Any, database: Database) -> None:
    token, _, march, employee = await team_of(gql, make_org, 3)
    with statements(database) as seen:
        card = (await gql.data(SCORECARD, {"e": employee, "p": march}, token))["scorecard"]
    assert card["overallScore"] is not None
    # Tenant set-up and organization (2 + 2), employee and period, whether a finalized
    # evaluation froze the card (scoring.md §9), then the run: previous period, tree,
    # leaderships, assignments, KRA sets, KRAs, items, KPIs, goals, planner settings, aggregate;
    # then the nested role and org unit. No statement per KRA, item or goal.
    assert len(seen) <= 20, [s.split("\n")[0][:80] for s in seen]
