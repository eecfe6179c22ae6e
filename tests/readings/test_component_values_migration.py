"""Migration 20261129 gives every stored reading its component values in its KPI's order."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from sqlalchemy import text

from kra_api.db import migrate
from tests.db.migrated import add_organization, database_at, owner
from tests.db.test_migrations import fetch

BEFORE = "20261128_month_sum_cut"
KPIS = """INSERT INTO kpi (organization_id, id, code, name, unit, direction, subject, components,
  formula, created_at, updated_at)
VALUES (:org, :id, :code, :code, 'RATIO', 'HIGHER_IS_BETTER', 'EMPLOYEE', :components, 'x',
  now(), now())"""
READING = """INSERT INTO kpi_reading (organization_id, source, subject_kind, subject_id, kpi_id,
  interval_start, interval_end, components, received_at)
VALUES (:org, 'wfm', 'EMPLOYEE', gen_random_uuid(), :kpi, CAST(:start AS text)::timestamptz,
  CAST(:start AS text)::timestamptz + interval '1 day', CAST(:values AS jsonb), now())"""


@pytest.fixture
async def readings_database(database_url: str) -> AsyncIterator[str]:
    """A new database migrated up to the revision before component values."""
    async with database_at(database_url, BEFORE) as url:
        yield url


async def test_stored_readings_get_their_values_in_kpi_order(readings_database: str) -> None:
    url = readings_database
    org, aht, wide = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with owner(url) as conn:
        await add_organization(conn, org)
        # Component order is the KPI's, not the JSON object's (which sorts shorter keys first).
        for kpi, code, names in (
            (aht, "AHT", ("handle_seconds", "handled")),
            (wide, "WIDE", ("zz", "a", "mid")),
        ):
            components = "[" + ",".join(f'{{"name": "{n}"}}' for n in names) + "]"
            await conn.execute(
                text(KPIS), {"org": org, "id": kpi, "code": code, "components": components}
            )
        await conn.execute(text("SELECT kra_reading_partition(DATE '2026-03-01')"))
        await conn.execute(text("SELECT kra_reading_partition(DATE '2026-04-01')"))
        for kpi, start, values in (
            (aht, "2026-03-02T00:00Z", '{"handled": 9, "handle_seconds": 3600.5}'),
            (wide, "2026-03-31T00:00Z", '{"a": -1.25, "mid": 0, "zz": 7}'),
            (wide, "2026-04-01T00:00Z", '{"a": 2, "zz": 1}'),  # "mid" missing: NULL
        ):
            await conn.execute(
                text(READING), {"org": org, "kpi": kpi, "start": start, "values": values}
            )

    await migrate.upgrade(url)

    rows = await fetch(
        url, "SELECT kpi_id, component_values FROM kpi_reading ORDER BY interval_start"
    )
    assert rows == [
        (aht, [Decimal("3600.5"), Decimal(9)]),
        (wide, [Decimal(7), Decimal("-1.25"), Decimal(0)]),
        (wide, [Decimal(1), Decimal(2), None]),
    ]
    nullable = await fetch(
        url,
        "SELECT is_nullable FROM information_schema.columns "
        "WHERE table_name = 'kpi_reading' AND column_name = 'component_values'",
    )
    assert nullable == ["NO"]
    forced = await fetch(
        url,
        "SELECT relname, relforcerowsecurity FROM pg_class "
        "WHERE relname IN ('kpi', 'kpi_reading') ORDER BY relname",
    )
    assert forced == [("kpi", True), ("kpi_reading", True)]  # lifted for the backfill only
    await migrate.downgrade(url, BEFORE)
    assert await fetch(url, "SELECT count(*) FROM kpi_reading") == [3]
