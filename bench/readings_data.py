"""Benchmark data: N daily readings for E employees and K KPIs, written as NDJSON.

Rows cycle employee-fastest, then KPI, then day, so every batch of the stream touches every
employee and KPI of a few days (the usual shape of a WFM export). Seeded: reproducible.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

import orjson

KPIS = ("ABSENT", "ACW", "ADH", "AHT", "CSAT", "FCR", "QA", "TRANSFER")


def employee_ids(count: int) -> list[str]:
    """External ids of the benchmark employees."""
    return [f"B{n:04d}" for n in range(count)]


def first_day(rows: int, employees: int, kpis: int) -> dt.date:
    """The first day, chosen so that the last one is yesterday (nothing in the future)."""
    days = -(-rows // (employees * kpis))
    return dt.date.today() - dt.timedelta(days=days + 1)


def write_ndjson(
    path: Path,
    rows: int,
    employees: Sequence[str],
    components: dict[str, Sequence[str]],
    seed: int = 7,
) -> None:
    """Write ``rows`` readings to ``path``."""
    rng = random.Random(seed)
    codes = list(components)
    start = first_day(rows, len(employees), len(codes))
    per_day = len(employees) * len(codes)
    with path.open("wb") as out:
        for i in range(rows):
            day = start + dt.timedelta(days=i // per_day)
            code = codes[(i // len(employees)) % len(codes)]
            values = [
                {"name": name, "value": f"{rng.randint(1, 40000)}.{rng.randint(0, 99):02d}"}
                for name in components[code]
            ]
            out.write(
                orjson.dumps(
                    {
                        "employeeExternalId": employees[i % len(employees)],
                        "kpiCode": code,
                        "intervalStart": f"{day}T00:00:00+00:00",
                        "intervalEnd": f"{day + dt.timedelta(days=1)}T00:00:00+00:00",
                        "components": values,
                    }
                )
                + b"\n"
            )


def read_ndjson(path: Path) -> Iterator[dict[str, object]]:
    """The readings of an NDJSON file."""
    with path.open("rb") as lines:
        for line in lines:
            yield orjson.loads(line)
