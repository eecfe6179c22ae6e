"""Team roll-ups (ratio of sums, §2), LED_UNITS items (§6), FIRST / LAST components, and the
members connection of teamScorecard."""

from __future__ import annotations

from typing import Any

from tests import helpers
from tests.conftest import Gql
from tests.kras.support import import_kpis, item, kra, publish, role_with_draft
from tests.scorecards.support import (
    EXAMPLE_A,
    Agents,
    agents,
    daily,
    goal,
    hire,
    items,
    month,
    period,
    record,
    scorecard,
)

TEAM = """query($u: ID!, $p: ID!, $first: Int, $after: String) {
  teamScorecard(orgUnitId: $u, periodId: $p) {
    orgUnit { name } period { name } averageScore ratedCount memberCount
    bandDistribution { band { level } count }
    kpis { kpi { code } value componentSums { name value } }
    members(first: $first, after: $after) {
      edges { cursor node { id overallScore overallStatus employee { externalId name } } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  } }"""
UNIT = """mutation($input: OrgUnitCreateInput!) {
  orgUnitCreate(input: $input) { orgUnit { id } userErrors { code field message } } }"""
# (handle_seconds, handled) and (positive, responses) per agent: scoring.md §2's example.
VOLUMES = {"A": ((30000, 100), (40, 50)), "B": ((6000, 10), (18, 20)), "C": ((31500, 90), (25, 30))}


async def led_role(gql: Gql, s: Agents, code: str) -> str:
    """A role whose only KRA reads AHT over the units its holders lead (LED_UNITS)."""
    role_id, draft = await role_with_draft(gql, s.token, code)
    kra_id = await kra(gql, s.token, draft, "Team", "100")
    added = await item(gql, s.token, kra_id, "AHT", weight="100", scope="LED_UNITS")
    assert added["userErrors"] == [], added
    assert (await publish(gql, s.token, draft, "2026-01-01"))["userErrors"] == []
    await goal(
        gql, s, "AHT", {"threshold": "420", "target": "360", "stretch": "300"}, "ROLE", role_id
    )
    return role_id


async def sub_unit(gql: Gql, s: Agents, name: str, parent: str, external_id: str) -> str:
    """A unit with an external id (ORG_UNIT readings name it)."""
    data = {"name": name, "kind": "TEAM", "parentId": parent, "externalId": external_id}
    result = (await gql.data(UNIT, {"input": data}, s.token))["orgUnitCreate"]
    assert result["userErrors"] == [], result
    unit_id: str = result["orgUnit"]["id"]
    return unit_id


async def test_team_values_are_ratios_of_sums(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org)
    await helpers.unit(gql, s.token, "unused", "TEAM", s.units["Site"])
    sub = await sub_unit(gql, s, "Team A1", s.unit, "A1")
    lead_role = await led_role(gql, s, "LEAD")
    qa_role = await led_role(gql, s, "QA_AN")
    for name in ("A", "B", "D", "E"):
        await hire(gql, s, name)
    await hire(gql, s, "C", unit=sub)
    leader = await hire(gql, s, "L", unit=s.units["Site"], role=lead_role)
    analyst = await hire(gql, s, "Q", role=qa_role)
    assert (await helpers.lead(gql, s.token, s.unit, leader, "2026-01-01"))["userErrors"] == []
    readings = []
    for name, (aht, csat) in VOLUMES.items():
        readings += month(name, {**EXAMPLE_A, "AHT": aht, "CSAT": csat})
    readings += daily("L", "AHT", (1000, 1))  # a leader's own calls never count for LED_UNITS
    await record(gql, s.token, readings)
    march = await period(gql, s.token)

    data = (await gql.data(TEAM, {"u": s.unit, "p": march, "first": 10}, s.token))["teamScorecard"]
    kpis = {k["kpi"]["code"]: k for k in data["kpis"]}
    assert kpis["AHT"]["value"] == "337.500000"  # 67500 / 200, not the mean of AHTs (416.67)
    assert kpis["AHT"]["componentSums"] == [
        {"name": "handle_seconds", "value": "67500"},
        {"name": "handled", "value": "200"},
    ]
    assert kpis["CSAT"]["value"] == "83.000000"  # 83 / 100
    assert list(kpis) == sorted(kpis)
    members = [e["node"] for e in data["members"]["edges"]]
    assert data["memberCount"] == len(members) == 6  # A, B, D, E, Q in Team A; C in Team A1
    # A: AHT 300 (120), CSAT 80 % (75) → 100.64; B: AHT 600 (0), CSAT 90 % (110) → 83.84;
    # C: AHT 350 (103.33), CSAT 83.33 % (91.67) → 101.14; Q: LED_UNITS AHT 327.27 → 110.91.
    ranked = [(m["employee"]["externalId"], m["overallScore"]) for m in members]
    assert ranked == [
        ("Q", "110.91"),
        ("C", "101.14"),
        ("A", "100.64"),
        ("B", "83.84"),
        ("D", None),  # NOT_RATED last, by name
        ("E", None),
    ]
    assert (data["averageScore"], data["ratedCount"]) == ("99.13", 4)  # 396.53 / 4
    distribution = {b["band"]["level"]: b["count"] for b in data["bandDistribution"]}
    assert distribution == {1: 0, 2: 1, 3: 2, 4: 1, 5: 0}

    # LED_UNITS: the leader reads Team A's subtree; the analyst (who leads nothing) the other
    # members of their own unit only: A and B.
    lead_card = await scorecard(gql, s.token, leader, march)
    assert items(lead_card)["AHT"]["value"] == "337.500000"
    qa_card = await scorecard(gql, s.token, analyst, march)
    assert items(qa_card)["AHT"]["value"] == "327.272727"  # 36000 / 110


