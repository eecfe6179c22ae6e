"""POST /v1/readings: NDJSON and CSV, gzip, broken lines, atomic / dryRun, credentials."""

from __future__ import annotations

import gzip
from typing import Any

import httpx
import pytest

from kra_api.app import create_app
from kra_api.config import Settings
from kra_api.db.session import Database
from kra_api.readings.batch import Ingestion
from tests.conftest import Gql
from tests.readings.bulk_support import (
    CSV,
    CSV_HEADER,
    chunks,
    csv_line,
    day,
    ndjson,
    post,
)
from tests.readings.support import count, quarantined, reading, setup, stored


def _aht(employee: str, n: int, seconds: str = "300", **extra: Any) -> dict[str, Any]:
    start, end = day(n)
    return reading(employee, start=start, end=end, seconds=seconds, **extra)


def _summary(response: httpx.Response) -> tuple[int, ...]:
    body = response.json()
    return tuple(
        body[k] for k in ("lines", "inserted", "updated", "unchanged", "quarantined", "rejected")
    )


async def test_ndjson_happy_path_and_replay(
    client: httpx.AsyncClient, gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    await setup(gql, org)
    key = await org.api_key(["readings:write"])
    body = ndjson([_aht("E1", 1), _aht("E2", 1), _aht("E1", 2), _aht("N1", 1)])
    response = await post(client, key, body)
    assert response.status_code == 200, response.text
    assert _summary(response) == (4, 3, 0, 0, 1, 0)
    assert response.json()["committed"] is True
    assert response.json()["errors"] == []
    first = await stored(database, org.id)
    replay = await post(client, key, body)
    assert _summary(replay) == (4, 0, 0, 3, 1, 0)
    assert await stored(database, org.id) == first


async def test_csv_happy_path(
    client: httpx.AsyncClient, gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    await setup(gql, org)
    key = await org.api_key(["readings:write"])
    lines = [
        CSV_HEADER + ",source_revision",
        csv_line("E1", 1, "300.5") + ",2",
        '"E2",AHT,2026-03-01T00:00:00Z,2026-03-02T00:00:00Z,"1,5",3,',
        "",
        csv_line("E2", 2) + ",",
    ]
    response = await post(client, key, "\r\n".join(lines).encode(), media=CSV)
    assert response.status_code == 200, response.text
    body = response.json()
    assert _summary(response) == (3, 2, 0, 0, 0, 1)
    assert body["errors"] == [
        {
            "line": 3,
            "code": "INVALID",
            "field": ["handle_seconds"],
            "message": "'1,5' is not a decimal number",
        }
    ]
    rows = await stored(database, org.id)
    assert sorted((r["source_revision"], str(r["components"]["handle_seconds"])) for r in rows) == [
        (0, "300"),
        (2, "300.5"),
    ]


@pytest.mark.parametrize("media", ["ndjson", "csv"])
async def test_gzip_bodies(
    client: httpx.AsyncClient, gql: Gql, make_org: Any, database: Database, media: str
) -> None:
    org = await make_org()
    await setup(gql, org)
    key = await org.api_key(["readings:write"])
    if media == "ndjson":
        plain, content_type = ndjson(_aht("E1", n) for n in range(1, 21)), "application/x-ndjson"
    else:
        rows = [CSV_HEADER, *(csv_line("E1", n) for n in range(1, 21))]
        plain, content_type = "\n".join(rows).encode(), CSV
    # Two gzip members back to back are one body (as `cat a.gz b.gz` makes).
    half = plain.index(b"\n", len(plain) // 2) + 1
    body = gzip.compress(plain[:half]) + gzip.compress(plain[half:])
    headers = {"Content-Type": content_type, "Content-Encoding": "gzip", "X-API-Key": key}
    response = await client.post("/v1/readings?source=wfm", content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["inserted"] == 20
    corrupt = await post(client, key, b"\x1f\x8b\x08\x00garbage", params={}, gzipped=False)
    assert corrupt.status_code == 200  # not declared as gzip: just broken lines
    declared = await client.post(
        "/v1/readings?source=wfm", content=b"\x1f\x8b\x08\x00garbage", headers=headers
    )
    assert declared.status_code == 400
    assert declared.json()["error"]["code"] == "BAD_BODY"


async def test_a_bad_line_in_the_middle(
    client: httpx.AsyncClient, gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    await setup(gql, org)
    key = await org.api_key(["readings:write"])
    body = b"".join(
        [
            ndjson([_aht("E1", 1)]),
            b'{"kpiCode": "AHT", "employeeExternalId": "E1", oops\n',
            ndjson([_aht("E1", 2, seconds="NaN"), _aht("E1", 3, extra=1)]),
            b"[1, 2]\n",
            ndjson([{**_aht("E2", 4), "intervalStart": "2026-03-04T00:00:00"}, _aht("E1", 5)]),
        ]
    )
    response = await post(client, key, body)
    assert response.status_code == 200
    body_json = response.json()
    assert _summary(response) == (7, 2, 0, 0, 0, 5)
    assert [(e["line"], e["code"], e["field"]) for e in body_json["errors"]] == [
        (2, "INVALID_JSON", []),
        (3, "NOT_FINITE", ["components", "0", "value"]),
        (4, "INVALID", ["extra"]),
        (5, "INVALID_JSON", []),
        (6, "NAIVE_TIMESTAMP", ["intervalStart"]),
    ]
    assert await count(database, org.id, "kpi_reading") == 2


async def test_atomic_and_dry_run(
    client: httpx.AsyncClient, gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    await setup(gql, org)
    key = await org.api_key(["readings:write"])
    good = ndjson([_aht("E1", 1), _aht("Z9", 1)])
    bad = good + b"not json\n"
    refused = await post(client, key, bad, params={"atomic": "true"})
    assert refused.status_code == 422
    assert _summary(refused) == (3, 0, 0, 0, 0, 1)
    assert refused.json()["committed"] is False
    assert await count(database, org.id, "kpi_reading") == 0
    assert await count(database, org.id, "kpi_reading_quarantine") == 0
    dry = await post(client, key, bad, params={"dryRun": "true"})
    assert dry.status_code == 200
    assert _summary(dry) == (3, 1, 0, 0, 1, 1)
    assert await count(database, org.id, "kpi_reading") == 0
    done = await post(client, key, good, params={"atomic": "true"})
    assert (done.status_code, _summary(done)) == (200, (2, 1, 0, 0, 1, 0))
    assert (await post(client, key, good, params={"atomic": "maybe"})).status_code == 400


async def test_credentials(
    client: httpx.AsyncClient, gql: Gql, make_org: Any, database: Database
) -> None:
    a, b = await make_org(), await make_org()
    await setup(gql, a, "A1")
    await setup(gql, b, "B1")
    body = ndjson([_aht("A1", 1), _aht("B1", 1)])
    assert (await post(client, None, body)).status_code == 401
    assert (await post(client, "kra_not-a-key", body)).status_code == 401
    wrong_scope = await a.api_key(["people:write", "scorecards:read"])
    forbidden = await post(client, wrong_scope, body)
    assert (forbidden.status_code, forbidden.json()["error"]["code"]) == (403, "FORBIDDEN")
    assert (await post(client, a.token("manager", sub="A1"), body)).status_code == 403
    assert (await post(client, a.token("hr"), ndjson([_aht("A1", 2)]))).status_code == 200
    # B's key writes into B: A's employee is unknown there (quarantined in B), A is untouched.
    response = await post(client, await b.api_key(["readings:write"]), body)
    assert _summary(response) == (2, 1, 0, 0, 1, 0)
    assert [q["external_id"] for q in await quarantined(database, b.id)] == ["A1"]
    assert await count(database, a.id, "kpi_reading") == 1
    assert await count(database, a.id, "kpi_reading_quarantine") == 0
    assert await count(database, b.id, "kpi_reading") == 1


async def test_request_problems(client: httpx.AsyncClient, gql: Gql, make_org: Any) -> None:
    org = await make_org()
    await setup(gql, org)
    key = await org.api_key(["readings:write"])
    assert (await post(client, key, b"{}", media="application/json")).status_code == 415
    missing = await client.post(
        "/v1/readings", content=b"", headers={"X-API-Key": key, "Content-Type": CSV}
    )
    assert missing.status_code == 400
    header = await post(client, key, b"employee_external_id,kpi_code\nE1,AHT\n", media=CSV)
    assert header.status_code == 400
    assert "missing interval_start, interval_end" in header.json()["error"]["message"]
    encoded = await client.post(
        "/v1/readings?source=wfm",
        content=b"",
        headers={"X-API-Key": key, "Content-Type": CSV, "Content-Encoding": "br"},
    )
    assert encoded.status_code == 400


async def test_a_50_mb_body_with_a_line_over_the_cap(
    client: httpx.AsyncClient, gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    await setup(gql, org)
    key = await org.api_key(["readings:write"])
    body = chunks(
        ndjson([_aht("E1", 1)]),
        b'{"kpiCode": "AHT", "note": "',
        (b"x" * 1024, 50 * 1024),  # 50 MiB without a line end
        b'"}\n',
        ndjson([_aht("E1", 2), _aht("E1", 3)]),
        b"y" * 70_000,  # a last line over the cap, without a line end
    )
    response = await post(client, key, body)
    assert response.status_code == 200
    assert _summary(response) == (5, 3, 0, 0, 0, 2)
    assert [(e["line"], e["code"]) for e in response.json()["errors"]] == [
        (2, "LINE_TOO_LONG"),
        (5, "LINE_TOO_LONG"),
    ]
    assert "longer than 65536 bytes" in response.json()["errors"][0]["message"]


async def test_batches_and_the_body_cap(
    settings: Settings, database: Database, gql: Gql, make_org: Any
) -> None:
    small = settings.model_copy(update={"ingest_batch_rows": 3, "max_ingest_bytes": 4096})
    transport = httpx.ASGITransport(app=create_app(small, database))
    org = await make_org()
    await setup(gql, org)
    key = await org.api_key(["readings:write"])
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        rows = [_aht("E1", n) for n in range(1, 11)]
        rows[4]["kpiCode"] = "NOPE"
        response = await post(client, key, ndjson(rows))
        assert _summary(response) == (10, 9, 0, 0, 0, 1)
        assert [e["line"] for e in response.json()["errors"]] == [5]
        too_big = await post(client, key, ndjson([_aht("E1", 1)]) * 40)
        assert too_big.status_code == 413
        streamed = await post(client, key, chunks((ndjson([_aht("E2", 1)]), 40)))
        assert streamed.status_code == 413


class _Deadlock(Exception):
    sqlstate = "40P01"


async def test_a_deadlocked_batch_is_retried(
    client: httpx.AsyncClient,
    gql: Gql,
    make_org: Any,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    org = await make_org()
    await setup(gql, org)
    key = await org.api_key(["readings:write"])
    real = Ingestion.write
    failures = [1]

    async def flaky(self: Ingestion, *args: Any, **kwargs: Any) -> Any:
        if failures[0]:
            failures[0] -= 1
            raise _Deadlock("deadlock detected")
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(Ingestion, "write", flaky)
    response = await post(client, key, ndjson([_aht("E1", 1), _aht("E2", 1)]))
    assert _summary(response) == (2, 2, 0, 0, 0, 0)
    failures[0] = 5  # more than the retries: the client is told to replay
    refused = await post(client, key, ndjson([_aht("E1", 2)]))
    assert (refused.status_code, refused.headers["retry-after"]) == (503, "1")
    assert refused.json()["error"]["code"] == "RETRY"
    assert await count(database, org.id, "kpi_reading") == 2


async def test_odd_external_ids_survive_the_staging_copy(
    client: httpx.AsyncClient, gql: Gql, make_org: Any, database: Database
) -> None:
    org = await make_org()
    await setup(gql, org)
    key = await org.api_key(["readings:write"])
    odd = "a\tb\\c\nd\r\\N é"
    response = await post(client, key, ndjson([_aht(odd, 1), _aht("E1", 1)]))
    assert _summary(response) == (2, 1, 0, 0, 1, 0)
    assert [q["external_id"] for q in await quarantined(database, org.id)] == [odd]
