"""Every query on employees, identities, roles and assignments; always scoped by organization."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.models import Assignment, Employee, EmployeeIdentity, Role


async def employees(
    session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[Employee]:
    """Employees by id."""
    stmt = select(Employee).where(
        col(Employee.organization_id) == org_id, col(Employee.id).in_(ids)
    )
    return list((await session.execute(stmt)).scalars())


async def employees_by_external_id(
    session: AsyncSession, org_id: uuid.UUID, external_ids: Sequence[str]
) -> dict[str, Employee]:
    """Employees keyed by their HRIS external id."""
    stmt = select(Employee).where(
        col(Employee.organization_id) == org_id, col(Employee.external_id).in_(external_ids)
    )
    return {e.external_id: e for e in (await session.execute(stmt)).scalars()}


async def identities_of(
    session: AsyncSession, org_id: uuid.UUID, employee_ids: Sequence[uuid.UUID]
) -> list[EmployeeIdentity]:
    """Identities of the given employees, by source then id."""
    stmt = (
        select(EmployeeIdentity)
        .where(
            col(EmployeeIdentity.organization_id) == org_id,
            col(EmployeeIdentity.employee_id).in_(employee_ids),
        )
        .order_by(col(EmployeeIdentity.source), col(EmployeeIdentity.external_id))
    )
    return list((await session.execute(stmt)).scalars())


async def identities_by_key(
    session: AsyncSession, org_id: uuid.UUID, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], EmployeeIdentity]:
    """Identities keyed by (source, external id)."""
    if not keys:
        return {}
    sources = {s for s, _ in keys}
    ids = {i for _, i in keys}
    stmt = select(EmployeeIdentity).where(
        col(EmployeeIdentity.organization_id) == org_id,
        col(EmployeeIdentity.source).in_(sources),
        col(EmployeeIdentity.external_id).in_(ids),
    )
    rows = (await session.execute(stmt)).scalars()
    return {(r.source, r.external_id): r for r in rows if (r.source, r.external_id) in set(keys)}


async def roles(session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[Role]:
    """Roles by id."""
    stmt = select(Role).where(col(Role.organization_id) == org_id, col(Role.id).in_(ids))
    return list((await session.execute(stmt)).scalars())


async def role_by_code(session: AsyncSession, org_id: uuid.UUID, code: str) -> Role | None:
    """The role with ``code``."""
    stmt = select(Role).where(col(Role.organization_id) == org_id, col(Role.code) == code)
    return (await session.execute(stmt)).scalar_one_or_none()


async def assignments_of(
    session: AsyncSession, org_id: uuid.UUID, employee_ids: Sequence[uuid.UUID]
) -> list[Assignment]:
    """Every assignment of the given employees, oldest first."""
    stmt = (
        select(Assignment)
        .where(
            col(Assignment.organization_id) == org_id,
            col(Assignment.employee_id).in_(employee_ids),
        )
        .order_by(col(Assignment.effective_from))
    )
    return list((await session.execute(stmt)).scalars())


async def assignments_at(
    session: AsyncSession, org_id: uuid.UUID, employee_ids: Sequence[uuid.UUID], day: dt.date
) -> dict[uuid.UUID, Assignment]:
    """The assignment in force on ``day`` per employee."""
    stmt = select(Assignment).where(
        col(Assignment.organization_id) == org_id,
        col(Assignment.employee_id).in_(employee_ids),
        col(Assignment.effective_from) <= day,
        or_(col(Assignment.effective_to).is_(None), col(Assignment.effective_to) > day),
    )
    return {a.employee_id: a for a in (await session.execute(stmt)).scalars()}


async def count_employees(session: AsyncSession, org_id: uuid.UUID) -> int:
    """How many employees the organization has."""
    stmt = select(func.count()).select_from(Employee).where(col(Employee.organization_id) == org_id)
    return int((await session.execute(stmt)).scalar_one())
