"""KPI trends: ratio-of-sums values per DAY, ISO WEEK (Monday) or MONTH bucket (§1, §2).

The subject is an employee (their own readings) or an org unit (its subtree's members while
members, plus the units' own readings). One aggregate statement groups by bucket in the
organization's time zone, summing each reading's ``component_values`` a column per component
(``component_sql.py``); for KPIs with FIRST / LAST components, those are taken per subject and
bucket from the ``components`` JSON, then summed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.errors import BadUserInput
from kra_api.scoring import component_sql
from kra_api.scoring.aggregates import EXACT, fetch
from kra_api.scoring.groups import self_group, team_group
from kra_api.scoring.kpis import FIRST, LAST, KpiInfo
from kra_api.scoring.structure import load_structure
from kra_api.scoring.tuning import tune
from kra_api.scoring.windows import DateRange, Group, instant

MAX_BUCKETS = 366


# $1 org, $2..$4 windows (subject, from, to), $5 KPI, $6..$7 range, $8 grain, $9 time zone.
@cache
def trend_sql(width: int) -> str:
    """Each bucket's sums of a KPI of ``width`` components, a column each in its order."""
    return f"""
WITH w(subject_id, lo, hi) AS (
  SELECT * FROM unnest($2::uuid[], $3::timestamptz[], $4::timestamptz[])
)
SELECT date_trunc($8, r.interval_start AT TIME ZONE $9)::date AS bucket,
       {component_sql.sum_columns(width)}
FROM w
JOIN kpi_reading r
  ON r.organization_id = $1 AND r.subject_id = w.subject_id
 AND r.interval_start >= w.lo AND r.interval_start < w.hi
WHERE r.organization_id = $1 AND r.kpi_id = $5 AND r.interval_start >= $6
  AND r.interval_start < $7
GROUP BY 1
"""  # noqa: S608 - constant fragments and an integer


# FIRST / LAST per subject and bucket first (ties broken by end, then source), then summed.
TREND_SNAPSHOTS_SQL = """
WITH w(subject_id, lo, hi) AS (
  SELECT * FROM unnest($2::uuid[], $3::timestamptz[], $4::timestamptz[])
), per AS (
  SELECT date_trunc($8, r.interval_start AT TIME ZONE $9)::date AS bucket, r.subject_id, c.key,
    sum(c.value::numeric) AS total,
    (array_agg(c.value::numeric ORDER BY r.interval_start, r.interval_end, r.source))[1] AS first,
    (array_agg(c.value::numeric
               ORDER BY r.interval_start DESC, r.interval_end DESC, r.source DESC))[1] AS last
  FROM w
  JOIN kpi_reading r
    ON r.organization_id = $1 AND r.subject_id = w.subject_id
   AND r.interval_start >= w.lo AND r.interval_start < w.hi
  CROSS JOIN LATERAL jsonb_each(r.components) AS c(key, value)
  WHERE r.organization_id = $1 AND r.kpi_id = $5 AND r.interval_start >= $6
    AND r.interval_start < $7
  GROUP BY 1, 2, 3
)
SELECT bucket, key, sum(total), sum(first), sum(last) FROM per GROUP BY 1, 2
"""


class Grain(StrEnum):
    """Size of a trend bucket."""

    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


def bucket_of(day: dt.date, grain: Grain) -> dt.date:
    """The first day of the bucket holding ``day`` (ISO weeks start on Monday)."""
    if grain is Grain.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if grain is Grain.MONTH:
        return day.replace(day=1)
    return day


def bucket_starts(span: DateRange, grain: Grain) -> list[dt.date]:
    """The buckets covering ``[start, end)``; BAD_USER_INPUT when empty or over 366."""
    start, end = span
    if end <= start:
        raise BadUserInput("`to` must be after `from` (it is exclusive)")
    starts = [bucket_of(start, grain)]
    while True:
        nxt = _next(starts[-1], grain)
        if nxt >= end:
            break
        starts.append(nxt)
        if len(starts) > MAX_BUCKETS:
            raise BadUserInput(f"at most {MAX_BUCKETS} buckets; narrow the range or the grain")
    return starts


def _next(bucket: dt.date, grain: Grain) -> dt.date:
    if grain is Grain.DAY:
        return bucket + dt.timedelta(days=1)
    if grain is Grain.WEEK:
        return bucket + dt.timedelta(days=7)
    month = bucket.month % 12 + 1
    return bucket.replace(year=bucket.year + (month == 1), month=month)


async def kpi_trend(
    session: AsyncSession,
    org_id: uuid.UUID,
    timezone: str,
    subject: tuple[str, uuid.UUID],
    kpi: KpiInfo,
    span: DateRange,
    grain: Grain,
) -> list[tuple[dt.date, dict[str, Decimal] | None]]:
    """Each bucket's component aggregates (None: no reading) for an EMPLOYEE or ORG_UNIT."""
    starts = bucket_starts(span, grain)
    kind, subject_id = subject
    group: Group
    if kind == "ORG_UNIT":
        structure = await load_structure(session, org_id, span, [], subject_id)
        group = team_group(structure, subject_id, span)
    else:
        group = self_group(subject_id, span)
    zone = ZoneInfo(timezone)
    subjects = [s for s, ranges in group.items() for _ in ranges]
    los = [instant(a, zone) for ranges in group.values() for a, _ in ranges]
    his = [instant(b, zone) for ranges in group.values() for _, b in ranges]
    sql = TREND_SNAPSHOTS_SQL if kpi.snapshots else trend_sql(len(kpi.aggregations))
    await tune(session)
    rows = await fetch(
        session,
        sql,
        org_id,
        subjects,
        los,
        his,
        kpi.id,
        instant(span[0], zone),
        instant(span[1], zone),
        grain.value.lower(),
        timezone,
    )
    buckets: dict[dt.date, dict[str, Decimal]] = {}
    if kpi.snapshots:  # a row per bucket and component
        for bucket, name, total, first, last in rows:
            aggregation = kpi.aggregations.get(name)
            value = first if aggregation == FIRST else last if aggregation == LAST else total
            buckets.setdefault(bucket, {})[name] = EXACT.plus(value)
    else:  # a row per bucket, a column per component
        for bucket, *sums in rows:
            buckets[bucket] = {  # a component no reading has: 0, by ``_complete``
                name: EXACT.plus(total)
                for name, total in zip(kpi.aggregations, sums, strict=True)
                if total is not None
            }
    return [(b, _complete(buckets.get(b), kpi)) for b in starts]


def _complete(sums: dict[str, Decimal] | None, kpi: KpiInfo) -> dict[str, Decimal] | None:
    if sums is None:
        return None
    return {name: sums.get(name, Decimal(0)) for name in kpi.aggregations}
