"""Mutations over many evaluations: start a whole org unit, finalize a whole period."""

from __future__ import annotations

import enum

import strawberry

from kra_api.errors import Invalid
from kra_api.evaluations.closing import finalize_period
from kra_api.evaluations.start import start_unit
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.core.mutations import UserError, perform, user_errors
from kra_api.graphql.evaluations.mutations import CanDecide, CanStart
from kra_api.graphql.periods.types import Period


@strawberry.enum(description="Why evaluationsStart refused.")
class EvaluationsStartErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"


@strawberry.type(description="A failure of evaluationsStart.")
class EvaluationsStartError(UserError):
    code: EvaluationsStartErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.input(description="Start the evaluations of a whole org unit (subtree) for a period.")
class EvaluationsStartInput:
    org_unit_id: strawberry.ID = strawberry.field(description="The unit (its subtree counts).")
    period_id: strawberry.ID = strawberry.field(description="The period.")
    skip_self_review: bool | None = strawberry.field(
        default=False, description="Start in MANAGER_REVIEW (default false)."
    )


@strawberry.type(description="Result of evaluationsStart.")
class EvaluationsStartPayload:
    started: int = strawberry.field(description="Evaluations created by this call.")
    existing: int = strawberry.field(description="Members whose evaluation already existed.")
    skipped: int = strawberry.field(
        description="Members the caller may not start (their own; for a manager, those they do "
        "not review)."
    )
    user_errors: list[EvaluationsStartError] = strawberry.field(description="Why nothing changed.")


@strawberry.enum(description="Why periodFinalize refused.")
class PeriodFinalizeErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    NOT_ENDED = "NOT_ENDED"


@strawberry.type(description="A failure of periodFinalize.")
class PeriodFinalizeError(UserError):
    code: PeriodFinalizeErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.input(description="A period to finalize.")
class PeriodFinalizeInput:
    period_id: strawberry.ID = strawberry.field(description="The period (it must have ended).")


@strawberry.type(description="Result of periodFinalize.")
class PeriodFinalizePayload:
    period: Period | None = strawberry.field(description="The period, now FINAL.")
    finalized: int = strawberry.field(description="Evaluations frozen by this call (forced).")
    created: int = strawberry.field(description="Evaluations created (and frozen) by this call.")
    user_errors: list[PeriodFinalizeError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class EvaluationBulkMutations:
    @strawberry.mutation(
        permission_classes=[CanStart],
        description="Start the evaluations of everyone assigned to a unit's subtree on the "
        "period's last day: hr/admin all but their own, a manager leading the unit those they "
        "review. Existing evaluations are left as they are.",
    )
    async def evaluations_start(
        self, info: Info, input: EvaluationsStartInput
    ) -> EvaluationsStartPayload:
        unit_id = expect_id(input.org_unit_id, "OrgUnit")
        period_id = expect_id(input.period_id, "Period")
        skip = bool(input.skip_self_review)
        result = await perform(
            info.context, lambda s, p: start_unit(s, p, unit_id, period_id, skip)
        )
        if isinstance(result, Invalid):
            errors = user_errors(result, EvaluationsStartError, EvaluationsStartErrorCode)
            return EvaluationsStartPayload(started=0, existing=0, skipped=0, user_errors=errors)
        return EvaluationsStartPayload(
            started=result.started,
            existing=result.existing,
            skipped=result.skipped,
            user_errors=[],
        )

    @strawberry.mutation(
        permission_classes=[CanDecide],
        description="After the period's end (NOT_ENDED before): finalize every evaluation of "
        "the period whatever its state (audited as forced), create and finalize one for each "
        "employee assigned on its last day who has none, and make the period FINAL.",
    )
    async def period_finalize(
        self, info: Info, input: PeriodFinalizeInput
    ) -> PeriodFinalizePayload:
        period_id = expect_id(input.period_id, "Period")
        result = await perform(info.context, lambda s, p: finalize_period(s, p, period_id))
        if isinstance(result, Invalid):
            errors = user_errors(result, PeriodFinalizeError, PeriodFinalizeErrorCode)
            return PeriodFinalizePayload(period=None, finalized=0, created=0, user_errors=errors)
        return PeriodFinalizePayload(
            period=Period.of(result.period),
            finalized=result.finalized,
            created=result.created,
            user_errors=[],
        )
