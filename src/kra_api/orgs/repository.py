"""Every query on organizations, org units and leadership; always scoped by organization."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.dates import in_force
from kra_api.models import Organization, OrgUnit, OrgUnitLeadership, TenantLookup


async def organization(session: AsyncSession, org_id: uuid.UUID) -> Organization | None:
    """The organization row (RLS lets a session see only its own)."""
    return await session.get(Organization, org_id)


async def organization_id_by_lookup(session: AsyncSession, kind: str, key: str) -> uuid.UUID | None:
    """Resolve a slug or API-key hash through the pre-tenant lookup table."""
    stmt = select(col(TenantLookup.organization_id)).where(
        col(TenantLookup.kind) == kind, col(TenantLookup.key) == key
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def units(
    session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[OrgUnit]:
    """Units by id (missing ids are simply absent)."""
    stmt = select(OrgUnit).where(col(OrgUnit.organization_id) == org_id, col(OrgUnit.id).in_(ids))
    return list((await session.execute(stmt)).scalars())


async def unit_by_external_id(
    session: AsyncSession, org_id: uuid.UUID, external_id: str
) -> OrgUnit | None:
    """The unit carrying ``external_id``."""
    stmt = select(OrgUnit).where(
        col(OrgUnit.organization_id) == org_id, col(OrgUnit.external_id) == external_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def children(
    session: AsyncSession, org_id: uuid.UUID, parent_ids: Sequence[uuid.UUID]
) -> list[OrgUnit]:
    """Direct children of the given units, by name."""
    stmt = (
        select(OrgUnit)
        .where(col(OrgUnit.organization_id) == org_id, col(OrgUnit.parent_id).in_(parent_ids))
        .order_by(col(OrgUnit.name), col(OrgUnit.id))
    )
    return list((await session.execute(stmt)).scalars())


_ANCESTORS = text(
    """
    WITH RECURSIVE up(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM org_unit WHERE organization_id = :org AND id = :unit
        UNION ALL
        SELECT u.id, u.parent_id, up.depth + 1
        FROM org_unit u JOIN up ON u.id = up.parent_id AND u.organization_id = :org
        WHERE up.depth < 64
    )
    SELECT id FROM up ORDER BY depth
    """
)


async def ancestor_ids(
    session: AsyncSession, org_id: uuid.UUID, unit_id: uuid.UUID
) -> list[uuid.UUID]:
    """The unit itself, then its parent, up to the root."""
    rows = await session.execute(_ANCESTORS, {"org": org_id, "unit": unit_id})
    return [r[0] for r in rows]


async def leaderships_at(
    session: AsyncSession, org_id: uuid.UUID, keys: Sequence[tuple[uuid.UUID, dt.date]]
) -> dict[tuple[uuid.UUID, dt.date], uuid.UUID | None]:
    """For each (unit, date), the leading employee in force (None: nobody)."""
    if not keys:
        return {}
    unit_ids = {unit_id for unit_id, _ in keys}
    stmt = select(OrgUnitLeadership).where(
        col(OrgUnitLeadership.organization_id) == org_id,
        col(OrgUnitLeadership.org_unit_id).in_(unit_ids),
    )
    rows = list((await session.execute(stmt)).scalars())
    result: dict[tuple[uuid.UUID, dt.date], uuid.UUID | None] = dict.fromkeys(keys)
    for row in rows:
        for unit_id, day in keys:
            if row.org_unit_id == unit_id and in_force(row.effective_from, row.effective_to, day):
                result[(unit_id, day)] = row.employee_id
    return result


async def leaderships_of_unit(
    session: AsyncSession, org_id: uuid.UUID, unit_id: uuid.UUID
) -> list[OrgUnitLeadership]:
    """Every leadership row of a unit, oldest first."""
    stmt = (
        select(OrgUnitLeadership)
        .where(
            col(OrgUnitLeadership.organization_id) == org_id,
            col(OrgUnitLeadership.org_unit_id) == unit_id,
        )
        .order_by(col(OrgUnitLeadership.effective_from))
    )
    return list((await session.execute(stmt)).scalars())


def unit_keyset_columns() -> list[Any]:
    """Sort of ``Organization.orgUnits``: name, id."""
    return [col(OrgUnit.name), col(OrgUnit.id)]


_NEAREST_LEADER = text(
    """
    WITH RECURSIVE up(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM org_unit WHERE organization_id = :org AND id = :unit
        UNION ALL
        SELECT u.id, u.parent_id, up.depth + 1
        FROM org_unit u JOIN up ON u.id = up.parent_id AND u.organization_id = :org
        WHERE up.depth < 64
    )
    SELECT l.employee_id
    FROM up JOIN org_unit_leadership l
      ON l.organization_id = :org AND l.org_unit_id = up.id
     AND l.effective_from <= :day AND (l.effective_to IS NULL OR l.effective_to > :day)
    WHERE l.employee_id IS NOT NULL AND l.employee_id <> :exclude
    ORDER BY up.depth
    LIMIT 1
    """
)


async def nearest_leader(
    session: AsyncSession, org_id: uuid.UUID, unit_id: uuid.UUID, day: dt.date, exclude: uuid.UUID
) -> uuid.UUID | None:
    """The leader of the unit, or of the nearest ancestor that has one, who is not ``exclude``."""
    params = {"org": org_id, "unit": unit_id, "day": day, "exclude": exclude}
    return (await session.execute(_NEAREST_LEADER, params)).scalar_one_or_none()


_NEAREST_LEADERS = text(
    """
    WITH RECURSIVE wanted(employee_id, unit_id, day) AS (
        SELECT * FROM unnest(CAST(:employees AS uuid[]), CAST(:units AS uuid[]),
                             CAST(:days AS date[]))
    ),
    up(employee_id, day, id, parent_id, depth) AS (
        SELECT w.employee_id, w.day, u.id, u.parent_id, 0
        FROM wanted w JOIN org_unit u ON u.organization_id = :org AND u.id = w.unit_id
        UNION ALL
        SELECT up.employee_id, up.day, u.id, u.parent_id, up.depth + 1
        FROM org_unit u JOIN up ON u.id = up.parent_id AND u.organization_id = :org
        WHERE up.depth < 64
    )
    SELECT DISTINCT ON (up.employee_id, up.day) up.employee_id, up.day, l.employee_id
    FROM up JOIN org_unit_leadership l
      ON l.organization_id = :org AND l.org_unit_id = up.id
     AND l.effective_from <= up.day AND (l.effective_to IS NULL OR l.effective_to > up.day)
    WHERE l.employee_id IS NOT NULL AND l.employee_id <> up.employee_id
    ORDER BY up.employee_id, up.day, up.depth
    """
)


async def nearest_leaders(
    session: AsyncSession,
    org_id: uuid.UUID,
    wanted: Sequence[tuple[uuid.UUID, uuid.UUID, dt.date]],
) -> dict[tuple[uuid.UUID, dt.date], uuid.UUID]:
    """``nearest_leader`` for many (employee, their unit, day) at once, in one statement."""
    if not wanted:
        return {}
    params = {
        "org": org_id,
        "employees": [e for e, _, _ in wanted],
        "units": [u for _, u, _ in wanted],
        "days": [d for _, _, d in wanted],
    }
    rows = await session.execute(_NEAREST_LEADERS, params)
    return {(employee, day): leader for employee, day, leader in rows}


_SUBTREE = text(
    """
    WITH RECURSIVE down(id, depth) AS (
        SELECT id, 0 FROM org_unit WHERE organization_id = :org AND id = :unit
        UNION ALL
        SELECT u.id, down.depth + 1
        FROM org_unit u JOIN down ON u.parent_id = down.id AND u.organization_id = :org
        WHERE down.depth < 64
    )
    SELECT id FROM down
    """
)


async def subtree_ids(
    session: AsyncSession, org_id: uuid.UUID, unit_id: uuid.UUID
) -> list[uuid.UUID]:
    """The unit and every unit below it."""
    return [r[0] for r in await session.execute(_SUBTREE, {"org": org_id, "unit": unit_id})]
