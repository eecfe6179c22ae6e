"""Inputs of the KPI mutations and their conversion to the catalog service's DTOs."""

from __future__ import annotations

import decimal

import strawberry

from kra_api.catalog import builtin
from kra_api.catalog.schemas import ComponentIn, Definition, KpiChanges, KpiIn, MinSampleIn
from kra_api.graphql.catalog.types import ComponentAggregation, Direction, KpiSubject, KpiUnit


@strawberry.input(description="A named input of a KPI.")
class KpiComponentInput:
    name: str = strawberry.field(description="Lower-case: ^[a-z_][a-z0-9_]*$, unique in the KPI.")
    aggregation: ComponentAggregation | None = strawberry.field(
        default=ComponentAggregation.SUM, description="How readings combine (null: SUM)."
    )


@strawberry.input(description="Minimum sample: values below it are INSUFFICIENT_SAMPLE.")
class MinSampleInput:
    component: str = strawberry.field(description="One of the KPI's components.")
    minimum: decimal.Decimal = strawberry.field(description="0 or more.")


@strawberry.input(description="A new KPI definition.")
class KpiCreateInput:
    code: str = strawberry.field(description="Unique upper-case code: ^[A-Z][A-Z0-9_]*$.")
    name: str = strawberry.field(description="Display name (1-200 characters).")
    description: str | None = strawberry.field(default=None, description="What it measures.")
    unit: KpiUnit = strawberry.field(description="Unit of the value.")
    direction: Direction = strawberry.field(description="Which values are better.")
    subject: KpiSubject | None = strawberry.field(
        default=KpiSubject.EMPLOYEE, description="EMPLOYEE (default, also for null) or ORG_UNIT."
    )
    components: list[KpiComponentInput] = strawberry.field(description="1 to 20 components.")
    formula: str = strawberry.field(
        description="Arithmetic over the component names: numbers, + - * /, (), min, max, abs."
    )
    min_sample: MinSampleInput | None = strawberry.field(default=None, description="Optional.")


@strawberry.input(
    description="Change a KPI. Name and description can always change; unit, direction, "
    "components, formula and min sample only until readings of the KPI exist (IN_USE)."
)
class KpiUpdateInput:
    kpi_id: strawberry.ID = strawberry.field(description="The KPI.")
    name: str | None = strawberry.field(default=None, description="New name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="New description; omit to keep, null to clear."
    )
    unit: KpiUnit | None = strawberry.field(default=None, description="New unit.")
    direction: Direction | None = strawberry.field(default=None, description="New direction.")
    components: list[KpiComponentInput] | None = strawberry.field(
        default=None, description="New components (replace all)."
    )
    formula: str | None = strawberry.field(default=None, description="New formula.")
    min_sample: MinSampleInput | None = strawberry.field(
        default=strawberry.UNSET, description="New minimum sample; omit to keep, null to remove."
    )


@strawberry.input(description="Codes of the built-in catalogue to copy (at most 100).")
class KpiCatalogImportInput:
    codes: list[str] = strawberry.field(description="Catalogue codes, e.g. AHT, CSAT.")


def _components(items: list[KpiComponentInput]) -> tuple[ComponentIn, ...]:
    return tuple(
        ComponentIn(c.name, builtin.Aggregation((c.aggregation or ComponentAggregation.SUM).value))
        for c in items
    )


def _min_sample(item: MinSampleInput | None) -> MinSampleIn | None:
    return MinSampleIn(item.component, item.minimum) if item is not None else None


def kpi_in(data: KpiCreateInput) -> KpiIn:
    """The service DTO of a kpiCreate input."""
    return KpiIn(
        code=data.code,
        name=data.name,
        description=data.description,
        subject=builtin.KpiSubject((data.subject or KpiSubject.EMPLOYEE).value),
        definition=Definition(
            unit=builtin.KpiUnit(data.unit.value),
            direction=builtin.Direction(data.direction.value),
            components=_components(data.components),
            formula=data.formula,
            min_sample=_min_sample(data.min_sample),
        ),
    )


def kpi_changes(data: KpiUpdateInput) -> KpiChanges:
    """The service DTO of a kpiUpdate input (UNSET fields are kept)."""
    description_given = data.description is not strawberry.UNSET
    min_sample_given = data.min_sample is not strawberry.UNSET
    return KpiChanges(
        name=data.name,
        description=data.description if description_given else None,
        description_given=description_given,
        unit=builtin.KpiUnit(data.unit.value) if data.unit is not None else None,
        direction=builtin.Direction(data.direction.value) if data.direction is not None else None,
        components=None if data.components is None else _components(data.components),
        formula=data.formula,
        min_sample=_min_sample(data.min_sample) if min_sample_given else None,
        min_sample_given=min_sample_given,
    )
