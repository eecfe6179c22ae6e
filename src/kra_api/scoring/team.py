"""Team scorecards: every member's scorecard plus ratio-of-sums KPI values of the subtree.

Members are everyone assigned to the unit or below on the period's last day; the team's KPI
values are the formulas over the aggregates of every member's readings while a member (also
people who left during the period) and of the units' own readings (scoring.md §2).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.models import Employee, Organization, Period
from kra_api.scoring.engine import Band, RatingStatus, kpi_value, quantize_score
from kra_api.scoring.exact import Fraction
from kra_api.scoring.kpis import KpiInfo
from kra_api.scoring.org_settings import bands_of
from kra_api.scoring.service import Scorecard, ScoringRun, score_period

_MEMBERS = text(
    """
    WITH RECURSIVE down(id, depth) AS (
        SELECT id, 0 FROM org_unit WHERE organization_id = :org AND id = :unit
        UNION ALL
        SELECT u.id, down.depth + 1
        FROM org_unit u JOIN down ON u.parent_id = down.id AND u.organization_id = :org
        WHERE down.depth < 64
    )
    SELECT DISTINCT e.id, e.name
    FROM down
    JOIN assignment a ON a.organization_id = :org AND a.org_unit_id = down.id
     AND a.effective_from <= :day AND (a.effective_to IS NULL OR a.effective_to > :day)
    JOIN employee e ON e.organization_id = :org AND e.id = a.employee_id
     AND (e.terminated_on IS NULL OR e.terminated_on >= :day)
    """
)


@dataclass(frozen=True)
class TeamKpi:
    """A KPI's ratio-of-sums value over the team (None: no reading or division by zero)."""

    kpi: KpiInfo
    sums: dict[str, Decimal] | None
    value: Fraction | None


@dataclass(frozen=True)
class TeamScorecard:
    """A unit's scorecard for a period: members sorted for display, roll-ups and KPI values."""

    unit_id: uuid.UUID
    period: Period
    run: ScoringRun
    members: list[Scorecard]
    employees: dict[uuid.UUID, Employee]
    kpis: list[TeamKpi]
    average_score: Decimal | None
    rated_count: int
    band_counts: list[tuple[Band, int]]


def member_key(card: Scorecard, name: str) -> tuple[int, Decimal, str, str]:
    """Sort key: overall descending with NOT_RATED last, then name, then id."""
    score = card.result.score
    if card.result.status is RatingStatus.RATED and score is not None:
        return (0, -score, name, str(card.employee_id))
    return (1, Decimal(0), name, str(card.employee_id))


async def load_members(
    session: AsyncSession, org_id: uuid.UUID, unit_id: uuid.UUID, day: dt.date
) -> dict[uuid.UUID, str]:
    """Everyone assigned to the unit or its subtree on ``day``, with their names."""
    params = {"org": org_id, "unit": unit_id, "day": day}
    return {row[0]: row[1] for row in await session.execute(_MEMBERS, params)}


async def team_scorecard(
    session: AsyncSession, org: Organization, period: Period, unit_id: uuid.UUID
) -> TeamScorecard:
    """Score every member of the unit's subtree and roll the team up, in a constant number of
    statements."""
    last_day = period.end_date - dt.timedelta(days=1)
    names = await load_members(session, org.id, unit_id, last_day)
    run = await score_period(session, org, period, sorted(names), team_unit=unit_id)
    stmt = select(Employee).where(
        col(Employee.organization_id) == org.id, col(Employee.id).in_(sorted(names))
    )
    employees = {e.id: e for e in (await session.execute(stmt)).scalars()}
    members = sorted(run.cards.values(), key=lambda c: member_key(c, names[c.employee_id]))
    rated = [Fraction(c.result.score) for c in members if c.result.score is not None]
    average = quantize_score(sum(rated, Fraction(0)) / len(rated)) if rated else None
    bands = bands_of(org)
    counts = {b.level: 0 for b in bands}
    for card in members:
        if card.result.band is not None and card.result.score is not None:
            counts[card.result.band.level] = counts.get(card.result.band.level, 0) + 1
    return TeamScorecard(
        unit_id=unit_id,
        period=period,
        run=run,
        members=members,
        employees=employees,
        kpis=_team_kpis(run),
        average_score=average,
        rated_count=len(rated),
        band_counts=[(b, counts[b.level]) for b in bands],
    )


def _team_kpis(run: ScoringRun) -> list[TeamKpi]:
    """KPIs of the members' KRA sets and any KPI with readings in the team, by code."""
    placed = run.definitions.kpi_ids({c.kra_set.id for c in run.cards.values() if c.kra_set})
    shown = [k for k in run.kpis.values() if k.id in placed or run.team_sums.get(k.id)]
    result = []
    for kpi in sorted(shown, key=lambda k: k.spec.code):
        sums = run.team_sums.get(kpi.id)
        value = kpi_value(kpi.spec.formula, sums) if sums else None
        result.append(TeamKpi(kpi, sums, value))
    return result
