"""Evaluation periods: start inclusive, end exclusive; periods of one kind never overlap."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index

from kra_api.models.base import TenantRow, timestamp_column


class Period(TenantRow, table=True):
    """A MONTH, QUARTER, HALF_YEAR, YEAR or CUSTOM period of an organization."""

    __tablename__ = "period"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('MONTH', 'QUARTER', 'HALF_YEAR', 'YEAR', 'CUSTOM')", name="period_kind"
        ),
        CheckConstraint("end_date > start_date", name="period_dates"),
        Index("ix_period_start", "organization_id", "start_date", "id"),
        Index("ix_period_kind_end", "organization_id", "kind", "end_date"),
    )

    name: str
    kind: str
    start_date: date
    end_date: date
    created_at: datetime = timestamp_column()
    finalized_at: datetime | None = timestamp_column(nullable=True)
