"""Enums and small value types of evaluations."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(description="Where an evaluation stands in the review workflow.")
class EvaluationState(enum.Enum):
    SELF_REVIEW = "SELF_REVIEW"
    MANAGER_REVIEW = "MANAGER_REVIEW"
    CALIBRATION = "CALIBRATION"
    FINALIZED = "FINALIZED"
    ACKNOWLEDGED = "ACKNOWLEDGED"


@strawberry.enum(description="What the viewer may do next to an evaluation.")
class EvaluationAction(enum.Enum):
    SELF_REVIEW_SUBMIT = "SELF_REVIEW_SUBMIT"
    MANAGER_REVIEW_SUBMIT = "MANAGER_REVIEW_SUBMIT"
    CALIBRATE = "CALIBRATE"
    FINALIZE = "FINALIZE"
    ACKNOWLEDGE = "ACKNOWLEDGE"
    ADJUST = "ADJUST"


@strawberry.type(description="A number that differs from the previous revision, as shown.")
class EvaluationChange:
    path: list[str] = strawberry.field(
        description='Where: e.g. ["overallScore"] or ["kras", "Efficiency", "AHT", "score"].'
    )
    before: str | None = strawberry.field(description="The previous revision's value.")
    after: str | None = strawberry.field(description="This revision's value.")
