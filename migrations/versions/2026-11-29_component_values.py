"""Readings carry their component values as a NUMERIC array in their KPI's component order.

Scoring sums readings a component at a time (scoring/component_sql.py). Looking each component
up by name in the ``components`` JSON object and converting it to NUMERIC cost PostgreSQL about
a third of the organization's month aggregate; ``component_values[i]`` is the same number,
stored once when the reading is written. ``components`` stays the reading's record (names and
values, what the API returns and corrections audit).

The backfill rewrites every stored reading once (a KPI's components are locked once it has
readings, so the order read from the KPI now is the order they were written in). It runs as the
owner with the forced tenant policies lifted for its one statement: the owner sees no tenant.
Adding the column locks ``kpi_reading`` until the migration commits, so readings can be neither
read nor written during the backfill: 64 s for 2.48 million readings on the development
machine (about 26 s a million). Large installations plan that window.

Revision ID: 20261129_component_values
Revises: 20261128_month_sum_cut
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision: str = "20261129_component_values"
down_revision: str | None = "20261128_month_sum_cut"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL = """
UPDATE kpi_reading r SET component_values = ARRAY(
  SELECT (r.components ->> (c.component ->> 'name'))::numeric
  FROM jsonb_array_elements(k.components) WITH ORDINALITY AS c(component, position)
  ORDER BY c.position)
FROM kpi k
WHERE k.organization_id = r.organization_id AND k.id = r.kpi_id
"""


def upgrade() -> None:
    op.add_column("kpi_reading", sa.Column("component_values", ARRAY(sa.Numeric()), nullable=True))
    for table in ("kpi", "kpi_reading"):
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(_BACKFILL)
    for table in ("kpi", "kpi_reading"):
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.alter_column("kpi_reading", "component_values", nullable=False)


def downgrade() -> None:
    op.drop_column("kpi_reading", "component_values")
