"""Month sums (scoring/month_sums.py): a large run reads them instead of the readings, gets the
same numbers, and never a stale one: every path that can move a month's sums is exercised.

``MIN_SUBJECTS`` is lowered so that these small organizations take the large-run path.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from kra_api import models
from kra_api.db.session import Database
from kra_api.graphql.core.ids import expect_id
from kra_api.readings import staging
from kra_api.scoring import background, month_sums, service
from tests import helpers
from tests.conftest import Gql
from tests.db.rows import count
from tests.scorecards.support import (
    EXAMPLE_A,
    Agents,
    agents,
    daily,
    hire,
    month,
    period,
    record,
    scorecard,
)
from tests.scorecards.test_team import led_role


@pytest.fixture(autouse=True)
async def small_runs_use_month_sums(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    monkeypatch.setattr(month_sums, "MIN_SUBJECTS", 1)
    monkeypatch.setattr(month_sums, "QUIET", dt.timedelta(0))  # every month counts as quiet
    yield
    await background.settle()  # builds started by the test's API calls


async def org_with_readings(gql: Gql, make_org: Any) -> tuple[Agents, str]:
    """Three agents (C moves team mid-month, so C is cut for the leader's LED_UNITS group), a
    leader of Team A, a month of daily readings; returns the set-up and the March period."""
    s = await agents(gql, make_org)
    team_b = await helpers.unit(gql, s.token, "Team B", "TEAM", s.units["Site"])
    await hire(gql, s, "A")
    await hire(gql, s, "B")
    await hire(gql, s, "C", end="2026-03-16")
    await hire(gql, s, "C", unit=team_b, start="2026-03-16")
    leader = await hire(gql, s, "L", unit=s.units["Site"], role=await led_role(gql, s, "LEAD"))
    assert (await helpers.lead(gql, s.token, s.unit, leader, "2026-01-01"))["userErrors"] == []
    readings = month("A", EXAMPLE_A)
    readings += month("B", {**EXAMPLE_A, "AHT": (6000, 10), "CSAT": (18, 20)})
    readings += month("C", {**EXAMPLE_A, "AHT": (31500, 90), "CSAT": (25, 30)})
    await record(gql, s.token, readings)
    return s, await period(gql, s.token)


async def run(database: Database, s: Agents, period_id: str, *, read_only: bool = False) -> Any:
    """Every scorecard of the organization for the period (an organization-wide run), and
    then the month-sum builds it started, finished."""
    async with database.session(s.org.id) as session:
        if read_only:
            await session.execute(text("SET TRANSACTION READ ONLY"))
        org = await session.get(models.Organization, s.org.id)
        row = await session.get(models.Period, (s.org.id, expect_id(period_id, "Period")))
        assert org is not None
        assert row is not None
        scored = await service.score_period(session, org, row, None)
    await background.settle()
    return {e: card.result for e, card in scored.cards.items()}


async def raw(monkeypatch: pytest.MonkeyPatch, database: Database, s: Agents, p: str) -> Any:
    """The same run aggregated from the readings (month sums switched off)."""
    with monkeypatch.context() as m:
        m.setattr(month_sums, "MIN_SUBJECTS", 10**9)
        return await run(database, s, p)


async def state(database: Database, org_id: uuid.UUID) -> list[Any]:
    """(month, zone, built_at) of the organization's month sums."""
    async with database.session(org_id) as session:
        sql = "SELECT month, zone, built_at FROM kpi_month_sum_state ORDER BY month"
        return [tuple(r) for r in await session.execute(text(sql))]


def aht(results: Any, s: Agents, who: str) -> Any:
    """The AHT item result of an employee's scorecard."""
    card = results[expect_id(s.people[who], "Employee")]
    return next(i for k in card.kras for i in k.items if i.kpi_code == "AHT")


async def test_month_sums_give_the_numbers_of_the_readings(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    assert await state(database, s.org.id) == []
    with_sums = await run(database, s, march)
    built = await state(database, s.org.id)
    assert [(m, zone) for m, zone, _ in built] == [(dt.date(2026, 3, 1), "UTC")]
    assert await count(database, s.org.id, "kpi_month_sum") == 3 * len(EXAMPLE_A)
    other = await make_org()
    assert await count(database, other.id, "kpi_month_sum") == 0  # row-level security
    assert with_sums == await raw(monkeypatch, database, s, march)
    # By hand: the leader reads Team A: A (380 calls) and B (10) all month, C (3 a day) until
    # the 16th (exclusive).
    leader = aht(with_sums, s, "L")
    assert leader.component_sums["handled"] == 380 + 10 + 3 * 15
    # A second run reads the sums as built: no rebuild.
    assert await run(database, s, march) == with_sums
    assert await state(database, s.org.id) == built
    # The API answers from the same numbers.
    card = await scorecard(gql, s.token, s.people["A"], march)
    assert card["overallScore"] == "105.54"


async def test_a_correction_after_the_build_is_seen(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    before = await run(database, s, march)
    built = await state(database, s.org.id)
    corrected = daily("A", "AHT", (50000, 100), "2026-03-10", "2026-03-11")
    for reading in corrected:
        reading["sourceRevision"] = 7
    await record(gql, s.token, corrected)
    after = await run(database, s, march)
    assert aht(after, s, "A").value != aht(before, s, "A").value
    assert after == await raw(monkeypatch, database, s, march)
    assert (await state(database, s.org.id))[0][2] > built[0][2]  # rebuilt


async def test_a_replay_changes_nothing_and_keeps_the_sums(
    gql: Gql, make_org: Any, database: Database
) -> None:
    s, march = await org_with_readings(gql, make_org)
    assert await count(database, s.org.id, "kpi_reading_change") >= 1
    await run(database, s, march)
    changes = await count(database, s.org.id, "kpi_reading_change")  # what the build kept
    built = await state(database, s.org.id)
    await record(gql, s.token, month("A", EXAMPLE_A))  # the same values again
    assert await count(database, s.org.id, "kpi_reading_change") == changes
    await run(database, s, march)
    assert await state(database, s.org.id) == built


def staged(employee: uuid.UUID, kpi: uuid.UUID, day: int, handled: int) -> staging.StageRecord:
    """A staged AHT reading of a day of March from source "late" (a merge's input)."""
    start = dt.datetime(2026, 3, day, tzinfo=dt.UTC)
    components = json.dumps({"handle_seconds": handled * 400, "handled": handled})
    return (
        "EMPLOYEE",
        employee,
        "A",
        kpi,
        start,
        start + dt.timedelta(days=1),
        components,
        9,
        False,
        f"{{{handled * 400},{handled}}}",  # the same values in the KPI's order
    )


@asynccontextmanager
async def late_reading_merged(database: Database, s: Agents) -> AsyncIterator[AsyncSession]:
    """A session that has merged, not committed, 77 more AHT calls of A on March 5th."""
    employee = expect_id(s.people["A"], "Employee")
    kpi = expect_id(s.kpis["AHT"], "Kpi")
    async with database.session(s.org.id) as writer:
        received = dt.datetime.now(dt.UTC)
        merged = await staging.merge(
            writer, s.org.id, "late", received, [staged(employee, kpi, 5, 77)]
        )
        assert merged.inserted == 1
        yield writer


async def test_a_change_committed_during_a_build_makes_the_month_stale(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    async with late_reading_merged(database, s) as writer:
        # Built while the merge is uncommitted: the sums cannot include it.
        during = await run(database, s, march)
        assert await state(database, s.org.id) != []
        await writer.commit()
    after = await run(database, s, march)
    assert (
        aht(after, s, "A").component_sums["handled"]
        == aht(during, s, "A").component_sums["handled"] + 77
    )
    assert after == await raw(monkeypatch, database, s, march)


async def test_a_time_zone_change_rebuilds_the_month(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    in_utc = await run(database, s, march)
    await helpers.settings(gql, s.token, timezone="America/New_York")
    in_new_york = await run(database, s, march)
    assert [zone for _, zone, _ in await state(database, s.org.id)] == ["America/New_York"]
    assert in_new_york == await raw(monkeypatch, database, s, march)
    # The reading of March 1st 00:00 UTC is February 28th in New York: March lost it (380 calls
    # spread over 31 days: 13 on each of the first 8).
    first_day = 13
    handled = aht(in_new_york, s, "A").component_sums["handled"]
    assert handled == aht(in_utc, s, "A").component_sums["handled"] - first_day


async def test_read_only_runs_never_build(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    results = await run(database, s, march, read_only=True)
    assert await state(database, s.org.id) == []
    assert await count(database, s.org.id, "kpi_month_sum") == 0
    assert results == await raw(monkeypatch, database, s, march)


async def test_periods_that_are_not_whole_months_read_the_readings(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, _ = await org_with_readings(gql, make_org)
    week = await period(gql, s.token, "2026-03-02", "2026-03-09", kind="CUSTOM", name="W10")
    assert await run(database, s, week) == await raw(monkeypatch, database, s, week)
    assert await state(database, s.org.id) == []
    assert month_sums.whole_months((dt.date(2026, 1, 1), dt.date(2026, 4, 1))) == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    assert month_sums.whole_months((dt.date(2026, 12, 1), dt.date(2027, 1, 1))) == [
        dt.date(2026, 12, 1)
    ]
    assert month_sums.whole_months((dt.date(2026, 3, 2), dt.date(2026, 4, 1))) is None


async def test_a_quarter_adds_its_months(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, _ = await org_with_readings(gql, make_org)
    await record(gql, s.token, month("A", EXAMPLE_A, start="2026-02-01", end="2026-03-01"))
    quarter = await period(gql, s.token, "2026-01-01", "2026-04-01", kind="QUARTER", name="Q1")
    results = await run(database, s, quarter)
    assert [m for m, _, _ in await state(database, s.org.id)] == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    assert results == await raw(monkeypatch, database, s, quarter)
    assert aht(results, s, "A").component_sums["handled"] == 2 * 380


async def test_a_month_still_receiving_readings_is_not_rebuilt(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    monkeypatch.setattr(month_sums, "QUIET", dt.timedelta(minutes=10))
    # Readings arrived seconds ago and no sums exist: aggregated from the readings, nothing built.
    assert await run(database, s, march) == await raw(monkeypatch, database, s, march)
    assert await state(database, s.org.id) == []
    monkeypatch.setattr(month_sums, "QUIET", dt.timedelta(0))
    before = await run(database, s, march)
    built = await state(database, s.org.id)
    assert built != []
    # A correction makes the month stale and busy: the readings decide, the sums wait.
    monkeypatch.setattr(month_sums, "QUIET", dt.timedelta(minutes=10))
    corrected = daily("A", "AHT", (50000, 100), "2026-03-10", "2026-03-11")
    for reading in corrected:
        reading["sourceRevision"] = 7
    await record(gql, s.token, corrected)
    busy = await run(database, s, march)
    assert busy != before
    assert busy == await raw(monkeypatch, database, s, march)
    assert await state(database, s.org.id) == built
