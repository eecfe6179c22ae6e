"""Inputs of the readings mutations and their conversion to the readings service's DTOs."""

from __future__ import annotations

import datetime as dt
import decimal

import strawberry

from kra_api.graphql.core.scalars import Long
from kra_api.readings.schemas import ReadingIn


@strawberry.input(description="One component value of a reading.")
class ComponentValueInput:
    name: str = strawberry.field(description="A component of the KPI, e.g. handle_seconds.")
    value: decimal.Decimal = strawberry.field(
        description="Exact, finite; at most 20 digits before and 6 after the point."
    )


@strawberry.input(
    description="Component values of one subject over one interval. Keyed by (source, subject, "
    "KPI, intervalStart, intervalEnd): a higher sourceRevision replaces, an equal one with "
    "different values corrects, a lower one is ignored."
)
class KpiReadingInput:
    employee_external_id: str | None = strawberry.field(
        default=None,
        description="For EMPLOYEE KPIs: the id in this source (an identity), or the HRIS id.",
    )
    org_unit_external_id: str | None = strawberry.field(
        default=None, description="For ORG_UNIT KPIs: the unit's external id."
    )
    kpi_code: str = strawberry.field(description="The KPI's code, e.g. AHT.")
    interval_start: dt.datetime = strawberry.field(
        description="Start, with an offset; the reading counts on this date in the "
        "organization's time zone."
    )
    interval_end: dt.datetime = strawberry.field(
        description="End (exclusive), with an offset; at most 31 days after the start and at "
        "most one day in the future."
    )
    components: list[ComponentValueInput] = strawberry.field(
        description="Every component of the KPI, each once."
    )
    source_revision: Long | None = strawberry.field(
        default=Long(0), description="Higher revisions replace lower ones (null: 0)."
    )


@strawberry.input(description="A batch of readings from one source (at most 1000).")
class KpiReadingsRecordInput:
    source: str = strawberry.field(description="The sending system, e.g. wfm, acd, qa, crm.")
    readings: list[KpiReadingInput] = strawberry.field(description="At most 1000.")
    atomic: bool | None = strawberry.field(
        default=False, description="true: any bad reading refuses the whole batch."
    )
    dry_run: bool | None = strawberry.field(
        default=False, description="true: validate and count, write nothing."
    )


@strawberry.input(description="Tie a source system's id to an employee.")
class EmployeeIdentityLinkInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    source: str = strawberry.field(description="The source system, e.g. wfm.")
    external_id: str = strawberry.field(description="The employee's id in that source.")


def readings_in(batch: KpiReadingsRecordInput) -> list[ReadingIn]:
    """The service's view of the readings."""
    return [
        ReadingIn(
            kpi_code=r.kpi_code,
            interval_start=r.interval_start,
            interval_end=r.interval_end,
            components=[(c.name, c.value) for c in r.components],
            employee_external_id=r.employee_external_id,
            org_unit_external_id=r.org_unit_external_id,
            source_revision=int(r.source_revision or 0),
        )
        for r in batch.readings
    ]
