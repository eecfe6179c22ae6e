"""Month-sum builds delete the change-log rows no state needs any more (scoring/change_log.py).

Revision ID: 20261130_change_log_compaction
Revises: 20261129_component_values
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from kra_api.db.ddl import APP_ROLE, grant_app

revision: str = "20261130_change_log_compaction"
down_revision: str | None = "20261129_component_values"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(grant_app("kpi_reading_change", "DELETE"))


def downgrade() -> None:
    op.execute(f"REVOKE DELETE ON kpi_reading_change FROM {APP_ROLE}")
