"""Foundation: organizations, org units, people, roles, API keys, audit log; kra_app and RLS.

Revision ID: 20261125_foundation
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kra_api.db.ddl import CREATE_APP_ROLE, CURRENT_ORG_FUNCTION, grant_app, tenant_rls

revision: str = "20261125_foundation"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = [
    "org_unit",
    "employee",
    "employee_identity",
    "role",
    "org_unit_leadership",
    "assignment",
    "api_key",
    "audit_log",
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


def upgrade() -> None:
    op.execute(CREATE_APP_ROLE)
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(CURRENT_ORG_FUNCTION)

    op.create_table(
        "organization",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("slug", sa.String(), nullable=False, unique=True),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("threshold_score", sa.Numeric(), nullable=False, server_default="50"),
        sa.Column("target_score", sa.Numeric(), nullable=False, server_default="100"),
        sa.Column("stretch_score", sa.Numeric(), nullable=False, server_default="120"),
        sa.Column("kra_coverage_minimum", sa.Numeric(), nullable=False, server_default="0.5"),
        sa.Column("overall_coverage_minimum", sa.Numeric(), nullable=False, server_default="0.5"),
        sa.Column("gate_cap", sa.Numeric(), nullable=False, server_default="80"),
        sa.Column("revision_mode", sa.String(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("bands", pg.JSONB(), nullable=False),
        _ts("created_at"),
    )
    op.create_table(
        "tenant_lookup",
        sa.Column("kind", sa.String(), primary_key=True),
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column(
            "organization_id", sa.Uuid(), sa.ForeignKey("organization.id"), nullable=False
        ),
    )
    op.create_table(
        "org_unit",
        *_tenant_columns(),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=True),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        _ts("created_at"),
        _fk("parent_id", "org_unit"),
        sa.UniqueConstraint("organization_id", "external_id"),
        sa.CheckConstraint("kind IN ('SITE', 'PROGRAM', 'TEAM')", name="org_unit_kind"),
    )
    op.create_index("ix_org_unit_parent", "org_unit", ["organization_id", "parent_id"])
    op.create_table(
        "employee",
        *_tenant_columns(),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("manager_id", sa.Uuid(), nullable=True),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("organization_id", "external_id"),
        _fk("manager_id", "employee"),
    )
    op.create_index("ix_employee_name", "employee", ["organization_id", "name", "id"])
    op.create_table(
        "employee_identity",
        *_tenant_columns(),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        _fk("employee_id", "employee", ondelete="CASCADE"),
        sa.UniqueConstraint("organization_id", "source", "external_id"),
    )
    op.create_index(
        "ix_employee_identity_employee", "employee_identity", ["organization_id", "employee_id"]
    )
    op.create_table(
        "role",
        *_tenant_columns(),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        _ts("created_at"),
        sa.UniqueConstraint("organization_id", "code"),
    )
    op.create_table(
        "org_unit_leadership",
        *_tenant_columns(),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        _fk("org_unit_id", "org_unit"),
        _fk("employee_id", "employee"),
        sa.UniqueConstraint("organization_id", "org_unit_id", "effective_from"),
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from", name="leadership_dates"
        ),
    )
    op.create_index(
        "ix_leadership_employee", "org_unit_leadership", ["organization_id", "employee_id"]
    )
    op.execute(
        "ALTER TABLE org_unit_leadership ADD CONSTRAINT leadership_no_overlap EXCLUDE USING gist "
        "(organization_id WITH =, org_unit_id WITH =, daterange(effective_from, effective_to) WITH &&)"
    )
    op.create_table(
        "assignment",
        *_tenant_columns(),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("role_id", sa.Uuid(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        _ts("created_at"),
        _fk("employee_id", "employee"),
        _fk("role_id", "role"),
        _fk("org_unit_id", "org_unit"),
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from", name="assignment_dates"
        ),
    )
    op.create_index(
        "ix_assignment_employee", "assignment", ["organization_id", "employee_id", "effective_from"]
    )
    op.create_index("ix_assignment_unit", "assignment", ["organization_id", "org_unit_id"])
    op.execute(
        "ALTER TABLE assignment ADD CONSTRAINT assignment_no_overlap EXCLUDE USING gist "
        "(organization_id WITH =, employee_id WITH =, daterange(effective_from, effective_to) WITH &&)"
    )
    op.create_table(
        "api_key",
        *_tenant_columns(),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("prefix", sa.String(), nullable=False),
        sa.Column("secret_hash", sa.String(), nullable=False, unique=True),
        sa.Column("scopes", pg.ARRAY(sa.Text()), nullable=False),
        _ts("created_at"),
        _ts("revoked_at", nullable=True),
    )
    op.create_table(
        "audit_log",
        *_tenant_columns(),
        _ts("at"),
        sa.Column("actor_kind", sa.String(), nullable=False),
        sa.Column("actor_label", sa.String(), nullable=False),
        sa.Column("actor_employee_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("entity_type", sa.String(), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=True),
        sa.Column("before", pg.JSONB(), nullable=True),
        sa.Column("after", pg.JSONB(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("request_id", sa.String(), nullable=True),
    )
    op.create_index("ix_audit_log_entity", "audit_log", ["organization_id", "entity_id", "at"])
    op.create_index("ix_audit_log_at", "audit_log", ["organization_id", "at"])

    op.execute("GRANT USAGE ON SCHEMA public TO kra_app")
    for statement in tenant_rls("organization", column="id"):
        op.execute(statement)
    op.execute(grant_app("organization", "SELECT, INSERT, UPDATE"))
    op.execute(grant_app("tenant_lookup", "SELECT, INSERT"))
    for table in TENANT_TABLES:
        for statement in tenant_rls(table):
            op.execute(statement)
    for table in TENANT_TABLES:
        if table == "audit_log":
            # Append-only in the database itself: the service role can never rewrite history.
            op.execute(grant_app(table, "SELECT, INSERT"))
        else:
            op.execute(grant_app(table))


def downgrade() -> None:
    for table in reversed(["organization", "tenant_lookup", *TENANT_TABLES]):
        op.drop_table(table)
    op.execute("DROP FUNCTION IF EXISTS kra_current_org()")
    op.execute("REVOKE ALL ON SCHEMA public FROM kra_app")
    # kra_app and btree_gist stay: the role is shared by every database of the server.
