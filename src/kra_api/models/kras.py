"""A role's versioned KRA sets, their KRAs and the KPIs placed under them (KRA items)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, Index, Numeric, UniqueConstraint, text
from sqlmodel import Field

from kra_api.models.base import TenantRow, tenant_fk, timestamp_column


class KraSet(TenantRow, table=True):
    """One version of a role's KRAs: a DRAFT, then PUBLISHED from ``effective_from`` on.

    A published set is in force on ``[effective_from, effective_to)``; one replaced before it took
    effect is SUPERSEDED with an empty range (``effective_to == effective_from``).
    """

    __tablename__ = "kra_set"
    __table_args__ = (
        tenant_fk("role_id", "role"),
        tenant_fk("published_by_employee_id", "employee"),
        UniqueConstraint("organization_id", "role_id", "version"),
        CheckConstraint("status IN ('DRAFT', 'PUBLISHED', 'SUPERSEDED')", name="kra_set_status"),
        CheckConstraint("version >= 1", name="kra_set_version"),
        CheckConstraint(
            "(status = 'DRAFT') = (effective_from IS NULL)", name="kra_set_draft_undated"
        ),
        CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from "
            "OR (status = 'SUPERSEDED' AND effective_to = effective_from)",
            name="kra_set_dates",
        ),
        Index(
            "uq_kra_set_one_draft",
            "organization_id",
            "role_id",
            unique=True,
            postgresql_where=text("status = 'DRAFT'"),
        ),
    )

    role_id: uuid.UUID
    version: int
    status: str = "DRAFT"
    effective_from: date | None = None
    effective_to: date | None = None
    reason: str | None = None
    created_at: datetime = timestamp_column()
    published_at: datetime | None = timestamp_column(nullable=True)
    published_by_kind: str | None = None
    published_by_label: str | None = None
    published_by_employee_id: uuid.UUID | None = None


class Kra(TenantRow, table=True):
    """A weighted area of responsibility in a KRA set (e.g. "Customer experience", 40)."""

    __tablename__ = "kra"
    __table_args__ = (
        tenant_fk("kra_set_id", "kra_set", ondelete="CASCADE"),
        UniqueConstraint("organization_id", "kra_set_id", "title"),
        CheckConstraint("weight > 0 AND weight <= 100", name="kra_weight"),
        Index("ix_kra_set", "organization_id", "kra_set_id", "position"),
    )

    kra_set_id: uuid.UUID
    title: str
    description: str | None = None
    objective: str | None = None
    weight: Decimal = Field(sa_column=Column(Numeric, nullable=False))
    position: int
    created_at: datetime = timestamp_column()


class KraItem(TenantRow, table=True):
    """A KPI under a KRA: a weight inside the KRA, or a gate (no weight, minimum/maximum)."""

    __tablename__ = "kra_item"
    __table_args__ = (
        tenant_fk("kra_id", "kra", ondelete="CASCADE"),
        tenant_fk("kpi_id", "kpi"),
        CheckConstraint("scope IN ('SELF', 'LED_UNITS')", name="kra_item_scope"),
        CheckConstraint("weight > 0 AND weight <= 100", name="kra_item_weight"),
        CheckConstraint(
            "(weight IS NULL) = (gate_minimum IS NOT NULL OR gate_maximum IS NOT NULL)",
            name="kra_item_weight_xor_gate",
        ),
        CheckConstraint("gate_minimum <= gate_maximum", name="kra_item_gate_bounds"),
        Index("ix_kra_item_kra", "organization_id", "kra_id", "position"),
        Index("ix_kra_item_kpi", "organization_id", "kpi_id"),
    )

    kra_id: uuid.UUID
    kpi_id: uuid.UUID
    scope: str = "SELF"
    weight: Decimal | None = Field(default=None, sa_column=Column(Numeric, nullable=True))
    gate_minimum: Decimal | None = Field(default=None, sa_column=Column(Numeric, nullable=True))
    gate_maximum: Decimal | None = Field(default=None, sa_column=Column(Numeric, nullable=True))
    position: int
    created_at: datetime = timestamp_column()

    @property
    def is_gate(self) -> bool:
        """A gate has no weight."""
        return self.weight is None
