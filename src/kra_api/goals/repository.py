"""Every query on goal versions; always scoped by organization."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.models import Goal

Line = tuple[uuid.UUID, str, uuid.UUID]  # (kpi, scope kind, scope id)


async def goals(session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[Goal]:
    """Goal versions by id."""
    stmt = select(Goal).where(col(Goal.organization_id) == org_id, col(Goal.id).in_(ids))
    return list((await session.execute(stmt)).scalars())


async def lock_line(session: AsyncSession, org_id: uuid.UUID, line: Line) -> None:
    """Serialize writers of one goal line until the transaction ends (version numbering)."""
    key = f"goal-line:{org_id}:{line[0]}:{line[1]}:{line[2]}"
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))


async def versions_of_lines(
    session: AsyncSession, org_id: uuid.UUID, lines: Sequence[Line]
) -> list[Goal]:
    """Every version of the given lines (proposals included), newest first."""
    if not lines:
        return []
    stmt = (
        select(Goal)
        .where(
            col(Goal.organization_id) == org_id,
            tuple_(col(Goal.kpi_id), col(Goal.scope_kind), col(Goal.scope_id)).in_(list(lines)),
        )
        .order_by(col(Goal.created_at).desc(), col(Goal.id).desc())
    )
    return list((await session.execute(stmt)).scalars())


async def approved_overlapping(
    session: AsyncSession, org_id: uuid.UUID, line: Line, start: dt.date, end: dt.date | None
) -> list[Goal]:
    """APPROVED versions of the line sharing a day with ``[start, end)``, oldest first."""
    kpi_id, kind, scope_id = line
    stmt = (
        select(Goal)
        .where(
            col(Goal.organization_id) == org_id,
            col(Goal.kpi_id) == kpi_id,
            col(Goal.scope_kind) == kind,
            col(Goal.scope_id) == scope_id,
            col(Goal.status) == "APPROVED",
            or_(col(Goal.effective_to).is_(None), col(Goal.effective_to) > start),
        )
        .order_by(col(Goal.effective_from))
    )
    if end is not None:
        stmt = stmt.where(col(Goal.effective_from) < end)
    return list((await session.execute(stmt)).scalars())


async def line_rows(session: AsyncSession, org_id: uuid.UUID, line: Line) -> list[Goal]:
    """Every row of one line (versions, proposals, rejections), read afresh from the database."""
    kpi_id, kind, scope_id = line
    stmt = (
        select(Goal)
        .where(
            col(Goal.organization_id) == org_id,
            col(Goal.kpi_id) == kpi_id,
            col(Goal.scope_kind) == kind,
            col(Goal.scope_id) == scope_id,
        )
        .order_by(col(Goal.created_at), col(Goal.id))
        # Rows cached before the line lock was taken may be stale: overwrite them.
        .execution_options(populate_existing=True)
    )
    return list((await session.execute(stmt)).scalars())
