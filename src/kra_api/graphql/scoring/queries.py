"""scorecard, teamScorecard and kpiTrend: live numbers, visibility checked first (FORBIDDEN)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import strawberry

from kra_api.catalog import repository as catalog_repo
from kra_api.errors import BadUserInput, Forbidden
from kra_api.evaluations.repository import frozen_snapshots
from kra_api.graphql.core.context import Context, Info
from kra_api.graphql.core.ids import expect_id, parse_global_id
from kra_api.graphql.core.node import register_composite_node
from kra_api.graphql.core.permissions import CanRead
from kra_api.graphql.evaluations.loaders import frozen_scorecard
from kra_api.graphql.orgs.types import OrgUnit
from kra_api.graphql.scoring.team_types import TeamScorecard, TrendGrain, TrendPoint
from kra_api.graphql.scoring.types import Scorecard, components_out
from kra_api.scoring import access, engine
from kra_api.scoring.kpis import KpiInfo, kpi_info
from kra_api.scoring.service import ScoringRun, score_period
from kra_api.scoring.team import team_scorecard
from kra_api.scoring.trend import Grain, bucket_starts, kpi_trend

ONE_DAY = dt.timedelta(days=1)


def _prime(ctx: Context, run: ScoringRun) -> dict[uuid.UUID, uuid.UUID]:
    """Hand the rows the run loaded to the request's loaders; return item id → KPI id."""
    loaders = ctx.loaders
    loaders.kras.kra.prime_many({k.id: k for k in run.kras})
    loaders.kras.item.prime_many({i.id: i for i in run.items})
    loaders.kras.kra_set.prime_many(dict(run.definitions.sets))
    loaders.kpi.prime_many({k: info.row for k, info in run.kpis.items()})
    loaders.goals.goal.prime_many(dict(run.goals))
    loaders.period.prime(run.period.id, run.period)
    return {i.id: i.kpi_id for i in run.items}


async def scorecard_of(
    ctx: Context, employee_id: uuid.UUID, period_id: uuid.UUID
) -> Scorecard | None:
    """The scorecard, None for unknown (or other tenants') ids; FORBIDDEN if not visible. Live,
    unless a FINALIZED evaluation froze it: then its snapshot (scoring.md §9)."""
    principal = ctx.require_principal()
    employee = await ctx.loaders.employee.load(employee_id)
    period = await ctx.loaders.period.load(period_id)
    if employee is None or period is None:
        return None
    org = await ctx.organization()
    today = await ctx.today()
    span = (period.start_date, period.end_date)
    async with ctx.db.read() as session:
        await access.check_employee(session, principal, employee_id, span, today)
        frozen = await frozen_snapshots(session, org.id, period.id, [employee_id])
    if employee_id in frozen:
        return await frozen_scorecard(ctx, frozen[employee_id], period)
    async with ctx.db.read() as session:
        run = await score_period(session, org, period, [employee_id])
    return Scorecard.of(run.cards[employee_id], _prime(ctx, run))


async def _scorecard_node(ctx: Context, ids: tuple[uuid.UUID, ...]) -> Scorecard | None:
    if len(ids) != 2:
        return None
    try:
        return await scorecard_of(ctx, ids[0], ids[1])
    except Forbidden:
        return None  # node(id:) answers null for what the caller may not see, like unknown ids


register_composite_node("Scorecard", _scorecard_node)


@strawberry.type
class ScorecardQueries:
    @strawberry.field(
        permission_classes=[CanRead],
        description="An employee's live scorecard for a period; null for unknown ids. Employees "
        "see their own, managers those in the subtrees they lead, hr and admin all.",
    )
    async def scorecard(
        self, info: Info, employee_id: strawberry.ID, period_id: strawberry.ID
    ) -> Scorecard | None:
        return await scorecard_of(
            info.context, expect_id(employee_id, "Employee"), expect_id(period_id, "Period")
        )

    @strawberry.field(
        permission_classes=[CanRead],
        description="A unit's scorecard for a period (members: everyone assigned to the unit or "
        "its subtree on the period's last day); managers of the unit or above, hr, admin.",
    )
    async def team_scorecard(
        self, info: Info, org_unit_id: strawberry.ID, period_id: strawberry.ID
    ) -> TeamScorecard | None:
        ctx = info.context
        principal = ctx.require_principal()
        unit = await ctx.loaders.org_unit.load(expect_id(org_unit_id, "OrgUnit"))
        period = await ctx.loaders.period.load(expect_id(period_id, "Period"))
        if unit is None or period is None:
            return None
        org = await ctx.organization()
        today = await ctx.today()
        async with ctx.db.read() as session:
            await access.check_unit(session, principal, unit.id, period.end_date - ONE_DAY, today)
            team = await team_scorecard(session, org, period, unit.id)
        kpi_of_item = _prime(ctx, team.run)
        ctx.loaders.employee.prime_many(team.employees)
        return TeamScorecard.of(team, OrgUnit.of(unit), kpi_of_item)

    @strawberry.field(
        permission_classes=[CanRead],
        description="A KPI of an employee or an org unit (its subtree) per bucket: ratio of sums, "
        "`to` exclusive, at most 366 buckets; empty for an unknown subject.",
    )
    async def kpi_trend(
        self,
        info: Info,
        subject_id: strawberry.ID,
        kpi_code: str,
        from_: Annotated[dt.date, strawberry.argument(name="from")],
        to: dt.date,
        grain: TrendGrain,
    ) -> list[TrendPoint]:
        ctx = info.context
        principal = ctx.require_principal()
        span = (from_, to)
        trend_grain = Grain(grain.value)
        bucket_starts(span, trend_grain)  # BAD_USER_INPUT before any work
        parsed = parse_global_id(subject_id)
        kind = {"Employee": "EMPLOYEE", "OrgUnit": "ORG_UNIT"}.get(parsed[0]) if parsed else None
        if parsed is None or kind is None:
            return []
        if kind == "EMPLOYEE":
            exists = await ctx.loaders.employee.load(parsed[1]) is not None
        else:
            exists = await ctx.loaders.org_unit.load(parsed[1]) is not None
        if not exists:
            return []
        kpi = await _kpi_by_code(ctx, kpi_code)
        org = await ctx.organization()
        today = await ctx.today()
        async with ctx.db.read() as session:
            if kind == "EMPLOYEE":
                await access.check_employee(session, principal, parsed[1], span, today)
            else:
                await access.check_unit(session, principal, parsed[1], to - ONE_DAY, today)
            points = await kpi_trend(
                session, org.id, org.timezone, (kind, parsed[1]), kpi, span, trend_grain
            )
        result = []
        for start, sums in points:
            value = engine.kpi_value(kpi.spec.formula, sums) if sums else None
            result.append(
                TrendPoint(
                    start=start,
                    value=None if value is None else engine.quantize_value(value),
                    component_sums=components_out(sums or {}),
                )
            )
        return result


async def _kpi_by_code(ctx: Context, code: str) -> KpiInfo:
    """The organization's KPI with ``code``; BAD_USER_INPUT when there is none."""
    async with ctx.db.read() as session:
        found = await catalog_repo.kpis_by_code(session, ctx.organization_id, [code])
    row = found.get(code)
    if row is None:
        raise BadUserInput(f"no KPI with code {code!r}")
    return kpi_info(row)
