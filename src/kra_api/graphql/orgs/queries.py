"""Read paths of the orgs domain used by the GraphQL types."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlmodel import col

from kra_api import models
from kra_api.db.keyset import Keyset, Page
from kra_api.graphql.core.context import Context

UNIT_KEYSET = Keyset(
    columns=[col(models.OrgUnit.name), col(models.OrgUnit.id)], parsers=[str, uuid.UUID]
)


async def org_units_page(
    ctx: Context, first: int | None, after: str | None
) -> Page[models.OrgUnit]:
    """One page of the organization's units by name, id."""
    stmt = UNIT_KEYSET.apply(
        select(models.OrgUnit).where(col(models.OrgUnit.organization_id) == ctx.organization_id),
        first,
        after,
    )
    async with ctx.db.read() as s:
        rows = list((await s.execute(stmt)).scalars())
    return UNIT_KEYSET.page(rows, first, after, lambda r: (r.name, r.id))
