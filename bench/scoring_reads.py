"""Benchmark (b) of bench/scoring.py: ``scorecard`` requests per second through real HTTP (uvicorn
subprocess on 127.0.0.1, httpx) at a given concurrency, and the floor: the rows one scorecard
needs fetched straight with asyncpg at the same concurrency.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time

import asyncpg
import httpx

from harness import Server
from kra_api.graphql.core.ids import to_global_id
from scoring_data import Bench

SCORECARD = """query($e: ID!, $p: ID!) { scorecard(employeeId: $e, periodId: $p) {
  overallScore overallStatus coverage gateFailed band { level label } role { code }
  orgUnit { name } kraSet { version }
  kras { kra { title } weight score status coverage items {
    kpi { code } status value componentSums { name value } threshold target stretch
    goals { days goal { id } } segment score weight contribution gatePassed } } } }"""
FLOOR_DEFINITIONS = """
SELECT a.role_id, a.org_unit_id, k.id, k.weight, i.id, i.kpi_id, i.weight, i.gate_maximum
FROM assignment a
JOIN kra_set s ON s.organization_id = a.organization_id AND s.role_id = a.role_id
 AND s.status = 'PUBLISHED' AND s.effective_from <= $3
 AND (s.effective_to IS NULL OR s.effective_to > $3)
JOIN kra k ON k.organization_id = s.organization_id AND k.kra_set_id = s.id
JOIN kra_item i ON i.organization_id = k.organization_id AND i.kra_id = k.id
WHERE a.organization_id = $1 AND a.employee_id = $2 AND a.effective_from <= $3
  AND (a.effective_to IS NULL OR a.effective_to > $3)
"""
FLOOR_GOALS = """
SELECT id, kpi_id, scope_kind, scope_id, effective_from, effective_to, threshold, target, stretch
FROM goal WHERE organization_id = $1 AND status = 'APPROVED' AND kpi_id = ANY($2::uuid[])
  AND effective_from < $4 AND (effective_to IS NULL OR effective_to > $3)
"""
FLOOR_SUMS = """
SELECT r.kpi_id, sum(r.component_values[1]), sum(r.component_values[2]),
  sum(r.component_values[3])
FROM kpi_reading r
WHERE r.organization_id = $1 AND r.kpi_id = ANY($5::uuid[]) AND r.subject_id = $2
  AND r.interval_start >= $3 AND r.interval_start < $4
GROUP BY 1
"""


async def http_rate(url: str, bench: Bench, key: str, seconds: float, concurrency: int) -> float:
    """(b) scorecard requests per second through uvicorn at ``concurrency``."""
    agents = [m for team in bench.teams for m in bench.members[team][1:]]
    period = to_global_id("Period", bench.period_id)
    server = Server(url)
    done = 0
    try:
        await asyncio.to_thread(server.wait_ready)
        limits = httpx.Limits(max_connections=concurrency)
        headers = {"Authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(
            base_url=server.base, headers=headers, limits=limits, timeout=60
        ) as client:
            rng = random.Random(3)

            async def one() -> None:
                employee = to_global_id("Employee", rng.choice(agents))
                variables = {"e": employee, "p": period}
                body = (
                    await client.post("/graphql", json={"query": SCORECARD, "variables": variables})
                ).json()
                assert body["data"]["scorecard"]["overallStatus"], body

            for _ in range(concurrency):  # warm-up: connections, plans, imports
                await one()
            deadline = time.perf_counter() + seconds

            async def worker() -> None:
                nonlocal done
                while time.perf_counter() < deadline:
                    await one()
                    done += 1

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            elapsed = time.perf_counter() - started
    finally:
        server.stop()
    return done / elapsed


async def floor_rate(url: str, bench: Bench, seconds: float, concurrency: int) -> float:
    """The floor of (b): the rows one scorecard needs, straight from asyncpg, same concurrency."""
    agents = [m for team in bench.teams for m in bench.members[team][1:]]
    zone = dt.timezone(dt.timedelta(hours=8))
    lo = dt.datetime.combine(bench.month[0], dt.time(), zone)
    hi = dt.datetime.combine(bench.month[1], dt.time(), zone)
    last_day = bench.month[1] - dt.timedelta(days=1)
    pool = await asyncpg.create_pool(url, min_size=concurrency, max_size=concurrency)
    rng = random.Random(3)
    done = 0

    async def one() -> None:
        employee = rng.choice(agents)
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "SELECT set_config('role', 'kra_app', true), "
                "set_config('app.organization_id', $1, true)",
                str(bench.org_id),
            )
            items = await conn.fetch(FLOOR_DEFINITIONS, bench.org_id, employee, last_day)
            kpis = sorted({row[5] for row in items})
            await conn.fetch(FLOOR_GOALS, bench.org_id, kpis, bench.month[0], bench.month[1])
            await conn.fetch(FLOOR_SUMS, bench.org_id, employee, lo, hi, kpis)

    try:
        for _ in range(concurrency):
            await one()
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                await one()
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - started)
    finally:
        await pool.close()
