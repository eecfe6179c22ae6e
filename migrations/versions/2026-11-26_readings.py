"""Readings: kpi_reading (range-partitioned by month), its quarantine, on-demand partitions.

Partitions are created by ``kra_reading_partition(day)``, a SECURITY DEFINER function owned by the
migration owner: kra_app may not create tables. It creates the month's table and ATTACHes it,
which takes only SHARE UPDATE EXCLUSIVE on the parent, so readers and writers of other months
(even the caller's own open transaction) never wait for it. There is no default partition: a row
whose month has no partition fails loudly instead of landing somewhere that later blocks creating
that month's partition.

Revision ID: 20261126_readings
Revises: 20261125_kras
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kra_api.db.ddl import grant_app, tenant_rls

revision: str = "20261126_readings"
down_revision: str | None = "20261125_kras"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = [
    "organization_id",
    "source",
    "subject_kind",
    "subject_id",
    "kpi_id",
    "interval_start",
    "interval_end",
]

# Month partitions are named kpi_reading_YYYY_MM and bounded in UTC. Two callers racing for the
# same month serialize on an advisory lock and the loser finds the table made (callers take the
# months in ascending order, so two multi-month callers cannot deadlock).
PARTITION_FUNCTION = """
CREATE FUNCTION kra_reading_partition(day date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  lower_bound date := date_trunc('month', day)::date;
  upper_bound date := (date_trunc('month', day) + interval '1 month')::date;
  part text := format('kpi_reading_%s', to_char(lower_bound, 'YYYY_MM'));
BEGIN
  -- pg_class is read with a fresh snapshot: to_regclass may answer from a catalog cache that
  -- has not yet seen the table a concurrent caller committed while we waited for the lock.
  IF EXISTS (SELECT 1 FROM pg_class WHERE relname = part
             AND relnamespace = 'public'::regnamespace) THEN
    RETURN part;
  END IF;
  PERFORM pg_advisory_xact_lock(
    hashtext('kpi_reading_partition'),
    (extract(year FROM lower_bound) * 12 + extract(month FROM lower_bound))::int
  );
  IF EXISTS (SELECT 1 FROM pg_class WHERE relname = part
             AND relnamespace = 'public'::regnamespace) THEN
    RETURN part;
  END IF;
  EXECUTE format(
    'CREATE TABLE public.%I (LIKE public.kpi_reading INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
    part
  );
  EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', part);
  EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', part);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON public.%I USING (organization_id = kra_current_org()) '
    'WITH CHECK (organization_id = kra_current_org())',
    part
  );
  EXECUTE format(
    'ALTER TABLE public.kpi_reading ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)',
    part, lower_bound::text || ' 00:00:00+00', upper_bound::text || ' 00:00:00+00'
  );
  RETURN part;
END
$$;
"""


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _kpi_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["organization_id", "kpi_id"], ["kpi.organization_id", "kpi.id"])


def upgrade() -> None:
    # No foreign key on subject_id: it names an employee or an org unit (subject_kind); the
    # ingestion path only stores ids it resolved inside the organization.
    op.create_table(
        "kpi_reading",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("subject_kind", sa.String(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("kpi_id", sa.Uuid(), nullable=False),
        _ts("interval_start"),
        _ts("interval_end"),
        sa.Column("components", pg.JSONB(), nullable=False),
        sa.Column("source_revision", sa.BigInteger(), nullable=False, server_default="0"),
        _ts("received_at"),
        sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()),
        # The delivery this row replaced last (NULL: never replaced); RETURNING reads them to
        # tell inserts from replacements and to audit corrections without a second lookup.
        sa.Column("previous_revision", sa.BigInteger(), nullable=True),
        sa.Column("previous_components", pg.JSONB(), nullable=True),
        sa.PrimaryKeyConstraint(*KEY, name="kpi_reading_pkey"),
        _kpi_fk(),
        sa.CheckConstraint("subject_kind IN ('EMPLOYEE', 'ORG_UNIT')", name="reading_subject"),
        sa.CheckConstraint("interval_end > interval_start", name="reading_interval"),
        sa.CheckConstraint("jsonb_typeof(components) = 'object'", name="reading_components"),
        postgresql_partition_by="RANGE (interval_start)",
    )
    # "These subjects, these KPIs, this date range" (and kpi_has_readings on its prefix); the
    # range on interval_start also prunes to the months asked for.
    op.create_index(
        "ix_kpi_reading_kpi_subject",
        "kpi_reading",
        ["organization_id", "kpi_id", "subject_id", "interval_start"],
    )
    op.execute(PARTITION_FUNCTION)
    op.execute("REVOKE ALL ON FUNCTION kra_reading_partition(date) FROM PUBLIC")
    op.execute("GRANT EXECUTE ON FUNCTION kra_reading_partition(date) TO kra_app")

    op.create_table(
        "kpi_reading_quarantine",
        sa.Column("organization_id", sa.Uuid(), sa.ForeignKey("organization.id"), primary_key=True),
        sa.Column("id", sa.Uuid(), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("subject_kind", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("kpi_id", sa.Uuid(), nullable=False),
        _ts("interval_start"),
        _ts("interval_end"),
        sa.Column("components", pg.JSONB(), nullable=False),
        sa.Column("source_revision", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("reason", sa.String(), nullable=False),
        _ts("received_at"),
        _kpi_fk(),
        sa.UniqueConstraint(
            "organization_id",
            "source",
            "subject_kind",
            "external_id",
            "kpi_id",
            "interval_start",
            "interval_end",
            name="kpi_reading_quarantine_key",
        ),
        sa.CheckConstraint("subject_kind IN ('EMPLOYEE', 'ORG_UNIT')", name="quarantine_subject"),
    )
    op.create_index(
        "ix_quarantine_external_id", "kpi_reading_quarantine", ["organization_id", "external_id"]
    )
    op.create_index(
        "ix_quarantine_source_received",
        "kpi_reading_quarantine",
        ["organization_id", "source", "received_at", "id"],
    )

    for statement in tenant_rls("kpi_reading"):
        op.execute(statement)
    # Readings are never deleted by the service (history is kept through source revisions).
    op.execute(grant_app("kpi_reading", "SELECT, INSERT, UPDATE"))
    for statement in tenant_rls("kpi_reading_quarantine"):
        op.execute(statement)
    op.execute(grant_app("kpi_reading_quarantine"))
    # Bulk merges stage rows in a session-private temporary table.
    op.execute(
        "DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO kra_app', "
        "current_database()); END $$"
    )


def downgrade() -> None:
    op.execute(
        "DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM kra_app', "
        "current_database()); END $$"
    )
    op.drop_table("kpi_reading_quarantine")
    op.execute("DROP FUNCTION IF EXISTS kra_reading_partition(date)")
    op.drop_table("kpi_reading")  # its month partitions go with it
