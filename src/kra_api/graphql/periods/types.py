"""GraphQL types of evaluation periods."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import strawberry

from kra_api import models
from kra_api.graphql.core.context import Context, Info
from kra_api.graphql.core.ids import to_global_id
from kra_api.graphql.core.node import Node, register_node
from kra_api.graphql.core.pagination import Connection
from kra_api.periods.state import period_state


@strawberry.enum(description="Length and alignment of a period.")
class PeriodKind(enum.Enum):
    MONTH = "MONTH"
    QUARTER = "QUARTER"
    HALF_YEAR = "HALF_YEAR"
    YEAR = "YEAR"
    CUSTOM = "CUSTOM"


@strawberry.enum(
    description="OPEN until the end date, PROVISIONAL during the grace days, FINAL after "
    "(dates in the organization's time zone)."
)
class PeriodState(enum.Enum):
    OPEN = "OPEN"
    PROVISIONAL = "PROVISIONAL"
    FINAL = "FINAL"


@strawberry.type(description="An evaluation period: start date inclusive, end date exclusive.")
class Period(Node):
    row: strawberry.Private[models.Period]
    name: str = strawberry.field(description="Display name, e.g. March 2026.")
    kind: PeriodKind = strawberry.field(description="MONTH, QUARTER, HALF_YEAR, YEAR or CUSTOM.")
    start_date: dt.date = strawberry.field(description="First day (inclusive).")
    end_date: dt.date = strawberry.field(description="End (exclusive).")

    @classmethod
    def of(cls, row: models.Period) -> Period:
        """Wrap a row."""
        return cls(
            id=to_global_id("Period", row.id),
            row=row,
            name=row.name,
            kind=PeriodKind(row.kind),
            start_date=row.start_date,
            end_date=row.end_date,
        )

    @strawberry.field(description="Where the period stands today (organization's time zone).")
    async def state(self, info: Info) -> PeriodState:
        org = await info.context.organization()
        today = await info.context.today()
        state = period_state(self.row.end_date, org.grace_days, today, self.row.finalized_at)
        return PeriodState(state.value)

    @strawberry.field(description="The period of the same kind that ends where this one starts.")
    async def previous(self, info: Info) -> Period | None:
        key = (self.row.kind, self.row.start_date)
        row = await info.context.loaders.period_ending.load(key)
        return Period.of(row) if row else None


@strawberry.input(description="Narrow the period list; every given condition must hold.")
class PeriodFilter:
    kind: PeriodKind | None = strawberry.field(default=None, description="Of this kind.")
    containing: dt.date | None = strawberry.field(
        default=None, description="Periods that include this day."
    )
    state: PeriodState | None = strawberry.field(default=None, description="In this state today.")


@strawberry.type(description="Periods, keyset-paginated.")
class PeriodConnection(Connection[Period]):
    pass


async def _load_period(ctx: Context, row_id: uuid.UUID) -> Period | None:
    row = await ctx.loaders.period.load(row_id)
    return Period.of(row) if row else None


register_node("Period", _load_period)
