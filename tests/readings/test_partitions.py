"""Month partitions are created on demand; a date-range read touches only its months."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from kra_api.auth.principal import system_principal
from kra_api.db.session import Database
from kra_api.readings.batch import Ingestion
from kra_api.readings.partitions import ensure_partitions
from kra_api.readings.repository import readings_between
from kra_api.readings.schemas import ReadingIn
from tests.conftest import Gql
from tests.readings.support import reading, record, setup, stored

# Months no other test writes to: their partitions must not exist before these tests.
JULY, AUGUST = "kpi_reading_2019_07", "kpi_reading_2019_08"


async def _partition(database: Database, name: str) -> dict[str, Any] | None:
    async with database.engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT c.relrowsecurity, c.relforcerowsecurity, "
                    "pg_get_expr(c.relpartbound, c.oid) AS bound, p.relname AS parent "
                    "FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid "
                    "JOIN pg_class p ON p.oid = i.inhparent WHERE c.relname = :name"
                ),
                {"name": name},
            )
        ).first()
    return dict(row._mapping) if row else None


def _day(day: str) -> dict[str, str]:
    start = dt.date.fromisoformat(day)
    return {"start": f"{start}T00:00:00Z", "end": f"{start + dt.timedelta(days=1)}T00:00:00Z"}


async def test_a_new_month_gets_its_partition(gql: Gql, make_org: Any, database: Database) -> None:
    org = await make_org()
    token = await setup(gql, org)
    assert await _partition(database, JULY) is None
    payload = await record(
        gql, token, [reading(**_day("2019-07-31")), reading(**_day("2019-08-01"))]
    )
    assert payload["inserted"] == 2
    july = await _partition(database, JULY)
    assert july == {
        "relrowsecurity": True,
        "relforcerowsecurity": True,
        "bound": "FOR VALUES FROM ('2019-07-01 00:00:00+00') TO ('2019-08-01 00:00:00+00')",
        "parent": "kpi_reading",
    }
    assert await _partition(database, AUGUST) is not None
    # kra_app reaches the month tables only through the parent (where RLS applies).
    async with database.session(org.id) as session:
        allowed = (
            await session.execute(text(f"SELECT has_table_privilege('{JULY}', 'SELECT')"))
        ).scalar_one()
    assert allowed is False

    subject = (await stored(database, org.id))[0]["subject_id"]
    kpi = (await stored(database, org.id))[0]["kpi_id"]
    stmt = readings_between(
        org.id,
        [subject],
        [kpi],
        dt.datetime(2019, 7, 1, tzinfo=dt.UTC),
        dt.datetime(2019, 8, 1, tzinfo=dt.UTC),
    )
    sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    async with database.session(org.id) as session:
        plan = "\n".join(r[0] for r in await session.execute(text(f"EXPLAIN {sql}")))
        rows = (await session.execute(stmt)).all()
    assert "Index Scan using kpi_reading_2019_07_" in plan
    assert JULY in plan
    assert "kpi_reading_20" not in plan.replace(JULY, "")  # no other month is scanned
    assert [r.interval_start.day for r in rows] == [31]


async def test_racing_creators_of_one_month_agree(database: Database) -> None:
    async with database.session(None) as a, database.session(None) as b:
        months = [dt.date(2018, 2, 1), dt.date(2018, 3, 1)]
        await asyncio.gather(ensure_partitions(a, months), ensure_partitions(b, months[::-1]))
    assert await _partition(database, "kpi_reading_2018_02") is not None
    assert await _partition(database, "kpi_reading_2018_03") is not None


async def test_a_transaction_sees_a_month_created_after_it_merged(
    gql: Gql, make_org: Any, database: Database
) -> None:
    """A plan prepared earlier in the transaction would route rows by the old partition list."""
    org = await make_org()
    await setup(gql, org)
    ingestion = Ingestion(system_principal(org.id), "wfm")

    def one(day: dt.datetime) -> ReadingIn:
        return ReadingIn(
            kpi_code="AHT",
            interval_start=day,
            interval_end=day + dt.timedelta(days=1),
            components=[("handle_seconds", "1"), ("handled", "1")],
            employee_external_id="E1",
        )

    async with database.session(org.id) as session, session.begin():
        for day in (dt.datetime(2017, 5, 3, tzinfo=dt.UTC), dt.datetime(2017, 6, 3, tzinfo=dt.UTC)):
            stored_batch = await ingestion.store(
                session, await ingestion.check(session, [one(day)])
            )
            assert stored_batch.counts.inserted == 1
    assert len(await stored(database, org.id)) == 2
    assert uuid.UUID(int=0) not in {r["subject_id"] for r in await stored(database, org.id)}
