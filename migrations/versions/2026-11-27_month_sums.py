"""Month sums: per (subject, KPI, local month) component sums that large scoring runs read.

``kpi_month_sum`` is derived data, rebuilt a whole month at a time by a scoring run that finds it
stale; ``kpi_month_sum_state`` records the snapshot each month was built under; every readings
merge that changed rows appends (its transaction, UTC month) to ``kpi_reading_change``. A month is
fresh when every change row of its UTC months was committed before its build snapshot
(``pg_visible_in_snapshot``), so writers never wait on a shared counter row.

Revision ID: 20261127_month_sums
Revises: 20261126_evaluations
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kra_api.db.ddl import grant_app, tenant_rls

revision: str = "20261127_month_sums"
down_revision: str | None = "20261126_evaluations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _org() -> sa.Column[object]:
    return sa.Column("organization_id", sa.Uuid(), sa.ForeignKey("organization.id"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "kpi_reading_change",
        _org(),
        sa.Column("month", sa.Date(), nullable=False),  # first day of a UTC month (partition)
        sa.Column("xact", sa.BigInteger(), nullable=False),  # pg_current_xact_id() of the merge
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "month", "xact"),
    )
    op.create_table(
        "kpi_month_sum_state",
        _org(),
        sa.Column("month", sa.Date(), nullable=False),  # first day of a month in `zone`
        sa.Column("zone", sa.String(), nullable=False),
        sa.Column("snapshot", sa.String(), nullable=False),  # pg_snapshot as text
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sums", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "month"),
    )
    # No foreign keys: derived rows, rebuilt at will (80 000 key checks per build saved).
    op.create_table(
        "kpi_month_sum",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("kpi_id", sa.Uuid(), nullable=False),
        sa.Column("names", pg.ARRAY(sa.Text()), nullable=False),
        sa.Column("totals", pg.ARRAY(sa.Numeric()), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "month", "subject_id", "kpi_id"),
    )
    for table in ("kpi_reading_change", "kpi_month_sum_state", "kpi_month_sum"):
        for statement in tenant_rls(table):
            op.execute(statement)
    op.execute(grant_app("kpi_reading_change", "SELECT, INSERT"))
    op.execute(grant_app("kpi_month_sum_state", "SELECT, INSERT, UPDATE"))
    op.execute(grant_app("kpi_month_sum", "SELECT, INSERT, DELETE"))


def downgrade() -> None:
    op.drop_table("kpi_month_sum")
    op.drop_table("kpi_month_sum_state")
    op.drop_table("kpi_reading_change")
