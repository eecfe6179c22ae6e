"""Month sums: a large scoring run reads one row per (subject, KPI, month) instead of every reading.

Aggregating a month of daily readings for 10 000 employees costs seconds of PostgreSQL time;
reading the same sums from ``kpi_month_sum`` costs a tenth of a second. The sums are derived
data, built for a month of the organization's time zone up to a *cut* (readings from the cut on
are aggregated by each run, like a stale month's) and used only while fresh:

- every readings merge that changed rows appends (transaction id, UTC month, earliest and latest
  reading start changed) to ``kpi_reading_change`` in the same transaction
  (readings/staging.py), so writers never wait;
- a build records the snapshot it aggregated under; its sums are fresh when its zone is the
  organization's and every change row touching [month start, cut) was committed before that
  snapshot (``pg_visible_in_snapshot``). A change committed later, even by a transaction that
  was running during the build, makes them stale; a change after the cut does not;
- a build stops at the start of the (local) day of the earliest change still arriving (committed
  within ``QUIET``), or at the month's end once the month is quiet: the days still receiving
  readings would make the sums stale again minutes later, the days before them do not. A month
  whose readings arrive day by day thus keeps fresh sums up to yesterday or so, and each run
  aggregates only the days after the cut. Fresh sums are built again when their cut can move
  ``EXTEND`` or more forward, or to the month's end; stale ones when not built within ``QUIET``
  (a month receiving corrections over all its days is aggregated from the readings, not rebuilt
  by every run);
- no run waits for a build: the run that finds one worth doing reads what is fresh plus the
  readings after it (or all the readings), then starts the build in the background
  (``background.py``) once it is scored, so that the two do not compete for the machine. A
  build runs on a connection of its own and is committed (a read request's transaction is
  rolled back at its end), under an advisory lock so concurrent runs build once. A READ ONLY
  transaction (what-if simulations) never starts one. A build also deletes the change rows of
  its month that no state needs any more (``change_log.py``).

Runs of fewer than ``MIN_SUBJECTS`` whole-period subjects (any team) and periods that are not
whole months never use month sums: their aggregate is cheap already.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from functools import cache, partial
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from kra_api.periods.calendar import add_months
from kra_api.scoring import background, change_log, component_sql
from kra_api.scoring.tuning import tune_connection
from kra_api.scoring.windows import DateRange, instant

MIN_SUBJECTS = 1000
QUIET = dt.timedelta(minutes=10)
EXTEND = dt.timedelta(days=7)

# The cut of the month's sums in this zone (NULL: none), whether a change touching the days
# before it was committed after the build, the earliest reading start changed within $8
# (database clock) in the month, and whether the sums were built within $8.
_STATE = f"""
WITH s AS (
  SELECT snapshot, cut, built_at FROM kpi_month_sum_state
  WHERE organization_id = $1 AND month = $2 AND zone = $3
), c AS (
  SELECT xact, changed_at, first_at FROM kpi_reading_change
  WHERE organization_id = $1 AND month BETWEEN $4 AND $5 AND first_at < $7 AND last_at >= $6
)
SELECT (SELECT cut FROM s),
  EXISTS (SELECT 1 FROM c, s WHERE {change_log.UNSEEN}),
  (SELECT min(first_at) FROM c WHERE changed_at >= now() - $8::interval),
  coalesce((SELECT built_at >= now() - $8::interval FROM s), false)
"""  # noqa: S608 - constant fragments
_LOCK = f"SELECT pg_advisory_xact_lock({change_log.LOCK_KEY})"
_CLEAR = "DELETE FROM kpi_month_sum WHERE organization_id = $1 AND month = $2"
_WIDTH = (
    "SELECT coalesce(max(jsonb_array_length(components)), 1) FROM kpi WHERE organization_id = $1"
)


@cache
def _build_sql(width: int) -> str:
    """The build for KPIs of up to ``width`` components: one statement, so the sums and the
    snapshot recorded with them are the same snapshot."""
    return f"""
