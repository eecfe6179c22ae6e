"""Item statuses (§5), coverage (§6) and RELATIVE goals with their baseline (§3) end to end."""

from __future__ import annotations

from typing import Any

from tests.conftest import Gql
from tests.scorecards.support import (
    EXAMPLE_A,
    agents,
    anchors,
    goal,
    hire,
    items,
    kra_scores,
    month,
    period,
    record,
    scorecard,
)

RELATIVE_QA = {"threshold": "0.95", "target": "1.05", "stretch": "1.15"}


async def test_each_status_and_a_not_rated_overall(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org, goals=False)
    for code in ("CSAT", "AHT", "ADH"):
        await goal(gql, s, code, anchors(code), "ROLE", s.role)
    employee = await hire(gql, s, "S1")
    # QA: a RELATIVE employee goal and no previous period; FCR: no goal at all; ADH: no reading.
    await goal(gql, s, "QA", RELATIVE_QA, "EMPLOYEE", employee, basis="RELATIVE")
    inputs = {k: v for k, v in EXAMPLE_A.items() if k != "ADH"}
    await record(gql, s.token, month("S1", {**inputs, "CSAT": (9, 10)}))
    card = await scorecard(gql, s.token, employee, await period(gql, s.token))

    found = items(card)
    status = {code: (i["status"], i["score"]) for code, i in found.items()}
    assert status == {
        "CSAT": ("INSUFFICIENT_SAMPLE", None),
        "FCR": ("NO_GOAL", None),
        "AHT": ("SCORED", "106.84"),
        "ADH": ("NO_DATA", None),
        "QA": ("NO_BASELINE", None),
        "COMPLIANCE": ("SCORED", None),
    }
    # The value is shown when the sample is too small; only the score is withheld.
    assert found["CSAT"]["value"] == "90.000000"
    assert found["CSAT"]["componentSums"] == [
        {"name": "positive", "value": "9"},
        {"name": "responses", "value": "10"},
    ]
    assert found["FCR"]["value"] == "72.093023"
    assert found["ADH"]["value"] is None
    assert found["ADH"]["componentSums"] == []
    assert (found["QA"]["value"], found["QA"]["baseline"], found["QA"]["target"]) == (
        "90.000000",
        None,
        None,
    )
    kras = {k["kra"]["title"]: (k["status"], k["score"], k["coverage"]) for k in card["kras"]}
    assert kras == {
        "Customer experience": ("NOT_RATED", None, "0"),
        "Efficiency": ("RATED", "106.84", "0.7"),
        "Quality": ("NOT_RATED", None, "0"),
    }
    assert (card["overallStatus"], card["overallScore"], card["coverage"]) == (
        "NOT_RATED",
        None,
        "0.3",
    )
    assert card["band"] is None


async def test_a_kra_below_coverage_is_left_out_of_the_overall(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org)
    employee = await hire(gql, s, "C1")
    # CSAT (60 of Customer experience) misses its min sample: coverage 0.4 < 0.5.
    await record(gql, s.token, month("C1", {**EXAMPLE_A, "CSAT": (9, 10)}))
    card = await scorecard(gql, s.token, employee, await period(gql, s.token))
    kra = next(k for k in card["kras"] if k["kra"]["title"] == "Customer experience")
    assert (kra["status"], kra["score"], kra["coverage"]) == ("NOT_RATED", None, "0.4")
    assert items(card)["FCR"]["contribution"] == "100.23"  # 40 × 100.23 / 40
    # (30 × 107.09 + 30 × 105.71) / 60 over the two rated KRAs.
    assert (card["overallScore"], card["coverage"], card["band"]["level"]) == ("106.40", "0.6", 4)


async def test_relative_goal_uses_the_previous_period(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org)
    employee = await hire(gql, s, "R1")
    qa = await goal(gql, s, "QA", RELATIVE_QA, "EMPLOYEE", employee, basis="RELATIVE")
    await record(gql, s.token, month("R1", EXAMPLE_A))
    february = {"QA": (400, 500, 5)}
    await record(gql, s.token, month("R1", february, start="2026-02-01", end="2026-03-01"))
    march = await period(gql, s.token)
    assert items(await scorecard(gql, s.token, employee, march))["QA"]["status"] == "NO_BASELINE"

    await period(gql, s.token, "2026-02-01", "2026-03-01")
    qa_item = items(await scorecard(gql, s.token, employee, march))["QA"]
    # Baseline 80 %: anchors 76 / 84 / 92; 90 % scores 100 + (90 - 84) / (92 - 84) × 20.
    assert qa_item["baseline"] == "80.000000"
    assert (qa_item["threshold"], qa_item["target"], qa_item["stretch"]) == ("76", "84", "92")
    assert (qa_item["status"], qa_item["score"], qa_item["segment"]) == (
        "SCORED",
        "115.00",
        "TARGET_TO_STRETCH",
    )
    # The employee goal wins over the role goal on every day.
    assert [(g["goal"]["id"], g["days"]) for g in qa_item["goals"]] == [(qa["id"], 31)]


async def test_a_baseline_below_the_min_sample_is_no_baseline(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org)
    employee = await hire(gql, s, "R2")
    await goal(gql, s, "QA", RELATIVE_QA, "EMPLOYEE", employee, basis="RELATIVE")
    await record(gql, s.token, month("R2", EXAMPLE_A))
    feb = {"QA": (300, 400, 3)}  # 3 evaluations < 4
    await record(gql, s.token, month("R2", feb, start="2026-02-01", end="2026-03-01"))
    march = await period(gql, s.token)
    await period(gql, s.token, "2026-02-01", "2026-03-01")
    card = await scorecard(gql, s.token, employee, march)
    assert items(card)["QA"]["status"] == "NO_BASELINE"
    assert kra_scores(card)["Quality"] is None
