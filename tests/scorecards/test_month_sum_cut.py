"""Month sums up to a cut (scoring/month_sums.py): a month whose readings keep arriving keeps
sums for the days before them, each run adds the readings after the cut, and the numbers are
always those of the readings.

Time passing is simulated by ageing the change log and the build times (as the database owner).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from kra_api.db.session import Database
from kra_api.graphql.core.ids import expect_id
from kra_api.readings import staging
from kra_api.scoring import background, month_sums
from tests import helpers
from tests.conftest import Gql
from tests.scorecards.support import Agents, daily, record
from tests.scorecards.test_month_sums import (
    aht,
    org_with_readings,
    raw,
    run,
    staged,
)

UTC = dt.UTC


@pytest.fixture(autouse=True)
async def large_runs_and_a_quiet_period(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    monkeypatch.setattr(month_sums, "MIN_SUBJECTS", 1)
    monkeypatch.setattr(month_sums, "QUIET", dt.timedelta(minutes=10))
    yield
    await background.settle()


async def age(database: Database, org_id: uuid.UUID, minutes: int = 60) -> None:
    """Make every change and build of the organization ``minutes`` older."""
    async with database.engine.begin() as connection:  # the owner: no tenant, no row security
        ago = {"org": org_id, "ago": minutes}
        for table, column in (
            ("kpi_reading_change", "changed_at"),
            ("kpi_month_sum_state", "built_at"),
        ):
            await connection.execute(
                text(
                    f"UPDATE {table} SET {column} = {column} - :ago * interval '1 minute'"
                    " WHERE organization_id = :org"
                ),
                ago,
            )


async def built(database: Database, org_id: uuid.UUID) -> tuple[dt.datetime, dt.datetime] | None:
    """(cut, built_at) of the organization's March sums, if any."""
    async with database.engine.connect() as connection:
        sql = "SELECT cut, built_at FROM kpi_month_sum_state WHERE organization_id = :org"
        row = (await connection.execute(text(sql), {"org": org_id})).first()
        return None if row is None else (row[0], row[1])


async def cut_of(database: Database, org_id: uuid.UUID) -> dt.datetime:
    """The cut of the organization's March sums (which must exist)."""
    state = await built(database, org_id)
    assert state is not None
    return state[0]


async def push(gql: Gql, s: Agents, day: str, values: tuple[int, int], revision: int) -> None:
    """A's AHT of one day of March, as a source sends it again (a higher revision)."""
    following = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    readings = daily("A", "AHT", values, day, following)
    for reading in readings:
        reading["sourceRevision"] = revision
    await record(gql, s.token, readings)


async def same_as_readings(
    monkeypatch: pytest.MonkeyPatch, database: Database, s: Agents, march: str
) -> Any:
    """A run with month sums, checked against the same run aggregated from the readings."""
    results = await run(database, s, march)
    assert results == await raw(monkeypatch, database, s, march)
    return results


async def test_a_month_receiving_its_last_day_keeps_sums_for_the_days_before(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    await age(database, s.org.id)  # March's readings arrived an hour ago
    await push(gql, s, "2026-03-31", (4000, 10), revision=7)
    first = await same_as_readings(monkeypatch, database, s, march)
    state = await built(database, s.org.id)
    assert state is not None
    assert state[0] == dt.datetime(2026, 3, 31, tzinfo=UTC)  # up to the busy day
    # More of the 31st: after the cut, so the sums stay; the run adds the new readings.
    await push(gql, s, "2026-03-31", (8000, 20), revision=8)
    second = await same_as_readings(monkeypatch, database, s, march)
    assert aht(second, s, "A").component_sums["handled"] == (
        aht(first, s, "A").component_sums["handled"] + 10
    )
    assert await built(database, s.org.id) == state
    # The run reads the sums: altered behind its back (as the owner), its numbers move.
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE kpi_month_sum SET totals = (SELECT array_agg(t * 2) FROM unnest(totals) t)"
                " WHERE organization_id = :org AND subject_id = :a AND kpi_id = :aht"
            ),
            {
                "org": s.org.id,
                "a": expect_id(s.people["A"], "Employee"),
                "aht": expect_id(s.kpis["AHT"], "Kpi"),
            },
        )
    assert await run(database, s, march) != second
    # A correction before the cut makes them stale; built minutes ago, they are not built
    # again while corrections keep coming: the readings decide.
    await push(gql, s, "2026-03-10", (100, 1), revision=7)
    await same_as_readings(monkeypatch, database, s, march)
    assert await built(database, s.org.id) == state
    # An hour later the month is quiet: built again, to the month's end.
    await age(database, s.org.id)
    await same_as_readings(monkeypatch, database, s, march)
    assert await cut_of(database, s.org.id) == dt.datetime(2026, 4, 1, tzinfo=UTC)


