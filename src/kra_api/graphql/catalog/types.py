"""GraphQL types of KPI definitions and of the built-in catalogue."""

from __future__ import annotations

import decimal
import enum
import uuid
from typing import Any

import strawberry

from kra_api import models
from kra_api.catalog import builtin
from kra_api.graphql.core.context import Context
from kra_api.graphql.core.ids import to_global_id
from kra_api.graphql.core.node import Node, register_node
from kra_api.graphql.core.pagination import Connection


@strawberry.enum(description="Unit of a KPI value.")
class KpiUnit(enum.Enum):
    SECONDS = "SECONDS"
    PERCENT = "PERCENT"
    RATIO = "RATIO"
    COUNT = "COUNT"
    CURRENCY = "CURRENCY"
    POINTS = "POINTS"


@strawberry.enum(description="Which KPI values are better.")
class Direction(enum.Enum):
    HIGHER_IS_BETTER = "HIGHER_IS_BETTER"
    LOWER_IS_BETTER = "LOWER_IS_BETTER"
    IN_RANGE = "IN_RANGE"


@strawberry.enum(description="What readings of a KPI name: an employee, or an org unit (queues).")
class KpiSubject(enum.Enum):
    EMPLOYEE = "EMPLOYEE"
    ORG_UNIT = "ORG_UNIT"


@strawberry.enum(
    description="How a component's readings combine over a period: SUM, or the FIRST / LAST "
    "reading per subject (snapshots such as headcount), summed across subjects."
)
class ComponentAggregation(enum.Enum):
    SUM = "SUM"
    FIRST = "FIRST"
    LAST = "LAST"


@strawberry.type(description="A named, additive input of a KPI formula.")
class KpiComponent:
    name: str = strawberry.field(description="Lower-case name used by the formula.")
    aggregation: ComponentAggregation = strawberry.field(description="How readings combine.")


@strawberry.type(description="Below `minimum` of `component` over a period, a value is not scored.")
class MinSample:
    component: str = strawberry.field(description="The component counted.")
    minimum: decimal.Decimal = strawberry.field(description="Smallest aggregate that is scored.")


def components_of(raw: list[dict[str, Any]]) -> list[KpiComponent]:
    """Components as stored in the ``kpi.components`` JSON column."""
    return [
        KpiComponent(name=c["name"], aggregation=ComponentAggregation(c["aggregation"]))
        for c in raw
    ]


@strawberry.type(description="A KPI of the organization: a formula over additive components.")
class Kpi(Node):
    row: strawberry.Private[models.Kpi]
    code: str = strawberry.field(description="Unique upper-case code, e.g. AHT.")
    name: str = strawberry.field(description="Display name.")
    description: str | None = strawberry.field(description="What the KPI measures.")
    unit: KpiUnit = strawberry.field(description="Unit of the value.")
    direction: Direction = strawberry.field(description="Which values are better.")
    subject: KpiSubject = strawberry.field(description="What its readings are about.")
    components: list[KpiComponent] = strawberry.field(description="Inputs of the formula.")
    formula: str = strawberry.field(description="Arithmetic over the component names.")
    min_sample: MinSample | None = strawberry.field(description="Minimum sample, if any.")

    @classmethod
    def of(cls, row: models.Kpi) -> Kpi:
        """Wrap a row."""
        sample = None
        if row.min_sample_component is not None and row.min_sample_minimum is not None:
            sample = MinSample(component=row.min_sample_component, minimum=row.min_sample_minimum)
        return cls(
            id=to_global_id("Kpi", row.id),
            row=row,
            code=row.code,
            name=row.name,
            description=row.description,
            unit=KpiUnit(row.unit),
            direction=Direction(row.direction),
            subject=KpiSubject(row.subject),
            components=components_of(row.components),
            formula=row.formula,
            min_sample=sample,
        )


@strawberry.type(description="A KPI of the built-in catalogue that kpiCatalogImport copies.")
class CatalogueKpi:
    code: str = strawberry.field(description="Code the copy gets, e.g. AHT.")
    name: str = strawberry.field(description="Display name.")
    description: str | None = strawberry.field(description="What the KPI measures.")
    unit: KpiUnit = strawberry.field(description="Unit of the value.")
    direction: Direction = strawberry.field(description="Which values are better.")
    subject: KpiSubject = strawberry.field(description="What its readings are about.")
    components: list[KpiComponent] = strawberry.field(description="Inputs of the formula.")
    formula: str = strawberry.field(description="Arithmetic over the component names.")
    min_sample: MinSample | None = strawberry.field(description="Minimum sample, if any.")

    @classmethod
    def of(cls, entry: builtin.CatalogueKpi) -> CatalogueKpi:
        """Wrap a catalogue entry."""
        sample = entry.min_sample
        return cls(
            code=entry.code,
            name=entry.name,
            description=entry.description,
            unit=KpiUnit(entry.unit.value),
            direction=Direction(entry.direction.value),
            subject=KpiSubject(entry.subject.value),
            components=[
                KpiComponent(name=c.name, aggregation=ComponentAggregation(c.aggregation.value))
                for c in entry.components
            ],
            formula=entry.formula,
            min_sample=MinSample(component=sample.component, minimum=sample.minimum)
            if sample
            else None,
        )


@strawberry.type(description="KPIs, keyset-paginated.")
class KpiConnection(Connection[Kpi]):
    pass


async def _load_kpi(ctx: Context, row_id: uuid.UUID) -> Kpi | None:
    row = await ctx.loaders.kpi.load(row_id)
    return Kpi.of(row) if row else None


register_node("Kpi", _load_kpi)
