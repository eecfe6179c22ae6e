"""KRAs: versioned KRA sets per role, their KRAs and items, and versioned goals; RLS and grants.

Every existing role gets an empty draft KRA set v1, as ``roleCreate`` now opens one.

Revision ID: 20261125_kras
Revises: 20261125_definitions
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kra_api.db.ddl import grant_app, tenant_rls

revision: str = "20261125_kras"
down_revision: str | None = "20261125_definitions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ["kra_set", "kra", "kra_item", "goal"]
ANCHORS = [
    "threshold",
    "target",
    "stretch",
    "low_threshold",
    "low_target",
    "high_target",
    "high_threshold",
]


def _tenant_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("organization_id", sa.Uuid(), sa.ForeignKey("organization.id"), primary_key=True),
        sa.Column("id", sa.Uuid(), primary_key=True),
    ]


def _fk(column: str, table: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id", column],
        [f"{table}.organization_id", f"{table}.id"],
        ondelete=ondelete,
    )


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _actor(prefix: str) -> list[sa.Column[object]]:
    return [
        sa.Column(f"{prefix}_kind", sa.String(), nullable=True),
        sa.Column(f"{prefix}_label", sa.String(), nullable=True),
        sa.Column(f"{prefix}_employee_id", sa.Uuid(), nullable=True),
    ]


def _kra_tables() -> None:
    op.create_table(
        "kra_set",
        *_tenant_columns(),
        sa.Column("role_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        _ts("created_at"),
        _ts("published_at", nullable=True),
        *_actor("published_by"),
        _fk("role_id", "role"),
        _fk("published_by_employee_id", "employee"),
        sa.UniqueConstraint("organization_id", "role_id", "version"),
        sa.CheckConstraint("status IN ('DRAFT', 'PUBLISHED', 'SUPERSEDED')", name="kra_set_status"),
        sa.CheckConstraint("version >= 1", name="kra_set_version"),
        sa.CheckConstraint(
            "(status = 'DRAFT') = (effective_from IS NULL)", name="kra_set_draft_undated"
        ),
        # A SUPERSEDED set was replaced before it took effect: its range is empty (to = from).
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from "
            "OR (status = 'SUPERSEDED' AND effective_to = effective_from)",
            name="kra_set_dates",
        ),
    )
    op.create_index(
        "uq_kra_set_one_draft",
        "kra_set",
        ["organization_id", "role_id"],
        unique=True,
        postgresql_where=sa.text("status = 'DRAFT'"),
    )
    op.execute(
        "ALTER TABLE kra_set ADD CONSTRAINT kra_set_no_overlap EXCLUDE USING gist "
        "(organization_id WITH =, role_id WITH =, daterange(effective_from, effective_to) WITH &&) "
        "WHERE (status = 'PUBLISHED')"
    )
    op.create_table(
        "kra",
        *_tenant_columns(),
        sa.Column("kra_set_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("objective", sa.String(), nullable=True),
        sa.Column("weight", sa.Numeric(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _ts("created_at"),
        _fk("kra_set_id", "kra_set", ondelete="CASCADE"),
        sa.UniqueConstraint("organization_id", "kra_set_id", "title"),
        sa.CheckConstraint("weight > 0 AND weight <= 100", name="kra_weight"),
    )
    op.create_index("ix_kra_set", "kra", ["organization_id", "kra_set_id", "position"])
    op.create_table(
        "kra_item",
        *_tenant_columns(),
        sa.Column("kra_id", sa.Uuid(), nullable=False),
        sa.Column("kpi_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("weight", sa.Numeric(), nullable=True),
        sa.Column("gate_minimum", sa.Numeric(), nullable=True),
        sa.Column("gate_maximum", sa.Numeric(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        _ts("created_at"),
        _fk("kra_id", "kra", ondelete="CASCADE"),
        _fk("kpi_id", "kpi"),
        sa.CheckConstraint("scope IN ('SELF', 'LED_UNITS')", name="kra_item_scope"),
        sa.CheckConstraint("weight > 0 AND weight <= 100", name="kra_item_weight"),
        # Either a weight, or a gate (no weight, at least one bound).
        sa.CheckConstraint(
            "(weight IS NULL) = (gate_minimum IS NOT NULL OR gate_maximum IS NOT NULL)",
            name="kra_item_weight_xor_gate",
        ),
        sa.CheckConstraint("gate_minimum <= gate_maximum", name="kra_item_gate_bounds"),
    )
    op.create_index("ix_kra_item_kra", "kra_item", ["organization_id", "kra_id", "position"])
    op.create_index("ix_kra_item_kpi", "kra_item", ["organization_id", "kpi_id"])


def _goal_table() -> None:
    op.create_table(
        "goal",
        *_tenant_columns(),
        sa.Column("kpi_id", sa.Uuid(), nullable=False),
        sa.Column("scope_kind", sa.String(), nullable=False),
        sa.Column("scope_id", sa.Uuid(), nullable=False),
        # The scope again as a real foreign key (exactly the one matching scope_kind).
        sa.Column("role_id", sa.Uuid(), nullable=True),
        sa.Column("org_unit_id", sa.Uuid(), nullable=True),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("basis", sa.String(), nullable=False),
        *[sa.Column(name, sa.Numeric(), nullable=True) for name in ANCHORS],
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("supersedes_id", sa.Uuid(), nullable=True),
        *_actor("author"),
        *_actor("approver"),
        _ts("decided_at", nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        _ts("created_at"),
        _fk("kpi_id", "kpi"),
        _fk("role_id", "role"),
        _fk("org_unit_id", "org_unit"),
        _fk("employee_id", "employee"),
        _fk("supersedes_id", "goal"),
        _fk("author_employee_id", "employee"),
        _fk("approver_employee_id", "employee"),
        sa.UniqueConstraint("organization_id", "kpi_id", "scope_kind", "scope_id", "version"),
        sa.CheckConstraint(
            "scope_kind IN ('ROLE', 'ORG_UNIT', 'EMPLOYEE')", name="goal_scope_kind"
        ),
        sa.CheckConstraint(
            "(scope_kind = 'ROLE' AND role_id = scope_id "
            "AND org_unit_id IS NULL AND employee_id IS NULL) OR "
            "(scope_kind = 'ORG_UNIT' AND org_unit_id = scope_id "
            "AND role_id IS NULL AND employee_id IS NULL) OR "
            "(scope_kind = 'EMPLOYEE' AND employee_id = scope_id "
            "AND role_id IS NULL AND org_unit_id IS NULL)",
            name="goal_scope_reference",
        ),
        sa.CheckConstraint("mode IN ('LINEAR', 'STEP')", name="goal_mode"),
        sa.CheckConstraint("basis IN ('ABSOLUTE', 'RELATIVE')", name="goal_basis"),
        sa.CheckConstraint(
            "status IN ('PROPOSED', 'APPROVED', 'REJECTED', 'SUPERSEDED')", name="goal_status"
        ),
        # Versions are numbered when approved; proposals and rejections have none.
        sa.CheckConstraint(
            "(version IS NOT NULL) = (status IN ('APPROVED', 'SUPERSEDED'))",
            name="goal_version_when_approved",
        ),
        sa.CheckConstraint("version >= 1", name="goal_version"),
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from", name="goal_dates"
        ),
    )
    op.create_index("ix_goal_line", "goal", ["organization_id", "kpi_id", "scope_kind", "scope_id"])
    op.create_index("ix_goal_from", "goal", ["organization_id", "effective_from", "id"])
    # Approved versions of one goal line never overlap (scoring.md §3); the service checks first
    # for a message naming the clashing version, the constraint holds under concurrent writers.
    op.execute(
        "ALTER TABLE goal ADD CONSTRAINT goal_no_overlap EXCLUDE USING gist "
        "(organization_id WITH =, kpi_id WITH =, scope_kind WITH =, scope_id WITH =, "
        "daterange(effective_from, effective_to) WITH &&) WHERE (status = 'APPROVED')"
    )


def upgrade() -> None:
    _kra_tables()
    _goal_table()
    # Existing roles get the draft v1 roleCreate now opens. The owner is subject to the forced
    # policy on role (when not a superuser): lift it for this one statement.
    op.execute("ALTER TABLE role NO FORCE ROW LEVEL SECURITY")
    op.execute(
        "INSERT INTO kra_set (organization_id, id, role_id, version, status, created_at) "
        "SELECT organization_id, gen_random_uuid(), id, 1, 'DRAFT', now() FROM role"
    )
    op.execute("ALTER TABLE role FORCE ROW LEVEL SECURITY")
    for table in TENANT_TABLES:
        for statement in tenant_rls(table):
            op.execute(statement)
        op.execute(grant_app(table))


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
