"""Baselines of RELATIVE goals: the subject's value of the KPI in the previous period (§3).

scoring.md reads a baseline from the previous period's FINALIZED evaluation snapshot when there
is one and computes it live otherwise: ``load_baselines`` asks the snapshots first (one
statement for all requests, ``kra_api.evaluations.baselines``) and computes the rest live.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.evaluations.baselines import frozen_baselines
from kra_api.models import Period
from kra_api.scoring.aggregates import load_sums
from kra_api.scoring.engine import baseline_value
from kra_api.scoring.exact import Fraction
from kra_api.scoring.kpis import KpiInfo
from kra_api.scoring.windows import DateRange, Group


@dataclass(frozen=True)
class BaselineRequest:
    """One baseline wanted: a group over the previous period (its own key) and a KPI; for an
    employee's item also the employee and item scope, to find it in a finalized snapshot."""

    key: Hashable
    group: Group
    kpi: KpiInfo
    employee_id: uuid.UUID | None = None
    scope: str | None = None


async def previous_period(session: AsyncSession, period: Period) -> Period | None:
    """The period of the same kind that ends where ``period`` starts."""
    stmt = select(Period).where(
        col(Period.organization_id) == period.organization_id,
        col(Period.kind) == period.kind,
        col(Period.end_date) == period.start_date,
    )
    return (await session.execute(stmt)).scalars().first()


async def load_baselines(
    session: AsyncSession,
    zone: ZoneInfo,
    previous: Period | None,
    requests: list[BaselineRequest],
) -> dict[Hashable, Fraction | None]:
    """Each request's baseline (None: no previous period, no reading or min sample missed)."""
    if previous is None or not requests:
        return {r.key: None for r in requests}
    wanted = [
        (r.key, r.employee_id, r.scope, r.kpi)
        for r in requests
        if r.employee_id is not None and r.scope is not None
    ]
    found = await frozen_baselines(session, previous, wanted) if wanted else {}
    rest = [r for r in requests if r.key not in found]
    return found | (await _live(session, zone, previous, rest) if rest else {})


async def _live(
    session: AsyncSession, zone: ZoneInfo, previous: Period, requests: list[BaselineRequest]
) -> dict[Hashable, Fraction | None]:
    span: DateRange = (previous.start_date, previous.end_date)
    kpis = {r.kpi.id: r.kpi for r in requests}
    sums = await load_sums(
        session, previous.organization_id, zone, span, [r.group for r in requests], kpis.values()
    )
    result: dict[Hashable, Fraction | None] = {}
    for r in requests:
        spec = r.kpi.spec
        result[r.key] = baseline_value(
            spec.formula, sums.for_group(r.group, r.kpi), spec.min_sample
        )
    return result
