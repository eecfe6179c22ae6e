"""generate_demo_readings: reproducible, valid, realistic; stored through the ingestion path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kra_api.auth.principal import system_principal
from kra_api.catalog.builtin import load_catalogue
from kra_api.readings.demo import DemoKpi, generate_demo_readings, seed_demo_readings
from tests.conftest import Gql
from tests.readings.support import count, setup

CATALOGUE = [
    DemoKpi(k.code, k.subject.value, tuple(c.name for c in k.components)) for k in load_catalogue()
]
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))


def test_reproducible_daily_local_readings() -> None:
    args = (CATALOGUE, ["E1", "E2"], ["Q1"], [MARCH, (dt.date(2026, 3, 20), dt.date(2026, 3, 25))])
    first = list(generate_demo_readings(*args, timezone="Asia/Manila", until=dt.date(2026, 3, 11)))
    assert first == list(
        generate_demo_readings(*args, timezone="Asia/Manila", until=dt.date(2026, 3, 11))
    )
    per_day = sum(2 if k.subject == "EMPLOYEE" else 1 for k in CATALOGUE)
    assert len(first) == 10 * per_day  # March 1-10, nothing from the 11th on
    assert first[0].interval_start.isoformat() == "2026-03-01T00:00:00+08:00"
    assert first[0].interval_end - first[0].interval_start == dt.timedelta(days=1)
    other = list(
        generate_demo_readings(*args, timezone="Asia/Manila", until=dt.date(2026, 3, 11), seed=1)
    )
    assert other != first


def test_values_are_plausible() -> None:
    readings = list(generate_demo_readings(CATALOGUE, ["E1"], ["Q1"], [MARCH]))
    by_kpi: dict[str, list[dict[str, Decimal]]] = {}
    for r in readings:
        by_kpi.setdefault(r.kpi_code, []).append({n: Decimal(v) for n, v in r.components})
    for values in by_kpi["CSAT"]:
        assert 0 < values["positive"] <= values["responses"]
    for values in by_kpi["AHT"]:
        assert 200 <= values["handle_seconds"] / values["handled"] <= 500
    for values in by_kpi["OCC"]:
        assert values["handle_seconds"] < values["available_seconds"]
    for values in by_kpi["QA"]:
        assert values["points_earned"] <= values["points_possible"] == 100 * values["evaluations"]


async def test_seeded_through_the_ingestion_service(gql: Gql, make_org: Any, database: Any) -> None:
    org = await make_org()
    await setup(gql, org)
    aht = [k for k in CATALOGUE if k.code == "AHT"]
    readings = list(generate_demo_readings(aht, ["E1", "E2", "GONE"], [], [MARCH]))
    async with database.session(org.id) as session, session.begin():
        counts = await seed_demo_readings(
            session, system_principal(org.id), readings, batch_rows=40
        )
    assert (counts.inserted, counts.quarantined, counts.rejected) == (62, 31, 0)
    assert await count(database, org.id, "kpi_reading") == 62
