"""Month sums: a large scoring run reads one row per (subject, KPI, month) instead of every reading.

Aggregating a month of daily readings for 10 000 employees costs seconds of PostgreSQL time;
reading the same sums from ``kpi_month_sum`` costs a tenth of a second. The sums are derived
data, built for a whole month of the organization's time zone at once and used only while fresh:

- every readings merge that changed rows appends (transaction id, UTC month) to
  ``kpi_reading_change`` in the same transaction (readings/staging.py), so writers never wait;
- a build records the snapshot it aggregated under; a month is fresh when its zone is the
  organization's and every change row of the UTC months it spans was committed before that
  snapshot (``pg_visible_in_snapshot``). A change committed later, even by a transaction that was
  running during the build, makes it stale;
- a stale month is rebuilt once it has been quiet for ``QUIET`` (no change committed since):
  rebuilding a month that readings keep arriving for would cost every run a build (slower than
  aggregating the readings) to be stale again minutes later, so such a month is aggregated from
  the readings as before. The build runs on a connection of its own and is committed (a read
  request's transaction is rolled back at its end), under an advisory lock so concurrent runs
  build once; the caller then uses the sums only if its own session sees them fresh. A READ ONLY
  transaction (what-if simulations) never builds.

Runs of fewer than ``MIN_SUBJECTS`` whole-period subjects (any team) and periods that are not
whole months never use month sums: their aggregate is cheap already.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from kra_api.scoring.tuning import tune_connection
from kra_api.scoring.windows import DateRange, instant

MIN_SUBJECTS = 1000
QUIET = dt.timedelta(minutes=10)

# Whether the month is built in this zone, whether changes it has not seen exist, and whether
# the newest of those (or of all, when never built) is older than $6 (database clock).
_STATE = """
WITH s AS (
  SELECT snapshot FROM kpi_month_sum_state
  WHERE organization_id = $1 AND month = $2 AND zone = $3
), unseen AS (
  SELECT max(c.changed_at) AS newest FROM kpi_reading_change c
  WHERE c.organization_id = $1 AND c.month BETWEEN $4 AND $5
    AND NOT EXISTS (SELECT 1 FROM s
                    WHERE pg_visible_in_snapshot(c.xact::text::xid8, s.snapshot::pg_snapshot))
)
SELECT EXISTS (SELECT 1 FROM s), newest IS NOT NULL, coalesce(newest < now() - $6::interval, true)
FROM unseen
"""
_LOCK = """
SELECT pg_advisory_xact_lock(hashtext('kpi_month_sum'), hashtext($1::uuid::text || $2::date::text))
"""
_CLEAR = "DELETE FROM kpi_month_sum WHERE organization_id = $1 AND month = $2"
# One statement, so the sums and the snapshot recorded with them are the same snapshot.
_BUILD = """
WITH built AS (
  INSERT INTO kpi_month_sum (organization_id, month, subject_id, kpi_id, names, totals)
  SELECT $1, $2, subject_id, kpi_id, array_agg(key ORDER BY key), array_agg(total ORDER BY key)
  FROM (
    SELECT r.subject_id, r.kpi_id, c.key, sum(c.value::numeric) AS total
    FROM kpi_reading r CROSS JOIN LATERAL jsonb_each(r.components) AS c(key, value)
    WHERE r.organization_id = $1 AND r.interval_start >= $4 AND r.interval_start < $5
    GROUP BY r.subject_id, r.kpi_id, c.key
  ) per
  GROUP BY subject_id, kpi_id
  RETURNING 1
)
INSERT INTO kpi_month_sum_state AS s (organization_id, month, zone, snapshot, built_at, sums)
SELECT $1, $2, $3, pg_current_snapshot()::text, now(), (SELECT count(*) FROM built)
ON CONFLICT (organization_id, month) DO UPDATE
SET zone = excluded.zone, snapshot = excluded.snapshot, built_at = excluded.built_at,
    sums = excluded.sums
"""
_READ_ONE = """
SELECT subject_id, kpi_id, names, totals FROM kpi_month_sum
WHERE organization_id = $1 AND month = $2 AND subject_id = ANY($3::uuid[])
  AND kpi_id = ANY($4::uuid[])
