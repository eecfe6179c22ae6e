"""Component aggregates with one set-based query (architecture.md principle 5).

Readings are summed per (subject, segment, KPI) by PostgreSQL in exact NUMERIC, a column per
component (``component_sql.py``); for KPIs with FIRST / LAST components a second statement
takes each segment's earliest / latest reading. Groups are then composed from whole segments
(``windows.py``). The period's bounds are passed as instants in the organization's time zone,
so the planner prunes kpi_reading to the month partitions concerned.

The SQL is constant text (one per component count) sent as driver SQL in the session's tenant
transaction (row-level security applies): the results are large and plain tuples are cheap.
"""

from __future__ import annotations

import decimal
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.scoring import component_sql, month_sums
from kra_api.scoring.kpis import FIRST, KpiInfo
from kra_api.scoring.tuning import tune
from kra_api.scoring.windows import DateRange, Group, SegmentPlan, instant

# Sums of stored NUMERICs are exact in PostgreSQL; adding segments here must stay exact too.
EXACT = decimal.Context(prec=1000, traps=[decimal.Inexact, decimal.InvalidOperation])


@cache
def sums_sql(width: int) -> str:
    """The component sums statement for KPIs of up to ``width`` components.

    $1 organization; $2..$5 the segments (subject, index, first instant, end instant) of
    subjects whose timeline is cut; $6..$7 the period's instants (partition pruning); $8 the
    KPIs; $9 the subjects read over the whole period as one segment (most of them: no join
    needed). One row per (subject, segment, KPI) with the sums in the KPI's component order,
    then NULL padding.
    """
    columns = component_sql.sum_columns(width)
    return f"""
WITH seg(subject_id, seg, lo, hi) AS (
  SELECT * FROM unnest($2::uuid[], $3::int[], $4::timestamptz[], $5::timestamptz[])
)
SELECT r.subject_id, 0 AS seg, r.kpi_id, {columns}
FROM kpi_reading r
WHERE r.organization_id = $1 AND r.interval_start >= $6 AND r.interval_start < $7
  AND r.kpi_id = ANY($8::uuid[]) AND r.subject_id = ANY($9::uuid[])
GROUP BY r.subject_id, r.kpi_id
UNION ALL
SELECT s.subject_id, s.seg, r.kpi_id, {columns}
FROM seg s
JOIN kpi_reading r
  ON r.organization_id = $1 AND r.subject_id = s.subject_id
 AND r.interval_start >= s.lo AND r.interval_start < s.hi
WHERE r.organization_id = $1 AND r.interval_start >= $6 AND r.interval_start < $7
  AND r.kpi_id = ANY($8::uuid[])
GROUP BY s.subject_id, s.seg, r.kpi_id
"""  # noqa: S608 - constant fragments and an integer


# The earliest and latest reading of each segment (ties on the start broken by the end, then
# the source, so the choice is deterministic); $8: the KPIs with FIRST / LAST components.
SNAPSHOTS_SQL = """
WITH seg(subject_id, seg, lo, hi) AS (
  SELECT * FROM unnest($2::uuid[], $3::int[], $4::timestamptz[], $5::timestamptz[])
)
SELECT s.subject_id, s.seg, r.kpi_id, c.key,
  (array_agg(c.value::numeric ORDER BY r.interval_start, r.interval_end, r.source))[1],
  (array_agg(c.value::numeric
             ORDER BY r.interval_start DESC, r.interval_end DESC, r.source DESC))[1]
FROM seg s
JOIN kpi_reading r
  ON r.organization_id = $1 AND r.subject_id = s.subject_id
 AND r.interval_start >= s.lo AND r.interval_start < s.hi
CROSS JOIN LATERAL jsonb_each(r.components) AS c(key, value)
WHERE r.organization_id = $1 AND r.interval_start >= $6 AND r.interval_start < $7
  AND r.kpi_id = ANY($8::uuid[])
GROUP BY s.subject_id, s.seg, r.kpi_id, c.key
"""

SegKey = tuple[uuid.UUID, uuid.UUID]  # (subject, kpi)
ZERO = Decimal(0)


async def fetch(session: AsyncSession, sql: str, *args: Any) -> Sequence[Any]:
    """Rows of constant SQL with ``$n`` parameters, in the session's tenant transaction.

    Sent as driver SQL (no statement compilation, plain tuples) but through SQLAlchemy, so the
    statement is seen by engine events like any other (the statement-count tests rely on it).
    """
    connection = await session.connection()
    result = await connection.exec_driver_sql(sql, args)
    return result.all()


