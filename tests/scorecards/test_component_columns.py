"""The readings aggregate sums a column per component (scoring/component_sql.py): KPIs of
different component counts in one statement each get exactly their own sums, checked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from kra_api.db.session import Database
from kra_api.graphql.core.ids import expect_id
from kra_api.scoring.aggregates import load_sums
from kra_api.scoring.kpis import load_kpis
from kra_api.scoring.trend import Grain, kpi_trend
from tests.catalog.kpi_support import create
from tests.conftest import Gql
from tests.scorecards.support import agents, hire, record

WIDE = [{"name": name} for name in ("a", "b", "c", "d", "e")]


def reading(code: str, day: str, values: dict[str, str]) -> dict[str, Any]:
    """One daily reading of employee A."""
    start = dt.date.fromisoformat(day)
    return {
        "employeeExternalId": "A",
        "kpiCode": code,
        "intervalStart": f"{start.isoformat()}T00:00:00+00:00",
        "intervalEnd": f"{(start + dt.timedelta(days=1)).isoformat()}T00:00:00+00:00",
        "components": [{"name": n, "value": v} for n, v in values.items()],
    }


async def test_each_kpi_gets_its_own_component_sums(
    gql: Gql, make_org: Any, database: Database
) -> None:
    s = await agents(gql, make_org, goals=False)
    employee = expect_id(await hire(gql, s, "A"), "Employee")
    made = await create(
        gql, s.token, code="WIDE", components=WIDE, formula="(a + b + c + d) / e", minSample=None
    )
    assert made["userErrors"] == [], made
    await record(
        gql,
        s.token,
        [
            reading("WIDE", "2026-03-02", {"a": "1.5", "b": "2", "c": "3", "d": "4", "e": "10"}),
            reading("WIDE", "2026-03-03", {"a": "0.25", "b": "0", "c": "1", "d": "1", "e": "5"}),
            reading("WIDE", "2026-04-01", {"a": "100", "b": "1", "c": "1", "d": "1", "e": "1"}),
            reading("COMPLIANCE", "2026-03-02", {"failures": "1"}),
            reading("COMPLIANCE", "2026-03-20", {"failures": "2"}),
            reading("AHT", "2026-03-05", {"handle_seconds": "3600.5", "handled": "9"}),
        ],
    )
    # B's only reading lacks components (stored by the owner, as a definition changed since
    # would leave it): the missing ones aggregate to 0.
    other = expect_id(await hire(gql, s, "B"), "Employee")
    async with database.engine.begin() as owner:
        await owner.execute(
            text(
                "INSERT INTO kpi_reading (organization_id, source, subject_kind, subject_id,"
                " kpi_id, interval_start, interval_end, components, component_values,"
                " received_at) VALUES (:org, 'wfm', 'EMPLOYEE', :b, :kpi, '2026-03-04T00:00Z',"
                " '2026-03-05T00:00Z', '{\"a\": 7}', '{7}', now())"
            ),
            {"org": s.org.id, "b": other, "kpi": expect_id(made["kpi"]["id"], "Kpi")},
        )
    group = {employee: [(dt.date(2026, 3, 1), dt.date(2026, 4, 1))]}
    b_group = {other: [(dt.date(2026, 3, 1), dt.date(2026, 4, 1))]}
    async with database.session(s.org.id) as session:
        kpis = {k.row.code: k for k in (await load_kpis(session, s.org.id)).values()}
        used = [kpis[code] for code in ("WIDE", "COMPLIANCE", "AHT", "CSAT")]
        march = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))
        groups = [group, b_group]
        sums = await load_sums(session, s.org.id, ZoneInfo("UTC"), march, groups, used)
        # The trend sums the same columns, a bucket at a time.
        months = (dt.date(2026, 3, 1), dt.date(2026, 5, 1))
        wide = kpis["WIDE"]
        a_trend = await kpi_trend(
            session, s.org.id, "UTC", ("EMPLOYEE", employee), wide, months, Grain.MONTH
        )
        b_trend = await kpi_trend(
            session, s.org.id, "UTC", ("EMPLOYEE", other), wide, months, Grain.MONTH
        )
    assert sums.for_group(group, kpis["WIDE"]) == {
        "a": Decimal("1.75"),
        "b": 2,
        "c": 4,
        "d": 5,
        "e": 15,
    }  # April 1st is not March
    assert sums.for_group(group, kpis["COMPLIANCE"]) == {"failures": 3}
    assert sums.for_group(group, kpis["AHT"]) == {"handle_seconds": Decimal("3600.5"), "handled": 9}
    assert sums.for_group(group, kpis["CSAT"]) is None  # no reading: no sums
    assert sums.for_group(b_group, kpis["WIDE"]) == {"a": 7, "b": 0, "c": 0, "d": 0, "e": 0}
    assert a_trend == [
        (dt.date(2026, 3, 1), {"a": Decimal("1.75"), "b": 2, "c": 4, "d": 5, "e": 15}),
        (dt.date(2026, 4, 1), {"a": 100, "b": 1, "c": 1, "d": 1, "e": 1}),
    ]
    assert b_trend == [
        (dt.date(2026, 3, 1), {"a": 7, "b": 0, "c": 0, "d": 0, "e": 0}),
        (dt.date(2026, 4, 1), None),
    ]
