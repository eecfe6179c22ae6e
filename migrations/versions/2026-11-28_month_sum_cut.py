"""Month sums up to a cut: a month still receiving readings keeps sums for its quiet days.

``kpi_reading_change`` rows now carry the earliest and latest reading instant the transaction
changed in that UTC month (``first_at``, ``last_at``), and ``kpi_month_sum_state`` the instant
its sums stop at (``cut``): the sums cover [month start, cut), readings from the cut on are
aggregated by each run. A change makes the sums stale only when it touches days before the cut.
A block-range index on the readings' start finds those days without scanning the month.

Change rows recorded before this revision get their whole UTC month as their range (they may
have touched any day of it); the sums themselves are derived data and are emptied, to be built
again by the next large run.

Revision ID: 20261128_month_sum_cut
Revises: 20261127_month_sums
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kra_api.db.ddl import APP_ROLE, grant_app

revision: str = "20261128_month_sum_cut"
down_revision: str | None = "20261127_month_sums"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("kpi_reading_change", sa.Column("first_at", _TIMESTAMP, nullable=True))
    op.add_column("kpi_reading_change", sa.Column("last_at", _TIMESTAMP, nullable=True))
    # TRUNCATE and this UPDATE run as the owner: forced row-level security does not hide rows
    # from a superuser, and TRUNCATE is not subject to it.
    op.execute(
        "UPDATE kpi_reading_change SET first_at = month::timestamp AT TIME ZONE 'UTC', "
        "last_at = (month + interval '1 month' - interval '1 microsecond') AT TIME ZONE 'UTC'"
    )
    op.alter_column("kpi_reading_change", "first_at", nullable=False)
    op.alter_column("kpi_reading_change", "last_at", nullable=False)
    op.execute("TRUNCATE kpi_month_sum, kpi_month_sum_state")
    op.add_column("kpi_month_sum_state", sa.Column("cut", _TIMESTAMP, nullable=False))
    # Several batches of one transaction widen the transaction's row for the month.
    op.execute(grant_app("kpi_reading_change", "UPDATE"))
    # The days after a cut are a run's own aggregate: readings arrive roughly in time order, so
    # a block-range index finds a day among a month's rows at almost no cost to writers.
    op.execute(
        "CREATE INDEX ix_kpi_reading_start_brin ON kpi_reading USING brin (interval_start)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_kpi_reading_start_brin")
    op.execute(f"REVOKE UPDATE ON kpi_reading_change FROM {APP_ROLE}")
    op.execute("TRUNCATE kpi_month_sum, kpi_month_sum_state")
    op.drop_column("kpi_month_sum_state", "cut")
    op.drop_column("kpi_reading_change", "last_at")
    op.drop_column("kpi_reading_change", "first_at")
