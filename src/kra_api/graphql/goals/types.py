"""GraphQL types of goal versions and their scope."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from typing import Annotated

import strawberry

from kra_api import models
from kra_api.graphql.audit.types import Actor
from kra_api.graphql.catalog.types import Kpi
from kra_api.graphql.core.context import Context, Info
from kra_api.graphql.core.ids import to_global_id
from kra_api.graphql.core.node import Node, register_node
from kra_api.graphql.core.pagination import Connection
from kra_api.graphql.goals.loaders import line_of
from kra_api.graphql.orgs.types import OrgUnit
from kra_api.graphql.people.types import Employee, Role


@strawberry.enum(description="What a goal line is set for; most specific wins, day by day.")
class GoalScopeKind(enum.Enum):
    ROLE = "ROLE"
    ORG_UNIT = "ORG_UNIT"
    EMPLOYEE = "EMPLOYEE"


@strawberry.enum(description="LINEAR interpolates between anchors; STEP scores the anchor reached.")
class ScoringMode(enum.Enum):
    LINEAR = "LINEAR"
    STEP = "STEP"


@strawberry.enum(description="ABSOLUTE anchors, or RELATIVE ones: multipliers of the baseline.")
class AnchorBasis(enum.Enum):
    ABSOLUTE = "ABSOLUTE"
    RELATIVE = "RELATIVE"


@strawberry.enum(
    description="PROPOSED (awaiting approval), APPROVED (in force over its dates), REJECTED, "
    "SUPERSEDED (wholly replaced by a later version starting on the same day)."
)
class GoalStatus(enum.Enum):
    PROPOSED = "PROPOSED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    SUPERSEDED = "SUPERSEDED"


GoalScope = Annotated[
    Role | OrgUnit | Employee,
    strawberry.union("GoalScope", description="What a goal is set for."),
]


@strawberry.type(description="One version of a goal line (KPI, scope): anchors over a date range.")
class Goal(Node):
    row: strawberry.Private[models.Goal]
    scope_kind: GoalScopeKind = strawberry.field(description="ROLE, ORG_UNIT or EMPLOYEE.")
    effective_from: dt.date = strawberry.field(description="First day (inclusive).")
    effective_to: dt.date | None = strawberry.field(description="End (exclusive), or open.")
    mode: ScoringMode = strawberry.field(description="LINEAR or STEP.")
    basis: AnchorBasis = strawberry.field(description="ABSOLUTE, or RELATIVE multipliers.")
    threshold: decimal.Decimal | None = strawberry.field(description="Scores the threshold score.")
    target: decimal.Decimal | None = strawberry.field(description="Scores the target score.")
    stretch: decimal.Decimal | None = strawberry.field(description="Scores the stretch score.")
    low_threshold: decimal.Decimal | None = strawberry.field(description="IN_RANGE: lowest pass.")
    low_target: decimal.Decimal | None = strawberry.field(description="IN_RANGE: band start.")
    high_target: decimal.Decimal | None = strawberry.field(description="IN_RANGE: band end.")
    high_threshold: decimal.Decimal | None = strawberry.field(description="IN_RANGE: highest pass.")
    status: GoalStatus = strawberry.field(description="Where the version stands.")
    version: int | None = strawberry.field(description="Number in its line, set when approved.")
    reason: str | None = strawberry.field(description="Why it was set or proposed.")
    decision_reason: str | None = strawberry.field(
        description="Why the proposal was approved or rejected."
    )
    decided_at: dt.datetime | None = strawberry.field(
        description="When it was approved (or rejected)."
    )
    created_at: dt.datetime = strawberry.field(description="When it was written.")

    @classmethod
    def of(cls, row: models.Goal) -> Goal:
        """Wrap a row."""
        return cls(
            id=to_global_id("Goal", row.id),
            row=row,
            scope_kind=GoalScopeKind(row.scope_kind),
            effective_from=row.effective_from,
            effective_to=row.effective_to,
            mode=ScoringMode(row.mode),
            basis=AnchorBasis(row.basis),
            threshold=row.threshold,
            target=row.target,
            stretch=row.stretch,
            low_threshold=row.low_threshold,
            low_target=row.low_target,
            high_target=row.high_target,
            high_threshold=row.high_threshold,
            status=GoalStatus(row.status),
            version=row.version,
            reason=row.reason,
            decision_reason=row.decision_reason,
            decided_at=row.decided_at,
            created_at=row.created_at,
        )

    @strawberry.field(description="The KPI scored against this goal.")
    async def kpi(self, info: Info) -> Kpi:
        row = await info.context.loaders.kpi.load(self.row.kpi_id)
        assert row is not None  # a composite foreign key guarantees it
        return Kpi.of(row)

    @strawberry.field(description="The role, org unit or employee the goal is set for.")
    async def scope(self, info: Info) -> GoalScope:
        loaders = info.context.loaders
        kind = GoalScopeKind(self.row.scope_kind)
        if kind is GoalScopeKind.ROLE:
            role = await loaders.role.load(self.row.scope_id)
            assert role is not None
            return Role.of(role)
        if kind is GoalScopeKind.ORG_UNIT:
            unit = await loaders.org_unit.load(self.row.scope_id)
            assert unit is not None
            return OrgUnit.of(unit)
        employee = await loaders.employee.load(self.row.scope_id)
        assert employee is not None
        return Employee.of(employee)

    @strawberry.field(description="Who wrote the version.")
    def author(self) -> Actor | None:
        r = self.row
        return Actor.of(r.author_kind, r.author_label, r.author_employee_id)

    @strawberry.field(
        description="Who approved (or rejected) it; goalSet by hr/admin approves directly."
    )
    def approver(self) -> Actor | None:
        r = self.row
        return Actor.of(r.approver_kind, r.approver_label, r.approver_employee_id)

    @strawberry.field(description="The version this one revises, if any.")
    async def supersedes(self, info: Info) -> Goal | None:
        if self.row.supersedes_id is None:
            return None
        row = await info.context.loaders.goals.goal.load(self.row.supersedes_id)
        return Goal.of(row) if row else None

    @strawberry.field(description="Every version of this line, proposals included, newest first.")
    async def history(self, info: Info) -> list[Goal]:
        rows = await info.context.loaders.goals.history.load(line_of(self.row))
        return [Goal.of(r) for r in rows]


@strawberry.input(description="Narrow the goal list; every given condition must hold.")
class GoalFilter:
    kpi_id: strawberry.ID | None = strawberry.field(default=None, description="Of this KPI.")
    scope_kind: GoalScopeKind | None = strawberry.field(default=None, description="Of this kind.")
    scope_id: strawberry.ID | None = strawberry.field(
        default=None, description="Set for this role, org unit or employee."
    )
    status: GoalStatus | None = strawberry.field(default=None, description="In this status.")
    active_on: dt.date | None = strawberry.field(
        default=None, description="In force on this day: APPROVED with a range including it."
    )


@strawberry.type(description="Goal versions, keyset-paginated.")
class GoalConnection(Connection[Goal]):
    pass


async def _load_goal(ctx: Context, row_id: uuid.UUID) -> Goal | None:
    row = await ctx.loaders.goals.goal.load(row_id)
    return Goal.of(row) if row else None


register_node("Goal", _load_goal)
