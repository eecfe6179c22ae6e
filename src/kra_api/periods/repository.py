"""Every query on periods; always scoped by organization."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.models import Period


async def periods(
    session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[Period]:
    """Periods by id (missing ids are simply absent)."""
    stmt = select(Period).where(col(Period.organization_id) == org_id, col(Period.id).in_(ids))
    return list((await session.execute(stmt)).scalars())


async def overlapping(
    session: AsyncSession, org_id: uuid.UUID, kind: str, start: dt.date, end: dt.date
) -> list[Period]:
    """Periods of ``kind`` sharing a day with ``[start, end)``, oldest first."""
    stmt = (
        select(Period)
        .where(
            col(Period.organization_id) == org_id,
            col(Period.kind) == kind,
            col(Period.start_date) < end,
            col(Period.end_date) > start,
        )
        .order_by(col(Period.start_date))
    )
    return list((await session.execute(stmt)).scalars())


async def ending_on(
    session: AsyncSession, org_id: uuid.UUID, keys: Sequence[tuple[str, dt.date]]
) -> dict[tuple[str, dt.date], Period]:
    """For each (kind, date), the period of that kind ending on that date (the previous one)."""
    if not keys:
        return {}
    stmt = select(Period).where(
        col(Period.organization_id) == org_id,
        tuple_(col(Period.kind), col(Period.end_date)).in_(list(keys)),
    )
    return {(p.kind, p.end_date): p for p in (await session.execute(stmt)).scalars()}
