"""scoring.md §11 end to end: catalogue KPIs, the agent KRA set, role goals and daily readings
through the API; the scorecard query returns every number of the worked examples."""

from __future__ import annotations

from typing import Any

from tests.conftest import Gql
from tests.scorecards.support import (
    EXAMPLE_A,
    agents,
    daily,
    hire,
    items,
    kra_scores,
    month,
    period,
    record,
    scorecard,
)

VALUES_A = {
    "CSAT": ("88.461538", "106.92"),
    "FCR": ("72.093023", "100.23"),
    "AHT": ("339.473684", "106.84"),
    "ADH": ("93.916667", "107.67"),
    "QA": ("90.000000", "105.71"),
}


async def test_example_a_and_one_compliance_failure(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org)
    employee = await hire(gql, s, "A1")
    await record(gql, s.token, month("A1", EXAMPLE_A))
    march = await period(gql, s.token)

    card = await scorecard(gql, s.token, employee, march)
    assert (card["overallScore"], card["overallStatus"]) == ("105.54", "RATED")
    assert card["band"] == {"level": 4, "label": "Exceeds expectations", "minScore": "105"}
    assert card["gateFailed"] is False
    assert card["final"] is False
    assert (card["role"]["code"], card["orgUnit"]["name"], card["kraSet"]["version"]) == (
        "AGENT",
        "Team A",
        1,
    )
    assert card["coverage"] == "1"
    found = items(card)
    assert {c: (found[c]["value"], found[c]["score"]) for c in VALUES_A} == VALUES_A
    assert kra_scores(card) == {
        "Customer experience": "104.24",
        "Efficiency": "107.09",
        "Quality": "105.71",
    }
    csat = found["CSAT"]
    assert csat["componentSums"] == [
        {"name": "positive", "value": "46"},
        {"name": "responses", "value": "52"},
    ]
    assert (csat["threshold"], csat["target"], csat["stretch"]) == ("75", "85", "95")
    assert (csat["segment"], csat["status"], csat["weight"]) == (
        "TARGET_TO_STRETCH",
        "SCORED",
        "60",
    )
    assert csat["contribution"] == "64.152"  # 60 × 106.92 / 100
    assert [g["days"] for g in csat["goals"]] == [31]
    gate = found["COMPLIANCE"]
    assert (gate["gatePassed"], gate["weight"], gate["score"], gate["value"]) == (
        True,
        None,
        None,
        "0.000000",
    )

    failure = daily("A1", "COMPLIANCE", (1,), "2026-03-17", "2026-03-18")
    await record(gql, s.token, failure, source="qa")
    capped = await scorecard(gql, s.token, employee, march)
    assert (capped["overallScore"], capped["gateFailed"]) == ("80.00", True)
    assert capped["band"]["level"] == 2
    assert items(capped)["COMPLIANCE"]["gatePassed"] is False
    assert kra_scores(capped) == kra_scores(card)  # the cap applies to the overall only


async def test_example_b_pins_the_rounding_order(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org)
    employee = await hire(gql, s, "B1")
    inputs = {**EXAMPLE_A, "CSAT": (44, 52), "FCR": (300, 430), "ADH": (9002, 9600)}
    await record(gql, s.token, month("B1", inputs))
    card = await scorecard(gql, s.token, employee, await period(gql, s.token))
    scores = {code: item["score"] for code, item in items(card).items()}
    assert scores == {
        "CSAT": "98.08",
        "FCR": "84.05",
        "AHT": "106.84",
        "ADH": "107.08",
        "QA": "105.71",
        "COMPLIANCE": None,
    }
    assert kra_scores(card) == {
        "Customer experience": "92.47",
        "Efficiency": "106.91",
        "Quality": "105.71",
    }
    assert (card["overallScore"], card["band"]["level"]) == ("100.77", 3)
