"""Every query on KPI definitions; always scoped by organization."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.models import Kpi

_READINGS_TABLE = text("SELECT to_regclass('kpi_reading') IS NOT NULL")
_HAS_READINGS = text(
    "SELECT EXISTS (SELECT 1 FROM kpi_reading WHERE organization_id = :org AND kpi_id = :kpi)"
)


async def kpis(session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[Kpi]:
    """KPIs by id (missing ids are simply absent)."""
    stmt = select(Kpi).where(col(Kpi.organization_id) == org_id, col(Kpi.id).in_(ids))
    return list((await session.execute(stmt)).scalars())


async def kpis_by_code(
    session: AsyncSession, org_id: uuid.UUID, codes: Sequence[str]
) -> dict[str, Kpi]:
    """KPIs keyed by code, for the codes that exist."""
    stmt = select(Kpi).where(col(Kpi.organization_id) == org_id, col(Kpi.code).in_(codes))
    return {k.code: k for k in (await session.execute(stmt)).scalars()}


async def kpi_has_readings(session: AsyncSession, org_id: uuid.UUID, kpi_id: uuid.UUID) -> bool:
    """True once a reading of the KPI is stored (always False before the readings table exists)."""
    if not (await session.execute(_READINGS_TABLE)).scalar_one():
        return False
    found = await session.execute(_HAS_READINGS, {"org": org_id, "kpi": kpi_id})
    return bool(found.scalar_one())