class ComponentSums:
    """Per-segment aggregates of a scoring run, composed into any group's component sums."""

    def __init__(self, plan: SegmentPlan) -> None:
        self.plan = plan
        self.totals: dict[SegKey, dict[int, dict[str, Decimal]]] = defaultdict(dict)
        self.snapshots: dict[SegKey, dict[int, dict[str, tuple[Decimal, Decimal]]]] = defaultdict(
            dict
        )

    def for_group(self, group: Group, kpi: KpiInfo) -> dict[str, Decimal] | None:
        """The KPI's component aggregates over a group; None when it has no reading."""
        snapshots = kpi.snapshots
        if len(group) == 1 and not snapshots:
            # The common case, an employee's own readings read as one segment: no composing.
            ((subject, ranges),) = group.items()
            if self.plan.bounds.get(subject) == [ranges[0][0], ranges[-1][1]]:
                per_segment = self.totals.get((subject, kpi.id))
                only = per_segment.get(0) if per_segment else None
                if only is None:
                    return None
                if only.keys() == kpi.aggregations.keys():
                    return dict(only)
        sums: dict[str, Decimal] | None = None
        picked: dict[str, Decimal] = dict.fromkeys(snapshots, Decimal(0))
        for subject, ranges in group.items():
            per_segment = self.totals.get((subject, kpi.id))
            if not per_segment:
                continue
            segments = [i for i in self.plan.segment_indexes(subject, ranges) if i in per_segment]
            for i in segments:
                if sums is None:
                    sums = dict(per_segment[i])  # most groups are one subject, one segment
                    continue
                for name, value in per_segment[i].items():
                    sums[name] = EXACT.add(sums.get(name, Decimal(0)), value)
            if snapshots and segments:
                self._pick(picked, snapshots, self.snapshots.get((subject, kpi.id), {}), segments)
        if sums is None:
            return None
        sums.update(picked)
        if sums.keys() == kpi.aggregations.keys():
            return sums
        # A component missing from every reading (a definition changed since) aggregates to 0.
        return {name: sums.get(name, Decimal(0)) for name in kpi.aggregations}

    @staticmethod
    def _pick(
        picked: dict[str, Decimal],
        snapshots: dict[str, str],
        per_segment: dict[int, dict[str, tuple[Decimal, Decimal]]],
        segments: list[int],
    ) -> None:
        # FIRST / LAST: the subject's earliest / latest reading over its windows, summed across
        # subjects; segments are in time order, so it is the first / last segment with data.
        for name, aggregation in snapshots.items():
            values = [per_segment[i][name] for i in segments if name in per_segment.get(i, {})]
            if values:
                value = values[0][0] if aggregation == FIRST else values[-1][1]
                picked[name] = EXACT.add(picked[name], value)


def _add(
    per_segment: dict[int, dict[str, Decimal]], seg: int, names: Sequence[str], values: Any
) -> None:
    """Add component sums into a segment's (month sums, the readings after them, months)."""
    found = per_segment.get(seg)
    if found is None:
        per_segment[seg] = dict(zip(names, values, strict=True))
        return
    for name, value in zip(names, values, strict=True):
        found[name] = EXACT.add(found.get(name, ZERO), value)


async def load_sums(
    session: AsyncSession,
    org_id: uuid.UUID,
    zone: ZoneInfo,
    period: DateRange,
    groups: Iterable[Group],
    kpis: Collection[KpiInfo],
) -> ComponentSums:
    """Aggregate every reading of ``kpis`` the groups need over ``period``: one statement
    (two when some KPI has FIRST / LAST components); a large run over whole months reads the
    whole-period subjects from month sums instead (``month_sums``) plus, through the same
    statement, the readings the sums do not hold; builds found worth doing
    are left for the caller to start (``month_sums.start_builds``) once its work is done."""
    plan = SegmentPlan(groups)
    result = ComponentSums(plan)
    if not plan.bounds or not kpis:
        return result
    await tune(session)
    bounds = (instant(period[0], zone), instant(period[1], zone))
    whole = plan.whole(period)
    cut = plan.query_arrays(zone, skip=set(whole))
    totals = result.totals
    kpi_ids = [k.id for k in kpis]
    orders = {k.id: tuple(k.aggregations) for k in kpis}
    sql = sums_sql(component_sql.width_of(kpis))

    async def aggregate(lo: Any, hi: Any, segments: Sequence[Any], subjects: list[Any]) -> None:
        for row in await fetch(session, sql, org_id, *segments, lo, hi, kpi_ids, subjects):
            order = orders[row[2]]  # the KPI's components; past them, padding
            values = row[3 : 3 + len(order)]
            if None in values:  # a component no reading of the group has aggregates to 0
                values = tuple(ZERO if v is None else v for v in values)
            _add(totals[(row[0], row[2])], row[1], order, values)

    monthly = await month_sums.read(session, org_id, zone, period, whole, kpi_ids)
    if monthly is not None:  # a large run over whole months: the whole-period subjects are read
        for subject, kpi_id, names, values in monthly.rows:
            _add(totals[(subject, kpi_id)], 0, names, values)
        for lo, hi in monthly.tails:  # and the readings the sums do not hold
            await aggregate(lo, hi, ([], [], [], []), whole)
        whole = []
    if whole or cut[0]:
        await aggregate(*bounds, cut, whole)
    snapshot_kpis = [k.id for k in kpis if k.snapshots]
    if snapshot_kpis:
        every = plan.query_arrays(zone)
        for subject, seg, kpi_id, name, first, last in await fetch(
            session, SNAPSHOTS_SQL, org_id, *every, *bounds, snapshot_kpis
        ):
            result.snapshots[(subject, kpi_id)].setdefault(seg, {})[name] = (first, last)
    return result
