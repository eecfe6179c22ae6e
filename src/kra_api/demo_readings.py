"""Daily readings for the demo organization: every employee and KPI over its monthly periods."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.auth.principal import Principal
from kra_api.models import Employee, Kpi, OrgUnit, Period
from kra_api.readings.batch import Counts
from kra_api.readings.demo import DemoKpi, generate_demo_readings, seed_demo_readings


async def seed_readings(
    session: AsyncSession, principal: Principal, timezone: str, today: dt.date
) -> Counts:
    """Generate and store (through the ingestion service) readings up to yesterday."""
    org = principal.organization_id
    kpis = (await session.execute(select(Kpi).where(col(Kpi.organization_id) == org))).scalars()
    employees = await session.execute(
        select(col(Employee.external_id)).where(col(Employee.organization_id) == org)
    )
    units = await session.execute(
        select(col(OrgUnit.external_id)).where(
            col(OrgUnit.organization_id) == org, col(OrgUnit.external_id).is_not(None)
        )
    )
    periods = await session.execute(
        select(col(Period.start_date), col(Period.end_date)).where(
            col(Period.organization_id) == org, col(Period.kind) == "MONTH"
        )
    )
    readings = generate_demo_readings(
        [DemoKpi.of(k) for k in kpis],
        sorted(e for (e,) in employees),
        sorted(u for (u,) in units if u),
        [(start, end) for start, end in periods],
        timezone=timezone,
        until=today,
    )
    return await seed_demo_readings(session, principal, readings)
