"""The workflow mutations of one evaluation (issue 7's table).

A caller who may never perform the action on the evaluation gets a top-level FORBIDDEN; a
permitted caller in the wrong state gets the userError INVALID_STATE; either way nothing is
written (no row, no audit entry, no outbox event).
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from kra_api.auth.principal import Principal, UserRole
from kra_api.errors import Invalid
from kra_api.evaluations import start as starting
from kra_api.evaluations import workflow
from kra_api.graphql.core.context import Info
from kra_api.graphql.core.ids import expect_id
from kra_api.graphql.core.mutations import UserError, perform, user_errors
from kra_api.graphql.core.permissions import allow
from kra_api.graphql.evaluations.inputs import (
    EvaluationAdjustInput,
    EvaluationCalibrateInput,
    EvaluationCommentInput,
    EvaluationManagerReviewInput,
    EvaluationRefInput,
    EvaluationStartInput,
)
from kra_api.graphql.evaluations.types import Evaluation
from kra_api.models import Evaluation as EvaluationRow

P = TypeVar("P")
CanStart = allow(UserRole.ADMIN, UserRole.HR, UserRole.MANAGER)
CanSelfReview = allow(UserRole.EMPLOYEE, UserRole.MANAGER)
CanDecide = allow(UserRole.ADMIN, UserRole.HR)


@strawberry.enum(description="Why a workflow mutation refused.")
class EvaluationTransitionErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"
    REASON_REQUIRED = "REASON_REQUIRED"
    INVALID_BAND = "INVALID_BAND"
    INVALID = "INVALID"


@strawberry.enum(description="Why evaluationStart refused.")
class EvaluationStartErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    NOT_ASSIGNED = "NOT_ASSIGNED"


@strawberry.type(description="A failure of evaluationStart.")
class EvaluationStartError(UserError):
    code: EvaluationStartErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="A failure of evaluationSelfReviewSubmit.")
class EvaluationSelfReviewSubmitError(UserError):
    code: EvaluationTransitionErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="A failure of evaluationManagerReviewSubmit.")
class EvaluationManagerReviewSubmitError(UserError):
    code: EvaluationTransitionErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="A failure of evaluationCalibrate.")
class EvaluationCalibrateError(UserError):
    code: EvaluationTransitionErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="A failure of evaluationFinalize.")
class EvaluationFinalizeError(UserError):
    code: EvaluationTransitionErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="A failure of evaluationAcknowledge.")
class EvaluationAcknowledgeError(UserError):
    code: EvaluationTransitionErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="A failure of evaluationAdjust.")
class EvaluationAdjustError(UserError):
    code: EvaluationTransitionErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Result of evaluationStart.")
class EvaluationStartPayload:
    evaluation: Evaluation | None = strawberry.field(description="The new or existing one.")
    user_errors: list[EvaluationStartError] = strawberry.field(description="Why nothing changed.")


@strawberry.type(description="Result of evaluationSelfReviewSubmit.")
class EvaluationSelfReviewSubmitPayload:
    evaluation: Evaluation | None = strawberry.field(description="The evaluation.")
    user_errors: list[EvaluationSelfReviewSubmitError] = strawberry.field(
        description="Why nothing changed."
    )


@strawberry.type(description="Result of evaluationManagerReviewSubmit.")
class EvaluationManagerReviewSubmitPayload:
    evaluation: Evaluation | None = strawberry.field(description="The evaluation.")
    user_errors: list[EvaluationManagerReviewSubmitError] = strawberry.field(
        description="Why nothing changed."
    )


@strawberry.type(description="Result of evaluationCalibrate.")
class EvaluationCalibratePayload:
    evaluation: Evaluation | None = strawberry.field(description="The evaluation.")
    user_errors: list[EvaluationCalibrateError] = strawberry.field(
        description="Why nothing changed."
    )


@strawberry.type(description="Result of evaluationFinalize.")
class EvaluationFinalizePayload:
    evaluation: Evaluation | None = strawberry.field(description="The evaluation.")
    user_errors: list[EvaluationFinalizeError] = strawberry.field(
        description="Why nothing changed."
    )


@strawberry.type(description="Result of evaluationAcknowledge.")
class EvaluationAcknowledgePayload:
    evaluation: Evaluation | None = strawberry.field(description="The evaluation.")
    user_errors: list[EvaluationAcknowledgeError] = strawberry.field(
        description="Why nothing changed."
    )


@strawberry.type(description="Result of evaluationAdjust.")
class EvaluationAdjustPayload:
    evaluation: Evaluation | None = strawberry.field(description="The new revision.")
    user_errors: list[EvaluationAdjustError] = strawberry.field(description="Why nothing changed.")


Work = Callable[[AsyncSession, Principal], Awaitable[EvaluationRow]]


async def _run(info: Info, work: Work, payload: type[P], error: Any) -> P:
    result = await perform(info.context, work)
    if isinstance(result, Invalid):
        errors = user_errors(result, error, EvaluationTransitionErrorCode)
        return payload(evaluation=None, user_errors=errors)  # type: ignore[call-arg]
    return payload(evaluation=Evaluation.of(result), user_errors=[])  # type: ignore[call-arg]


def _id(value: strawberry.ID) -> Any:
    return expect_id(value, "Evaluation")


@strawberry.type
class EvaluationMutations:
    @strawberry.mutation(
        permission_classes=[CanStart],
        description="Start an employee's evaluation of a period (hr, admin or the reviewer, "
        "never one's own): SELF_REVIEW, or MANAGER_REVIEW with skipSelfReview. An existing "
        "evaluation is returned unchanged.",
    )
    async def evaluation_start(
        self, info: Info, input: EvaluationStartInput
    ) -> EvaluationStartPayload:
        employee_id = expect_id(input.employee_id, "Employee")
        period_id = expect_id(input.period_id, "Period")
        skip = bool(input.skip_self_review)
        result = await perform(
            info.context, lambda s, p: starting.start(s, p, employee_id, period_id, skip)
        )
        if isinstance(result, Invalid):
            errors = user_errors(result, EvaluationStartError, EvaluationStartErrorCode)
            return EvaluationStartPayload(evaluation=None, user_errors=errors)
        return EvaluationStartPayload(evaluation=Evaluation.of(result.evaluation), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanSelfReview],
        description="The employee submits their self review: SELF_REVIEW → MANAGER_REVIEW.",
    )
    async def evaluation_self_review_submit(
        self, info: Info, input: EvaluationCommentInput
    ) -> EvaluationSelfReviewSubmitPayload:
        ev, comment = _id(input.evaluation_id), input.comment
        return await _run(
            info,
            lambda s, p: workflow.submit_self_review(s, p, ev, comment),
            EvaluationSelfReviewSubmitPayload,
            EvaluationSelfReviewSubmitError,
        )

    @strawberry.mutation(
        permission_classes=[CanStart],
        description="The reviewer (or hr/admin) submits the manager review, optionally "
        "overriding the band with a reason: MANAGER_REVIEW → CALIBRATION. Never one's own.",
    )
    async def evaluation_manager_review_submit(
        self, info: Info, input: EvaluationManagerReviewInput
    ) -> EvaluationManagerReviewSubmitPayload:
        ev = _id(input.evaluation_id)
        return await _run(
            info,
            lambda s, p: workflow.submit_manager_review(
                s,
                p,
                ev,
                comment=input.comment,
                override_level=input.override_band_level,
                override_reason=input.override_reason,
            ),
            EvaluationManagerReviewSubmitPayload,
            EvaluationManagerReviewSubmitError,
        )

    @strawberry.mutation(
        permission_classes=[CanDecide],
        description="hr/admin set the band in calibration with a reason (repeatable).",
    )
    async def evaluation_calibrate(
        self, info: Info, input: EvaluationCalibrateInput
    ) -> EvaluationCalibratePayload:
        ev = _id(input.evaluation_id)
        return await _run(
            info,
            lambda s, p: workflow.calibrate(s, p, ev, level=input.band_level, reason=input.reason),
            EvaluationCalibratePayload,
            EvaluationCalibrateError,
        )

    @strawberry.mutation(
        permission_classes=[CanDecide],
        description="hr/admin finalize: CALIBRATION → FINALIZED; the scorecard is frozen.",
    )
    async def evaluation_finalize(
        self, info: Info, input: EvaluationRefInput
    ) -> EvaluationFinalizePayload:
        ev = _id(input.evaluation_id)
        return await _run(
            info,
            lambda s, p: workflow.finalize(s, p, ev),
            EvaluationFinalizePayload,
            EvaluationFinalizeError,
        )

    @strawberry.mutation(
        permission_classes=[CanSelfReview],
        description="The employee acknowledges the finalized evaluation: FINALIZED → ACKNOWLEDGED.",
    )
    async def evaluation_acknowledge(
        self, info: Info, input: EvaluationCommentInput
    ) -> EvaluationAcknowledgePayload:
        ev, comment = _id(input.evaluation_id), input.comment
        return await _run(
            info,
            lambda s, p: workflow.acknowledge(s, p, ev, comment),
            EvaluationAcknowledgePayload,
            EvaluationAcknowledgeError,
        )

    @strawberry.mutation(
        permission_classes=[CanDecide],
        description="hr/admin recompute a FINALIZED or ACKNOWLEDGED evaluation from current "
        "data as revision n+1 (FINALIZED); revision n stays readable in `revisions`.",
    )
    async def evaluation_adjust(
        self, info: Info, input: EvaluationAdjustInput
    ) -> EvaluationAdjustPayload:
        ev = _id(input.evaluation_id)
        return await _run(
            info,
            lambda s, p: workflow.adjust(s, p, ev, input.reason),
            EvaluationAdjustPayload,
            EvaluationAdjustError,
        )
