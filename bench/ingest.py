"""Ingestion benchmark: readings/s through POST /v1/readings (NDJSON over real HTTP), through
kpiReadingsRecord (batches of 1000), and the floor: asyncpg COPY of the same rows into the same
table. Also the peak RSS of the API process while it streams the NDJSON body.

    uv run python bench/ingest.py [--rows 1000000] [--employees 200] [--graphql-rows N]

Uses KRA_DATABASE_URL's server (else the embedded one); each measurement gets a fresh database,
dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import CpuMeter, Server, cpu_seconds
from kra_api.auth.principal import system_principal
from kra_api.bootstrap import create_api_key, create_org
from kra_api.catalog import service as catalog
from kra_api.config import Settings
from kra_api.db import migrate
from kra_api.db.admin import drop_database, ensure_database
from kra_api.db.embedded import start_embedded
from kra_api.db.session import Database
from kra_api.people import service as people
from readings_data import KPIS, employee_ids, read_ndjson, write_ndjson

RECORD = """mutation($input: KpiReadingsRecordInput!) { kpiReadingsRecord(input: $input) {
  inserted updated unchanged quarantined rejected userErrors { code field message } } }"""
COPY_CPU = [0.0]  # backend CPU seconds of the last COPY floor run
COLUMNS = (
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


async def _prepare(url: str, employees: list[str]) -> dict[str, Any]:
    """An organization with the KPIs and employees; returns ids and credentials."""
    database = Database(url, set_role=True, pool_size=2, max_overflow=0)
    try:
        org = await create_org(database, name="Bench BPO", slug="bench", timezone="UTC")
        principal = system_principal(org.id, "bench")
        async with database.session(org.id) as session, session.begin():
            kpis = await catalog.import_catalogue(session, principal, list(KPIS))
            for start in range(0, len(employees), 100):
                rows = [
                    people.EmployeeIn(external_id=e, name=f"Agent {e}")
                    for e in employees[start : start + 100]
                ]
                await people.upsert_employees(session, principal, rows)
        async with database.session(org.id) as session:
            found = await people.repo.employees_by_external_id(session, org.id, employees)
        key = await create_api_key(database, org.id, name="bench", scopes=["readings:write"])
        return {
            "org": org.id,
            "key": key,
            "kpis": {k.code: k.id for k in kpis},
            "components": {k.code: [c["name"] for c in k.components] for k in kpis},
            "employees": {e: found[e].id for e in employees},
        }
    finally:
        await database.dispose()


def _file_chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with path.open("rb") as body:
        while chunk := body.read(size):
            yield chunk


def run_ndjson(server: Server, key: str, path: Path) -> tuple[float, dict[str, Any]]:
    """Stream the file to POST /v1/readings; returns (seconds, summary)."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/x-ndjson"}
    started = time.perf_counter()
    response = httpx.post(
        f"{server.base}/v1/readings?source=bench",
        content=_file_chunks(path),
        headers=headers,
        timeout=3600,
    )
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    summary: dict[str, Any] = response.json()
    return elapsed, summary


def run_graphql(server: Server, key: str, path: Path, rows: int) -> tuple[float, int]:
    """kpiReadingsRecord in batches of 1000; returns (seconds, readings inserted)."""
    headers = {"Authorization": f"Bearer {key}"}
    inserted = 0
    batch: list[dict[str, object]] = []
    elapsed = 0.0
    with httpx.Client(base_url=server.base, headers=headers, timeout=3600) as client:

        def send() -> None:
            nonlocal inserted, elapsed
            variables = {"input": {"source": "bench", "readings": batch}}
            started = time.perf_counter()
            body = client.post("/graphql", json={"query": RECORD, "variables": variables}).json()
            elapsed += time.perf_counter() - started
            payload = body["data"]["kpiReadingsRecord"]
            assert payload["userErrors"] == [], payload["userErrors"][:3]
            inserted += payload["inserted"]

        for n, row in enumerate(read_ndjson(path)):
            if n >= rows:
                break
            batch.append(row)
            if len(batch) == 1000:
                send()
                batch = []
        if batch:
            send()
    return elapsed, inserted


def _components(values: Any) -> str:
    return "{" + ",".join(f'"{v["name"]}":{v["value"]}' for v in values) + "}"


