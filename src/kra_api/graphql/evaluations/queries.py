"""Read paths of evaluations: one by (employee, period), by id (node), and keyset lists."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry
from sqlalchemy import exists, or_, select
from sqlmodel import col

from kra_api import models
from kra_api.auth.principal import UserRole
from kra_api.db.keyset import Keyset
from kra_api.evaluations import repository as repo
from kra_api.evaluations.visibility import reads_everything, visible
from kra_api.graphql.core.context import Context, Info
from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.core.node import register_composite_node, register_node
from kra_api.graphql.core.permissions import CanRead
from kra_api.graphql.evaluations import loaders
from kra_api.graphql.evaluations.inputs import EvaluationFilter
from kra_api.graphql.evaluations.types import Evaluation, EvaluationConnection, evaluation_of
from kra_api.orgs import repository as org_repo
from kra_api.scoring import access

EVALUATION_KEYSET = Keyset(
    columns=[col(models.Evaluation.created_at), col(models.Evaluation.id)],
    parsers=[dt.datetime.fromisoformat, uuid.UUID],
    descending=True,
)


async def visible_row(ctx: Context, row_id: uuid.UUID) -> models.Evaluation | None:
    """The evaluation if the caller may read it (else None, like an unknown id)."""
    principal = ctx.require_principal()
    row = await loaders.evaluation(ctx, row_id)
    if row is None or reads_everything(principal):
        return row
    viewer = await loaders.viewer(ctx)
    if viewer is None or principal.is_integration:
        return None
    if viewer == row.employee_id:
        return row if principal.has_role(UserRole.EMPLOYEE, UserRole.MANAGER) else None
    if not principal.has_role(UserRole.MANAGER):
        return None
    days = [(row.employee_id, row.placement_day), (row.employee_id, await ctx.today())]
    async with ctx.db.read() as s:
        led = await access.leads_over(s, ctx.organization_id, viewer, employees=days)
    return row if led else None


async def evaluations_connection(
    ctx: Context,
    first: int | None,
    after: str | None,
    where: EvaluationFilter | None,
    employee_id: uuid.UUID | None = None,
) -> EvaluationConnection:
    """A page of the evaluations the caller may read, newest first (created, id descending)."""
    E = models.Evaluation  # noqa: N806 - a table alias reads best short
    principal = ctx.require_principal()
    viewer = await loaders.viewer(ctx)
    stmt = select(E).where(
        col(E.organization_id) == ctx.organization_id, visible(principal, viewer, await ctx.today())
    )
    if employee_id is not None:
        stmt = stmt.where(col(E.employee_id) == employee_id)
    if where is not None and where.period_id is not None:
        stmt = stmt.where(col(E.period_id) == expect_id(where.period_id, "Period"))
    if where is not None and where.state is not None:
        stmt = stmt.where(col(E.state) == where.state.value)
    if where is not None and where.org_unit_id is not None:
        unit_id = expect_id(where.org_unit_id, "OrgUnit")
        async with ctx.db.read() as s:
            units = await org_repo.subtree_ids(s, ctx.organization_id, unit_id)
        A = models.Assignment  # noqa: N806
        stmt = stmt.where(
            exists().where(
                col(A.organization_id) == col(E.organization_id),
                col(A.employee_id) == col(E.employee_id),
                col(A.effective_from) <= col(E.placement_day),
                or_(col(A.effective_to).is_(None), col(A.effective_to) > col(E.placement_day)),
                col(A.org_unit_id).in_(units),
            )
        )
    stmt = EVALUATION_KEYSET.apply(stmt, first, after)
    async with ctx.db.read() as s:
        rows = list((await s.execute(stmt)).scalars())
    page = EVALUATION_KEYSET.page(rows, first, after, lambda r: (r.created_at, r.id))
    return EvaluationConnection.of(page, Evaluation.of)


async def _revision_node(ctx: Context, ids: tuple[uuid.UUID, ...]) -> Evaluation | None:
    if len(ids) != 2:
        return None
    row = await visible_row(ctx, ids[0])
    if row is None:
        return None
    found = [r for r in await loaders.revisions(ctx, row.id) if r.id == ids[1]]
    if not found:
        return None
    if found[0].revision == row.revision:
        return Evaluation.of(row)
    return Evaluation.of_revision(row, found[0])


register_node("Evaluation", evaluation_of)
register_composite_node("EvaluationRevision", _revision_node)


@strawberry.type
class EvaluationQueries:
    @strawberry.field(
        permission_classes=[CanRead],
        description="The evaluation of an employee and period; null when there is none (or for "
        "unknown ids). Readable by whoever may read the employee's scorecards.",
    )
    async def evaluation(
        self, info: Info, employee_id: strawberry.ID, period_id: strawberry.ID
    ) -> Evaluation | None:
        ctx = info.context
        principal = ctx.require_principal()
        employee = await ctx.loaders.employee.load(expect_id(employee_id, "Employee"))
        period = await ctx.loaders.period.load(expect_id(period_id, "Period"))
        if employee is None or period is None:
            return None
        today = await ctx.today()
        async with ctx.db.read() as s:
            span = (period.start_date, period.end_date)
            await access.check_employee(s, principal, employee.id, span, today)
            row = await repo.of_employee(s, ctx.organization_id, employee.id, period.id)
        return None if row is None else Evaluation.of(row)
