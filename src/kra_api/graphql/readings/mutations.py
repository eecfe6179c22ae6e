"""kpiReadingsRecord and employeeIdentityLink, and the quarantine query (a Query mixin)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.auth.principal import Principal
from kra_api.errors import Invalid
from kra_api.graphql.core.context import Context, Info
from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.core.mutations import perform, user_errors
from kra_api.graphql.core.permissions import CanReviewQuarantine, CanWritePeople, CanWriteReadings
from kra_api.graphql.people.types import Employee
from kra_api.graphql.readings.inputs import (
    EmployeeIdentityLinkInput,
    KpiReadingsRecordInput,
    readings_in,
)
from kra_api.graphql.readings.queries import quarantine_connection
from kra_api.graphql.readings.types import (
    EmployeeIdentityLinkError,
    EmployeeIdentityLinkErrorCode,
    EmployeeIdentityLinkPayload,
    KpiReadingsRecordError,
    KpiReadingsRecordErrorCode,
    KpiReadingsRecordPayload,
    QuarantinedReadingConnection,
)
from kra_api.people.identities import link_identity
from kra_api.readings.service import RecordResult, record_readings

R = TypeVar("R")


class _DryRun(Exception):
    """Carries a dry run's result out of its unit of work, which then rolls back."""

    def __init__(self, result: object) -> None:
        super().__init__("dry run")
        self.result = result


async def _rehearse(
    ctx: Context, work: Callable[[AsyncSession, Principal], Awaitable[R]]
) -> R | Invalid:
    """Run ``work`` exactly as for real, then roll everything back."""
    principal = ctx.require_principal()
    try:
        async with ctx.db.unit_of_work() as session:
            raise _DryRun(await work(session, principal))
    except Invalid as exc:
        return exc
    except _DryRun as done:
        return done.result  # type: ignore[return-value]


def _payload(result: RecordResult | Invalid, sent: int) -> KpiReadingsRecordPayload:
    if isinstance(result, Invalid):
        errors = user_errors(result, KpiReadingsRecordError, KpiReadingsRecordErrorCode)
        rows = {e.field[2] for e in result.errors if len(e.field) > 3}
        return KpiReadingsRecordPayload(
            inserted=0,
            updated=0,
            unchanged=0,
            quarantined=0,
            rejected=len(rows) if rows else sent,  # TOO_MANY, a bad source: every row
            user_errors=errors,
        )
    counts = result.counts
    return KpiReadingsRecordPayload(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        quarantined=counts.quarantined,
        rejected=counts.rejected,
        user_errors=user_errors(
            Invalid(result.errors), KpiReadingsRecordError, KpiReadingsRecordErrorCode
        ),
    )


@strawberry.type
class ReadingMutations:
    @strawberry.mutation(
        permission_classes=[CanWriteReadings],
        description="Record KPI readings (at most 1000) idempotently; unknown external ids are "
        "quarantined. atomic: all or nothing; dryRun: validate and count only.",
    )
    async def kpi_readings_record(
        self, info: Info, input: KpiReadingsRecordInput
    ) -> KpiReadingsRecordPayload:
        readings = readings_in(input)
        atomic = bool(input.atomic)

        async def work(session: AsyncSession, principal: Principal) -> RecordResult:
            return await record_readings(session, principal, input.source, readings, atomic=atomic)

        run = _rehearse if input.dry_run else perform
        return _payload(await run(info.context, work), len(readings))

    @strawberry.mutation(
        permission_classes=[CanWritePeople],
        description="Tie a source system's id to an employee; quarantined readings of that id "
        "are applied (applied says how many).",
    )
    async def employee_identity_link(
        self, info: Info, input: EmployeeIdentityLinkInput
    ) -> EmployeeIdentityLinkPayload:
        employee_id = expect_id(input.employee_id, "Employee")
        result = await perform(
            info.context,
            lambda s, p: link_identity(
                s, p, employee_id=employee_id, source=input.source, external_id=input.external_id
            ),
        )
        if isinstance(result, Invalid):
            errors = user_errors(result, EmployeeIdentityLinkError, EmployeeIdentityLinkErrorCode)
            return EmployeeIdentityLinkPayload(employee=None, applied=0, user_errors=errors)
        employee, applied = result
        return EmployeeIdentityLinkPayload(
            employee=Employee.of(employee), applied=applied, user_errors=[]
        )


@strawberry.type
class ReadingQueries:
    @strawberry.field(
        permission_classes=[CanReviewQuarantine],
        description="Readings of one source held in quarantine (unknown external ids), oldest "
        "first; hr and admin only.",
    )
    async def quarantined_readings(
        self,
        info: Info,
        # Not called ``source`` in Python: permission extensions take a ``source`` argument.
        source_system: Annotated[
            str, strawberry.argument(name="source", description="The sending system.")
        ],
        first: int | None = None,
        after: str | None = None,
    ) -> QuarantinedReadingConnection:
        return await quarantine_connection(info.context, source_system, first, after)