async def run_copy(url: str, ids: dict[str, Any], path: Path) -> tuple[float, int]:
    """The floor: COPY the same rows straight into kpi_reading; returns (seconds, rows)."""
    now = dt.datetime.now(dt.UTC)
    records = [
        (
            ids["org"],
            "bench",
            "EMPLOYEE",
            ids["employees"][row["employeeExternalId"]],
            ids["kpis"][row["kpiCode"]],
            dt.datetime.fromisoformat(str(row["intervalStart"])),
            dt.datetime.fromisoformat(str(row["intervalEnd"])),
            _components(row["components"]),
            0,
            now,
            False,
            [Decimal(str(v["value"])) for v in row["components"]],
        )
        for row in read_ndjson(path)
    ]
    connection = await asyncpg.connect(url)
    try:
        months = sorted({r[5].date().replace(day=1) for r in records})
        for month in months:  # the other paths make theirs as they go; not timed here
            await connection.fetchval("SELECT kra_reading_partition($1)", month)
        backend = psutil.Process(await connection.fetchval("SELECT pg_backend_pid()"))
        cpu = cpu_seconds([backend])
        started = time.perf_counter()
        await connection.copy_records_to_table("kpi_reading", records=records, columns=COLUMNS)
        elapsed = time.perf_counter() - started
        COPY_CPU[0] = cpu_seconds([backend]) - cpu
        return elapsed, len(records)
    finally:
        await connection.close()


async def _sql(url: str, statement: str) -> Any:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(statement)
    finally:
        await connection.close()


class Fresh:
    """A migrated database of its own with the benchmark's organization, dropped on exit: each
    measurement starts from the same empty state (no earlier run's WAL, vacuum or caches)."""

    def __init__(self, server_url: str, employees: list[str]) -> None:
        self.server_url, self.employees = server_url, employees
        self.name = f"kra_bench_{uuid.uuid4().hex[:8]}"
        self.url = ""
        self.ids: dict[str, Any] = {}

    def __enter__(self) -> Fresh:
        self.url = asyncio.run(ensure_database(self.server_url, self.name))
        asyncio.run(migrate.upgrade(self.url))
        self.ids = asyncio.run(_prepare(self.url, self.employees))
        asyncio.run(_sql(self.url, "CHECKPOINT"))
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.run(drop_database(self.server_url, self.name))


def _components_of(server_url: str, employees: list[str]) -> dict[str, list[str]]:
    with Fresh(server_url, employees) as db:
        components: dict[str, list[str]] = db.ids["components"]
        return components


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--graphql-rows", type=int, default=None, help="default: --rows")
    args = parser.parse_args()
    graphql_rows = args.rows if args.graphql_rows is None else args.graphql_rows
    server_url = os.environ.get("KRA_DATABASE_URL") or start_embedded(Settings().data_dir)
    employees = employee_ids(args.employees)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "readings.ndjson"
        started = time.perf_counter()
        write_ndjson(path, args.rows, employees, _components_of(server_url, employees))
        size = path.stat().st_size
        print(
            f"generated {args.rows:,} readings ({size / 2**20:.0f} MiB) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        with Fresh(server_url, employees) as db:
            copy_s, copied = asyncio.run(run_copy(db.url, db.ids, path))
        with Fresh(server_url, employees) as db:
            server = Server(db.url)
            try:
                server.wait_ready()
                idle = server.rss()
                sampler = server.sampling()
                with CpuMeter(db.name, psutil.Process(server.process.pid)) as ndjson_cpu:
                    ndjson_s, summary = run_ndjson(server, db.ids["key"], path)
                server.stop_sampling(sampler)
            finally:
                server.stop()
            assert summary["inserted"] == args.rows, summary
            stored = asyncio.run(_sql(db.url, "SELECT count(*) FROM kpi_reading"))
            assert stored == args.rows, stored
        with Fresh(server_url, employees) as db:
            graphql_server = Server(db.url)
            try:
                graphql_server.wait_ready()
                graphql_s, inserted = run_graphql(graphql_server, db.ids["key"], path, graphql_rows)
            finally:
                graphql_server.stop()
            assert inserted == min(graphql_rows, args.rows)
    ndjson_rate, copy_rate = args.rows / ndjson_s, copied / copy_s
    graphql_rate = inserted / graphql_s
    print(f"NDJSON  POST /v1/readings : {ndjson_rate:>10,.0f} readings/s ({ndjson_s:.1f} s)")
    print(
        f"GraphQL kpiReadingsRecord : {graphql_rate:>10,.0f} readings/s "
        f"({graphql_s:.1f} s for {inserted:,})"
    )
    print(f"COPY floor                : {copy_rate:>10,.0f} readings/s ({copy_s:.1f} s)")
    print(f"NDJSON / COPY  = {ndjson_rate / copy_rate:.2f}  (target >= 0.5)")
    print(f"GraphQL / COPY = {graphql_rate / copy_rate:.2f}")
    per_row = 1e6 / args.rows
    print(
        f"CPU per reading: NDJSON API {ndjson_cpu.used[0] * per_row:.1f} us + PostgreSQL "
        f"{ndjson_cpu.used[1] * per_row:.1f} us; COPY PostgreSQL "
        f"{COPY_CPU[0] * per_row:.1f} us (backends of a local server)"
    )
    print(
        f"API process RSS: idle {idle / 2**20:.0f} MB, peak during the NDJSON stream "
        f"{server.peak / 2**20:.0f} MB (target <= 250 MB)"
    )


if __name__ == "__main__":
    main()
