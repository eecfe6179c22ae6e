"""Every path that stores a reading stores its component values in its KPI's component order
(``kpi_reading.component_values``, what the scoring aggregates sum), and a replacement replaces
them with the components."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import text

from kra_api.db.session import Database
from tests.conftest import Gql
from tests.readings.bulk_support import ndjson, post
from tests.readings.support import counts, reading, record, setup, stored


async def values(database: Database, org_id: Any) -> dict[str, list[Decimal]]:
    """Each stored reading's component values by its source."""
    await stored(database, org_id)  # checks every row against its components on the way
    async with database.session(org_id) as session:
        rows = await session.execute(text("SELECT source, component_values FROM kpi_reading"))
        return {source: list(found) for source, found in rows}


async def test_values_follow_the_kpi_order_not_the_senders(
    gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    token = await setup(gql, org)
    # The KPI's order is handle_seconds, handled; this sender gives handled first, as numbers
    # that validation normalizes (the full path).
    turned = reading(seconds="1e3", handled="007")
    turned["components"].reverse()
    assert counts(await record(gql, token, [turned], source="acd"))[0] == 1
    assert counts(await record(gql, token, [reading(seconds="12.5")]))[0] == 1  # the fast path
    assert await values(database, org.id) == {
        "acd": [Decimal(1000), Decimal(7)],
        "wfm": [Decimal("12.5"), Decimal(10)],
    }
    # A higher revision replaces the values with the components.
    replaced = await record(gql, token, [reading(seconds="30", handled="3", revision=2)])
    assert counts(replaced)[1] == 1
    assert (await values(database, org.id))["wfm"] == [Decimal(30), Decimal(3)]


async def test_bulk_lines_store_the_values(
    gql: Gql, make_org: Any, database: Database, client: httpx.AsyncClient
) -> None:
    org = await make_org()
    await setup(gql, org)
    key = await org.api_key(["readings:write"])
    line = reading(seconds="-0.5", handled="2")
    other = reading("E2", seconds="4", handled="1")
    other["components"].reverse()  # not the KPI's order: the full path
    response = await post(client, key, ndjson([line, other]))
    assert response.status_code == 200, response.text
    await stored(database, org.id)
    async with database.session(org.id) as session:
        rows = await session.execute(
            text("SELECT component_values FROM kpi_reading ORDER BY component_values[2] DESC")
        )
        assert [list(r[0]) for r in rows] == [
            [Decimal("-0.5"), Decimal(2)],
            [Decimal(4), Decimal(1)],
        ]