WITH per AS (
  SELECT r.subject_id, r.kpi_id, {component_sql.totals(width)} AS totals
  FROM kpi_reading r
  WHERE r.organization_id = $1 AND r.interval_start >= $4 AND r.interval_start < $5
  GROUP BY r.subject_id, r.kpi_id
), k AS (
  SELECT id, ARRAY(SELECT e->>'name' FROM jsonb_array_elements(components)
                   WITH ORDINALITY AS x(e, i) ORDER BY i) AS names
  FROM kpi WHERE organization_id = $1
), built AS (
  INSERT INTO kpi_month_sum (organization_id, month, subject_id, kpi_id, names, totals)
  SELECT $1, $2, p.subject_id, p.kpi_id, k.names, p.totals[1:cardinality(k.names)]
  FROM per p JOIN k ON k.id = p.kpi_id
  RETURNING 1
)
INSERT INTO kpi_month_sum_state AS s (organization_id, month, zone, snapshot, built_at, sums, cut)
SELECT $1, $2, $3, pg_current_snapshot()::text, now(), (SELECT count(*) FROM built), $5
ON CONFLICT (organization_id, month) DO UPDATE
SET zone = excluded.zone, snapshot = excluded.snapshot, built_at = excluded.built_at,
    sums = excluded.sums, cut = excluded.cut
"""  # noqa: S608 - constant fragments and an integer


# The sums of months $2 (a row per month: the caller adds them up).
_READ = """
SELECT subject_id, kpi_id, names, totals FROM kpi_month_sum
WHERE organization_id = $1 AND month = ANY($2::date[]) AND subject_id = ANY($3::uuid[])
  AND kpi_id = ANY($4::uuid[])
"""
_PENDING = "month_sum_builds"  # session.info: {(organization, month): zone} to build
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
        month = add_months(month, 1)
    return months


def _bounds(month: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    return instant(month, zone), instant(add_months(month, 1), zone)


def utc_months(month: dt.date, zone: ZoneInfo) -> tuple[dt.date, dt.date]:
    """The first and last UTC months (partitions) a month of ``zone`` spans."""
    lo, hi = _bounds(month, zone)
    first = lo.astimezone(dt.UTC)
    last = (hi - dt.timedelta(microseconds=1)).astimezone(dt.UTC)
    return dt.date(first.year, first.month, 1), dt.date(last.year, last.month, 1)


async def _rows(connection: AsyncConnection, sql: str, *args: Any) -> Sequence[Any]:
    result = await connection.exec_driver_sql(sql, args)
    return result.all() if result.returns_rows else []


class _State(NamedTuple):
    cut: dt.datetime | None  # the sums cover [month start, cut); None: not built, or stale
    busy_from: dt.datetime | None  # the earliest reading start changed within QUIET
    recent: bool  # built within QUIET


async def _state(
    connection: AsyncConnection, org_id: uuid.UUID, zone: ZoneInfo, month: dt.date
) -> _State:
    """The month's sums as this connection's snapshot sees them."""
    args = (org_id, month, zone.key, *utc_months(month, zone), *_bounds(month, zone), QUIET)
    cut, stale, busy_from, recent = (await _rows(connection, _STATE, *args))[0]
    return _State(None if stale else cut, busy_from, recent)


def _target(month: dt.date, zone: ZoneInfo, busy_from: dt.datetime | None) -> dt.datetime:
    """Where new sums would stop: the start of the local day of the earliest change still
    arriving, or the month's end when none is."""
    start, end = _bounds(month, zone)
    if busy_from is None:
        return end
    return max(start, min(end, instant(busy_from.astimezone(zone).date(), zone)))


def _keep(cut: dt.datetime | None, target: dt.datetime, end: dt.datetime) -> bool:
    """Whether fresh sums up to ``cut`` are worth keeping rather than building up to ``target``."""
    return cut is not None and not (target > cut and (target == end or target - cut >= EXTEND))


