"""Read paths of KPI definitions and the built-in catalogue."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlmodel import col

from kra_api import models
from kra_api.catalog.builtin import load_catalogue
from kra_api.db.keyset import Keyset
from kra_api.graphql.catalog.types import CatalogueKpi, Kpi, KpiConnection
from kra_api.graphql.core.context import Context

KPI_KEYSET = Keyset(columns=[col(models.Kpi.code), col(models.Kpi.id)], parsers=[str, uuid.UUID])


async def kpis_connection(ctx: Context, first: int | None, after: str | None) -> KpiConnection:
    """A page of the organization's KPIs sorted by code, id."""
    base = select(models.Kpi).where(col(models.Kpi.organization_id) == ctx.organization_id)
    stmt = KPI_KEYSET.apply(base, first, after)
    async with ctx.db.read() as s:
        rows = list((await s.execute(stmt)).scalars())
    return KpiConnection.of(KPI_KEYSET.page(rows, first, after, lambda r: (r.code, r.id)), Kpi.of)


def catalogue() -> list[CatalogueKpi]:
    """The built-in catalogue, sorted by code."""
    return [CatalogueKpi.of(entry) for entry in load_catalogue()]
