"""Mutations on goals: goalSet adds a version to a goal line (revisions: revision_mutations)."""

from __future__ import annotations

import datetime as dt
import decimal
import enum

import strawberry

from kra_api.auth.principal import Scope, UserRole
from kra_api.errors import Invalid
from kra_api.goals import service
from kra_api.goals.schemas import AnchorsIn, GoalIn
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.core.mutations import UserError, perform, user_errors
from kra_api.graphql.core.permissions import allow
from kra_api.graphql.goals.types import AnchorBasis, Goal, GoalScopeKind, ScoringMode
from kra_api.scoring import anchors as engine_anchors
from kra_api.scoring import goals as engine_goals

SCOPE_TYPES = {
    GoalScopeKind.ROLE: "Role",
    GoalScopeKind.ORG_UNIT: "OrgUnit",
    GoalScopeKind.EMPLOYEE: "Employee",
}


@strawberry.input(
    description="Anchors by KPI direction: HIGHER/LOWER_IS_BETTER need threshold and target "
    "(stretch optional); IN_RANGE needs the four low/high anchors. RELATIVE: multipliers > 0."
)
class AnchorsInput:
    threshold: decimal.Decimal | None = strawberry.field(default=None, description="Threshold.")
    target: decimal.Decimal | None = strawberry.field(default=None, description="Target.")
    stretch: decimal.Decimal | None = strawberry.field(default=None, description="Stretch.")
    low_threshold: decimal.Decimal | None = strawberry.field(
        default=None, description="IN_RANGE lowest passing value."
    )
    low_target: decimal.Decimal | None = strawberry.field(
        default=None, description="IN_RANGE start of the target band."
    )
    high_target: decimal.Decimal | None = strawberry.field(
        default=None, description="IN_RANGE end of the target band."
    )
    high_threshold: decimal.Decimal | None = strawberry.field(
        default=None, description="IN_RANGE highest passing value."
    )


@strawberry.input(description="A goal version for a KPI and a scope over a date range.")
class GoalSetInput:
    kpi_id: strawberry.ID = strawberry.field(description="The KPI.")
    scope_kind: GoalScopeKind = strawberry.field(description="ROLE, ORG_UNIT or EMPLOYEE.")
    scope_id: strawberry.ID = strawberry.field(
        description="The role, org unit or employee (matching scopeKind)."
    )
    effective_from: dt.date = strawberry.field(description="First day (inclusive).")
    effective_to: dt.date | None = strawberry.field(
        default=None, description="End (exclusive), or open."
    )
    mode: ScoringMode | None = strawberry.field(
        default=ScoringMode.LINEAR, description="LINEAR (default, also for null) or STEP."
    )
    basis: AnchorBasis | None = strawberry.field(
        default=AnchorBasis.ABSOLUTE, description="ABSOLUTE (default, also for null) or RELATIVE."
    )
    anchors: AnchorsInput = strawberry.field(description="The anchors.")
    reason: str | None = strawberry.field(default=None, description="Why (kept in history).")


@strawberry.enum(description="Why goalSet refused its input.")
class GoalSetErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID_ANCHORS = "INVALID_ANCHORS"
    MISSING_ANCHOR = "MISSING_ANCHOR"
    OVERLAP = "OVERLAP"
    PERIOD_FINAL = "PERIOD_FINAL"
    PROPOSAL_PENDING = "PROPOSAL_PENDING"
    INVALID = "INVALID"


@strawberry.type(description="A failure of goalSet.")
class GoalSetError(UserError):
    code: GoalSetErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of goalSet.")
class GoalSetPayload:
    goal: Goal | None = strawberry.field(
        description="The new version: APPROVED, or PROPOSED when a manager set it."
    )
    user_errors: list[GoalSetError] = strawberry.field(description="Why nothing was written.")


def anchors_in(a: AnchorsInput) -> AnchorsIn:
    """The service DTO of an AnchorsInput."""
    return AnchorsIn(
        threshold=a.threshold,
        target=a.target,
        stretch=a.stretch,
        low_threshold=a.low_threshold,
        low_target=a.low_target,
        high_target=a.high_target,
        high_threshold=a.high_threshold,
    )


def goal_in(data: GoalSetInput) -> GoalIn:
    """The service DTO of a goalSet input (a scope id of another type is NOT_FOUND)."""
    return GoalIn(
        kpi_id=expect_id(data.kpi_id, "Kpi"),
        scope_kind=engine_goals.GoalScopeKind(data.scope_kind.value),
        scope_id=expect_id(data.scope_id, SCOPE_TYPES[data.scope_kind]),
        effective_from=data.effective_from,
        effective_to=data.effective_to,
        mode=engine_anchors.ScoringMode((data.mode or ScoringMode.LINEAR).value),
        basis=engine_goals.AnchorBasis((data.basis or AnchorBasis.ABSOLUTE).value),
        anchors=anchors_in(data.anchors),
        reason=data.reason,
    )


# Who sets which scope (managers propose inside their subtree) is decided per goal by the service.
CanSetGoals = allow(UserRole.ADMIN, UserRole.HR, UserRole.MANAGER, scope=Scope.DEFINITIONS_WRITE)


@strawberry.type
class GoalMutations:
    @strawberry.mutation(
        permission_classes=[CanSetGoals],
        description="Add a version to a goal line (KPI, scope): anchors validated by the KPI's "
        "direction, no overlap with another approved version, not into a FINAL period. "
        "APPROVED at once for hr, admin and definitions:write keys (ROLE scope only); a "
        "manager's goal at ORG_UNIT or EMPLOYEE scope inside their subtree is PROPOSED.",
    )
    async def goal_set(self, info: Info, input: GoalSetInput) -> GoalSetPayload:
        data = goal_in(input)
        result = await perform(info.context, lambda s, p: service.set_goal(s, p, data))
        if isinstance(result, Invalid):
            errors = user_errors(result, GoalSetError, GoalSetErrorCode)
            return GoalSetPayload(goal=None, user_errors=errors)
        return GoalSetPayload(goal=Goal.of(result), user_errors=[])