"""
_READ_MANY = """
SELECT subject_id, kpi_id, array_agg(name), array_agg(total) FROM (
  SELECT m.subject_id, m.kpi_id, u.name, sum(u.total) AS total
  FROM kpi_month_sum m CROSS JOIN LATERAL unnest(m.names, m.totals) AS u(name, total)
  WHERE m.organization_id = $1 AND m.month = ANY($2::date[])
    AND m.subject_id = ANY($3::uuid[]) AND m.kpi_id = ANY($4::uuid[])
  GROUP BY m.subject_id, m.kpi_id, u.name
) per GROUP BY subject_id, kpi_id
"""
_TENANT = text("SELECT set_config('app.organization_id', :org, true)")
_AS_APP = text("SELECT set_config('role', 'kra_app', true)")
_READ_ONLY = "SELECT current_setting('transaction_read_only') = 'on'"


def whole_months(period: DateRange) -> list[dt.date] | None:
    """The months making up the period exactly (first days); None unless it is whole months."""
    start, end = period
    if start.day != 1 or end.day != 1 or end <= start:
        return None
    months = []
    month = start
    while month < end:
        months.append(month)
        month = _next_month(month)
    return months


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _bounds(month: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    return instant(month, zone), instant(_next_month(month), zone)


def utc_months(month: dt.date, zone: ZoneInfo) -> tuple[dt.date, dt.date]:
    """The first and last UTC months (partitions) a month of ``zone`` spans."""
    lo, hi = _bounds(month, zone)
    first = lo.astimezone(dt.UTC)
    last = (hi - dt.timedelta(microseconds=1)).astimezone(dt.UTC)
    return dt.date(first.year, first.month, 1), dt.date(last.year, last.month, 1)


async def _rows(connection: AsyncConnection, sql: str, *args: Any) -> Sequence[Any]:
    result = await connection.exec_driver_sql(sql, args)
    return result.all() if result.returns_rows else []


async def _state(
    connection: AsyncConnection, org_id: uuid.UUID, zone: ZoneInfo, month: dt.date
) -> tuple[bool, bool]:
    """(fresh, quiet): sums built in this zone with every change seen; no recent change."""
    args = (org_id, month, zone.key, *utc_months(month, zone), QUIET)
    built, pending, quiet = (await _rows(connection, _STATE, *args))[0]
    return built and not pending, quiet


async def _fresh(
    connection: AsyncConnection, org_id: uuid.UUID, zone: ZoneInfo, month: dt.date
) -> bool:
    return (await _state(connection, org_id, zone, month))[0]


async def _build(session: AsyncSession, org_id: uuid.UUID, zone: ZoneInfo, month: dt.date) -> None:
    """Rebuild the month's sums on a connection of its own, committed (if still stale)."""
    engine = session.bind
    assert isinstance(engine, AsyncEngine)
    async with engine.connect() as connection:
        if session.info.get("set_role", True):
            await connection.execute(_AS_APP)
        await connection.execute(_TENANT, {"org": str(org_id)})
        await tune_connection(connection)  # the build is the same aggregate as a run's
        await _rows(connection, _LOCK, org_id, month)
        if not await _fresh(connection, org_id, zone, month):  # another run may have built it
            await _rows(connection, _CLEAR, org_id, month)
            await _rows(connection, _BUILD, org_id, month, zone.key, *_bounds(month, zone))
        await connection.commit()


async def read(
    session: AsyncSession,
    org_id: uuid.UUID,
    zone: ZoneInfo,
    period: DateRange,
    subjects: Sequence[uuid.UUID],
    kpi_ids: Sequence[uuid.UUID],
) -> Sequence[Any] | None:
    """(subject, KPI, names, totals) of ``subjects`` over the whole period from fresh month
    sums, building stale quiet months first; None when month sums do not apply (then the
    caller aggregates the readings)."""
    months = whole_months(period)
    if months is None or len(subjects) < MIN_SUBJECTS or not kpi_ids:
        return None
    connection = await session.connection()
    for month in months:
        fresh, quiet = await _state(connection, org_id, zone, month)
        if fresh:
            continue
        if not quiet or (await _rows(connection, _READ_ONLY))[0][0]:
            return None
        await _build(session, org_id, zone, month)
        if not await _fresh(connection, org_id, zone, month):  # e.g. a repeatable-read caller
            return None
    if len(months) == 1:
        return await _rows(connection, _READ_ONE, org_id, months[0], list(subjects), kpi_ids)
    return await _rows(connection, _READ_MANY, org_id, months, list(subjects), kpi_ids)
