"""Goal revisions: at most one open proposal per goal line; what a proposal was based on.

``based_on_version`` is the line's version number a proposal was made against (0 for a new
line): approving it is refused when the line has moved on since (optimistic locking).
``decision_reason`` keeps why a proposal was approved or rejected beside the author's reason.
The partial unique index holds "one PROPOSED version per line" under concurrent writers; the
service checks first under the line's advisory lock for a message naming the open proposal.

Revision ID: 20261126_revisions
Revises: 20261126_readings
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261126_revisions"
down_revision: str | None = "20261126_readings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("goal", sa.Column("based_on_version", sa.Integer(), nullable=True))
    op.add_column("goal", sa.Column("decision_reason", sa.String(), nullable=True))
    op.create_check_constraint("goal_based_on_version", "goal", "based_on_version >= 0")
    op.create_index(
        "uq_goal_one_proposal",
        "goal",
        ["organization_id", "kpi_id", "scope_kind", "scope_id"],
        unique=True,
        postgresql_where=sa.text("status = 'PROPOSED'"),
    )


def downgrade() -> None:
    op.drop_index("uq_goal_one_proposal", table_name="goal")
    op.drop_constraint("goal_based_on_version", "goal", type_="check")
    op.drop_column("goal", "decision_reason")
    op.drop_column("goal", "based_on_version")
