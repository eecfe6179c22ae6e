"""Frozen snapshots: once FINALIZED, no reading, goal change or settings change moves a number;
evaluationAdjust recomputes as revision 2 with what changed, and revision 1 stays readable.
RELATIVE goals take their baseline from the previous period's finalized snapshot."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from kra_api.db.session import Database
from kra_api.evaluations import snapshot
from tests.conftest import Gql
from tests.evaluations.support import NODE, SETTINGS, bring_to, cycle, ok
from tests.scorecards.support import CARD_FIELDS, daily, goal, items, period, record, scorecard

CARDS = f"""query($e: ID!, $p: ID!) {{ evaluation(employeeId: $e, periodId: $p) {{
  id revision state inputHash changes {{ path before after }}
  scorecard {{ {CARD_FIELDS} }}
  revisions {{ id revision state inputHash revisionReason scorecard {{ {CARD_FIELDS} }} }} }} }}"""


async def _cards(gql: Gql, token: str, employee: str, period_id: str) -> dict[str, Any]:
    found: dict[str, Any] = (await gql.data(CARDS, {"e": employee, "p": period_id}, token))[
        "evaluation"
    ]
    return found


async def _settings(gql: Gql, token: str, **changes: Any) -> None:
    result = (await gql.data(SETTINGS, {"input": changes}, token))["organizationSettingsUpdate"]
    assert result["userErrors"] == [], result


async def _stored_snapshot(database: Database, org_id: Any, input_hash: str) -> dict[str, Any]:
    async with database.session(org_id) as session:
        row = await session.execute(
            text("SELECT snapshot FROM evaluation_revision WHERE input_hash = :h"),
            {"h": input_hash},
        )
        found: dict[str, Any] = row.scalar_one()
        return found


async def test_finalized_numbers_never_move_and_adjust_makes_revision_two(
    gql: Gql, make_org: Any, database: Database
) -> None:
    c = await cycle(gql, make_org)
    await _settings(gql, c.s.token, graceDays=366)  # March stays PROVISIONAL: goals may change
    a1 = c.people["A1"]
    evaluation_id = await bring_to(c, gql, "A1", "CALIBRATION")
    await ok(gql, c.hr, "FINALIZE", evaluation_id)
    first = await _cards(gql, c.hr, a1, c.march)
    frozen = first["scorecard"]
    assert frozen["final"] is True
    assert await scorecard(gql, c.hr, a1, c.march) == frozen
    stored = await _stored_snapshot(database, c.s.org.id, first["inputHash"])
    assert snapshot.input_hash(stored) == first["inputHash"]

    # A correcting reading (higher source revision), an employee goal, settings: all after.
    fix = daily("A1", "CSAT", (0, 12), "2026-03-10", "2026-03-11")
    fix[0]["sourceRevision"] = 5
    await record(gql, c.s.token, fix)
    anchors = {"threshold": "400", "target": "350", "stretch": "300"}
    await goal(gql, c.s, "AHT", anchors, "EMPLOYEE", a1, start="2026-03-01")
    await _settings(gql, c.s.token, gateCap="70", targetScore="101")
    await ok(gql, c.token("employee", "A1"), "ACKNOWLEDGE", evaluation_id)

    again = await _cards(gql, c.hr, a1, c.march)
    assert again["scorecard"] == frozen  # to the cent, every number, the computedAt included
    assert await scorecard(gql, c.hr, a1, c.march) == frozen
    live_a2 = await scorecard(gql, c.hr, c.people["A2"], c.march)
    assert live_a2["final"] is False

    adjusted = await ok(gql, c.hr, "ADJUST", evaluation_id, reason="Late CSAT and AHT goal")
    assert (adjusted["state"], adjusted["revision"]) == ("FINALIZED", 2)
    second = await _cards(gql, c.hr, a1, c.march)
    new = items(second["scorecard"])
    # March 10 held 2 positive of 2 responses; revision 5 replaced it with 0 of 12.
    assert new["CSAT"]["componentSums"] == [
        {"name": "positive", "value": "44"},
        {"name": "responses", "value": "62"},
    ]
    assert (items(frozen)["CSAT"]["value"], new["CSAT"]["value"]) == ("88.461538", "70.967742")
    assert (new["AHT"]["threshold"], new["AHT"]["target"]) == ("400", "350")
    assert second["inputHash"] != first["inputHash"]
    paths = {tuple(ch["path"]): (ch["before"], ch["after"]) for ch in second["changes"]}
    assert paths[("kras", "Efficiency", "AHT", "threshold")] == ("420", "400")
    assert ("kras", "Customer experience", "CSAT", "value") in paths
    assert paths[("overallScore",)] == (frozen["overallScore"], second["scorecard"]["overallScore"])
    assert await scorecard(gql, c.hr, a1, c.march) == second["scorecard"]

    newest, oldest = second["revisions"]
    assert (newest["id"], newest["revision"], newest["state"]) == (evaluation_id, 2, "FINALIZED")
    assert (oldest["revision"], oldest["state"]) == (1, "ACKNOWLEDGED")
    assert oldest["scorecard"] == frozen
    assert newest["revisionReason"] == "Late CSAT and AHT goal"
    by_node = (await gql.data(NODE, {"id": oldest["id"]}, c.hr))["node"]
    assert (by_node["revision"], by_node["state"], by_node["allowedActions"]) == (
        1,
        "ACKNOWLEDGED",
        [],
    )


async def test_relative_baselines_read_the_previous_finalized_snapshot(
    gql: Gql, make_org: Any
) -> None:
    c = await cycle(gql, make_org)
    await _settings(gql, c.s.token, graceDays=366)
    april = await period(gql, c.s.token, "2026-04-01", "2026-05-01", name="April 2026")
    relative = {"threshold": "0.9", "target": "1", "stretch": "1.1"}
    for agent in ("A1", "A2"):
        await goal(
            gql, c.s, "CSAT", relative, "EMPLOYEE", c.people[agent],
            start="2026-04-01", basis="RELATIVE",
        )  # fmt: skip
        await record(gql, c.s.token, daily(agent, "CSAT", (45, 50), "2026-04-01", "2026-05-01"))
    evaluation_id = await bring_to(c, gql, "A1", "CALIBRATION")
    await ok(gql, c.hr, "FINALIZE", evaluation_id)  # A1's March is frozen, A2's is not
    # A late March reading from another source lowers both agents' live March CSAT.
    for agent in ("A1", "A2"):
        late = daily(agent, "CSAT", (0, 48), "2026-03-31", "2026-04-01")
        await record(gql, c.s.token, late, source="survey")

    a1 = items(await scorecard(gql, c.hr, c.people["A1"], april))["CSAT"]
    a2 = items(await scorecard(gql, c.hr, c.people["A2"], april))["CSAT"]
    assert a1["baseline"] == "88.461538"  # 46 / 52, as frozen in March's snapshot
    assert a2["baseline"] == "46.000000"  # (46 + 0) / (52 + 48): live
    assert (a1["target"], a2["target"]) == ("88.461538", "46")  # multiplier 1 × baseline
