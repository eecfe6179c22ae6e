"""GraphQL types of readings: payloads, error codes, quarantined readings."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid

import strawberry

from kra_api.graphql.catalog.types import Kpi
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.mutations import UserError
from kra_api.graphql.core.pagination import Connection
from kra_api.graphql.core.scalars import Long
from kra_api.graphql.people.types import Employee


@strawberry.enum(description="Why kpiReadingsRecord refused a reading (or the whole call).")
class KpiReadingsRecordErrorCode(enum.Enum):
    TOO_MANY = "TOO_MANY"
    UNKNOWN_KPI = "UNKNOWN_KPI"
    WRONG_SUBJECT = "WRONG_SUBJECT"
    MISSING_COMPONENT = "MISSING_COMPONENT"
    UNKNOWN_COMPONENT = "UNKNOWN_COMPONENT"
    DUPLICATE_COMPONENT = "DUPLICATE_COMPONENT"
    NOT_FINITE = "NOT_FINITE"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    NAIVE_TIMESTAMP = "NAIVE_TIMESTAMP"
    BAD_INTERVAL = "BAD_INTERVAL"
    IN_FUTURE = "IN_FUTURE"
    INVALID = "INVALID"


@strawberry.type(
    description='A refused reading: the path names its index, e.g. ["input","readings","17",'
    '"components"].'
)
class KpiReadingsRecordError(UserError):
    code: KpiReadingsRecordErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(
    description="Result of kpiReadingsRecord: every reading is counted once. A reading replaced "
    "by a later one of the same key in the same call counts as unchanged."
)
class KpiReadingsRecordPayload:
    inserted: int = strawberry.field(description="New readings.")
    updated: int = strawberry.field(
        description="Readings replaced (a higher revision, or a correction)."
    )
    unchanged: int = strawberry.field(description="Readings already stored as sent, or older.")
    quarantined: int = strawberry.field(
        description="Readings of unknown external ids, held until the id becomes known."
    )
    rejected: int = strawberry.field(description="Readings refused (see userErrors).")
    user_errors: list[KpiReadingsRecordError] = strawberry.field(
        description="Why readings were refused; with atomic (or TOO_MANY) nothing was written."
    )


@strawberry.enum(description="Why employeeIdentityLink refused its input.")
class EmployeeIdentityLinkErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE_IDENTITY = "DUPLICATE_IDENTITY"
    INVALID = "INVALID"


@strawberry.type(description="A failure of employeeIdentityLink.")
class EmployeeIdentityLinkError(UserError):
    code: EmployeeIdentityLinkErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of employeeIdentityLink.")
class EmployeeIdentityLinkPayload:
    employee: Employee | None = strawberry.field(description="The employee.")
    applied: int = strawberry.field(
        description="Quarantined readings of this id that were applied now."
    )
    user_errors: list[EmployeeIdentityLinkError] = strawberry.field(
        description="Why nothing was written."
    )


@strawberry.type(description="A component value of a reading.")
class ComponentValue:
    name: str = strawberry.field(description="The component.")
    value: decimal.Decimal = strawberry.field(description="Its exact value.")


@strawberry.type(
    description="A valid reading whose external id is not known in this organization; it is "
    "applied automatically when the id appears (employeesUpsert, employeeIdentityLink)."
)
class QuarantinedReading:
    kpi_id: strawberry.Private[uuid.UUID]
    source: str = strawberry.field(description="The sending system.")
    employee_external_id: str | None = strawberry.field(description="The unknown employee id.")
    org_unit_external_id: str | None = strawberry.field(description="The unknown unit id.")
    interval_start: dt.datetime = strawberry.field(description="Start of the interval.")
    interval_end: dt.datetime = strawberry.field(description="End of the interval (exclusive).")
    components: list[ComponentValue] = strawberry.field(description="The values sent.")
    source_revision: Long = strawberry.field(description="The source's revision.")
    reason: str = strawberry.field(
        description="UNKNOWN_EMPLOYEE, UNKNOWN_ORG_UNIT, or why a replay failed."
    )
    received_at: dt.datetime = strawberry.field(description="When it (last) arrived.")

    @strawberry.field(description="The KPI read.")
    async def kpi(self, info: Info) -> Kpi | None:
        row = await info.context.loaders.kpi.load(self.kpi_id)
        return Kpi.of(row) if row else None


@strawberry.type(description="Quarantined readings, oldest first, keyset-paginated.")
class QuarantinedReadingConnection(Connection[QuarantinedReading]):
    pass
