"""KPI definitions of an organization: formulas over named, additive components."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Column, Numeric, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from kra_api.models.base import TenantRow, timestamp_column


class Kpi(TenantRow, table=True):
    """A KPI definition (scoring.md §2); ``components`` is a list of {name, aggregation}."""

    __tablename__ = "kpi"
    __table_args__ = (
        UniqueConstraint("organization_id", "code"),
        CheckConstraint("code ~ '^[A-Z][A-Z0-9_]*$'", name="kpi_code"),
        CheckConstraint(
            "unit IN ('SECONDS', 'PERCENT', 'RATIO', 'COUNT', 'CURRENCY', 'POINTS')",
            name="kpi_unit",
        ),
        CheckConstraint(
            "direction IN ('HIGHER_IS_BETTER', 'LOWER_IS_BETTER', 'IN_RANGE')",
            name="kpi_direction",
        ),
        CheckConstraint("subject IN ('EMPLOYEE', 'ORG_UNIT')", name="kpi_subject"),
        CheckConstraint(
            "(min_sample_component IS NULL) = (min_sample_minimum IS NULL)",
            name="kpi_min_sample_pair",
        ),
        CheckConstraint("min_sample_minimum >= 0", name="kpi_min_sample_minimum"),
    )

    code: str
    name: str
    description: str | None = None
    unit: str
    direction: str
    subject: str
    components: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    formula: str
    min_sample_component: str | None = None
    min_sample_minimum: Decimal | None = Field(
        default=None, sa_column=Column(Numeric, nullable=True)
    )
    created_at: datetime = timestamp_column()
    updated_at: datetime = timestamp_column()
