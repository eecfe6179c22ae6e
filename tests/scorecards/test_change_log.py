"""Compaction of the readings change log (scoring/change_log.py): a month-sum build deletes the
rows every state has seen, and keeps each row some state could still need; the numbers stay
those of the readings throughout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from kra_api.db.session import Database
from kra_api.scoring import background, change_log, month_sums
from tests import helpers
from tests.conftest import Gql
from tests.db.rows import count
from tests.scorecards.support import daily, period, record
from tests.scorecards.test_month_sum_cut import age, push
from tests.scorecards.test_month_sums import (
    aht,
    late_reading_merged,
    org_with_readings,
    raw,
    run,
    state,
)

CHANGES = "kpi_reading_change"


@pytest.fixture(autouse=True)
async def large_runs(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    monkeypatch.setattr(month_sums, "MIN_SUBJECTS", 1)
    monkeypatch.setattr(month_sums, "QUIET", dt.timedelta(0))  # every month counts as quiet
    yield
    await background.settle()


async def test_a_build_deletes_the_rows_it_has_seen(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    assert await count(database, s.org.id, CHANGES) >= 1
    first = await run(database, s, march)
    assert await state(database, s.org.id) != []
    assert await count(database, s.org.id, CHANGES) == 0
    assert first == await raw(monkeypatch, database, s, march)
    # A correction after the compaction still makes the sums stale.
    await push(gql, s, "2026-03-10", (50000, 100), revision=7)
    assert await count(database, s.org.id, CHANGES) == 1
    second = await run(database, s, march)
    assert aht(second, s, "A").value != aht(first, s, "A").value
    assert second == await raw(monkeypatch, database, s, march)
    assert await count(database, s.org.id, CHANGES) == 0


async def test_a_change_the_build_did_not_see_stays_until_a_build_sees_it(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    real_compact = change_log.compact
    async with late_reading_merged(database, s) as writer:

        async def commit_first(*args: Any) -> int | None:
            # Committed after the build's snapshot, before the compaction's: the compaction
            # sees the row, the sums just built do not.
            await writer.commit()
            return await real_compact(*args)

        monkeypatch.setattr(change_log, "compact", commit_first)
        await run(database, s, march)
        monkeypatch.setattr(change_log, "compact", real_compact)
    assert await count(database, s.org.id, CHANGES) == 1
    after = await run(database, s, march)  # stale: rebuilt, and now the row is seen
    assert after == await raw(monkeypatch, database, s, march)
    assert aht(after, s, "A").component_sums["handled"] == 380 + 77
    assert await count(database, s.org.id, CHANGES) == 0


async def test_a_recent_change_stays_to_steer_the_cut(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    await run(database, s, march)
    monkeypatch.setattr(month_sums, "QUIET", dt.timedelta(minutes=10))
    await age(database, s.org.id)  # the build an hour ago: the next one is not held back
    await push(gql, s, "2026-03-20", (50000, 100), revision=7)
    results = await run(database, s, march)
    async with database.session(s.org.id) as session:
        cut = (await session.execute(text("SELECT cut FROM kpi_month_sum_state"))).scalar_one()
    assert cut == dt.datetime(2026, 3, 20, tzinfo=dt.UTC)  # rebuilt up to the busy day
    assert await count(database, s.org.id, CHANGES) == 1  # seen, but recent
    assert results == await raw(monkeypatch, database, s, march)


async def test_a_neighbour_build_in_progress_defers_compaction(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    changes = await count(database, s.org.id, CHANGES)
    async with database.engine.begin() as neighbour:  # holds April's build lock
        await neighbour.execute(
            text(
                "SELECT pg_advisory_xact_lock(hashtext('kpi_month_sum'), "
                "hashtext(CAST(:org AS uuid)::text || DATE '2026-04-01'::text))"
            ),
            {"org": s.org.id},
        )
        results = await run(database, s, march)  # built without waiting for April's lock
    assert await state(database, s.org.id) != []
    assert await count(database, s.org.id, CHANGES) == changes
    assert results == await raw(monkeypatch, database, s, march)


async def test_a_row_a_neighbour_state_covers_unseen_stays(
    gql: Gql, make_org: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, march = await org_with_readings(gql, make_org)
    # April built in a zone 14 hours ahead of UTC: it starts on March 31st, 10:00 UTC.
    await helpers.settings(gql, s.token, timezone="Pacific/Kiritimati")
    april = await period(gql, s.token, "2026-04-01", "2026-05-01", name="April")
    await run(database, s, april)
    await helpers.settings(gql, s.token, timezone="UTC")
    # Then, in UTC, a reading of the afternoon of March 31st: March's, and in April's range.
    late = daily("A", "AHT", (900, 3), "2026-03-31", "2026-04-01")
    late[0]["intervalStart"] = "2026-03-31T12:00:00+00:00"
    await record(gql, s.token, late)
    results = await run(database, s, march)
    async with database.session(s.org.id) as session:
        kept = await session.execute(text("SELECT first_at, last_at FROM kpi_reading_change"))
        noon = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)
        assert [tuple(r) for r in kept] == [(noon, noon)]  # April's sums have not seen it
    assert results == await raw(monkeypatch, database, s, march)
