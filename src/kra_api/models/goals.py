"""Goal versions: the anchors a KPI is scored against for a scope over a date range."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Column, Index, Numeric, UniqueConstraint, text
from sqlmodel import Field

from kra_api.models.base import TenantRow, tenant_fk, timestamp_column


def _numeric() -> Any:
    return Field(default=None, sa_column=Column(Numeric, nullable=True))


class Goal(TenantRow, table=True):
    """One version of a goal line (KPI, scope): PROPOSED, APPROVED, REJECTED or SUPERSEDED.

    ``scope_id`` names the role, org unit or employee; the matching ``role_id`` /
    ``org_unit_id`` / ``employee_id`` repeats it as a real foreign key. ``version`` is assigned
    when a version is approved; approved versions of a line never overlap.
    """

    __tablename__ = "goal"
    __table_args__ = (
        tenant_fk("kpi_id", "kpi"),
        tenant_fk("role_id", "role"),
        tenant_fk("org_unit_id", "org_unit"),
        tenant_fk("employee_id", "employee"),
        tenant_fk("supersedes_id", "goal"),
        tenant_fk("author_employee_id", "employee"),
        tenant_fk("approver_employee_id", "employee"),
        UniqueConstraint("organization_id", "kpi_id", "scope_kind", "scope_id", "version"),
        CheckConstraint("scope_kind IN ('ROLE', 'ORG_UNIT', 'EMPLOYEE')", name="goal_scope_kind"),
        CheckConstraint(
            "(scope_kind = 'ROLE' AND role_id = scope_id "
            "AND org_unit_id IS NULL AND employee_id IS NULL) OR "
            "(scope_kind = 'ORG_UNIT' AND org_unit_id = scope_id "
            "AND role_id IS NULL AND employee_id IS NULL) OR "
            "(scope_kind = 'EMPLOYEE' AND employee_id = scope_id "
            "AND role_id IS NULL AND org_unit_id IS NULL)",
            name="goal_scope_reference",
        ),
        CheckConstraint("mode IN ('LINEAR', 'STEP')", name="goal_mode"),
        CheckConstraint("basis IN ('ABSOLUTE', 'RELATIVE')", name="goal_basis"),
        CheckConstraint(
            "status IN ('PROPOSED', 'APPROVED', 'REJECTED', 'SUPERSEDED')", name="goal_status"
        ),
        CheckConstraint(
            "(version IS NOT NULL) = (status IN ('APPROVED', 'SUPERSEDED'))",
            name="goal_version_when_approved",
        ),
        CheckConstraint("version >= 1", name="goal_version"),
        CheckConstraint("based_on_version >= 0", name="goal_based_on_version"),
        CheckConstraint("effective_to IS NULL OR effective_to > effective_from", name="goal_dates"),
        Index("ix_goal_line", "organization_id", "kpi_id", "scope_kind", "scope_id"),
        Index("ix_goal_from", "organization_id", "effective_from", "id"),
        # A line has at most one open proposal (revisions migration).
        Index(
            "uq_goal_one_proposal",
            "organization_id",
            "kpi_id",
            "scope_kind",
            "scope_id",
            unique=True,
            postgresql_where=text("status = 'PROPOSED'"),
        ),
    )

    kpi_id: uuid.UUID
    scope_kind: str
    scope_id: uuid.UUID
    role_id: uuid.UUID | None = None
    org_unit_id: uuid.UUID | None = None
    employee_id: uuid.UUID | None = None
    effective_from: date
    effective_to: date | None = None
    mode: str = "LINEAR"
    basis: str = "ABSOLUTE"
    threshold: Decimal | None = _numeric()
    target: Decimal | None = _numeric()
    stretch: Decimal | None = _numeric()
    low_threshold: Decimal | None = _numeric()
    low_target: Decimal | None = _numeric()
    high_target: Decimal | None = _numeric()
    high_threshold: Decimal | None = _numeric()
    status: str
    version: int | None = None
    based_on_version: int | None = None  # the line's version a proposal was made against
    supersedes_id: uuid.UUID | None = None
    author_kind: str | None = None
    author_label: str | None = None
    author_employee_id: uuid.UUID | None = None
    approver_kind: str | None = None
    approver_label: str | None = None
    approver_employee_id: uuid.UUID | None = None
    decided_at: datetime | None = timestamp_column(nullable=True)
    reason: str | None = None
    decision_reason: str | None = None  # why a proposal was approved or rejected
    created_at: datetime = timestamp_column()