async def test_the_cut_follows_the_busy_days_a_week_at_a_time_in_the_local_zone(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    await helpers.settings(gql, s.token, timezone="America/New_York")
    await age(database, s.org.id)
    # 12 March 00:00 UTC is the 11th, 20:00 in New York (EDT since the 8th): the sums stop at
    # the 11th's local midnight, 04:00 UTC.
    await push(gql, s, "2026-03-12", (4000, 10), revision=7)
    await same_as_readings(monkeypatch, database, s, march)
    assert await cut_of(database, s.org.id) == dt.datetime(2026, 3, 11, 4, tzinfo=UTC)
    # A week on, the busy days have moved 8 days: the sums move with them.
    await age(database, s.org.id)
    await push(gql, s, "2026-03-20", (4000, 10), revision=7)
    await same_as_readings(monkeypatch, database, s, march)
    assert await cut_of(database, s.org.id) == dt.datetime(2026, 3, 19, 4, tzinfo=UTC)
    # Two days more is not worth a build: the run adds the days after the cut instead.
    await age(database, s.org.id)
    moved = await built(database, s.org.id)
    await push(gql, s, "2026-03-22", (4000, 10), revision=7)
    await same_as_readings(monkeypatch, database, s, march)
    assert await built(database, s.org.id) == moved


async def test_a_read_only_run_uses_fresh_sums_without_building(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    await age(database, s.org.id)
    await push(gql, s, "2026-03-31", (4000, 10), revision=7)
    what_if = await run(database, s, march, read_only=True)
    assert await built(database, s.org.id) is None
    await same_as_readings(monkeypatch, database, s, march)  # builds up to the 31st
    await push(gql, s, "2026-03-31", (8000, 20), revision=8)
    assert await run(database, s, march, read_only=True) != what_if
    assert await run(database, s, march, read_only=True) == await raw(
        monkeypatch, database, s, march
    )


async def test_a_transaction_logs_the_reading_starts_it_changed_per_utc_month(
    gql: Gql, make_org: Any, database: Database
) -> None:
    s, _ = await org_with_readings(gql, make_org)
    employee = expect_id(s.people["A"], "Employee")
    kpi = expect_id(s.kpis["AHT"], "Kpi")
    received = dt.datetime.now(UTC)
    async with database.session(s.org.id) as writer:
        for day in (20, 5, 12):  # three batches of one transaction
            await staging.merge(writer, s.org.id, "late", received, [staged(employee, kpi, day, 7)])
        xact = (await writer.execute(text("SELECT pg_current_xact_id()::text::bigint"))).scalar()
        await writer.commit()
    async with database.engine.connect() as connection:
        sql = "SELECT month, first_at, last_at FROM kpi_reading_change WHERE xact = :x"
        rows = [tuple(r) for r in await connection.execute(text(sql), {"x": xact})]
    march = dt.date(2026, 3, 1)
    assert rows == [
        (march, dt.datetime(2026, 3, 5, tzinfo=UTC), dt.datetime(2026, 3, 20, tzinfo=UTC))
    ]


async def test_every_readings_partition_has_the_block_range_index_on_starts(
    gql: Gql, make_org: Any, database: Database
) -> None:
    await org_with_readings(gql, make_org)  # March 2026's partition, made on demand
    async with database.engine.connect() as connection:
        sql = (
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'kpi_reading_2026_03'"
            " AND indexdef LIKE '%USING brin%'"
        )
        rows = (await connection.execute(text(sql))).scalars().all()
    assert len(rows) == 1
    assert rows[0].endswith("USING brin (interval_start)")
