"""kraSmartCheck: how SMART each KRA of a set is (rules in ``smart_rules``). Reads only.

The reference day is today, moved into the set's range when the set is not in force today. Goals
are the role-level (ROLE scope) versions approved for the set's role. History is the KPI value of
every employee who held the role during each of the last three MONTH periods ended by today
(another kind when the organization has no month periods), min sample met: one aggregate
statement per period, whatever the number of employees.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.kras import repository as repo
from kra_api.kras import smart_rules as rules
from kra_api.models import Goal, Kra, KraItem, KraSet, Organization, Period
from kra_api.periods.state import local_date
from kra_api.scoring import month_sums
from kra_api.scoring.aggregates import load_sums
from kra_api.scoring.engine import baseline_value
from kra_api.scoring.exact import Fraction
from kra_api.scoring.groups import self_group
from kra_api.scoring.kpis import KpiInfo, load_kpis
from kra_api.scoring.simulation import people_in_scope

HISTORY_PERIODS = 3


@dataclass(frozen=True)
class KraSmart:
    """The five criteria of one KRA, and the target comparisons behind Achievable."""

    kra: Kra
    specific: rules.Check
    measurable: rules.Check
    achievable: rules.Check
    relevant: rules.Check
    time_bound: rules.Check
    targets: list[rules.TargetCheck]

    @property
    def passed(self) -> bool:
        """All five pass."""
        checks = (self.specific, self.measurable, self.achievable, self.relevant)
        return all(c.passed for c in (*checks, self.time_bound))


@dataclass(frozen=True)
class SmartReport:
    """A set's SMART check: the day it was judged on, the history periods, each KRA."""

    kra_set: KraSet
    day: dt.date
    periods: list[Period]
    kras: list[KraSmart]


def reference_day(kra_set: KraSet, today: dt.date) -> dt.date:
    """Today, moved into the set's range when it is not in force today."""
    day = today
    if kra_set.effective_from is not None and day < kra_set.effective_from:
        day = kra_set.effective_from
    if kra_set.effective_to is not None and day >= kra_set.effective_to:
        day = max(kra_set.effective_to - dt.timedelta(days=1), kra_set.effective_from or day)
    return day


async def _role_goals(
    session: AsyncSession, kra_set: KraSet, kpi_ids: Sequence[uuid.UUID], day: dt.date
) -> dict[uuid.UUID, Goal]:
    """The approved ROLE-scope goal of each KPI in force on ``day`` for the set's role."""
    stmt = select(Goal).where(
        col(Goal.organization_id) == kra_set.organization_id,
        col(Goal.status) == "APPROVED",
        col(Goal.scope_kind) == "ROLE",
        col(Goal.role_id) == kra_set.role_id,
        col(Goal.kpi_id).in_(list(kpi_ids)),
        col(Goal.effective_from) <= day,
        or_(col(Goal.effective_to).is_(None), col(Goal.effective_to) > day),
    )
    return {g.kpi_id: g for g in (await session.execute(stmt)).scalars()}


async def _history_periods(
    session: AsyncSession, org_id: uuid.UUID, today: dt.date
) -> list[Period]:
    """The last three MONTH periods ended by today (else of the latest ended period's kind)."""
    stmt = (
        select(Period)
        .where(col(Period.organization_id) == org_id, col(Period.end_date) <= today)
        .order_by(col(Period.end_date).desc(), col(Period.id))
    )
    ended = list((await session.execute(stmt)).scalars())
    kind = "MONTH" if any(p.kind == "MONTH" for p in ended) else (ended[0].kind if ended else "")
    return [p for p in ended if p.kind == kind][:HISTORY_PERIODS]


async def _history(
    session: AsyncSession,
    org: Organization,
    role_id: uuid.UUID,
    periods: Sequence[Period],
    kpis: Sequence[KpiInfo],
) -> dict[uuid.UUID, list[Fraction]]:
    """Per KPI, the value of each employee of the role in each period (min sample met)."""
    found: dict[uuid.UUID, list[Fraction]] = defaultdict(list)
    if not kpis:
        return found
    zone = ZoneInfo(org.timezone)
    for period in periods:
        span = (period.start_date, period.end_date)
        people = await people_in_scope(session, org.id, period, role=role_id)
        groups = [self_group(e, span) for e in people]
        sums = await load_sums(session, org.id, zone, span, groups, kpis)
        for group in groups:
            for kpi in kpis:
                value = baseline_value(
                    kpi.spec.formula, sums.for_group(group, kpi), kpi.spec.min_sample
                )
                if value is not None:
                    found[kpi.id].append(value)
    month_sums.start_builds(session)
    return found


async def smart_check(
    session: AsyncSession, org: Organization, set_id: uuid.UUID
) -> SmartReport | None:
    """The SMART check of every KRA of the set (None: no such set)."""
    kra_set = next(iter(await repo.kra_sets(session, org.id, [set_id])), None)
    if kra_set is None:
        return None
    today = local_date(dt.datetime.now(dt.UTC), org.timezone)
    day = reference_day(kra_set, today)
    kras = await repo.kras_of_sets(session, org.id, [kra_set.id])
    items = await repo.items_of_kras(session, org.id, [k.id for k in kras])
    kpi_ids = sorted({i.kpi_id for i in items})
    kpis = await load_kpis(session, org.id)
    codes = {k: kpis[k].spec.code for k in kpi_ids}
    now = await _role_goals(session, kra_set, kpi_ids, day)
    start = kra_set.effective_from
    at_start = await _role_goals(session, kra_set, kpi_ids, start) if start else {}
    periods = await _history_periods(session, org.id, today)
    compared = [kpis[k] for k in kpi_ids if k in now]
    history = await _history(session, org, kra_set.role_id, periods, compared)
    by_kra: dict[uuid.UUID, list[KraItem]] = defaultdict(list)
    for item in items:
        by_kra[item.kra_id].append(item)
    results = []
    for kra in kras:
        mine = by_kra.get(kra.id, [])
        weighted = [i for i in mine if not i.is_gate]
        targets = [
            rules.target_check(i, codes[i.kpi_id], now[i.kpi_id], history.get(i.kpi_id, []))
            for i in weighted
            if i.kpi_id in now
        ]
        results.append(
            KraSmart(
                kra=kra,
                specific=rules.specific(kra.description),
                measurable=rules.measurable(mine, codes, now, day),
                achievable=rules.achievable(targets),
                relevant=rules.relevant(kra.objective),
                time_bound=rules.time_bound(start, weighted, codes, now, at_start),
                targets=targets,
            )
        )
    return SmartReport(kra_set, day, periods, results)
