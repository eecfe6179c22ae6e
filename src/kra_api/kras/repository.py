"""Every query on KRA sets, KRAs and KRA items; always scoped by organization."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.models import Kpi, Kra, KraItem, KraSet, Role


async def role_for_update(
    session: AsyncSession, org_id: uuid.UUID, role_id: uuid.UUID
) -> Role | None:
    """The role, locked: KRA set versions of one role are numbered and published one at a time."""
    stmt = (
        select(Role)
        .where(col(Role.organization_id) == org_id, col(Role.id) == role_id)
        .with_for_update()
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def kra_set_for_update(
    session: AsyncSession, org_id: uuid.UUID, set_id: uuid.UUID
) -> KraSet | None:
    """A KRA set, locked: edits of a draft and its publication never interleave."""
    stmt = (
        select(KraSet)
        .where(col(KraSet.organization_id) == org_id, col(KraSet.id) == set_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def kra_sets(
    session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[KraSet]:
    """KRA sets by id."""
    stmt = select(KraSet).where(col(KraSet.organization_id) == org_id, col(KraSet.id).in_(ids))
    return list((await session.execute(stmt)).scalars())


async def sets_of_roles(
    session: AsyncSession, org_id: uuid.UUID, role_ids: Sequence[uuid.UUID]
) -> list[KraSet]:
    """Every KRA set of the given roles, newest version first."""
    stmt = (
        select(KraSet)
        .where(col(KraSet.organization_id) == org_id, col(KraSet.role_id).in_(role_ids))
        .order_by(col(KraSet.role_id), col(KraSet.version).desc())
    )
    return list((await session.execute(stmt)).scalars())


async def sets_in_force(
    session: AsyncSession, org_id: uuid.UUID, keys: Sequence[tuple[uuid.UUID, dt.date]]
) -> dict[tuple[uuid.UUID, dt.date], KraSet]:
    """For each (role, day), the published set in force that day."""
    found: dict[tuple[uuid.UUID, dt.date], KraSet] = {}
    for day in sorted({d for _, d in keys}):
        role_ids = [r for r, d in keys if d == day]
        stmt = select(KraSet).where(
            col(KraSet.organization_id) == org_id,
            col(KraSet.role_id).in_(role_ids),
            col(KraSet.status) == "PUBLISHED",
            col(KraSet.effective_from) <= day,
            or_(col(KraSet.effective_to).is_(None), col(KraSet.effective_to) > day),
        )
        found.update({(s.role_id, day): s for s in (await session.execute(stmt)).scalars()})
    return found


async def draft_of(session: AsyncSession, org_id: uuid.UUID, role_id: uuid.UUID) -> KraSet | None:
    """The role's draft, if it has one."""
    stmt = select(KraSet).where(
        col(KraSet.organization_id) == org_id,
        col(KraSet.role_id) == role_id,
        col(KraSet.status) == "DRAFT",
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def latest_published(
    session: AsyncSession, org_id: uuid.UUID, role_id: uuid.UUID
) -> KraSet | None:
    """The role's current set: the published one starting last (open-ended)."""
    stmt = (
        select(KraSet)
        .where(
            col(KraSet.organization_id) == org_id,
            col(KraSet.role_id) == role_id,
            col(KraSet.status) == "PUBLISHED",
        )
        .order_by(col(KraSet.effective_from).desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def next_version(session: AsyncSession, org_id: uuid.UUID, role_id: uuid.UUID) -> int:
    """One more than the role's highest KRA set version."""
    stmt = select(func.coalesce(func.max(KraSet.version), 0)).where(
        col(KraSet.organization_id) == org_id, col(KraSet.role_id) == role_id
    )
    return int((await session.execute(stmt)).scalar_one()) + 1


async def kras(session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[Kra]:
    """KRAs by id."""
    stmt = select(Kra).where(col(Kra.organization_id) == org_id, col(Kra.id).in_(ids))
    return list((await session.execute(stmt)).scalars())


async def kras_of_sets(
    session: AsyncSession, org_id: uuid.UUID, set_ids: Sequence[uuid.UUID]
) -> list[Kra]:
    """The KRAs of the given sets, in position order."""
    stmt = (
        select(Kra)
        .where(col(Kra.organization_id) == org_id, col(Kra.kra_set_id).in_(set_ids))
        .order_by(col(Kra.kra_set_id), col(Kra.position), col(Kra.id))
    )
    return list((await session.execute(stmt)).scalars())


async def items(
    session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[KraItem]:
    """KRA items by id."""
    stmt = select(KraItem).where(col(KraItem.organization_id) == org_id, col(KraItem.id).in_(ids))
    return list((await session.execute(stmt)).scalars())


async def items_of_kras(
    session: AsyncSession, org_id: uuid.UUID, kra_ids: Sequence[uuid.UUID]
) -> list[KraItem]:
    """The items of the given KRAs, in position order."""
    stmt = (
        select(KraItem)
        .where(col(KraItem.organization_id) == org_id, col(KraItem.kra_id).in_(kra_ids))
        .order_by(col(KraItem.kra_id), col(KraItem.position), col(KraItem.id))
    )
    return list((await session.execute(stmt)).scalars())


async def kpi_codes(
    session: AsyncSession, org_id: uuid.UUID, kpi_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """KPI codes by id (for messages)."""
    stmt = select(col(Kpi.id), col(Kpi.code)).where(
        col(Kpi.organization_id) == org_id, col(Kpi.id).in_(kpi_ids)
    )
    return {row.id: row.code for row in await session.execute(stmt)}
