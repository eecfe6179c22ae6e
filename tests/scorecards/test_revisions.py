"""Revisions reach live scorecards at once and never the past: a goal revised in the middle of
a month (scoring.md §8), and a KRA set re-published with other weights (§6).

The months are recent ones (readings may not lie in the future), kept out of FINAL by long grace
days. Hand computation (Example A inputs; AHT 129000 / 380 = 339.473684, lower is better):
- v1 420/360/300 until the 11th of a 31-day month, v2 400/340/280 from then: 10 and 21 days.
- PRORATE: anchors 12600/31 = 406.451613, 346.451613, 286.451613; AHT score
  100 + (346.451613 - 339.473684) / 60 × 20 = 102.33; Efficiency (70 × 102.33 + 30 × 107.67)
  / 100 = 103.93; overall (40 × 104.24 + 30 × 103.93 + 30 × 105.71) / 100 = 104.59 → band 3.
- END_OF_PERIOD: v2 only: AHT 100 + (340 - 339.473684) / 60 × 20 = 100.18; Efficiency 102.43;
  overall (40 × 104.24 + 30 × 102.43 + 30 × 105.71) / 100 = 104.14 → band 3.
- Before the revision (and the month before throughout): 105.54 → band 4.
- Weights 20 / 50 / 30 from the next month on:
  (20 × 104.24 + 50 × 107.09 + 30 × 105.71) / 100 = 106.11 → band 4.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text

from kra_api.db.session import Database
from tests import helpers
from tests.conftest import Gql
from tests.goals.revision_support import approve, proposed, revision
from tests.kras.support import KRA_UPDATE, actions, draft, payload, publish
from tests.scorecards.support import (
    EXAMPLE_A,
    agents,
    hire,
    items,
    kra_scores,
    month,
    period,
    record,
    scorecard,
)
from tests.scorecards.test_changes import anchor_values

GOALS = """query { organization { goals(first: 20, filter: {status: APPROVED}) {
  edges { node { id version kpi { code } } } } } }"""


def _month(first: dt.date) -> tuple[str, str]:
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first.isoformat(), following.isoformat()


def _previous(first: dt.date) -> dt.date:
    return (first - dt.timedelta(days=1)).replace(day=1)


def past_months(*, long: bool) -> tuple[tuple[str, str], tuple[str, str]]:
    """Two consecutive months that have ended (the later one of 31 days when ``long``)."""
    later = _previous(dt.datetime.now(dt.UTC).date().replace(day=1))
    while long and (dt.date.fromisoformat(_month(later)[1]) - later).days != 31:
        later = _previous(later)
    return _month(_previous(later)), _month(later)


async def keep_open(gql: Gql, token: str) -> None:
    """366 grace days: the months above stay PROVISIONAL, so they take revisions."""
    await helpers.settings(gql, token, graceDays=366)


def _day(first: str, days: int) -> str:
    return (dt.date.fromisoformat(first) + dt.timedelta(days=days)).isoformat()


def summary(card: dict[str, Any]) -> tuple[str, int]:
    """(overall score, band level)."""
    return card["overallScore"], card["band"]["level"]


async def test_a_mid_month_revision_reaches_the_live_scorecard(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org)
    await keep_open(gql, s.token)
    before, (start, end) = past_months(long=True)
    employee = await hire(gql, s, "R1")
    await record(gql, s.token, month("R1", EXAMPLE_A, start=start, end=end))
    await record(gql, s.token, month("R1", EXAMPLE_A, start=before[0], end=before[1]))
    revised_month = await period(gql, s.token, start, end)
    month_before = await period(gql, s.token, *before)
    untouched = await scorecard(gql, s.token, employee, month_before)
    assert summary(untouched) == ("105.54", 4)
    edges = (await gql.data(GOALS, {}, s.token))["organization"]["goals"]["edges"]
    aht_v1 = next(e["node"]["id"] for e in edges if e["node"]["kpi"]["code"] == "AHT")

    revised = {"threshold": "400", "target": "340", "stretch": "280"}
    hr = s.org.token("hr", sub="H1")
    proposal = await proposed(gql, hr, revision(aht_v1, 1, _day(start, 10), anchors=revised))
    # A proposal is not in force.
    assert summary(await scorecard(gql, s.token, employee, revised_month)) == ("105.54", 4)
    approved = await approve(gql, s.token, proposal)
    assert approved["userErrors"] == [], approved

    card = await scorecard(gql, s.token, employee, revised_month)
    aht = items(card)["AHT"]
    assert [(g["goal"]["id"], g["goal"]["version"], g["days"]) for g in aht["goals"]] == [
        (aht_v1, 1, 10),
        (proposal, 2, 21),
    ]
    assert anchor_values(aht) == ("406.451613", "346.451613", "286.451613")
    assert aht["score"] == "102.33"
    assert kra_scores(card)["Efficiency"] == "103.93"
    assert summary(card) == ("104.59", 3)

    await helpers.settings(gql, s.token, revisionMode="END_OF_PERIOD")
    card = await scorecard(gql, s.token, employee, revised_month)
    aht = items(card)["AHT"]
    assert [(g["goal"]["version"], g["days"]) for g in aht["goals"]] == [(2, 21)]
    assert (anchor_values(aht), aht["score"]) == (("400", "340", "280"), "100.18")
    assert kra_scores(card)["Efficiency"] == "102.43"
    assert summary(card) == ("104.14", 3)

    # The month before is untouched by the revision, under either mode.
    untouched_after = await scorecard(gql, s.token, employee, month_before)
    assert {k: v for k, v in untouched_after.items() if k != "computedAt"} == {
        k: v for k, v in untouched.items() if k != "computedAt"
    }


async def test_a_past_period_keeps_the_kra_set_then_in_force(
    gql: Gql, make_org: Any, database: Database
) -> None:
    s = await agents(gql, make_org)
    await keep_open(gql, s.token)
    (start, end), (next_start, next_end) = past_months(long=False)
    employee = await hire(gql, s, "K1")
    await record(gql, s.token, month("K1", EXAMPLE_A, start=start, end=end))
    await record(gql, s.token, month("K1", EXAMPLE_A, start=next_start, end=next_end))
    past_month = await period(gql, s.token, start, end)
    following = await period(gql, s.token, next_start, next_end)
    past_before = await scorecard(gql, s.token, employee, past_month)
    assert summary(await scorecard(gql, s.token, employee, following)) == ("105.54", 4)

    v2 = (await draft(gql, s.token, s.role))["kraSet"]
    new_weights = {"Customer experience": "20", "Efficiency": "50", "Quality": "30"}
    for kra in v2["kras"]:
        data = {"kraId": kra["id"], "weight": new_weights[kra["title"]]}
        assert (await payload(gql, s.token, KRA_UPDATE, data))["userErrors"] == []
    published = await publish(gql, s.token, v2["id"], next_start, reason="rebalance for Q2")
    assert published["userErrors"] == [], published
    assert published["kraSet"]["reason"] == "rebalance for Q2"
    assert (await actions(database, s.org.id))[-2:] == ["kraSet.end", "kraSet.publish"]
    async with database.session(s.org.id) as session:
        logged = await session.execute(
            text(
                "SELECT reason, after->>'effective_from' FROM audit_log "
                "WHERE action = :a ORDER BY at, id"
            ),
            {"a": "kraSet.publish"},
        )
        assert [tuple(r) for r in logged] == [
            (None, "2026-01-01"),
            ("rebalance for Q2", next_start),
        ]

    past_after = await scorecard(gql, s.token, employee, past_month)
    assert past_after["kraSet"]["version"] == 1
    assert [k["weight"] for k in past_after["kras"]] == ["40", "30", "30"]
    assert {k: v for k, v in past_after.items() if k != "computedAt"} == {
        k: v for k, v in past_before.items() if k != "computedAt"
    }
    card = await scorecard(gql, s.token, employee, following)
    assert card["kraSet"]["version"] == 2
    assert [k["weight"] for k in card["kras"]] == ["20", "50", "30"]
    assert kra_scores(card) == {
        "Customer experience": "104.24",
        "Efficiency": "107.09",
        "Quality": "105.71",
    }
    assert summary(card) == ("106.11", 4)
