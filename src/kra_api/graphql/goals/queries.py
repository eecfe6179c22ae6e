"""Read paths of goal versions: newest first (effective date, id), with the contract's filter."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Select, false, or_, select
from sqlmodel import col

from kra_api import models
from kra_api.db.keyset import Keyset
from kra_api.graphql.core.context import Context
from kra_api.graphql.core.ids import expect_id, parse_global_id
from kra_api.graphql.goals.types import Goal, GoalConnection, GoalFilter

GOAL_KEYSET = Keyset(
    columns=[col(models.Goal.effective_from), col(models.Goal.id)],
    parsers=[dt.date.fromisoformat, uuid.UUID],
    descending=True,
)
_SCOPE_TYPES = {"Role": "ROLE", "OrgUnit": "ORG_UNIT", "Employee": "EMPLOYEE"}


def _filtered(stmt: Select[Any], where: GoalFilter | None) -> Select[Any]:
    if where is None:
        return stmt
    G = models.Goal  # noqa: N806 - a table alias reads best short
    if where.kpi_id is not None:
        stmt = stmt.where(col(G.kpi_id) == expect_id(where.kpi_id, "Kpi"))
    if where.scope_kind is not None:
        stmt = stmt.where(col(G.scope_kind) == where.scope_kind.value)
    if where.scope_id is not None:
        parsed = parse_global_id(where.scope_id)
        if parsed is None or parsed[0] not in _SCOPE_TYPES:
            return stmt.where(false())  # not a scope's id: like an unknown id, nothing matches
        stmt = stmt.where(
            col(G.scope_kind) == _SCOPE_TYPES[parsed[0]], col(G.scope_id) == parsed[1]
        )
    if where.status is not None:
        stmt = stmt.where(col(G.status) == where.status.value)
    if where.active_on is not None:
        # In force means APPROVED: proposals, rejections and wholly replaced versions never are.
        day = where.active_on
        stmt = stmt.where(
            col(G.status) == "APPROVED",
            col(G.effective_from) <= day,
            or_(col(G.effective_to).is_(None), col(G.effective_to) > day),
        )
    return stmt


async def goals_connection(
    ctx: Context, first: int | None, after: str | None, where: GoalFilter | None
) -> GoalConnection:
    """A page of the organization's goal versions, newest effective date first."""
    base = select(models.Goal).where(col(models.Goal.organization_id) == ctx.organization_id)
    stmt = GOAL_KEYSET.apply(_filtered(base, where), first, after)
    async with ctx.db.read() as s:
        rows = list((await s.execute(stmt)).scalars())
    page = GOAL_KEYSET.page(rows, first, after, lambda r: (r.effective_from, r.id))
    return GoalConnection.of(page, Goal.of)
