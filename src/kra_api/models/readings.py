"""KPI readings (range-partitioned by month on interval_start) and readings held in quarantine."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Numeric,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from kra_api.models.base import TenantRow, tenant_fk, timestamp_column


def _key_timestamp() -> Any:
    """A timestamptz column that is part of the primary key."""
    return Field(sa_column=Column(DateTime(timezone=True), primary_key=True))


class KpiReading(SQLModel, table=True):
    """One delivery of component values for a subject over an interval (scoring.md §1, §2).

    The natural key decides insert / replace / ignore together with ``source_revision``
    (architecture.md principle 9). ``components`` maps component names to JSON numbers, which
    PostgreSQL stores as exact NUMERIC; ``component_values`` holds the same numbers in the KPI's
    component order, for the scoring aggregates (migration 20261129). Partitions are created on
    demand (migration 20261126).
    """

    __tablename__ = "kpi_reading"
    __table_args__ = (
        tenant_fk("kpi_id", "kpi"),
        CheckConstraint("subject_kind IN ('EMPLOYEE', 'ORG_UNIT')", name="reading_subject"),
        CheckConstraint("interval_end > interval_start", name="reading_interval"),
        CheckConstraint("jsonb_typeof(components) = 'object'", name="reading_components"),
        Index(
            "ix_kpi_reading_kpi_subject",
            "organization_id",
            "kpi_id",
            "subject_id",
            "interval_start",
        ),
        # Runs aggregating the days after a month sum's cut (migration 20261128).
        Index("ix_kpi_reading_start_brin", "interval_start", postgresql_using="brin"),
        {"postgresql_partition_by": "RANGE (interval_start)"},
    )

    organization_id: uuid.UUID = Field(primary_key=True)
    source: str = Field(primary_key=True)
    subject_kind: str = Field(primary_key=True)  # EMPLOYEE | ORG_UNIT
    subject_id: uuid.UUID = Field(primary_key=True)
    kpi_id: uuid.UUID = Field(primary_key=True)
    interval_start: datetime = _key_timestamp()
    interval_end: datetime = _key_timestamp()
    components: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    component_values: list[Decimal] = Field(sa_column=Column(ARRAY(Numeric()), nullable=False))
    source_revision: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    received_at: datetime = timestamp_column()
    late: bool = False
    # What the last replacement of this reading replaced (None: never replaced).
    previous_revision: int | None = Field(default=None, sa_column=Column(BigInteger))
    previous_components: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))


class QuarantinedReading(TenantRow, table=True):
    """A valid reading whose subject's external id is unknown; applied once the id is known."""

    __tablename__ = "kpi_reading_quarantine"
    __table_args__ = (
        tenant_fk("kpi_id", "kpi"),
        UniqueConstraint(
            "organization_id",
            "source",
            "subject_kind",
            "external_id",
            "kpi_id",
            "interval_start",
            "interval_end",
            name="kpi_reading_quarantine_key",
        ),
        CheckConstraint("subject_kind IN ('EMPLOYEE', 'ORG_UNIT')", name="quarantine_subject"),
        Index("ix_quarantine_external_id", "organization_id", "external_id"),
        Index("ix_quarantine_source_received", "organization_id", "source", "received_at", "id"),
    )

    source: str
    subject_kind: str
    external_id: str
    kpi_id: uuid.UUID
    interval_start: datetime = timestamp_column()
    interval_end: datetime = timestamp_column()
    components: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    source_revision: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    reason: str
    received_at: datetime = timestamp_column()
