"""Read paths of the people domain used by the GraphQL types."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, exists, or_, select
from sqlmodel import col

from kra_api import models
from kra_api.db.keyset import Keyset
from kra_api.graphql.core.context import Context
from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.people.types import (
    Employee,
    EmployeeConnection,
    EmployeeFilter,
    Role,
    RoleConnection,
)
from kra_api.orgs import repository as org_repo

EMPLOYEE_KEYSET = Keyset(
    columns=[col(models.Employee.name), col(models.Employee.id)], parsers=[str, uuid.UUID]
)
ROLE_KEYSET = Keyset(columns=[col(models.Role.code), col(models.Role.id)], parsers=[str, uuid.UUID])


async def _filtered(ctx: Context, stmt: Select[Any], where: EmployeeFilter | None) -> Select[Any]:
    if where is None:
        return stmt
    A = models.Assignment  # noqa: N806 - a table alias reads best short
    today = await ctx.today()
    in_force = [
        col(A.organization_id) == col(models.Employee.organization_id),
        col(A.employee_id) == col(models.Employee.id),
        col(A.effective_from) <= today,
        or_(col(A.effective_to).is_(None), col(A.effective_to) > today),
    ]
    if where.org_unit_id is not None:
        unit_id = expect_id(where.org_unit_id, "OrgUnit")
        async with ctx.db.read() as s:
            units = await org_repo.subtree_ids(s, ctx.organization_id, unit_id)
        in_force.append(col(A.org_unit_id).in_(units))
    if where.role_id is not None:
        in_force.append(col(A.role_id) == expect_id(where.role_id, "Role"))
    if where.org_unit_id is not None or where.role_id is not None:
        stmt = stmt.where(exists().where(*in_force))
    if where.search:
        pattern = (
            "%" + where.search.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        )
        stmt = stmt.where(
            or_(
                col(models.Employee.name).ilike(pattern),
                col(models.Employee.external_id).ilike(pattern),
            )
        )
    return stmt


async def employees_connection(
    ctx: Context, first: int | None, after: str | None, where: EmployeeFilter | None
) -> EmployeeConnection:
    """A page of employees sorted by name, id."""
    base = select(models.Employee).where(
        col(models.Employee.organization_id) == ctx.organization_id
    )
    stmt = EMPLOYEE_KEYSET.apply(await _filtered(ctx, base, where), first, after)
    async with ctx.db.read() as s:
        rows = list((await s.execute(stmt)).scalars())
    page = EMPLOYEE_KEYSET.page(rows, first, after, lambda r: (r.name, r.id))
    return EmployeeConnection.of(page, Employee.of)


async def roles_connection(ctx: Context, first: int | None, after: str | None) -> RoleConnection:
    """A page of roles sorted by code, id."""
    base = select(models.Role).where(col(models.Role.organization_id) == ctx.organization_id)
    stmt = ROLE_KEYSET.apply(base, first, after)
    async with ctx.db.read() as s:
        rows = list((await s.execute(stmt)).scalars())
    return RoleConnection.of(
        ROLE_KEYSET.page(rows, first, after, lambda r: (r.code, r.id)), Role.of
    )
