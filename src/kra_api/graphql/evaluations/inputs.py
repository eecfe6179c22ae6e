"""Inputs of the evaluation queries and workflow mutations."""

from __future__ import annotations

import strawberry

from kra_api.graphql.evaluations.values import EvaluationState


@strawberry.input(description="Narrow the evaluation list; every given condition must hold.")
class EvaluationFilter:
    period_id: strawberry.ID | None = strawberry.field(default=None, description="Of this period.")
    org_unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Of employees in this unit or below on their placement day (the last day "
        "of the period they were assigned).",
    )
    state: EvaluationState | None = strawberry.field(default=None, description="In this state.")


@strawberry.input(description="Start an employee's evaluation of a period.")
class EvaluationStartInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    period_id: strawberry.ID = strawberry.field(description="The period.")
    skip_self_review: bool | None = strawberry.field(
        default=False, description="Start in MANAGER_REVIEW (default false)."
    )


@strawberry.input(description="An evaluation to act on.")
class EvaluationRefInput:
    evaluation_id: strawberry.ID = strawberry.field(description="The evaluation.")


@strawberry.input(description="An evaluation and an optional comment.")
class EvaluationCommentInput:
    evaluation_id: strawberry.ID = strawberry.field(description="The evaluation.")
    comment: str | None = strawberry.field(default=None, description="Free text (10 000 max).")


@strawberry.input(description="The manager review, optionally overriding the band (with a reason).")
class EvaluationManagerReviewInput:
    evaluation_id: strawberry.ID = strawberry.field(description="The evaluation.")
    comment: str | None = strawberry.field(default=None, description="The review.")
    override_band_level: int | None = strawberry.field(
        default=None, description="A band level of the organization's bands."
    )
    override_reason: str | None = strawberry.field(
        default=None, description="Why (required with an override)."
    )


@strawberry.input(description="Set the band in calibration (repeatable).")
class EvaluationCalibrateInput:
    evaluation_id: strawberry.ID = strawberry.field(description="The evaluation.")
    band_level: int = strawberry.field(description="A band level of the organization's bands.")
    reason: str = strawberry.field(description="Why (required).")


@strawberry.input(description="Recompute a finalized evaluation as a new revision.")
class EvaluationAdjustInput:
    evaluation_id: strawberry.ID = strawberry.field(description="The evaluation.")
    reason: str = strawberry.field(description="Why (required).")
