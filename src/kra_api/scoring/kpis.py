"""KPI definitions as the scoring run needs them: parsed formula, engine spec, aggregations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kra_api.catalog.formula import parse_formula
from kra_api.models import Kpi
from kra_api.scoring.engine import Direction, KpiSpec, KpiUnit, MinSample

SUM = "SUM"
FIRST = "FIRST"
LAST = "LAST"


@dataclass(frozen=True)
class KpiInfo:
    """A KPI row with its engine spec and how each component aggregates over time."""

    row: Kpi
    spec: KpiSpec
    aggregations: dict[str, str]
    # The FIRST / LAST components (snapshots such as headcount or backlog); read for every item
    # of a run, so kept rather than recomputed.
    snapshots: dict[str, str] = field(init=False)
    id: uuid.UUID = field(init=False)

    def __post_init__(self) -> None:
        snapshots = {name: agg for name, agg in self.aggregations.items() if agg != SUM}
        object.__setattr__(self, "snapshots", snapshots)
        object.__setattr__(self, "id", self.row.id)


def kpi_info(row: Kpi) -> KpiInfo:
    """Parse a KPI row once for a scoring run."""
    min_sample = None
    if row.min_sample_component is not None and row.min_sample_minimum is not None:
        min_sample = MinSample(row.min_sample_component, row.min_sample_minimum)
    spec = KpiSpec(
        code=row.code,
        direction=Direction(row.direction),
        formula=parse_formula(row.formula),
        unit=KpiUnit(row.unit),
        min_sample=min_sample,
    )
    aggregations = {c["name"]: c.get("aggregation") or SUM for c in row.components}
    return KpiInfo(row, spec, aggregations)


async def load_kpis(session: AsyncSession, org_id: uuid.UUID) -> dict[uuid.UUID, KpiInfo]:
    """Every KPI of the organization (a short list), parsed."""
    stmt = select(Kpi).where(col(Kpi.organization_id) == org_id)
    return {k.id: kpi_info(k) for k in (await session.execute(stmt)).scalars()}
