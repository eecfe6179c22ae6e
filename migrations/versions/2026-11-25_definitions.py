"""Definitions: KPI definitions and evaluation periods, with RLS and kra_app grants.

Revision ID: 20261125_definitions
Revises: 20261125_foundation
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kra_api.db.ddl import grant_app, tenant_rls

revision: str = "20261125_definitions"
down_revision: str | None = "20261125_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ["kpi", "period"]


def _tenant_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("organization_id", sa.Uuid(), sa.ForeignKey("organization.id"), primary_key=True),
        sa.Column("id", sa.Uuid(), primary_key=True),
    ]


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "kpi",
        *_tenant_columns(),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("components", pg.JSONB(), nullable=False),
        sa.Column("formula", sa.String(), nullable=False),
        sa.Column("min_sample_component", sa.String(), nullable=True),
        sa.Column("min_sample_minimum", sa.Numeric(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("organization_id", "code"),
        sa.CheckConstraint("code ~ '^[A-Z][A-Z0-9_]*$'", name="kpi_code"),
        sa.CheckConstraint(
            "unit IN ('SECONDS', 'PERCENT', 'RATIO', 'COUNT', 'CURRENCY', 'POINTS')",
            name="kpi_unit",
        ),
        sa.CheckConstraint(
            "direction IN ('HIGHER_IS_BETTER', 'LOWER_IS_BETTER', 'IN_RANGE')",
            name="kpi_direction",
        ),
        sa.CheckConstraint("subject IN ('EMPLOYEE', 'ORG_UNIT')", name="kpi_subject"),
        sa.CheckConstraint(
            "(min_sample_component IS NULL) = (min_sample_minimum IS NULL)",
            name="kpi_min_sample_pair",
        ),
        sa.CheckConstraint("min_sample_minimum >= 0", name="kpi_min_sample_minimum"),
    )
    op.create_table(
        "period",
        *_tenant_columns(),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        _ts("created_at"),
        _ts("finalized_at", nullable=True),
        sa.CheckConstraint(
            "kind IN ('MONTH', 'QUARTER', 'HALF_YEAR', 'YEAR', 'CUSTOM')", name="period_kind"
        ),
        sa.CheckConstraint("end_date > start_date", name="period_dates"),
    )
    op.create_index("ix_period_start", "period", ["organization_id", "start_date", "id"])
    op.create_index("ix_period_kind_end", "period", ["organization_id", "kind", "end_date"])
    # Periods of one kind never overlap (scoring.md §1); the service checks first for a readable
    # message, the constraint holds under concurrent writers.
    op.execute(
        "ALTER TABLE period ADD CONSTRAINT period_no_overlap EXCLUDE USING gist "
        "(organization_id WITH =, kind WITH =, daterange(start_date, end_date) WITH &&)"
    )

    for table in TENANT_TABLES:
        for statement in tenant_rls(table):
            op.execute(statement)
        op.execute(grant_app(table))


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
