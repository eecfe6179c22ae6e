"""Changes inside a period: goal versions (PRORATE / END_OF_PERIOD, §8), a move to another
team and a new role (§3 day-by-day precedence, §6 the role at the period's end).

Hand computation (AHT, lower is better, value 129000 / 380 = 339.473684 unless said):
- PRORATE: v1 420/360/300 on 10 days, v2 400/340/280 on 21: anchors 12600/31 = 406.451613,
  346.451613, 286.451613; score 100 + (346.451613 - 339.473684) / 60 × 20 = 102.33.
- END_OF_PERIOD: v2 only: 100 + (340 - 339.473684) / 60 × 20 = 100.18.
"""

from __future__ import annotations

from typing import Any

from tests import helpers
from tests.conftest import Gql
from tests.kras.support import draft, fill, publish, role_with_draft
from tests.scorecards.support import (
    EXAMPLE_A,
    MARCH,
    agents,
    anchors,
    daily,
    goal,
    hire,
    items,
    kra_scores,
    month,
    period,
    record,
    scorecard,
)

TEAM_AHT = """query($u: ID!, $p: ID!) { teamScorecard(orgUnitId: $u, periodId: $p) {
  memberCount members(first: 10) { edges { node { employee { externalId } } } }
  kpis { kpi { code } value componentSums { name value } } } }"""


def anchor_values(item: dict[str, Any]) -> tuple[str, str, str]:
    """(threshold, target, stretch) of an item."""
    return item["threshold"], item["target"], item["stretch"]


async def test_goal_versions_prorate_and_end_of_period(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org, goals=False)
    for code in ("CSAT", "FCR", "ADH", "QA"):
        await goal(gql, s, code, anchors(code), "ROLE", s.role)
    v1 = await goal(gql, s, "AHT", anchors("AHT"), "ROLE", s.role, end="2026-03-11")
    revised = {"threshold": "400", "target": "340", "stretch": "280"}
    v2 = await goal(gql, s, "AHT", revised, "ROLE", s.role, start="2026-03-11")
    employee = await hire(gql, s, "G1")
    await record(gql, s.token, month("G1", EXAMPLE_A))
    march = await period(gql, s.token)

    aht = items(card := await scorecard(gql, s.token, employee, march))["AHT"]
    assert [(g["goal"]["id"], g["days"]) for g in aht["goals"]] == [(v1["id"], 10), (v2["id"], 21)]
    assert anchor_values(aht) == ("406.451613", "346.451613", "286.451613")
    assert (aht["score"], aht["segment"]) == ("102.33", "TARGET_TO_STRETCH")
    assert kra_scores(card)["Efficiency"] == "103.93"  # (70 × 102.33 + 30 × 107.67) / 100

    await helpers.settings(gql, s.token, revisionMode="END_OF_PERIOD")
    aht = items(card := await scorecard(gql, s.token, employee, march))["AHT"]
    assert [(g["goal"]["id"], g["days"]) for g in aht["goals"]] == [(v2["id"], 21)]
    assert anchor_values(aht) == ("400", "340", "280")
    assert aht["score"] == "100.18"
    assert kra_scores(card)["Efficiency"] == "102.43"


async def test_a_move_to_another_team_mid_period(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org)
    team_b = await helpers.unit(gql, s.token, "Team B", "TEAM", s.units["Site"])
    # Team A's own AHT goal beats the role goal on the days the employee is in Team A.
    team_goal = {"threshold": "430", "target": "370", "stretch": "310"}
    unit_goal = await goal(gql, s, "AHT", team_goal, "ORG_UNIT", s.unit)
    mover = await hire(gql, s, "M1", end="2026-03-16")
    await hire(gql, s, "M1", unit=team_b, start="2026-03-16")
    await hire(gql, s, "STAY")
    readings = daily("M1", "AHT", (4500, 15), MARCH[0], "2026-03-16")
    readings += daily("M1", "AHT", (8000, 16), "2026-03-16", MARCH[1])
    readings += daily("STAY", "AHT", (3100, 10))
    await record(gql, s.token, readings)
    march = await period(gql, s.token)

    card = await scorecard(gql, s.token, mover, march)
    assert card["orgUnit"]["name"] == "Team B"  # the unit on the period's last day
    aht = items(card)["AHT"]
    assert aht["value"] == "403.225806"  # every reading of the month: 12500 / 31
    role_goal = next(g for g in aht["goals"] if g["goal"]["id"] != unit_goal["id"])
    assert [g["days"] for g in aht["goals"]] == [15, 16]
    assert aht["goals"][0]["goal"]["id"] == unit_goal["id"]
    assert role_goal["days"] == 16
    # (430 × 15 + 420 × 16) / 31 ...; 50 + (424.838710 - 403.225806) / 60 × 50.
    assert anchor_values(aht) == ("424.838710", "364.838710", "304.838710")
    assert (aht["score"], aht["segment"]) == ("68.01", "THRESHOLD_TO_TARGET")

    # Team KPIs count the mover's readings in the team they were in on each day.
    team_a = await gql.data(TEAM_AHT, {"u": s.unit, "p": march}, s.token)
    team_a = team_a["teamScorecard"]
    assert [e["node"]["employee"]["externalId"] for e in team_a["members"]["edges"]] == ["STAY"]
    aht_a = next(k for k in team_a["kpis"] if k["kpi"]["code"] == "AHT")
    assert aht_a["componentSums"] == [
        {"name": "handle_seconds", "value": "7600"},
        {"name": "handled", "value": "25"},
    ]
    assert aht_a["value"] == "304.000000"
    team_b_card = (await gql.data(TEAM_AHT, {"u": team_b, "p": march}, s.token))["teamScorecard"]
    aht_b = next(k for k in team_b_card["kpis"] if k["kpi"]["code"] == "AHT")
    assert (team_b_card["memberCount"], aht_b["value"]) == (1, "500.000000")


