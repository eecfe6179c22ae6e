"""Benchmark readings: a month of daily readings of every KPI for every employee, written with
COPY (the partitions must exist), and ``load``: the ids of an organization generated before."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from kra_api.db.session import Database


@dataclass
class Bench:
    """Ids of the generated organization."""

    org_id: uuid.UUID
    period_id: uuid.UUID
    month: tuple[dt.date, dt.date]
    kpis: dict[str, uuid.UUID]
    teams: list[uuid.UUID] = field(default_factory=list)
    members: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)


def _values(code: str, rng: random.Random) -> list[int]:
    if code == "CSAT":
        responses = rng.randint(0, 4)
        return [rng.randint(0, responses), responses]
    if code == "QA":
        return [rng.randint(0, 10) * 9, 100 if rng.random() < 0.2 else 0, 1]
    if code == "COMPLIANCE":
        return [1 if rng.random() < 0.0005 else 0]
    base = {"FCR": 20, "AHT": 15, "ADH": 480, "TRANSFER": 15, "ABSENT": 8}[code]
    total = rng.randint(base // 2, base)
    if code == "AHT":
        return [total * rng.randint(250, 450), total]
    if code == "ABSENT":
        return [rng.randint(0, 1), total]
    return [rng.randint(total * 6 // 10, total), total]


async def write_readings(
    connection: Any,
    bench: Bench,
    components: dict[str, tuple[str, ...]],
    employees: list[uuid.UUID],
    rng: random.Random,
    now: dt.datetime,
) -> None:
    """COPY one reading per employee, KPI and day of the month (a day's rows at a time)."""
    zone_offset = dt.timezone(dt.timedelta(hours=8))  # Asia/Manila: no DST
    columns = (
        "organization_id",
        "source",
        "subject_kind",
        "subject_id",
        "kpi_id",
        "interval_start",
        "interval_end",
        "components",
        "source_revision",
        "received_at",
        "late",
        "component_values",
    )
    days = (bench.month[1] - bench.month[0]).days
    for d in range(days):
        day = bench.month[0] + dt.timedelta(days=d)
        start = dt.datetime.combine(day, dt.time(), zone_offset)
        end = start + dt.timedelta(days=1)
        records = []
        for person in employees:
            for code, names in components.items():
                values = _values(code, rng)
                text = (
                    "{" + ",".join(f'"{n}":{v}' for n, v in zip(names, values, strict=True)) + "}"
                )
                records.append(
                    (
                        bench.org_id,
                        "wfm",
                        "EMPLOYEE",
                        person,
                        bench.kpis[code],
                        start,
                        end,
                        text,
                        0,
                        now,
                        False,
                        values,
                    )
                )
        await connection.copy_records_to_table("kpi_reading", records=records, columns=columns)


async def load(database: Database, url: str) -> Bench:
    """The ids of an organization generated earlier in this database (``--database``)."""
    connection = await asyncpg.connect(url)
    try:
        org_id = await connection.fetchval(
            "SELECT id FROM organization WHERE slug = 'scoring-bench'"
        )
        period = await connection.fetchrow(
            "SELECT id, start_date, end_date FROM period WHERE organization_id = $1", org_id
        )
        kpis = dict(
            await connection.fetch("SELECT code, id FROM kpi WHERE organization_id = $1", org_id)
        )
        rows = await connection.fetch(
            "SELECT u.id, a.employee_id FROM org_unit u JOIN assignment a ON a.org_unit_id = u.id "
            "JOIN employee e ON e.id = a.employee_id "
            "WHERE u.organization_id = $1 AND u.kind = 'TEAM' "
            "ORDER BY u.external_id, e.external_id",
            org_id,
        )
    finally:
        await connection.close()
    bench = Bench(org_id, period["id"], (period["start_date"], period["end_date"]), kpis)
    for team, employee in rows:
        if team not in bench.members:
            bench.teams.append(team)
            bench.members[team] = []
        bench.members[team].append(employee)
    return bench