async def test_members_page_with_keyset_cursors(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org)
    for name in ("A", "B", "C", "D", "E"):
        await hire(gql, s, name)
    readings = []
    for name, (aht, csat) in VOLUMES.items():
        readings += month(name, {**EXAMPLE_A, "AHT": aht, "CSAT": csat})
    await record(gql, s.token, readings)
    march = await period(gql, s.token)
    variables: dict[str, Any] = {"u": s.unit, "p": march, "first": 5}
    full = (await gql.data(TEAM, variables, s.token))["teamScorecard"]["members"]
    order = [e["node"]["employee"]["externalId"] for e in full["edges"]]
    assert order == ["C", "A", "B", "D", "E"]
    seen: list[str] = []
    after = None
    while True:
        page = await gql.data(TEAM, {**variables, "first": 2, "after": after}, s.token)
        members = page["teamScorecard"]["members"]
        seen += [e["node"]["employee"]["externalId"] for e in members["edges"]]
        assert members["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not members["pageInfo"]["hasNextPage"]:
            break
        after = members["pageInfo"]["endCursor"]
    assert seen == order
    body = await gql(TEAM, {**variables, "first": 101}, s.token)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = await gql(TEAM, {**variables, "after": "bm90LWEtY3Vyc29y"}, s.token)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_first_and_last_components(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org, goals=False)
    s.kpis.update(await import_kpis(gql, s.token, ["BACKLOG", "ATTRITION"]))
    top = await sub_unit(gql, s, "Team TA", s.units["Site"], "TA")
    sub = await sub_unit(gql, s, "Team A1", top, "A1")
    await hire(gql, s, "A", unit=top)
    await hire(gql, s, "B", unit=sub)
    backlog = [
        snapshot("A", "BACKLOG", "2026-03-01", open_items="9"),
        snapshot("A", "BACKLOG", "2026-03-31", open_items="5"),
        snapshot("B", "BACKLOG", "2026-03-02", open_items="3"),
        snapshot("B", "BACKLOG", "2026-03-30", open_items="7"),
    ]
    attrition = [
        unit_snapshot(
            "TA", "2026-03-01", separations="1", headcount_start="20", headcount_end="20"
        ),
        unit_snapshot(
            "TA", "2026-03-31", separations="1", headcount_start="19", headcount_end="18"
        ),
        unit_snapshot(
            "A1", "2026-03-01", separations="0", headcount_start="10", headcount_end="10"
        ),
        unit_snapshot("A1", "2026-03-15", separations="1", headcount_start="10", headcount_end="9"),
    ]
    await record(gql, s.token, backlog + attrition)
    march = await period(gql, s.token)
    data = (await gql.data(TEAM, {"u": top, "p": march, "first": 1}, s.token))["teamScorecard"]
    kpis = {k["kpi"]["code"]: k for k in data["kpis"]}
    # LAST per person, summed: 5 + 7.
    assert kpis["BACKLOG"]["value"] == "12.000000"
    # separations 3; headcount_start FIRST per unit 20 + 10; headcount_end LAST 18 + 9.
    assert kpis["ATTRITION"]["componentSums"] == [
        {"name": "headcount_end", "value": "27"},
        {"name": "headcount_start", "value": "30"},
        {"name": "separations", "value": "3"},
    ]
    assert kpis["ATTRITION"]["value"] == "10.526316"  # 3 / 28.5 × 100


def snapshot(employee: str, code: str, day: str, **values: str) -> dict[str, Any]:
    """One daily reading of an employee."""
    return _reading({"employeeExternalId": employee}, code, day, values)


def unit_snapshot(unit: str, day: str, **values: str) -> dict[str, Any]:
    """One daily ATTRITION reading of an org unit."""
    return _reading({"orgUnitExternalId": unit}, "ATTRITION", day, values)


def _reading(
    subject: dict[str, str], code: str, day: str, values: dict[str, str]
) -> dict[str, Any]:
    end = f"{day[:8]}{int(day[8:]) + 1:02d}" if day[8:] != "31" else "2026-04-01"
    return {
        **subject,
        "kpiCode": code,
        "intervalStart": f"{day}T00:00:00+00:00",
        "intervalEnd": f"{end}T00:00:00+00:00",
        "components": [{"name": k, "value": v} for k, v in values.items()],
    }