async def test_a_new_role_mid_period_scores_on_the_role_at_the_end(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org)
    lead_role, draft = await role_with_draft(gql, s.token, "LEAD")
    await fill(gql, s.token, draft, [("Efficiency", "100", [("AHT", "100")])], gate=False)
    assert (await publish(gql, s.token, draft, "2026-01-01"))["userErrors"] == []
    lead_goal = {"threshold": "400", "target": "350", "stretch": "300"}
    lead_aht = await goal(gql, s, "AHT", lead_goal, "ROLE", lead_role)
    employee = await hire(gql, s, "P1", end="2026-03-21")
    await hire(gql, s, "P1", role=lead_role, start="2026-03-21")
    await record(gql, s.token, month("P1", EXAMPLE_A))

    card = await scorecard(gql, s.token, employee, await period(gql, s.token))
    assert card["role"]["code"] == "LEAD"
    assert [k["kra"]["title"] for k in card["kras"]] == ["Efficiency"]
    aht = items(card)["AHT"]
    # The role held each day decides: the agent goal for 20 days, the lead goal for 11.
    assert [g["days"] for g in aht["goals"]] == [20, 11]
    assert aht["goals"][1]["goal"]["id"] == lead_aht["id"]
    assert anchor_values(aht) == ("412.903226", "356.451613", "300")
    assert aht["value"] == "339.473684"  # the whole month's readings count
    assert (aht["score"], card["overallScore"], card["band"]["level"]) == ("106.02", "106.02", 4)


async def test_leavers_are_scored_on_their_last_assigned_day(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org)
    moved = await hire(gql, s, "L1", end="2026-03-20")  # last day in March: the 19th
    terminated = await hire(gql, s, "L2")
    await helpers.employees(
        gql, s.token, [{"externalId": "L2", "name": "Agent L2", "terminatedOn": "2026-03-19"}]
    )
    stayer = await hire(gql, s, "S1")
    # A new version of the agent set takes effect on 20 March: only the stayer gets it.
    drafted = await draft(gql, s.token, s.role)
    assert drafted["userErrors"] == [], drafted
    assert (await publish(gql, s.token, drafted["kraSet"]["id"], "2026-03-20"))["userErrors"] == []
    await record(gql, s.token, month("L1", EXAMPLE_A) + month("S1", EXAMPLE_A))
    march = await period(gql, s.token)
    versions = {}
    for name, employee in (("L1", moved), ("L2", terminated), ("S1", stayer)):
        card = await scorecard(gql, s.token, employee, march)
        versions[name] = (card["kraSet"]["version"], card["role"]["code"])
    assert versions == {"L1": (1, "AGENT"), "L2": (1, "AGENT"), "S1": (2, "AGENT")}
    team = (await gql.data(TEAM_AHT, {"u": s.unit, "p": march}, s.token))["teamScorecard"]
    members = [e["node"]["employee"]["externalId"] for e in team["members"]["edges"]]
    assert members == ["S1"]  # everyone assigned on the period's last day only
    # The leaver's readings while a member (1-19 March) still count in the team's values:
    # daily parts of 129000 are 4162 on days 1-9, 4161 after; of 380, 13 on days 1-8, 12 after.
    aht = next(k for k in team["kpis"] if k["kpi"]["code"] == "AHT")
    assert aht["componentSums"] == [
        {"name": "handle_seconds", "value": str(129000 + 19 * 4161 + 9)},
        {"name": "handled", "value": str(380 + 19 * 12 + 8)},
    ]