async def _build(
    engine: AsyncEngine, set_role: bool, org_id: uuid.UUID, zone: ZoneInfo, month: dt.date
) -> None:
    """Rebuild the month's sums on a connection of its own, committed (unless another run has
    just built what is needed)."""
    async with engine.connect() as connection:
        if set_role:
            await connection.execute(_AS_APP)
        await connection.execute(_TENANT, {"org": str(org_id)})
        await tune_connection(connection)  # the build is the same aggregate as a run's
        await _rows(connection, _LOCK, org_id, month)
        state = await _state(connection, org_id, zone, month)
        start, end = _bounds(month, zone)
        target = _target(month, zone, state.busy_from)
        if not _keep(state.cut, target, end) and target > start:
            width = (await _rows(connection, _WIDTH, org_id))[0][0]
            await _rows(connection, _CLEAR, org_id, month)
            await _rows(connection, _build_sql(width), org_id, month, zone.key, start, target)
            months = utc_months(month, zone)
            await change_log.compact(connection, org_id, month, months, (start, end), QUIET)
        await connection.commit()


def start_builds(session: AsyncSession) -> None:
    """Start, in the background, the builds the session's runs found worth doing: a run never
    waits for one (it reads what is fresh plus the readings), the runs after it use them."""
    pending = session.info.pop(_PENDING, {})
    engine = session.bind
    if not pending or not isinstance(engine, AsyncEngine):
        return
    set_role = bool(session.info.get("set_role", True))
    for (org_id, month), zone in pending.items():
        background.start(
            ("month_sums", org_id, month),
            partial(_build, engine, set_role, org_id, zone, month),
        )


async def _cut(
    session: AsyncSession, org_id: uuid.UUID, zone: ZoneInfo, month: dt.date
) -> dt.datetime | None:
    """The cut of the month's fresh sums, or None; a build (or a move of the cut) worth doing
    is left for ``start_builds``."""
    connection = await session.connection()
    state = await _state(connection, org_id, zone, month)
    start, end = _bounds(month, zone)
    target = _target(month, zone, state.busy_from)
    if _keep(state.cut, target, end) or target <= start:
        return state.cut
    if (state.cut is None and state.recent) or (await _rows(connection, _READ_ONLY))[0][0]:
        return state.cut
    session.info.setdefault(_PENDING, {})[(org_id, month)] = zone
    return state.cut


class MonthSums(NamedTuple):
    """What a large run reads of month sums, and the readings it must aggregate besides."""

    rows: Sequence[Any]  # (subject, KPI, names, totals), a row per month read
    tails: list[tuple[dt.datetime, dt.datetime]]  # [from, to): after a cut, or a stale month


async def read(
    session: AsyncSession,
    org_id: uuid.UUID,
    zone: ZoneInfo,
    period: DateRange,
    subjects: Sequence[uuid.UUID],
    kpi_ids: Sequence[uuid.UUID],
) -> MonthSums | None:
    """The fresh month sums of ``subjects`` over the whole period, and the ranges of readings
    the caller must aggregate besides (after the cuts, stale months); None when month sums do
    not apply or none is fresh (then the caller aggregates the readings)."""
    months = whole_months(period)
    if months is None or len(subjects) < MIN_SUBJECTS or not kpi_ids:
        return None
    cuts = [await _cut(session, org_id, zone, month) for month in months]
    if all(cut is None for cut in cuts):
        return None
    built = [month for month, cut in zip(months, cuts, strict=True) if cut is not None]
    args = (org_id, built, list(subjects), kpi_ids)
    rows = await _rows(await session.connection(), _READ, *args)
    tails = []
    for month, cut in zip(months, cuts, strict=True):
        start, end = _bounds(month, zone)
        if cut != end:
            tails.append((start if cut is None else cut, end))
    return MonthSums(rows, tails)
