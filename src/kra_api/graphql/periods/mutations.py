"""Mutations on evaluation periods."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from kra_api.errors import Invalid
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.mutations import UserError, perform, user_errors
from kra_api.graphql.core.permissions import CanWriteDefinitions
from kra_api.graphql.periods.types import Period, PeriodKind
from kra_api.periods import calendar, service


@strawberry.enum(description="Why periodCreate refused its input.")
class PeriodCreateErrorCode(enum.Enum):
    INVALID = "INVALID"
    OVERLAP = "OVERLAP"


@strawberry.type(description="A failure of periodCreate.")
class PeriodCreateError(UserError):
    code: PeriodCreateErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.input(
    description="A new period. MONTH, QUARTER, HALF_YEAR and YEAR follow the calendar; "
    "periods of one kind never overlap."
)
class PeriodCreateInput:
    name: str = strawberry.field(description="Display name (1-200 characters).")
    kind: PeriodKind | None = strawberry.field(
        default=PeriodKind.MONTH, description="Kind (default MONTH, also for null)."
    )
    start_date: dt.date = strawberry.field(description="First day (inclusive).")
    end_date: dt.date = strawberry.field(description="End (exclusive), e.g. the next 1st.")


@strawberry.type(description="Result of periodCreate.")
class PeriodCreatePayload:
    period: Period | None = strawberry.field(description="The new period.")
    user_errors: list[PeriodCreateError] = strawberry.field(description="Why nothing was written.")


@strawberry.type
class PeriodMutations:
    @strawberry.mutation(
        permission_classes=[CanWriteDefinitions], description="Create an evaluation period."
    )
    async def period_create(self, info: Info, input: PeriodCreateInput) -> PeriodCreatePayload:
        kind = calendar.PeriodKind((input.kind or PeriodKind.MONTH).value)
        result = await perform(
            info.context,
            lambda s, p: service.create_period(
                s,
                p,
                name=input.name,
                kind=kind,
                start_date=input.start_date,
                end_date=input.end_date,
            ),
        )
        if isinstance(result, Invalid):
            errors = user_errors(result, PeriodCreateError, PeriodCreateErrorCode)
            return PeriodCreatePayload(period=None, user_errors=errors)
        return PeriodCreatePayload(period=Period.of(result), user_errors=[])
