"""Compaction of ``kpi_reading_change``, the log that tells when month sums are stale.

Every readings merge that changes rows appends a row per (transaction, UTC month); without
compaction the log grows by hundreds of rows per organization and month. A row matters only
while some month-sum state might not have seen it: a state is stale when a change touching
[its month's start, its cut) was committed after its snapshot (``month_sums._STATE``), and the
earliest change of the last ``QUIET`` decides where a build stops.

A build of month ``m`` deletes, in its own transaction, the rows that no state will ever need:

- changed before the last ``QUIET`` (they no longer steer where builds stop);
- touching only days of ``m`` (in the organization's current zone), so that in any zone only
  the states of ``m - 1``, ``m`` and ``m + 1`` can cover them;
- seen by every stored state of those three months whose range they touch (committed before
  its snapshot), the one just built included (the delete itself sees only committed rows, but
  under a newer snapshot than the build's);
- with the advisory locks of ``m - 1`` and ``m + 1`` taken (the build holds ``m``'s): no build
  of those months is running, and any later build takes its snapshot after this commit, so it
  sees every row deleted here. When a neighbour's lock is busy the build skips compaction (a
  later build does it); it never waits, so two neighbouring builds cannot deadlock.

A row spanning two months stays. So do the rows of a month that is never built again, and of
organizations too small for month sums. Their runs read only their period's rows, by key.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncConnection

from kra_api.periods.calendar import add_months

LOCK_KEY = "hashtext('kpi_month_sum'), hashtext($1::uuid::text || $2::date::text)"
_TRY_LOCK = f"SELECT pg_try_advisory_xact_lock({LOCK_KEY})"
# Change row ``c`` makes state ``s`` stale when it touches s's days before the cut (its start
# is the caller's condition) and was committed after s's snapshot. Staleness (month_sums._STATE)
# and compaction (its exact complement) share it.
UNSEEN = (
    "c.first_at < s.cut AND NOT pg_visible_in_snapshot(c.xact::text::xid8, s.snapshot::pg_snapshot)"
)

# $1 organization; $2..$3 the UTC months of the built month; $4..$5 its instants; $6 QUIET;
# $7..$8 the months before and after it.
_COMPACT = f"""
DELETE FROM kpi_reading_change c
WHERE c.organization_id = $1 AND c.month BETWEEN $2 AND $3
  AND c.first_at >= $4 AND c.last_at < $5
  AND c.changed_at < now() - $6::interval
  AND NOT EXISTS (
    SELECT 1 FROM kpi_month_sum_state s
    WHERE s.organization_id = $1 AND s.month BETWEEN $7 AND $8
      AND c.last_at >= (s.month::timestamp AT TIME ZONE s.zone) AND {UNSEEN})
"""  # noqa: S608 - constant fragments


async def compact(
    connection: AsyncConnection,
    org_id: uuid.UUID,
    month: dt.date,
    utc_months: tuple[dt.date, dt.date],
    bounds: tuple[dt.datetime, dt.datetime],
    quiet: dt.timedelta,
) -> int | None:
    """Delete the change rows of ``month`` that no month-sum state needs (in the caller's
    transaction, which holds ``month``'s build lock); None when a neighbour's build runs."""
    before, after = add_months(month, -1), add_months(month, 1)
    for neighbour in (before, after):
        if not (await connection.exec_driver_sql(_TRY_LOCK, (org_id, neighbour))).scalar():
            return None
    result = await connection.exec_driver_sql(
        _COMPACT, (org_id, *utc_months, *bounds, quiet, before, after)
    )
    return int(result.rowcount)
