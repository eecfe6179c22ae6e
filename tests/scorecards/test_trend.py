"""kpiTrend: ratio of sums per DAY, ISO WEEK or MONTH bucket in the organization's time zone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Gql
from tests.scorecards.support import Agents, agents, hire, record

TREND = """query($s: ID!, $code: String!, $from: Date!, $to: Date!, $grain: TrendGrain!) {
  kpiTrend(subjectId: $s, kpiCode: $code, from: $from, to: $to, grain: $grain) {
    start value componentSums { name value } } }"""


def aht(employee: str, start: str, seconds: int, handled: int) -> dict[str, Any]:
    """One AHT reading of an hour starting at ``start`` (an ISO instant)."""
    end = start.replace("T00:", "T01:").replace("T03:", "T04:")
    return {
        "employeeExternalId": employee,
        "kpiCode": "AHT",
        "intervalStart": start,
        "intervalEnd": end,
        "components": [
            {"name": "handle_seconds", "value": str(seconds)},
            {"name": "handled", "value": str(handled)},
        ],
    }


async def trend(gql: Gql, s: Agents, subject: str, start: str, end: str, grain: str) -> Any:
    """(bucket start, value) pairs."""
    variables = {"s": subject, "code": "AHT", "from": start, "to": end, "grain": grain}
    points = (await gql.data(TREND, variables, s.token))["kpiTrend"]
    return [(p["start"], p["value"]) for p in points]


@pytest.fixture
async def team(gql: Gql, make_org: Any) -> tuple[Agents, str, str]:
    """Two agents of Team A with a few AHT readings in March 2026."""
    s = await agents(gql, make_org, goals=False)
    first, second = await hire(gql, s, "T1"), await hire(gql, s, "T2")
    await record(
        gql,
        s.token,
        [
            aht("T1", "2026-03-01T00:00:00+00:00", 300, 1),
            aht("T1", "2026-03-02T00:00:00+00:00", 500, 2),
            aht("T1", "2026-03-08T00:00:00+00:00", 100, 1),  # a Sunday: still the week of 2 March
            aht("T2", "2026-03-02T00:00:00+00:00", 1000, 1),
        ],
    )
    return s, first, second


async def test_day_week_and_month_buckets(team: tuple[Agents, str, str], gql: Gql) -> None:
    s, first, _ = team
    assert await trend(gql, s, first, "2026-03-01", "2026-03-04", "DAY") == [
        ("2026-03-01", "300.000000"),
        ("2026-03-02", "250.000000"),
        ("2026-03-03", None),
    ]
    # 1 March 2026 is a Sunday: its ISO week starts on 23 February, but only days from `from`.
    assert await trend(gql, s, first, "2026-03-01", "2026-03-16", "WEEK") == [
        ("2026-02-23", "300.000000"),
        ("2026-03-02", "200.000000"),  # (500 + 100) / 3
        ("2026-03-09", None),
    ]
    assert await trend(gql, s, first, "2026-01-01", "2026-04-01", "MONTH") == [
        ("2026-01-01", None),
        ("2026-02-01", None),
        ("2026-03-01", "225.000000"),  # 900 / 4
    ]


async def test_an_org_unit_trend_adds_up_its_members(
    team: tuple[Agents, str, str], gql: Gql
) -> None:
    s, _, _ = team
    variables = {"s": s.unit, "code": "AHT", "from": "2026-03-02", "to": "2026-03-09"}
    points = (await gql.data(TREND, {**variables, "grain": "WEEK"}, s.token))["kpiTrend"]
    assert points == [
        {
            "start": "2026-03-02",
            "value": "400.000000",  # (500 + 100 + 1000) / 4, both members
            "componentSums": [
                {"name": "handle_seconds", "value": "1600"},
                {"name": "handled", "value": "4"},
            ],
        }
    ]


async def test_bucket_limits(team: tuple[Agents, str, str], gql: Gql) -> None:
    s, first, _ = team
    assert len(await trend(gql, s, first, "2026-01-01", "2027-01-02", "DAY")) == 366
    for start, end, grain in [
        ("2026-01-01", "2027-01-03", "DAY"),  # 367 buckets
        ("2019-01-01", "2027-01-01", "WEEK"),  # 418 weeks
        ("2026-03-02", "2026-03-02", "DAY"),  # `to` is exclusive: nothing
    ]:
        variables = {"s": first, "code": "AHT", "from": start, "to": end, "grain": grain}
        body = await gql(TREND, variables, s.token)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    unknown = {"s": first, "code": "NOPE", "from": "2026-03-01", "to": "2026-03-02"}
    body = await gql(TREND, {**unknown, "grain": "DAY"}, s.token)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_buckets_follow_the_organization_time_zone(gql: Gql, make_org: Any) -> None:
    s = await agents(gql, make_org, goals=False, tz="America/New_York")
    employee = await hire(gql, s, "NY")
    # 03:00 UTC on 2 March and on 1 April are still 1 March and 31 March in New York.
    await record(
        gql,
        s.token,
        [
            aht("NY", "2026-03-02T03:00:00+00:00", 300, 1),
            aht("NY", "2026-04-01T03:00:00+00:00", 500, 1),
        ],
    )
    assert await trend(gql, s, employee, "2026-03-01", "2026-03-03", "DAY") == [
        ("2026-03-01", "300.000000"),
        ("2026-03-02", None),
    ]
    assert await trend(gql, s, employee, "2026-03-01", "2026-05-01", "MONTH") == [
        ("2026-03-01", "400.000000"),
        ("2026-04-01", None),
    ]
