"""Read paths of periods: newest first, filtered by kind, a day contained, or state."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Select, or_, select
from sqlmodel import col

from kra_api import models
from kra_api.db.keyset import Keyset
from kra_api.graphql.core.context import Context
from kra_api.graphql.periods.types import Period, PeriodConnection, PeriodFilter
from kra_api.periods.state import PeriodState, end_bounds

PERIOD_KEYSET = Keyset(
    columns=[col(models.Period.start_date), col(models.Period.id)],
    parsers=[dt.date.fromisoformat, uuid.UUID],
    descending=True,
)


async def _filtered(ctx: Context, stmt: Select[Any], where: PeriodFilter | None) -> Select[Any]:
    if where is None:
        return stmt
    P = models.Period  # noqa: N806 - a table alias reads best short
    if where.kind is not None:
        stmt = stmt.where(col(P.kind) == where.kind.value)
    if where.containing is not None:
        day = where.containing
        stmt = stmt.where(col(P.start_date) <= day, col(P.end_date) > day)
    if where.state is not None:
        state = PeriodState(where.state.value)
        org = await ctx.organization()
        bounds = end_bounds(state, org.grace_days, await ctx.today())
        in_range = []
        if bounds.after is not None:
            in_range.append(col(P.end_date) > bounds.after)
        if bounds.up_to is not None:
            in_range.append(col(P.end_date) <= bounds.up_to)
        if state is PeriodState.FINAL:
            stmt = stmt.where(or_(col(P.finalized_at).is_not(None), *in_range))
        else:
            stmt = stmt.where(col(P.finalized_at).is_(None), *in_range)
    return stmt


async def periods_connection(
    ctx: Context, first: int | None, after: str | None, where: PeriodFilter | None
) -> PeriodConnection:
    """A page of the organization's periods, newest first (start date, id descending)."""
    base = select(models.Period).where(col(models.Period.organization_id) == ctx.organization_id)
    stmt = PERIOD_KEYSET.apply(await _filtered(ctx, base, where), first, after)
    async with ctx.db.read() as s:
        rows = list((await s.execute(stmt)).scalars())
    page = PERIOD_KEYSET.page(rows, first, after, lambda r: (r.start_date, r.id))
    return PeriodConnection.of(page, Period.of)
