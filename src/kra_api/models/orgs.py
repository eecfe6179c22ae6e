"""Organizations (tenants), their org-unit tree and its effective-dated leadership."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Column, Index, Numeric, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from kra_api.models.base import TenantRow, tenant_fk, timestamp_column

DEFAULT_BANDS: list[dict[str, Any]] = [
    {"level": 1, "label": "Unsatisfactory", "min_score": "0"},
    {"level": 2, "label": "Needs improvement", "min_score": "60"},
    {"level": 3, "label": "Meets expectations", "min_score": "85"},
    {"level": 4, "label": "Exceeds expectations", "min_score": "105"},
    {"level": 5, "label": "Outstanding", "min_score": "115"},
]


def _numeric(default: str) -> Any:
    return Field(
        default=Decimal(default),
        sa_column=Column(Numeric, nullable=False, server_default=default),
    )


class Organization(SQLModel, table=True):
    """A tenant, with its time zone and scoring settings (scoring.md defaults)."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str
    slug: str = Field(unique=True)
    timezone: str = "UTC"
    threshold_score: Decimal = _numeric("50")
    target_score: Decimal = _numeric("100")
    stretch_score: Decimal = _numeric("120")
    kra_coverage_minimum: Decimal = _numeric("0.5")
    overall_coverage_minimum: Decimal = _numeric("0.5")
    gate_cap: Decimal = _numeric("80")
    revision_mode: str = "PRORATE"
    grace_days: int = 3
    bands: list[dict[str, Any]] = Field(
        default_factory=lambda: [dict(b) for b in DEFAULT_BANDS],
        sa_column=Column(JSONB, nullable=False),
    )
    created_at: datetime = timestamp_column()


class OrgUnit(TenantRow, table=True):
    """A node of the organization tree: SITE, PROGRAM or TEAM."""

    __tablename__ = "org_unit"
    __table_args__ = (
        tenant_fk("parent_id", "org_unit"),
        UniqueConstraint("organization_id", "external_id"),
        CheckConstraint("kind IN ('SITE', 'PROGRAM', 'TEAM')", name="org_unit_kind"),
        Index("ix_org_unit_parent", "organization_id", "parent_id"),
    )

    name: str
    kind: str
    external_id: str | None = None
    parent_id: uuid.UUID | None = None
    created_at: datetime = timestamp_column()


class OrgUnitLeadership(TenantRow, table=True):
    """Who leads a unit from a date (employee None: no leader from that date)."""

    __tablename__ = "org_unit_leadership"
    __table_args__ = (
        tenant_fk("org_unit_id", "org_unit"),
        tenant_fk("employee_id", "employee"),
        UniqueConstraint("organization_id", "org_unit_id", "effective_from"),
        CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from", name="leadership_dates"
        ),
        Index("ix_leadership_employee", "organization_id", "employee_id"),
    )

    org_unit_id: uuid.UUID
    employee_id: uuid.UUID | None = None
    effective_from: date
    effective_to: date | None = None
