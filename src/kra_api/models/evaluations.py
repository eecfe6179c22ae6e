"""Evaluations: the review document of one employee and period, and its frozen revisions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, Index, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from kra_api.models.base import TenantRow, tenant_fk, timestamp_column

EVALUATION_STATES = ("SELF_REVIEW", "MANAGER_REVIEW", "CALIBRATION", "FINALIZED", "ACKNOWLEDGED")


class Evaluation(TenantRow, table=True):
    """One employee's evaluation of one period, moving through the review workflow.

    ``placement_day`` is the last day of the period the employee was assigned: the day the
    scorecard is placed on and the reviewer rule is judged on (the reviewer is not stored: it
    follows effective-dated leadership). ``revision`` is the revision in progress (1 until the
    first finalization) or the newest frozen one. ``manager_reviewer_id`` is who submitted the
    manager review.
    """

    __tablename__ = "evaluation"
    __table_args__ = (
        tenant_fk("employee_id", "employee"),
        tenant_fk("period_id", "period"),
        tenant_fk("manager_reviewer_id", "employee"),
        UniqueConstraint("organization_id", "employee_id", "period_id"),
        CheckConstraint(
            "state IN ('SELF_REVIEW', 'MANAGER_REVIEW', 'CALIBRATION', 'FINALIZED', "
            "'ACKNOWLEDGED')",
            name="evaluation_state",
        ),
        CheckConstraint("revision >= 1", name="evaluation_revision"),
        CheckConstraint(
            "(override_band_level IS NULL) = (override_reason IS NULL)",
            name="evaluation_override_reason",
        ),
        Index("ix_evaluation_created", "organization_id", "created_at", "id"),
        Index("ix_evaluation_period", "organization_id", "period_id", "state"),
    )

    employee_id: uuid.UUID
    period_id: uuid.UUID
    placement_day: date
    state: str
    revision: int = 1
    skip_self_review: bool = False
    self_comment: str | None = None
    self_submitted_at: datetime | None = timestamp_column(nullable=True)
    manager_comment: str | None = None
    manager_reviewer_id: uuid.UUID | None = None
    manager_submitted_at: datetime | None = timestamp_column(nullable=True)
    override_band_level: int | None = None
    override_reason: str | None = None
    created_at: datetime = timestamp_column()
    updated_at: datetime = timestamp_column()


class EvaluationRevision(TenantRow, table=True):
    """A finalized revision: the frozen scorecard, the hash of its inputs and the final band.

    The service role may insert these but update only the acknowledgement columns (column
    privileges in the migration): a snapshot never changes once written.
    """

    __tablename__ = "evaluation_revision"
    __table_args__ = (
        tenant_fk("evaluation_id", "evaluation"),
        tenant_fk("finalized_by_employee_id", "employee"),
        UniqueConstraint("organization_id", "evaluation_id", "revision"),
        CheckConstraint("revision >= 1", name="evaluation_revision_number"),
    )

    evaluation_id: uuid.UUID
    revision: int
    snapshot: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    input_hash: str
    computed_band: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    final_band: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    override_band_level: int | None = None
    override_reason: str | None = None
    changes: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    reason: str | None = None
    forced: bool = False
    finalized_at: datetime = timestamp_column()
    finalized_by_kind: str
    finalized_by_label: str
    finalized_by_employee_id: uuid.UUID | None = None
    acknowledged_at: datetime | None = timestamp_column(nullable=True)
    acknowledgement_comment: str | None = None
