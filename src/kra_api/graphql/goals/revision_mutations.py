"""goalRevise, goalRevisionApprove, goalRevisionReject: proposals and their decisions."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from kra_api.auth.principal import UserRole
from kra_api.errors import Invalid
from kra_api.goals import revisions
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.core.mutations import UserError, perform, user_errors
from kra_api.graphql.core.permissions import allow
from kra_api.graphql.goals.mutations import AnchorsInput, anchors_in
from kra_api.graphql.goals.types import Goal

# Managers are refused here only outside their subtree, which the service decides per goal.
CanProposeGoals = allow(UserRole.ADMIN, UserRole.HR, UserRole.MANAGER)


@strawberry.input(description="A new version of a goal line from a date, made against a version.")
class GoalReviseInput:
    goal_id: strawberry.ID = strawberry.field(description="A version of the line to revise.")
    expected_version: int = strawberry.field(
        description="The line's version you saw (optimistic locking): VERSION_CONFLICT if the "
        "line has moved on since, or has an open proposal."
    )
    effective_from: dt.date = strawberry.field(
        description="First day of the new version: inside or after the latest version's range."
    )
    anchors: AnchorsInput = strawberry.field(
        description="The new anchors (mode and basis stay the line's)."
    )
    reason: str = strawberry.field(description="Why (required, kept in history).")


@strawberry.input(description="Approve or reject a proposal.")
class GoalRevisionDecisionInput:
    proposal_id: strawberry.ID = strawberry.field(description="The PROPOSED goal.")
    reason: str | None = strawberry.field(
        default=None, description="Why (required to reject; kept in history)."
    )


@strawberry.enum(description="Why goalRevise refused its input.")
class GoalReviseErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    INVALID_ANCHORS = "INVALID_ANCHORS"
    MISSING_ANCHOR = "MISSING_ANCHOR"
    PERIOD_FINAL = "PERIOD_FINAL"
    BEFORE_CURRENT = "BEFORE_CURRENT"
    REASON_REQUIRED = "REASON_REQUIRED"
    INVALID = "INVALID"


@strawberry.type(description="A failure of goalRevise.")
class GoalReviseError(UserError):
    code: GoalReviseErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of goalRevise.")
class GoalRevisePayload:
    proposal: Goal | None = strawberry.field(description="The new PROPOSED version.")
    user_errors: list[GoalReviseError] = strawberry.field(description="Why nothing was written.")


@strawberry.enum(description="Why goalRevisionApprove refused.")
class GoalRevisionApproveErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    NOT_PROPOSED = "NOT_PROPOSED"
    OWN_PROPOSAL = "OWN_PROPOSAL"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    PERIOD_FINAL = "PERIOD_FINAL"
    OVERLAP = "OVERLAP"
    INVALID = "INVALID"


@strawberry.type(description="A failure of goalRevisionApprove.")
class GoalRevisionApproveError(UserError):
    code: GoalRevisionApproveErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of goalRevisionApprove.")
class GoalRevisionApprovePayload:
    goal: Goal | None = strawberry.field(description="The approved version, numbered.")
    user_errors: list[GoalRevisionApproveError] = strawberry.field(
        description="Why nothing was written."
    )


@strawberry.enum(description="Why goalRevisionReject refused.")
class GoalRevisionRejectErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    NOT_PROPOSED = "NOT_PROPOSED"
    REASON_REQUIRED = "REASON_REQUIRED"
    INVALID = "INVALID"


@strawberry.type(description="A failure of goalRevisionReject.")
class GoalRevisionRejectError(UserError):
    code: GoalRevisionRejectErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of goalRevisionReject.")
class GoalRevisionRejectPayload:
    proposal: Goal | None = strawberry.field(description="The REJECTED proposal.")
    user_errors: list[GoalRevisionRejectError] = strawberry.field(
        description="Why nothing was written."
    )


@strawberry.type
class GoalRevisionMutations:
    @strawberry.mutation(
        permission_classes=[CanProposeGoals],
        description="Propose a new version of a goal line from effectiveFrom (PROPOSED, no "
        "version until approved). hr and admin on every scope; managers at ORG_UNIT or "
        "EMPLOYEE scope inside the subtrees they lead. One open proposal per line.",
    )
    async def goal_revise(self, info: Info, input: GoalReviseInput) -> GoalRevisePayload:
        data = revisions.ReviseIn(
            goal_id=expect_id(input.goal_id, "Goal"),
            expected_version=input.expected_version,
            effective_from=input.effective_from,
            anchors=anchors_in(input.anchors),
            reason=input.reason,
        )
        result = await perform(info.context, lambda s, p: revisions.revise(s, p, data))
        if isinstance(result, Invalid):
            errors = user_errors(result, GoalReviseError, GoalReviseErrorCode)
            return GoalRevisePayload(proposal=None, user_errors=errors)
        return GoalRevisePayload(proposal=Goal.of(result), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanProposeGoals],
        description="Approve a proposal: it gets the line's next version number and the "
        "version it revises ends where it starts. hr, admin, or a manager of the goal's scope "
        "(ORG_UNIT / EMPLOYEE); never the proposal's author.",
    )
    async def goal_revision_approve(
        self, info: Info, input: GoalRevisionDecisionInput
    ) -> GoalRevisionApprovePayload:
        proposal_id, reason = expect_id(input.proposal_id, "Goal"), input.reason
        result = await perform(
            info.context, lambda s, p: revisions.approve(s, p, proposal_id, reason)
        )
        if isinstance(result, Invalid):
            errors = user_errors(result, GoalRevisionApproveError, GoalRevisionApproveErrorCode)
            return GoalRevisionApprovePayload(goal=None, user_errors=errors)
        return GoalRevisionApprovePayload(goal=Goal.of(result), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanProposeGoals],
        description="Reject a proposal with a reason (the approvers, or its author withdrawing "
        "it).",
    )
    async def goal_revision_reject(
        self, info: Info, input: GoalRevisionDecisionInput
    ) -> GoalRevisionRejectPayload:
        proposal_id, reason = expect_id(input.proposal_id, "Goal"), input.reason
        result = await perform(
            info.context, lambda s, p: revisions.reject(s, p, proposal_id, reason)
        )
        if isinstance(result, Invalid):
            errors = user_errors(result, GoalRevisionRejectError, GoalRevisionRejectErrorCode)
            return GoalRevisionRejectPayload(proposal=None, user_errors=errors)
        return GoalRevisionRejectPayload(proposal=Goal.of(result), user_errors=[])
