"""Evaluations: the review document per employee and period, its frozen revisions, the outbox.

Snapshots are immutable in the database itself: kra_app may insert evaluation revisions but
update only their acknowledgement columns, and may update only ``delivered_at`` on the outbox.
Nothing here grants DELETE: history is never overwritten (architecture.md principle 8).

Revision ID: 20261126_evaluations
Revises: 20261126_revisions
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kra_api.db.ddl import APP_ROLE, grant_app, tenant_rls

revision: str = "20261126_evaluations"
down_revision: str | None = "20261126_revisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ["evaluation", "evaluation_revision", "outbox"]


def _tenant_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("organization_id", sa.Uuid(), sa.ForeignKey("organization.id"), primary_key=True),
        sa.Column("id", sa.Uuid(), primary_key=True),
    ]


def _fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id", column], [f"{table}.organization_id", f"{table}.id"]
    )


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _evaluation() -> None:
    op.create_table(
        "evaluation",
        *_tenant_columns(),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("period_id", sa.Uuid(), nullable=False),
        sa.Column("placement_day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("skip_self_review", sa.Boolean(), nullable=False),
        sa.Column("self_comment", sa.String(), nullable=True),
        _ts("self_submitted_at", nullable=True),
        sa.Column("manager_comment", sa.String(), nullable=True),
        sa.Column("manager_reviewer_id", sa.Uuid(), nullable=True),
        _ts("manager_submitted_at", nullable=True),
        sa.Column("override_band_level", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.String(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        _fk("employee_id", "employee"),
        _fk("period_id", "period"),
        _fk("manager_reviewer_id", "employee"),
        sa.UniqueConstraint("organization_id", "employee_id", "period_id"),
        sa.CheckConstraint(
            "state IN ('SELF_REVIEW', 'MANAGER_REVIEW', 'CALIBRATION', 'FINALIZED', "
            "'ACKNOWLEDGED')",
            name="evaluation_state",
        ),
        sa.CheckConstraint("revision >= 1", name="evaluation_revision"),
        sa.CheckConstraint(
            "(override_band_level IS NULL) = (override_reason IS NULL)",
            name="evaluation_override_reason",
        ),
    )
    op.create_index("ix_evaluation_created", "evaluation", ["organization_id", "created_at", "id"])
    op.create_index("ix_evaluation_period", "evaluation", ["organization_id", "period_id", "state"])


def _revision() -> None:
    op.create_table(
        "evaluation_revision",
        *_tenant_columns(),
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("snapshot", pg.JSONB(), nullable=False),
        sa.Column("input_hash", sa.String(), nullable=False),
        sa.Column("computed_band", pg.JSONB(), nullable=True),
        sa.Column("final_band", pg.JSONB(), nullable=True),
        sa.Column("override_band_level", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.String(), nullable=True),
        sa.Column("changes", pg.JSONB(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("forced", sa.Boolean(), nullable=False),
        _ts("finalized_at"),
        sa.Column("finalized_by_kind", sa.String(), nullable=False),
        sa.Column("finalized_by_label", sa.String(), nullable=False),
        sa.Column("finalized_by_employee_id", sa.Uuid(), nullable=True),
        _ts("acknowledged_at", nullable=True),
        sa.Column("acknowledgement_comment", sa.String(), nullable=True),
        _fk("evaluation_id", "evaluation"),
        _fk("finalized_by_employee_id", "employee"),
        sa.UniqueConstraint("organization_id", "evaluation_id", "revision"),
        sa.CheckConstraint("revision >= 1", name="evaluation_revision_number"),
    )


def _outbox() -> None:
    op.create_table(
        "outbox",
        *_tenant_columns(),
        sa.Column("event_type", sa.String(), nullable=False),
        sa.Column("entity_type", sa.String(), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("payload", pg.JSONB(), nullable=False),
        _ts("created_at"),
        _ts("delivered_at", nullable=True),
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["organization_id", "created_at", "id"],
        postgresql_where=sa.text("delivered_at IS NULL"),
    )


def upgrade() -> None:
    _evaluation()
    _revision()
    _outbox()
    for table in TABLES:
        for statement in tenant_rls(table):
            op.execute(statement)
    op.execute(grant_app("evaluation", "SELECT, INSERT, UPDATE"))
    op.execute(grant_app("evaluation_revision", "SELECT, INSERT"))
    op.execute(
        "GRANT UPDATE (acknowledged_at, acknowledgement_comment) "
        f"ON evaluation_revision TO {APP_ROLE}"
    )
    op.execute(grant_app("outbox", "SELECT, INSERT"))
    op.execute(f"GRANT UPDATE (delivered_at) ON outbox TO {APP_ROLE}")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
